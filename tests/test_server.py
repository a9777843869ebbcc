"""The server on a real port: SPARQL protocol, read-only rules, limits, downloads, home page.

Answers are compared with rdflib's own evaluation over the build's `dataset.trig`.
"""

from __future__ import annotations

import csv
import hashlib
import html
import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from live import listener, nobody_connected, running, settings_for
from pyparsing import ParseException
from rdflib import RDFS, BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.query import Result
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, TURTLE, SPARQLWrapper

from graph.namespaces import SD
from graph.oxstore import write_store
from server import create_app
from server.errors import ServerStartError
from server.serve import serve

PROJECT_ROOT = Path(__file__).resolve().parent.parent
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# Four unconstrained patterns: far more work than any time limit allows on any real build.
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


# --- helpers and fixtures -------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_url(build_dir: Path) -> Iterator[str]:
    with running(create_app(settings_for(build_dir))) as url:
        yield url


@pytest.fixture(scope="module")
def endpoint(base_url: str) -> str:
    return base_url + "/sparql"


@pytest.fixture(scope="module")
def limited_url(build_dir: Path) -> Iterator[str]:
    """A server with a 3-row cap and a 1-second time limit."""
    with running(create_app(settings_for(build_dir, row_cap=3, query_timeout=1))) as url:
        yield url


@pytest.fixture(scope="module")
def reference(build_dir: Path) -> Dataset:
    """rdflib's own reading of the build, to compare the endpoint's answers with."""
    dataset = Dataset(default_union=True)
    dataset.parse(build_dir / "dataset.trig", format="trig")
    return dataset


@pytest.fixture(scope="module")
def manifest(build_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
    return data


def rows_of(result: Result) -> Counter[tuple[str, ...]]:
    """A SELECT result as a multiset of rows (blank nodes made anonymous, columns by name)."""
    variables = sorted(str(v) for v in result.vars or [])
    rows: Counter[tuple[str, ...]] = Counter()
    for binding in result.bindings:
        by_name = {str(k): v for k, v in binding.items()}
        rows[tuple(_term(by_name.get(v)) for v in variables)] += 1
    return rows


def _term(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return "_:b"
    return str(term.n3())


def reference_rows(reference: Dataset, query: str) -> Counter[tuple[str, ...]]:
    return rows_of(reference.query(query))


def endpoint_rows(endpoint: str, query: str, **kwargs: Any) -> Counter[tuple[str, ...]]:
    response = requests.post(endpoint, data={"query": query}, timeout=30, **kwargs)
    assert response.status_code == 200, response.text
    return rows_of(Result.parse(io.BytesIO(response.content), format="json"))


def count_of(endpoint: str, query: str = COUNT_ALL) -> int:
    response = requests.get(
        endpoint, params={"query": query}, headers={"Accept": "application/json"}, timeout=30
    )
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def reference_count(reference: Dataset, query: str = COUNT_ALL) -> int:
    row: tuple[Any, ...] = tuple(next(iter(reference.query(query))))
    return int(row[0])


def raw_get(base_url: str, path: str) -> int:
    """GET a path exactly as written (no client-side normalisation of `..`), following redirects."""
    host, port = base_url.removeprefix("http://").split(":")
    for _ in range(3):
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            location = response.getheader("Location")
            if response.status not in (301, 302, 307, 308) or not location:
                return response.status
            path = location.removeprefix(base_url)
        finally:
            connection.close()
    raise AssertionError(f"too many redirects for {path}")


def write_build(folder: Path, trig: str, **manifest_values: Any) -> Path:
    """A small hand-made build folder (dataset.trig, graph.ttl, manifest.json, one stray file)."""
    folder.mkdir(parents=True, exist_ok=True)
    dataset = Dataset(default_union=True)
    dataset.parse(data=trig, format="trig")
    (folder / "dataset.trig").write_text(trig, encoding="utf-8")
    union = Graph()
    for triple in dataset.triples((None, None, None)):
        union.add(triple)
    union.serialize(folder / "graph.ttl", format="turtle")
    (folder / "secret.txt").write_text("not listed in the manifest\n", encoding="utf-8")
    named = [g for g in dataset.graphs() if g.identifier != dataset.default_graph.identifier]
    graphs: list[dict[str, Any]] = [
        {
            "iri": str(g.identifier),
            "kind": str(g.identifier).split("/graph/")[1].split("/")[0],
            "file": "",
            "triples": len(g),
            "derived_from": None,
        }
        for g in named
    ]
    files = {
        name: {
            "sha256": hashlib.sha256((folder / name).read_bytes()).hexdigest(),
            "bytes": (folder / name).stat().st_size,
        }
        for name in ("dataset.trig", "graph.ttl")
    }
    manifest = {
        "generator": "civicgraph 0.1.0",
        "base": "https://kg.example.org/",
        "dataset_hash": files["dataset.trig"]["sha256"],
        "union_triples": len(union),
        "quads": sum(len(g) for g in named),
        "graphs": graphs,
        "classes": {},
        "files": files,
        **manifest_values,
    }
    # The same dataset for the oxigraph store, as the build writes it (outside the files hashed).
    (folder / "dataset.nq").write_text(dataset.serialize(format="nquads"), encoding="utf-8")
    (folder / "graph.nt").write_text(union.serialize(format="nt"), encoding="utf-8")
    manifest["stores"] = {
        "oxigraph": write_store(folder, folder / "dataset.nq", folder / "graph.nt")
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


SMALL_TRIG = r"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://kg.example.org/id/> .
@prefix civ: <https://kg.example.org/ontology#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://kg.example.org/graph/curated/one> { ex:a a civ:Person . ex:b a civ:Person . }
<https://kg.example.org/graph/article/two> {
  ex:a a civ:Person . ex:c a civ:Organization ; civ:rank 0 ; civ:active false ; civ:note "" .
  ex:c rdfs:comment '''tab\there "quoted" \\ back
second line'''@en .
}
<https://kg.example.org/graph/meta> {
  <https://kg.example.org/> a void:Dataset ;
    dcterms:title "<script>alert('x')</script> & Co" ;
    dcterms:description "Cities <b>and</b> the DOJ" .
}
"""


@pytest.fixture(scope="module")
def small_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_build(
        tmp_path_factory.mktemp("small"),
        SMALL_TRIG,
        generator="<i>gen</i>",
        classes={"https://kg.example.org/ontology#Person": 2},
    )


@pytest.fixture(scope="module")
def small_url(small_build: Path) -> Iterator[str]:
    with running(create_app(settings_for(small_build))) as url:
        yield url


# --- SPARQL answers match rdflib's own evaluation ------------------------------------------


def test_select_count_with_sparqlwrapper_matches_rdflib(endpoint: str, reference: Dataset) -> None:
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(COUNT_ALL)
    sparql.setReturnFormat(JSON)
    answer = sparql.queryAndConvert()
    assert isinstance(answer, dict)
    count = int(answer["results"]["bindings"][0]["n"]["value"])
    assert count == reference_count(reference) > 0


def test_default_graph_is_the_union_each_triple_once(
    endpoint: str, reference: Dataset, manifest: dict[str, Any]
) -> None:
    distinct = {t for t in reference.triples((None, None, None))}
    assert count_of(endpoint) == len(distinct) == manifest["union_triples"]


def test_named_graph_counts_match_manifest(endpoint: str, manifest: dict[str, Any]) -> None:
    response = requests.post(
        endpoint,
        data={"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    bindings = response.json()["results"]["bindings"]
    counts = {b["g"]["value"]: int(b["n"]["value"]) for b in bindings}
    expected = {g["iri"]: g["triples"] for g in manifest["graphs"] if g["triples"]}
    assert counts == expected


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class",
        "SELECT DISTINCT ?p WHERE { ?s ?p ?o }",
        "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
        "SELECT ?s ?type WHERE { ?s a ?type OPTIONAL { ?s <http://www.w3.org/2000/01/rdf-schema#label>"
        " ?l } FILTER(!BOUND(?l)) }",
        "SELECT ?g ?s WHERE { GRAPH ?g { ?s a ?c } FILTER(CONTAINS(STR(?g), '/article/')) }",
    ],
)
def test_select_matches_rdflib(endpoint: str, reference: Dataset, query: str) -> None:
    assert endpoint_rows(endpoint, query) == reference_rows(reference, query)


def test_ask_with_sparqlwrapper(endpoint: str, manifest: dict[str, Any]) -> None:
    graph = manifest["graphs"][0]["iri"]
    sparql = SPARQLWrapper(endpoint)
    sparql.setReturnFormat(JSON)
    sparql.setQuery(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert sparql.queryAndConvert() == {"head": {}, "boolean": True}
    sparql.setQuery("ASK { <urn:x:nothing> ?p ?o }")
    assert sparql.queryAndConvert() == {"head": {}, "boolean": False}


def test_construct_posted_directly_is_isomorphic_to_rdflib(
    endpoint: str, reference: Dataset
) -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    sparql = SPARQLWrapper(endpoint)
    sparql.setMethod(POST)
    sparql.setRequestMethod(POSTDIRECTLY)  # body is application/sparql-query
    sparql.setQuery(query)
    sparql.setReturnFormat(TURTLE)
    body = sparql.queryAndConvert()
    assert isinstance(body, bytes)
    answer = Graph().parse(data=body.decode("utf-8"), format="turtle")
    expected = reference.query(query).graph
    assert expected is not None
    if not isomorphic(answer, expected):
        _, only_answer, only_expected = graph_diff(to_isomorphic(answer), to_isomorphic(expected))
        pytest.fail(
            "endpoint and rdflib differ:\n"
            f"only endpoint:\n{only_answer.serialize(format='nt')}\n"
            f"only rdflib:\n{only_expected.serialize(format='nt')}"
        )


def test_construct_where_with_limit_and_describe(endpoint: str) -> None:
    response = requests.post(
        endpoint, data={"query": "CONSTRUCT WHERE { ?s a ?type } LIMIT 5"}, timeout=30
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert 0 < len(graph) <= 5
    assert set(graph.predicates()) == {RDF.type}
    subject = next(iter(graph.subjects()))
    response = requests.get(
        endpoint,
        params={"query": f"DESCRIBE <{subject}>"},
        headers={"Accept": "application/n-triples"},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/n-triples")
    assert (subject, None, None) in Graph().parse(data=response.text, format="nt")


@pytest.mark.parametrize(
    ("accept", "content_type", "parse_as"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "application/sparql-results+xml", "xml"),
        ("text/tab-separated-values", "text/tab-separated-values", "tsv"),
        ("*/*", "application/sparql-results+json", "json"),
    ],
)
def test_select_result_formats(
    endpoint: str, reference: Dataset, accept: str, content_type: str, parse_as: str
) -> None:
    query = (
        "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(!isBlank(?s) && !isBlank(?o)) }"
        " ORDER BY ?g ?s ?p ?o LIMIT 40"
    )  # no blank nodes: their labels, and so their order, differ between two parses
    response = requests.get(
        endpoint, params={"query": query}, headers={"Accept": accept}, timeout=30
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == content_type
    result = Result.parse(io.BytesIO(response.content), format=parse_as)
    assert rows_of(result) == reference_rows(reference, query)


def test_select_as_csv(endpoint: str, reference: Dataset) -> None:
    query = (
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) }"
        " ORDER BY ?s ?p ?o LIMIT 40"
    )
    response = requests.get(
        endpoint, params={"query": query}, headers={"Accept": "text/csv"}, timeout=30
    )
    assert response.headers["Content-Type"].split(";")[0] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["s", "p", "o"]
    expected = [[str(term) for term in tuple(row)] for row in reference.query(query)]  # type: ignore[arg-type]
    assert rows[1:] == expected


@pytest.mark.parametrize(
    ("accept", "parse_as"),
    [
        ("text/tab-separated-values", "tsv"),
        ("application/sparql-results+xml", "xml"),
        ("application/sparql-results+json", "json"),
    ],
)
def test_awkward_literals_survive_every_format(
    small_url: str, small_build: Path, accept: str, parse_as: str
) -> None:
    reference = Dataset(default_union=True)
    reference.parse(small_build / "dataset.trig", format="trig")
    query = (
        "SELECT ?s ?p ?o WHERE { GRAPH <https://kg.example.org/graph/article/two> { ?s ?p ?o } }"
    )
    response = requests.get(
        small_url + "/sparql", params={"query": query}, headers={"Accept": accept}, timeout=30
    )
    if parse_as == "tsv":
        assert len(response.text.splitlines()) == 1 + len(reference.query(query).bindings)
    result = Result.parse(io.BytesIO(response.content), format=parse_as)
    assert rows_of(result) == reference_rows(reference, query)


def test_select_as_html_table(endpoint: str) -> None:
    response = requests.post(
        endpoint,
        data={"query": "SELECT ?thing ?class WHERE { ?thing a ?class } LIMIT 3"},
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<th>?thing</th><th>?class</th>" in response.text


def test_unacceptable_format_is_406(endpoint: str) -> None:
    response = requests.get(
        endpoint, params={"query": "ASK {}"}, headers={"Accept": "text/turtle"}, timeout=30
    )
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text


# --- the protocol's edges ------------------------------------------------------------------


def test_bare_get_is_a_service_description(endpoint: str, manifest: dict[str, Any]) -> None:
    response = requests.get(endpoint, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    service = graph.value(predicate=RDF.type, object=SD.Service)
    assert service is not None
    assert graph.value(service, SD.endpoint) == URIRef(endpoint)
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    formats = {str(f) for f in graph.objects(service, SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert set(graph.objects(None, SD.name)) == {URIRef(g["iri"]) for g in manifest["graphs"]}
    comment = graph.value(service, RDFS.comment)
    assert isinstance(comment, Literal)
    assert "read-only" in str(comment).lower()


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("GET", {"params": {"format": "json"}}),
        ("GET", {"params": {"query": ""}}),
        ("POST", {}),
        ("POST", {"data": {"default-graph-uri": "https://kg.example.org/graph/meta"}}),
        ("POST", {"data": "ASK {}", "headers": {"Content-Type": "text/plain"}}),
    ],
)
def test_request_without_query_is_400(endpoint: str, method: str, kwargs: Any) -> None:
    response = requests.request(method, endpoint, timeout=30, **kwargs)
    assert response.status_code == 400
    assert "query" in response.text


def test_malformed_query_is_400_with_the_parser_message(endpoint: str) -> None:
    text = "SELECT ?s WHERE { ?s ?p }"
    with pytest.raises(ParseException) as parser_error:
        parseQuery(text)
    message = str(parser_error.value)
    response = requests.get(endpoint, params={"query": text}, timeout=30)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/plain")
    assert message in response.text
    response = requests.get(
        endpoint, params={"query": text}, headers={"Accept": "application/json"}, timeout=30
    )
    assert response.status_code == 400
    assert response.json() == {"error": "malformed query", "message": message}


def test_unknown_prefix_is_400(endpoint: str) -> None:
    response = requests.get(endpoint, params={"query": "SELECT * { ?s nope:p ?o }"}, timeout=30)
    assert response.status_code == 400
    assert "nope" in response.text


UPDATE = "INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }"


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("GET", {"params": {"query": UPDATE}}),
        ("GET", {"params": {"update": UPDATE}}),
        ("POST", {"data": {"query": UPDATE}}),
        ("POST", {"data": {"update": UPDATE}}),
        ("POST", {"data": UPDATE, "headers": {"Content-Type": "application/sparql-update"}}),
        ("POST", {"data": UPDATE, "headers": {"Content-Type": "application/sparql-query"}}),
        ("POST", {"data": {"query": "DELETE WHERE { ?s ?p ?o }"}}),
        ("POST", {"data": {"query": "CLEAR ALL"}}),
        ("POST", {"data": {"query": "DROP GRAPH <https://kg.example.org/graph/meta>"}}),
        ("POST", {"data": {"query": "LOAD <http://example.org/data.ttl>"}}),
    ],
)
def test_updates_are_refused_and_data_unchanged(
    endpoint: str, reference: Dataset, method: str, kwargs: Any
) -> None:
    response = requests.request(method, endpoint, timeout=30, **kwargs)
    assert response.status_code == 403, response.text  # forbidden: this endpoint is read-only
    assert "read-only" in response.text
    assert count_of(endpoint) == reference_count(reference)
    assert count_of(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { <urn:x:s> ?p ?o }") == 0


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{url}> {{ ?s ?q ?r }} }} }}",
        "ASK {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_refused_without_touching_the_network(endpoint: str, template: str) -> None:
    with listener() as (url, sock):
        response = requests.post(endpoint, data={"query": template.format(url=url)}, timeout=30)
        assert response.status_code == 400
        assert "SERVICE" in response.text
        assert nobody_connected(sock)


def test_from_selects_only_the_datasets_own_graphs(
    endpoint: str, reference: Dataset, manifest: dict[str, Any]
) -> None:
    graph = max(manifest["graphs"], key=lambda g: g["triples"])
    own = f"SELECT (COUNT(*) AS ?n) FROM <{graph['iri']}> WHERE {{ ?s ?p ?o }}"
    assert count_of(endpoint, own) == reference_count(reference, own) == graph["triples"]
    with listener() as (url, sock):
        for clause in (f"FROM <{url}data.ttl>", "FROM <file:///etc/passwd>", f"FROM NAMED <{url}>"):
            assert count_of(endpoint, f"SELECT (COUNT(*) AS ?n) {clause} {{ ?s ?p ?o }}") == 0
        named = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{url}g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
        assert count_of(endpoint, named) == 0
        assert nobody_connected(sock)


def test_protocol_graph_parameters(endpoint: str, manifest: dict[str, Any]) -> None:
    graph = manifest["graphs"][0]
    response = requests.get(
        endpoint,
        params={"query": COUNT_ALL, "default-graph-uri": graph["iri"]},
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert response.status_code == 200
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == graph["triples"]


# --- limits --------------------------------------------------------------------------------


def test_row_cap_truncates_and_says_so(limited_url: str) -> None:
    endpoint = limited_url + "/sparql"
    response = requests.get(endpoint, params={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["X-Civicgraph-Truncated"] == "true"
    assert len(response.json()["results"]["bindings"]) == 3
    response = requests.get(
        endpoint,
        params={"query": "SELECT * WHERE { ?s ?p ?o }"},
        headers={"Accept": "text/csv"},
        timeout=30,
    )
    assert response.headers["X-Civicgraph-Truncated"] == "true"
    assert len(response.text.strip().splitlines()) == 1 + 3
    response = requests.get(
        endpoint, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2"}, timeout=30
    )
    assert "X-Civicgraph-Truncated" not in response.headers
    assert len(response.json()["results"]["bindings"]) == 2


def test_time_limit_answers_503_and_stops_the_query(limited_url: str) -> None:
    endpoint = limited_url + "/sparql"
    started = time.monotonic()
    response = requests.post(endpoint, data={"query": SLOW_QUERY}, timeout=30)
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "time limit" in response.text
    assert 0.9 < elapsed < 2
    # Its worker process was killed and replaced (tests/test_sparql_protocol.py checks the
    # processes); the server keeps answering.
    assert requests.get(endpoint, params={"query": "ASK {}"}, timeout=30).status_code == 200


# --- downloads -----------------------------------------------------------------------------

CONTENT_TYPES = {
    ".ttl": "text/turtle",
    ".trig": "application/trig",
    ".nq": "application/n-quads",
    ".nt": "application/n-triples",
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".gz": "application/gzip",
}


def test_downloads_serve_the_manifests_files(base_url: str, manifest: dict[str, Any]) -> None:
    assert "graph.ttl" in manifest["files"]
    for name, info in manifest["files"].items():
        response = requests.get(f"{base_url}/download/{name}", timeout=30)
        assert response.status_code == 200, name
        suffix = "." + name.rsplit(".", 1)[-1]
        content_type = response.headers["Content-Type"]
        assert content_type.count("charset") <= 1, name
        if name.endswith(".gz"):
            assert "Content-Encoding" not in response.headers, name  # a .gz arrives as the file
        if suffix in CONTENT_TYPES:
            assert content_type.split(";")[0] == CONTENT_TYPES[suffix], name
        assert hashlib.sha256(response.content).hexdigest() == info["sha256"], name
        again = requests.get(
            f"{base_url}/download/{name}",
            headers={"If-None-Match": response.headers["ETag"]},
            timeout=30,
        )
        assert again.status_code == 304, name
    response = requests.get(
        f"{base_url}/download/manifest.json", headers={"Accept-Encoding": "identity"}, timeout=30
    )
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["ETag"] == f'"{hashlib.sha256(response.content).hexdigest()}"'
    assert response.json() == manifest


@pytest.mark.parametrize(
    "path",
    [
        "/download/../pyproject.toml",
        "/download/..%2Fpyproject.toml",
        "/download/%2e%2e/%2e%2e/etc/passwd",
        "/download/graphs/../manifest.json",
        "/download/%2Fetc%2Fpasswd",
        "/download/no-such-file.ttl",
        "/download/",
    ],
)
def test_download_traversal_and_unknown_names_are_404(base_url: str, path: str) -> None:
    assert raw_get(base_url, path) == 404


def test_download_refuses_files_the_manifest_does_not_list(small_url: str) -> None:
    assert requests.get(f"{small_url}/download/graph.ttl", timeout=30).status_code == 200
    assert requests.get(f"{small_url}/download/secret.txt", timeout=30).status_code == 404


# --- home page -----------------------------------------------------------------------------


def test_home_page_lists_graphs_classes_and_links(base_url: str, manifest: dict[str, Any]) -> None:
    response = requests.get(base_url + "/", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    page = response.text
    for graph in manifest["graphs"]:
        # shown at this server's origin, not the canonical base
        local = base_url + "/" + graph["iri"].removeprefix(manifest["base"])
        assert html.escape(local) in page
        assert f'<td class="number">{graph["triples"]}</td>' in page
    assert len(manifest["classes"]) > 0
    for count in manifest["classes"].values():
        assert f'<td class="number">{count}</td>' in page
    assert 'href="/sparql"' in page
    assert 'href="/download/graph.ttl"' in page
    assert '<form method="post" action="/sparql">' in page
    assert 'name="query"' in page


def test_favicon_is_served_and_linked(base_url: str) -> None:
    response = requests.get(base_url + "/favicon.ico", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    assert 'rel="icon" href="/favicon.ico"' in requests.get(base_url + "/", timeout=30).text


def test_home_page_escapes_every_value(small_url: str) -> None:
    page = requests.get(small_url + "/", timeout=30).text
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co" in page
    assert "Cities &lt;b&gt;and&lt;/b&gt; the DOJ" in page
    assert "&lt;i&gt;gen&lt;/i&gt;" in page
    assert "civ:Person" in page


def test_errors_have_one_shape(base_url: str) -> None:
    response = requests.get(
        base_url + "/nowhere", headers={"Accept": "application/json"}, timeout=30
    )
    assert response.status_code == 404
    assert set(response.json()) == {"error", "message"}
    response = requests.get(base_url + "/nowhere", headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 404
    assert "<h1>404 not found</h1>" in response.text


# --- the loaded dataset and start-up ---------------------------------------------------------


def test_union_counts_a_triple_in_two_graphs_once(small_url: str) -> None:
    endpoint = small_url + "/sparql"
    person = "<https://kg.example.org/ontology#Person>"
    assert count_of(endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a {person} }}") == 2
    graphs = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s a {person} }} }}"
    assert count_of(endpoint, graphs) == 3
    only_named = (
        "SELECT (COUNT(*) AS ?n) FROM NAMED <https://kg.example.org/graph/curated/one> "
        "WHERE { ?s ?p ?o }"
    )
    assert count_of(endpoint, only_named) == 0  # FROM NAMED alone leaves the default graph empty


@pytest.mark.parametrize(
    ("broken", "named"),
    [
        ("no dataset", "dataset.trig"),
        ("no manifest", "manifest.json"),
        ("manifest not JSON", "manifest.json"),
        ("manifest without graphs", "manifest.json"),
        ("dataset not TriG", "dataset.trig"),
    ],
)
def test_refuses_to_start_on_a_broken_build(tmp_path: Path, broken: str, named: str) -> None:
    folder = write_build(tmp_path / "build", SMALL_TRIG)
    if broken == "no dataset":
        (folder / "dataset.trig").unlink()
    elif broken == "no manifest":
        (folder / "manifest.json").unlink()
    elif broken == "manifest not JSON":
        (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    elif broken == "manifest without graphs":
        (folder / "manifest.json").write_text('{"files": {}}', encoding="utf-8")
    else:
        (folder / "dataset.trig").write_text("<a> { this is not trig", encoding="utf-8")
    with pytest.raises(ServerStartError, match=named):
        create_app(settings_for(folder))


def test_serve_refuses_before_starting_gunicorn(tmp_path: Path) -> None:
    with pytest.raises(ServerStartError, match=r"manifest\.json"):
        serve(settings_for(tmp_path, port=free_port()))


# --- the real `civicgraph serve` ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_civicgraph_serve_runs_gunicorn_and_stops_on_ctrl_c(
    build_dir: Path, reference: Dataset, tmp_path: Path
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICGRAPH_")}
    command = [
        sys.executable, "-m", "graph.cli", "serve", "--build", str(build_dir), "--port", str(port),
    ]  # fmt: skip
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base, process, log_path)
            sparql = SPARQLWrapper(base + "/sparql")
            sparql.setQuery(COUNT_ALL)
            sparql.setReturnFormat(JSON)
            answer = sparql.queryAndConvert()
            assert isinstance(answer, dict)
            assert int(answer["results"]["bindings"][0]["n"]["value"]) == reference_count(reference)
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    output = log_path.read_text(encoding="utf-8", errors="replace")
    assert "Using worker: BufferingThreadWorker" in output  # gthread, buffering requests
    assert "Traceback" not in output


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"civicgraph serve exited early:\n{log_path.read_text(errors='replace')}")
        try:
            if requests.get(base + "/", timeout=2).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still loading the build
            pass
        time.sleep(0.2)
    pytest.fail(f"civicgraph serve did not start:\n{log_path.read_text(errors='replace')}")
