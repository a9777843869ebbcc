"""The SPARQL 1.1 Protocol as users run it: `civicgraph serve` (gunicorn) on a real port.

Every query form in every result format, with SPARQLWrapper (each return format, GET, form POST
and direct POST) and with raw HTTP; the protocol dataset against FROM / FROM NAMED; every refusal;
the service description; the time limit with runaway queries while another client is served;
the row cap; errors; ETag, gzip, CORS, HEAD and OPTIONS. Answers are compared with rdflib's own
evaluation of the same query over the build's `dataset.trig`.
"""

from __future__ import annotations

import csv
import gzip
import http.client
import io
import json
import os
import random
import threading
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.dom.minidom import Document

import pytest
import requests
from live import civicgraph_serve, listener, nobody_connected, running, settings_for
from rdflib import RDF, RDFS, XSD, BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from werkzeug.serving import make_server

from graph.namespaces import SD
from graph.settings import load_settings
from server import create_app
from server.pool import PoolBusy, QueryPool, TaskFailed, TaskTimeout, WorkerOutOfMemory
from server.sparqltext import MOST_BRACKETS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LIMIT = 1.0  # the time limit of the `limited` server, in seconds
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SELECT = f"SELECT ?s ?label WHERE {{ ?s {RDFS_LABEL} ?label FILTER(!isBlank(?s)) }}"
ASK_TRUE = "ASK { ?s a ?class }"
ASK_FALSE = "ASK { <urn:x:nothing> ?p ?o }"
CONSTRUCT = f"CONSTRUCT {{ ?s {RDFS_LABEL} ?label }} WHERE {{ ?s {RDFS_LABEL} ?label }}"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LOOKUP = (
    "SELECT ?label WHERE { ?s a <https://kg.example.org/ontology#Person> ; "
    f"{RDFS_LABEL} ?label }} ORDER BY ?label LIMIT 5"
)
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
REGEX = (
    "ASK { FILTER(REGEX(CONCAT(STR(42), 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'), '^.*(a+)+$')) }"
)


# --- servers ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The endpoint of `civicgraph serve` with its default settings."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with civicgraph_serve(build_dir, log) as (base, _):
        yield base + "/sparql"


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def limited(
    build_dir: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[tuple[str, int, str]]:
    """`civicgraph serve` with a 1 s time limit, a 3-row cap and 3 query workers, on each store.

    (URL, master pid, store): the limit must hold whichever engine runs the query.
    """
    store = str(request.param)
    log = tmp_path_factory.mktemp("serve") / f"limited-{store}.log"
    flags = ("--query-timeout", str(LIMIT), "--row-cap", "3", "--query-workers", "3")
    with civicgraph_serve(build_dir, log, *flags, "--store", store) as (base, pid):
        yield base + "/sparql", pid, store


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def each_store(build_dir: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The endpoint of the app on a real port, on each store, with default limits: each engine
    reads the protocol's dataset its own way (Oxigraph's options, rdflib's algebra)."""
    app = create_app(settings_for(build_dir, store=str(request.param), query_workers=1))
    with running(app) as base:
        yield base + "/sparql"


@pytest.fixture(scope="module")
def reference(build_dir: Path) -> Dataset:
    """rdflib's own reading of the build."""
    dataset = Dataset(default_union=True)
    dataset.parse(build_dir / "dataset.trig", format="trig")
    return dataset


@pytest.fixture(scope="module")
def manifest(build_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def described(reference: Dataset) -> str:
    """A DESCRIBE of one person in the dataset."""
    person = URIRef("https://kg.example.org/ontology#Person")
    subject = min(str(s) for s in reference.subjects(RDF.type, person))
    return f"DESCRIBE <{subject}>"


# --- comparing answers -----------------------------------------------------------------------


def rows_of(result: Result) -> Counter[tuple[str, ...]]:
    """A SELECT result as a multiset of rows (columns by name, blank nodes anonymous)."""
    variables = sorted(str(v) for v in result.vars or [])
    rows: Counter[tuple[str, ...]] = Counter()
    for binding in result.bindings:
        by_name = {str(k): v for k, v in binding.items()}
        rows[tuple(_n3(by_name.get(v)) for v in variables)] += 1
    return rows


def _n3(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return "_:b"
    return str(term.n3())


def expected_rows(reference: Dataset, query: str) -> Counter[tuple[str, ...]]:
    return rows_of(reference.query(query))


def plain_rows(reference: Dataset, query: str) -> Counter[tuple[str, ...]]:
    """A SELECT's rows as CSV writes them: lexical forms, header order."""
    result = reference.query(query)
    names = [str(v) for v in result.vars or []]
    return Counter(
        tuple(str(row.get(name, "")) if isinstance(row, dict) else "" for name in names)
        for row in ({str(k): v for k, v in b.items()} for b in result.bindings)
    )


def csv_rows(body: bytes) -> tuple[list[str], Counter[tuple[str, ...]]]:
    reader = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    header = next(reader)
    return header, Counter(tuple(row) for row in reader)


def assert_same_graph(answer: Graph, expected: Graph | None) -> None:
    assert expected is not None
    if not isomorphic(answer, expected):
        _, only_answer, only_expected = graph_diff(to_isomorphic(answer), to_isomorphic(expected))
        pytest.fail(
            f"endpoint and rdflib differ:\nonly endpoint:\n{only_answer.serialize(format='nt')}\n"
            f"only rdflib:\n{only_expected.serialize(format='nt')}"
        )


def parse_solutions(body: bytes, mimetype: str) -> Result:
    fmt = {
        "application/sparql-results+json": "json",
        "application/json": "json",
        "application/sparql-results+xml": "xml",
        "application/xml": "xml",
        "text/tab-separated-values": "tsv",
    }[mimetype]
    return Result.parse(io.BytesIO(body), format=fmt)


def parse_graph(body: bytes, mimetype: str) -> Graph:
    fmt = {
        "text/turtle": "turtle",
        "application/n-triples": "nt",
        "application/ld+json": "json-ld",
        "application/rdf+xml": "xml",
    }[mimetype]
    return Graph().parse(data=body, format=fmt)


def boolean_of(body: bytes, mimetype: str) -> bool:
    if mimetype in ("text/csv", "text/tab-separated-values"):
        lines = body.decode("utf-8").split()
        assert lines[0] in ("_askResult", "?_askResult")
        return lines[1] == "true"
    answer = parse_solutions(body, mimetype).askAnswer
    assert isinstance(answer, bool)
    return answer


# --- SPARQLWrapper: every form × every return format × GET, form POST, direct POST ------------

METHODS = {
    "GET": (GET, URLENCODED),
    "POST": (POST, URLENCODED),
    "POST-direct": (POST, POSTDIRECTLY),
}


def wrapper(endpoint: str, method: str, return_format: str, query: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(endpoint)
    http_method, request_method = METHODS[method]
    sparql.setMethod(http_method)
    sparql.setRequestMethod(request_method)
    sparql.setQuery(query)
    sparql.setReturnFormat(return_format)
    return sparql


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(
    served: str, reference: Dataset, method: str, return_format: str
) -> None:
    answer = wrapper(served, method, return_format, SELECT).queryAndConvert()
    if return_format == JSON:
        assert isinstance(answer, dict)
        result = Result.parse(io.StringIO(json.dumps(answer)), format="json")
        assert rows_of(result) == expected_rows(reference, SELECT)
    elif return_format == XML:
        assert isinstance(answer, Document)
        result = Result.parse(io.BytesIO(answer.toxml("utf-8")), format="xml")
        assert rows_of(result) == expected_rows(reference, SELECT)
    elif return_format == TSV:
        assert isinstance(answer, bytes)
        result = Result.parse(io.BytesIO(answer), format="tsv")
        assert rows_of(result) == expected_rows(reference, SELECT)
    else:
        assert isinstance(answer, bytes)
        header, rows = csv_rows(answer)
        assert header == ["s", "label"]
        assert rows == plain_rows(reference, SELECT)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
@pytest.mark.parametrize(("query", "truth"), [(ASK_TRUE, True), (ASK_FALSE, False)])
def test_sparqlwrapper_ask(
    served: str, reference: Dataset, method: str, return_format: str, query: str, truth: bool
) -> None:
    assert reference.query(query).askAnswer is truth
    answer = wrapper(served, method, return_format, query).queryAndConvert()
    if return_format == JSON:
        assert answer == {"head": {}, "boolean": truth}
    elif return_format == XML:
        assert isinstance(answer, Document)
        assert answer.getElementsByTagName("boolean")[0].firstChild.data == str(truth).lower()  # type: ignore[union-attr]
    else:
        assert isinstance(answer, bytes)
        assert answer.split()[1].decode() == str(truth).lower()


GRAPH_FORMATS = [TURTLE, N3, RDFXML, XML, JSONLD, JSON]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("return_format", GRAPH_FORMATS)
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_sparqlwrapper_construct_and_describe(
    served: str, reference: Dataset, described: str, method: str, return_format: str, form: str
) -> None:
    query = CONSTRUCT if form == "CONSTRUCT" else described
    sparql = wrapper(served, method, return_format, query)
    with warnings.catch_warnings():
        if return_format == JSON:  # SPARQLWrapper warns, then sends format=json: JSON-LD it is
            warnings.simplefilter("ignore", RuntimeWarning)
        result = sparql.query()
    answer = result.convert()
    if isinstance(answer, bytes):  # Turtle and N3 come as text
        answer = Graph().parse(data=answer, format="turtle")
    assert isinstance(answer, Graph)
    assert len(answer) > 0
    assert_same_graph(answer, reference.query(query).graph)


# --- raw HTTP: Accept, q-values, wildcards, format= and output= -------------------------------

SOLUTION_MEDIA = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]
GRAPH_MEDIA = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]


@pytest.mark.parametrize("mimetype", SOLUTION_MEDIA)
@pytest.mark.parametrize("method", ["GET", "POST", "POST-direct"])
def test_select_in_every_format(
    served: str, reference: Dataset, mimetype: str, method: str
) -> None:
    response = send(served, method, SELECT, headers={"Accept": mimetype})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == mimetype
    if mimetype == "text/csv":
        assert csv_rows(response.content)[1] == plain_rows(reference, SELECT)
    else:
        answer = parse_solutions(response.content, mimetype)
        assert rows_of(answer) == expected_rows(reference, SELECT)


@pytest.mark.parametrize("mimetype", SOLUTION_MEDIA)
def test_ask_in_every_format(served: str, mimetype: str) -> None:
    for query, truth in ((ASK_TRUE, True), (ASK_FALSE, False)):
        response = send(served, "GET", query, headers={"Accept": mimetype})
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].split(";")[0] == mimetype
        assert boolean_of(response.content, mimetype) is truth


# Every kind of term a solution can hold, and characters TSV must escape.
EVERY_TERM = (
    "SELECT ?iri ?blank ?typed ?tagged ?plain ?odd ?unbound WHERE { "
    "BIND(<https://kg.example.org/id/jurisdiction/chicago-il> AS ?iri) "
    "BIND(BNODE() AS ?blank) BIND(42 AS ?typed) BIND(STRLANG('Chicago', 'en') AS ?tagged) "
    r"""BIND('plain' AS ?plain) BIND('tab\t "quoted" back\\slash\nline' AS ?odd) """
    "OPTIONAL { ?iri <urn:x:nothing> ?unbound } }"
)


@pytest.mark.parametrize(
    "mimetype", ["application/sparql-results+xml", "text/tab-separated-values"]
)
def test_every_kind_of_term_in_the_formats_the_server_writes(
    each_store: str, reference: Dataset, mimetype: str
) -> None:
    """XML and TSV are written by the server itself (rdflib's own XML writer drops "0" and
    "false"): each term keeps its kind, datatype and language, and unbound stays unbound."""
    response = send(each_store, "GET", EVERY_TERM, headers={"Accept": mimetype})
    assert response.status_code == 200, response.text
    answer = parse_solutions(response.content, mimetype)
    assert [str(v) for v in answer.vars or []] == [
        "iri", "blank", "typed", "tagged", "plain", "odd", "unbound"
    ]  # fmt: skip
    assert rows_of(answer) == expected_rows(reference, EVERY_TERM)
    (row,) = answer.bindings
    assert isinstance(row[Variable("blank")], BNode)
    assert row[Variable("tagged")] == Literal("Chicago", lang="en")
    assert row[Variable("typed")] == Literal(42)
    assert row[Variable("odd")] == Literal('tab\t "quoted" back\\slash\nline')


@pytest.mark.parametrize("mimetype", GRAPH_MEDIA)
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_graphs_in_every_format(
    served: str, reference: Dataset, described: str, mimetype: str, form: str
) -> None:
    query = CONSTRUCT if form == "CONSTRUCT" else described
    response = send(served, "POST", query, headers={"Accept": mimetype})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == mimetype
    assert_same_graph(parse_graph(response.content, mimetype), reference.query(query).graph)


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        (SELECT, None, "application/sparql-results+json"),
        (ASK_TRUE, None, "application/sparql-results+json"),
        (CONSTRUCT, None, "text/turtle"),
        (SELECT, "*/*", "application/sparql-results+json"),
        (CONSTRUCT, "*/*", "text/turtle"),
        (SELECT, "text/*", "text/csv"),
        (CONSTRUCT, "application/*", "application/n-triples"),
        (SELECT, "text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        (SELECT, "application/sparql-results+json;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
        (CONSTRUCT, "application/rdf+xml;q=0.3, text/turtle;q=0.2, */*;q=0.1", "application/rdf+xml"),
        (CONSTRUCT, "text/html;q=0.9, application/ld+json", "application/ld+json"),
        (SELECT, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        (ASK_TRUE, "application/xml", "application/xml"),
    ],
)  # fmt: skip
def test_accept_chooses_the_format(
    served: str, query: str, accept: str | None, expected: str
) -> None:
    headers = {} if accept is None else {"Accept": accept}
    response = requests.post(served, data={"query": query}, headers=headers, timeout=30)
    if accept is None:  # requests sends */* unless told otherwise: send none at all
        response = raw_request(served, "POST", {"query": query}, {})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == expected


@pytest.mark.parametrize(
    ("query", "params", "expected"),
    [
        (SELECT, {"format": "json"}, "application/sparql-results+json"),
        (SELECT, {"output": "xml"}, "application/sparql-results+xml"),
        (SELECT, {"format": "csv"}, "text/csv"),
        (SELECT, {"format": ["tsv", "text/tab-separated-values"]}, "text/tab-separated-values"),
        (SELECT, {"format": "text/csv"}, "text/csv"),
        (ASK_TRUE, {"output": "tsv"}, "text/tab-separated-values"),
        (CONSTRUCT, {"format": "turtle"}, "text/turtle"),
        (CONSTRUCT, {"format": "n3"}, "text/turtle"),
        (CONSTRUCT, {"format": ["rdf+xml", "application/rdf+xml"]}, "application/rdf+xml"),
        (CONSTRUCT, {"output": "rdf"}, "application/rdf+xml"),
        (CONSTRUCT, {"format": "xml"}, "application/rdf+xml"),
        (CONSTRUCT, {"format": ["json-ld", "application/ld+json"]}, "application/ld+json"),
        (CONSTRUCT, {"format": "json"}, "application/ld+json"),
        (CONSTRUCT, {"format": "nt"}, "application/n-triples"),
        (SELECT, {"format": "html"}, "text/html"),
    ],
)
def test_format_and_output_parameters_win_over_accept(
    served: str, query: str, params: dict[str, Any], expected: str
) -> None:
    response = requests.get(
        served, params={"query": query, **params}, headers={"Accept": "text/plain"}, timeout=30
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == expected


@pytest.mark.parametrize(
    ("query", "accept", "params"),
    [
        (SELECT, "text/turtle", {}),
        (SELECT, "application/rdf+xml, image/png;q=0.5", {}),
        (ASK_TRUE, "application/n-triples", {}),
        (CONSTRUCT, "application/sparql-results+json", {}),
        (CONSTRUCT, "text/csv", {}),
        (CONSTRUCT, "*/*", {"format": "csv"}),
        (SELECT, "*/*", {"output": "turtle"}),
    ],
)
def test_nothing_acceptable_is_406(
    served: str, query: str, accept: str, params: dict[str, str]
) -> None:
    response = requests.get(
        served, params={"query": query, **params}, headers={"Accept": accept}, timeout=30
    )
    assert response.status_code == 406
    assert "not acceptable" in response.text


# --- the protocol dataset: default-graph-uri / named-graph-uri against FROM / FROM NAMED -------


def graph_pair(manifest: dict[str, Any]) -> tuple[str, str]:
    """The two largest named graphs."""
    ranked = sorted(manifest["graphs"], key=lambda g: -g["triples"])
    return ranked[0]["iri"], ranked[1]["iri"]


def count(endpoint: str, query: str, **params: Any) -> int:
    response = requests.get(
        endpoint,
        params={"query": query, **params},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def graphs_named(endpoint: str, query: str, **params: Any) -> set[str]:
    response = requests.get(endpoint, params={"query": query, **params}, timeout=30)
    assert response.status_code == 200, response.text
    return {b["g"]["value"] for b in response.json()["results"]["bindings"]}


def test_default_graph_uri_selects_the_default_graph(
    each_store: str, reference: Dataset, manifest: dict[str, Any]
) -> None:
    a, b = graph_pair(manifest)
    union = f"SELECT (COUNT(*) AS ?n) FROM <{a}> FROM <{b}> WHERE {{ ?s ?p ?o }}"
    row: tuple[Any, ...] = tuple(next(iter(reference.query(union))))
    expected = int(row[0])
    assert count(each_store, COUNT_ALL, **{"default-graph-uri": [a, b]}) == expected
    sizes = {g["iri"]: g["triples"] for g in manifest["graphs"]}
    assert count(each_store, COUNT_ALL, **{"default-graph-uri": a}) == sizes[a]


def test_protocol_dataset_replaces_from_and_from_named(
    each_store: str, manifest: dict[str, Any]
) -> None:
    a, b = graph_pair(manifest)
    sizes = {g["iri"]: g["triples"] for g in manifest["graphs"]}
    from_a = f"SELECT (COUNT(*) AS ?n) FROM <{a}> WHERE {{ ?s ?p ?o }}"
    assert count(each_store, from_a) == sizes[a]
    assert count(each_store, from_a, **{"default-graph-uri": b}) == sizes[b]
    # Either parameter replaces the query's whole dataset: FROM <a> is gone, default graph empty.
    assert count(each_store, from_a, **{"named-graph-uri": b}) == 0
    named = f"SELECT DISTINCT ?g FROM NAMED <{a}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert graphs_named(each_store, named) == {a}
    assert graphs_named(each_store, named, **{"named-graph-uri": b}) == {b}
    assert graphs_named(each_store, named, **{"default-graph-uri": b}) == set()
    every = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert graphs_named(each_store, every) == {g["iri"] for g in manifest["graphs"] if g["triples"]}


# A query the server reads with rdflib's parser before any store evaluates it ("describe" in it).
READ_FIRST = " FILTER(?p != <urn:x:describe>)"


@pytest.mark.parametrize(
    ("where", "projection", "columns"),
    [
        # SELECT *: the variables in the order the text first names them, not alphabetical.
        ("{ ?zeta ?p ?alpha }", "*", ["zeta", "p", "alpha"]),
        # A projection keeps its own order, even where an expression names a later column first.
        ("{ ?s ?p ?b }", "(STR(?b) AS ?a) ?b", ["a", "b"]),
        ("{ ?s ?p ?b }", "?s (STR(?b) AS ?a) ?b", ["s", "a", "b"]),
    ],
)
@pytest.mark.parametrize("read_first", [False, True])
def test_columns_come_in_the_order_the_query_gives(
    each_store: str, where: str, projection: str, columns: list[str], read_first: bool
) -> None:
    if read_first:
        where = where[:-1] + READ_FIRST + " }"
    query = f"SELECT {projection} WHERE {where} LIMIT 2"
    response = requests.get(
        each_store, params={"query": query}, headers={"Accept": "application/json"}, timeout=30
    )
    assert response.status_code == 200, response.text
    assert response.json()["head"]["vars"] == columns
    assert all(set(row) == set(columns) for row in response.json()["results"]["bindings"])
    as_csv = requests.get(each_store, params={"query": query, "format": "csv"}, timeout=30)
    assert next(csv.reader(io.StringIO(as_csv.text))) == columns


def test_w3c_protocol_dataset_requests(each_store: str, manifest: dict[str, Any]) -> None:
    """The W3C tests' shapes (query_dataset_*, query_multiple_dataset), on this dataset's graphs."""
    a, b = graph_pair(manifest)
    ask_both = (
        "ASK { { SELECT DISTINCT ?g1 { GRAPH ?g1 { ?s ?p ?o } } } "
        "{ SELECT DISTINCT ?g2 { GRAPH ?g2 { ?s ?p ?o } } } FILTER(?g1 != ?g2) }"
    )
    params = {"named-graph-uri": [a, b]}
    response = requests.post(
        each_store,
        params=params,
        data=ask_both,
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert response.json()["boolean"] is True
    response = requests.get(each_store, params={"query": ask_both, **params}, timeout=30)
    assert response.json()["boolean"] is True
    response = requests.get(
        each_store, params={"query": ask_both, "named-graph-uri": a}, timeout=30
    )
    assert response.json()["boolean"] is False
    # FROM in the query, the dataset in the protocol: the protocol's wins.
    multiple = f"ASK FROM <{a}> {{ GRAPH ?g1 {{ ?s ?p ?o }} }}"
    response = requests.post(
        each_store,
        params={"named-graph-uri": b},
        data=multiple,
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert response.json()["boolean"] is True
    response = requests.post(
        each_store, data=multiple, headers={"Content-Type": "application/sparql-query"}, timeout=30
    )
    assert response.json()["boolean"] is False  # FROM alone names no named graph
    # query_post_form: a default-graph-uri in the URL, the query in the form body.
    response = requests.post(
        each_store
        + "/?default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf",
        data="query=ASK%20%7B%7D",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.json()["boolean"] is True


def test_w3c_query_content_type_construct(served: str) -> None:
    """W3C protocol test query_content_type_construct: relative IRIs, direct POST.

    A query's relative IRIs resolve against the service's base IRI (the dataset's base).
    """
    response = requests.post(
        served,
        data="CONSTRUCT { <s> <p> 1 } WHERE {}",
        headers={"Content-Type": "application/sparql-query", "Accept": "text/turtle"},
        timeout=30,
    )
    assert response.status_code == 200, response.text[:300]
    graph = Graph().parse(data=response.text, format="turtle")
    base = "https://kg.example.org/"
    assert set(graph) == {(URIRef(base + "s"), URIRef(base + "p"), Literal(1))}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT (<x> AS ?o) {}", "https://kg.example.org/x"),
        ("BASE <id/> SELECT (<x> AS ?o) {}", "https://kg.example.org/id/x"),
        ("BASE <http://example.org/a/> SELECT (<../x> AS ?o) {}", "http://example.org/x"),
        ("PREFIX e: <e#> SELECT (e:x AS ?o) {}", "https://kg.example.org/e#x"),
        # rdflib's parser reads this one (a comment in the prologue), Oxigraph the others
        ("# a comment\nSELECT (<x> AS ?o) {}", "https://kg.example.org/x"),
    ],
)
def test_relative_iris_resolve_against_the_service_base(
    served: str, text: str, expected: str
) -> None:
    response = requests.get(
        served,
        params={"query": text},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text[:300]
    assert response.json()["results"]["bindings"] == [{"o": {"type": "uri", "value": expected}}]


def test_foreign_graph_iris_are_empty_and_never_fetched(served: str, build_dir: Path) -> None:
    local_file = (build_dir / "graph.ttl").resolve().as_uri()  # a real Turtle file on this disk
    with listener() as (url, sock):
        for iri in (
            url + "data.ttl",
            local_file,
            "file:///etc/passwd",
            "ftp://127.0.0.1/x",
            "urn:x:g",
        ):
            assert count(served, f"SELECT (COUNT(*) AS ?n) FROM <{iri}> WHERE {{ ?s ?p ?o }}") == 0
            assert count(served, COUNT_ALL, **{"default-graph-uri": iri}) == 0
            named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
            assert count(served, named, **{"named-graph-uri": iri}) == 0
            from_named = (
                f"SELECT (COUNT(*) AS ?n) FROM NAMED <{iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
            )
            assert count(served, from_named) == 0
        assert nobody_connected(sock)


# --- refusals --------------------------------------------------------------------------------

UPDATES = [
    "INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }",
    "DELETE DATA { <urn:x:s> <urn:x:p> <urn:x:o> }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX ex: <urn:x:>\nWITH <urn:x:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "LOAD <file:///etc/passwd> INTO GRAPH <urn:x:g>",
    "CLEAR ALL",
    "CLEAR DEFAULT",
    "DROP GRAPH <https://kg.example.org/graph/meta>",
    "DROP ALL",
    "CREATE GRAPH <urn:x:g>",
    "ADD DEFAULT TO <urn:x:g>",
    "MOVE <https://kg.example.org/graph/meta> TO <urn:x:g>",
    "COPY DEFAULT TO <urn:x:g>",
    "INSERT DATA { <urn:x:s> <urn:x:p> }",  # malformed, still an update: refused as one
    "# a comment first\nclear silent all",
]


@pytest.mark.parametrize("update", UPDATES)
def test_every_update_is_refused_and_nothing_changes(
    served: str, reference: Dataset, update: str
) -> None:
    before = count(served, COUNT_ALL)
    attempts: list[tuple[str, dict[str, Any]]] = [
        ("GET", {"params": {"query": update}}),
        ("GET", {"params": {"update": update}}),
        ("POST", {"data": {"query": update}}),
        ("POST", {"data": {"update": update}}),
        ("POST", {"data": update, "headers": {"Content-Type": "application/sparql-update"}}),
        ("POST", {"data": update, "headers": {"Content-Type": "application/sparql-query"}}),
        ("POST", {"params": {"update": update}, "data": {"query": "ASK {}"}}),
    ]
    for method, kwargs in attempts:
        response = requests.request(method, served, timeout=30, **kwargs)
        assert response.status_code == 403, (method, kwargs, response.status_code)
        assert "read-only" in response.text, (method, kwargs)
    assert before == count(served, COUNT_ALL) == len(set(reference.triples((None, None, None))))
    assert count(served, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { <urn:x:s> ?p ?o } }") == 0


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "ASK {{ FILTER NOT EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_refused_at_once(served: str, query: str) -> None:
    with listener() as (url, sock):
        started = time.monotonic()
        response = requests.post(served, data={"query": query.format(url=url)}, timeout=30)
        assert time.monotonic() - started < 1
        assert response.status_code == 400
        assert "SERVICE" in response.text
        assert nobody_connected(sock)


def raw_request(
    endpoint: str, method: str, body: bytes | str | dict[str, str] | None, headers: dict[str, str]
) -> requests.Response:
    """A request with exactly these headers (requests adds Accept and others otherwise)."""
    session = requests.Session()
    request = requests.Request(method, endpoint, data=body, headers=headers).prepare()
    for name in ("Accept", "Accept-Encoding", "Connection", "User-Agent"):
        if name not in headers:
            request.headers.pop(name, None)
    if isinstance(body, dict) and "Content-Type" not in headers and method == "POST":
        request.headers["Content-Type"] = "application/x-www-form-urlencoded"
    response = session.send(request, timeout=30)
    session.close()
    return response


# Every update is refused as forbidden (403), whatever its shape; every other mistake is the
# client's 400, but PUT, which the endpoint does not answer at all (405).
@pytest.mark.parametrize(
    ("name", "method", "path", "body", "headers", "status"),
    [
        ("bad_query_method", "PUT", "?query=ASK%20%7B%7D", None, {"Content-Type": "application/x-www-form-urlencoded"}, 405),
        ("bad_multiple_queries", "GET", "?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", None, {}, 400),
        ("two queries, URL and form", "POST", "?query=ASK%20%7B%7D", "query=ASK%20%7B%7D", {"Content-Type": "application/x-www-form-urlencoded"}, 400),
        ("two queries, URL and body", "POST", "?query=ASK%20%7B%7D", "ASK {}", {"Content-Type": "application/sparql-query"}, 400),
        ("bad_query_wrong_media_type", "POST", "", "ASK {}", {"Content-Type": "text/plain"}, 400),
        ("bad_query_missing_form_type", "POST", "", "query=ASK%20%7B%7D", {}, 400),
        ("bad_query_missing_direct_type", "POST", "", "ASK {}", {}, 400),
        ("bad_query_non_utf8", "POST", "", "ASK {}".encode("utf-16"), {"Content-Type": "application/sparql-query; charset=UTF-16"}, 400),
        ("not UTF-8 at all", "POST", "", b"ASK { FILTER(\xff) }", {"Content-Type": "application/sparql-query"}, 400),
        ("bad_query_syntax", "GET", "?query=ASK%20%7B", None, {}, 400),
        ("bad_update_get", "GET", "?update=CLEAR%20ALL", None, {}, 403),
        ("bad_multiple_updates", "POST", "", "update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", {"Content-Type": "application/x-www-form-urlencoded"}, 403),
        # Without a type the endpoint cannot tell an update from a query: a 400 for what it is.
        ("bad_update_wrong_media_type", "POST", "", "CLEAR NAMED", {"Content-Type": "text/plain"}, 400),
        ("bad_update_missing_form_type", "POST", "", "update=CLEAR%20NAMED", {}, 400),
        ("bad_update_non_utf8", "POST", "", "CLEAR NAMED".encode("utf-16"), {"Content-Type": "application/sparql-update; charset=UTF-16"}, 403),
        ("bad_update_syntax", "POST", "", "update=CLEAR%20XYZ", {"Content-Type": "application/x-www-form-urlencoded"}, 403),
        ("empty query", "GET", "?query=%20%0A", None, {}, 400),
        ("empty direct query", "POST", "", "", {"Content-Type": "application/sparql-query"}, 400),
        ("no query in a form", "POST", "", "default-graph-uri=urn%3Ax", {"Content-Type": "application/x-www-form-urlencoded"}, 400),
        ("parameters but no query", "GET", "?format=json", None, {}, 400),
        ("no query at all on POST", "POST", "", None, {}, 400),
    ],
)  # fmt: skip
def test_malformed_protocol_requests_are_4xx_with_a_message(
    served: str,
    name: str,
    method: str,
    path: str,
    body: Any,
    headers: dict[str, str],
    status: int,
) -> None:
    response = raw_request(served + path, method, body, headers)
    assert response.status_code == status, (name, response.status_code, response.text)
    if method != "PUT":
        assert len(response.text.strip()) > 20, name
    if status == 403:
        assert "read-only" in response.text, name


# --- the service description -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        ("text/turtle", "text/turtle"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
    ],
)
def test_service_description_as_rdf(
    served: str, manifest: dict[str, Any], accept: str | None, mimetype: str
) -> None:
    headers = {} if accept is None else {"Accept": accept}
    response = raw_request(served, "GET", None, headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == mimetype
    graph = parse_graph(response.content, mimetype)
    service = graph.value(predicate=RDF.type, object=SD.Service)
    assert service is not None
    assert graph.value(service, SD.endpoint) == URIRef(served)
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    formats = {str(f).rsplit("/", 1)[1] for f in graph.objects(service, SD.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV"} <= formats
    assert {"SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"} <= formats
    assert set(graph.objects(None, SD.name)) == {URIRef(g["iri"]) for g in manifest["graphs"]}
    comment = str(graph.value(service, RDFS.comment))
    assert "Read-only" in comment
    assert "10 s" in comment and "10000 rows" in comment


def test_service_description_for_a_browser(served: str, manifest: dict[str, Any]) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = requests.get(served, headers={"Accept": browser}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    page = response.text
    assert "Read-only" in page and "10 s per query" in page and "10000 rows" in page
    assert '<textarea name="query"' in page
    for mimetype in SOLUTION_MEDIA + GRAPH_MEDIA:
        assert mimetype in page
    for graph in manifest["graphs"]:
        assert graph["iri"] in page


def test_service_description_head_and_cache(served: str) -> None:
    response = requests.get(served, timeout=30)
    head = requests.head(served, timeout=30)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["ETag"] == response.headers["ETag"]
    again = requests.get(served, headers={"If-None-Match": response.headers["ETag"]}, timeout=30)
    assert again.status_code == 304


# --- the time limit, under gunicorn ----------------------------------------------------------

RUNAWAYS = {
    "cartesian product": CARTESIAN,
    "catastrophic regex": REGEX,
    "cartesian product over FROM": (
        "SELECT (COUNT(*) AS ?n) FROM <https://kg.example.org/graph/inferred> "
        "FROM <https://kg.example.org/graph/ontology> WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    ),
    "sorting a cartesian product": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f",
    "construct of a cartesian product": "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }",
}


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def timed_post(endpoint: str, query: str) -> tuple[int, str, float]:
    started = time.monotonic()
    response = requests.post(endpoint, data={"query": query}, timeout=60)
    return response.status_code, response.text, time.monotonic() - started


@pytest.mark.parametrize("runaway", RUNAWAYS)
def test_runaway_query_is_stopped_within_the_limit(
    limited: tuple[str, int, str], runaway: str
) -> None:
    endpoint, master, store = limited
    status, text, elapsed = timed_post(endpoint, RUNAWAYS[runaway])
    if store == "oxigraph" and runaway == "catastrophic regex":
        # Oxigraph's regular expressions (Rust's regex crate) run in linear time: no runaway.
        assert status == 200 and elapsed < LIMIT, text
        return
    assert status == 503, text
    assert f"time limit of {LIMIT:g} s" in text
    assert LIMIT * 0.9 < elapsed < LIMIT + 1
    # The work really stopped: the server's processes are idle again (a runaway would burn a core).
    processes = [master, *descendants(master)]
    before = cpu_ticks(processes)
    time.sleep(0.5)
    assert cpu_ticks(processes) - before < 15
    assert requests.get(endpoint, params={"query": "ASK {}"}, timeout=30).status_code == 200


def test_runaways_are_killed_while_another_client_is_served(
    limited: tuple[str, int, str],
) -> None:
    endpoint, master, store = limited
    workers_before = set(descendants(master))
    outcomes: dict[str, tuple[int, str, float]] = {}
    second = "catastrophic regex" if store == "memory" else "sorting a cartesian product"
    threads = [
        threading.Thread(target=lambda n=name: outcomes.__setitem__(n, timed_post(endpoint, RUNAWAYS[n])))
        for name in ("cartesian product", second)
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    time.sleep(0.2)  # both runaways are running now
    answered_meanwhile = 0  # lookups answered while both runaways were still running
    while any(thread.is_alive() for thread in threads):
        response = requests.get(endpoint, params={"query": LOOKUP}, timeout=30)
        assert response.status_code == 200, response.text
        answered_meanwhile += all(thread.is_alive() for thread in threads)
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    for name, (status, text, elapsed) in outcomes.items():
        assert status == 503, (name, text)
        assert "time limit" in text
        assert elapsed < LIMIT + 1, name
    # served all along, not after the runaways (how fast is bench/sparql_http.py's to say)
    assert answered_meanwhile >= 3, answered_meanwhile
    # Two workers were killed and replaced: two pids gone, as many processes as before.
    workers_after = set(descendants(master))
    assert len(workers_before - workers_after) == 2
    assert len(workers_after) == len(workers_before)


# --- the row cap -----------------------------------------------------------------------------


def test_row_cap_is_stated_in_a_header_and_a_banner(limited: tuple[str, int, str]) -> None:
    endpoint, _, _ = limited
    everything = "SELECT * WHERE { ?s ?p ?o }"
    response = requests.get(endpoint, params={"query": everything}, timeout=30)
    assert response.headers["X-Civicgraph-Truncated"] == "true"
    assert response.headers["X-Civicgraph-Row-Cap"] == "3"
    assert len(response.json()["results"]["bindings"]) == 3
    page = requests.get(
        endpoint, params={"query": everything}, headers={"Accept": "text/html"}, timeout=30
    )
    assert page.headers["X-Civicgraph-Truncated"] == "true"
    assert 'class="banner truncated"' in page.text and "row cap of 3" in page.text
    for query in (
        "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
        "ASK { ?s ?p ?o }",
        "CONSTRUCT WHERE { ?s a ?type } LIMIT 10",
    ):
        response = requests.get(endpoint, params={"query": query}, timeout=30)
        assert "X-Civicgraph-Truncated" not in response.headers
        page = requests.get(
            endpoint, params={"query": query}, headers={"Accept": "text/html"}, timeout=30
        )
        assert 'class="banner' not in page.text


# --- errors: 400 with the parser's message, never a 500 ---------------------------------------


def test_malformed_query_gives_the_parsers_message_and_position(served: str) -> None:
    query = "SELECT ?s\nWHERE { ?s ?p }"
    response = requests.get(
        served, params={"query": query}, headers={"Accept": "text/plain"}, timeout=30
    )
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "line:2" in response.text and "col:" in response.text
    response = requests.get(
        served, params={"query": query}, headers={"Accept": "application/json"}, timeout=30
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "malformed query" and "line:2" in body["message"]


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("SELECT * { ?s nope:p ?o }", "nope"),
        ("SELECT * {} OFFSET 99999999999999999999999", "offset"),
        ('SELECT ("\\U0011FFFF" AS ?x) {}', "code point"),
        ("SELECT * {" + "{" * 3000 + "}" * 3000 + "}", "nested too deeply"),
        ("ASK { ?s ?p ?o", "Expected"),
    ],
)
def test_query_errors_are_400(served: str, query: str, said: str) -> None:
    response = requests.post(served, data={"query": query}, timeout=30)
    assert response.status_code == 400, response.text
    assert said in response.text


def test_a_long_run_of_binds_is_answered(served: str) -> None:
    """rdflib's algebra nests 400 BINDs deeper than Python's recursion limit: the server's own
    walk over it (for SERVICE and volatile functions) must not recurse (it was a 500)."""
    binds = " ".join(f"BIND({i} AS ?v{i})" for i in range(400))
    response = requests.post(
        served,
        data={"query": f"SELECT ?v399 WHERE {{ {binds} }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"] == [
        {"v399": {"type": "literal", "value": "399", "datatype": str(XSD.integer)}}
    ]


def test_nesting_the_store_can_take_is_answered(served: str) -> None:
    """The oxigraph store's parser takes a query nested deeper than rdflib's parser can read.

    A plain query (server.sparqltext's `plain_head`: at most `MOST_BRACKETS` brackets) goes to
    Oxigraph unread; one with more is read by rdflib's parser, which refuses it (400, above),
    before Oxigraph could exhaust the worker's stack. The worker that answered is still there.
    """
    depth = (MOST_BRACKETS - 2) // 2
    deep = "ASK { ?s ?p ?o " + "FILTER EXISTS { ?s ?p ?o " * depth + "}" * depth + "}"
    assert deep.count("{") <= MOST_BRACKETS
    for _ in range(3):
        response = requests.post(
            served, data={"query": deep}, headers={"Accept": "application/json"}, timeout=30
        )
        assert response.status_code == 200, response.text
        assert response.json()["boolean"] is True
    deeper = "ASK { " + "FILTER EXISTS { " * 1000 + "}" * 1000 + "}"
    response = requests.post(served, data={"query": deeper}, timeout=30)
    assert response.status_code == 400 and "nested too deeply" in response.text


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("SELECT * { ?s ?p ?o FILTER(REGEX(?o, '(')) }", "unterminated"),
        ("SELECT (SUM(?s) AS ?x) { ?s ?p ?o }", "cannot be evaluated"),
    ],
)
def test_what_rdflib_cannot_evaluate_is_400_on_the_memory_store(
    limited: tuple[str, int, str], query: str, said: str
) -> None:
    """rdflib raises on these; SPARQL (and Oxigraph) make such an error a false FILTER or an
    unbound value: a 200 either way, never a 500."""
    endpoint, _, store = limited
    response = requests.post(endpoint, data={"query": query}, timeout=30)
    if store == "memory":
        assert response.status_code == 400, response.text
        assert said in response.text
    else:
        assert response.status_code == 200, response.text


TOKENS = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "?s", "?o", "$p", "*",
    ".", ";", ",", "a", "<urn:x>", "<>", "'x'", '"y"@en', "1", "-1.5e3", "true", "FILTER", "BIND",
    "AS", "OPTIONAL", "UNION", "MINUS", "GRAPH", "VALUES", "GROUP BY", "ORDER BY", "LIMIT 2",
    "OFFSET", "COUNT", "SUM", "REGEX", "STR", "LANG", "DATATYPE", "IRI", "BNODE", "NOW()", "EXISTS",
    "NOT", "+", "/", "|", "^", "!", "&&", "||", "=", "!=", "PREFIX x: <urn:>", "x:y", "_:b", "[]",
    "#c\n", "\\u0000", "\u00e9", "\ud7ff", "FROM", "NAMED", "SERVICE", "INSERT", "DATA", "LOAD",
]  # fmt: skip


def test_random_query_text_never_gives_a_5xx(served: str) -> None:
    chooser = random.Random(20180124)
    session = requests.Session()
    for _ in range(150):
        text = " ".join(chooser.choice(TOKENS) for _ in range(chooser.randint(1, 25)))
        response = session.post(served, data={"query": text}, timeout=30)
        assert response.status_code < 500, (text, response.status_code, response.text)
    session.close()


# --- HTTP: ETag, Cache-Control, gzip, CORS, HEAD, OPTIONS ------------------------------------


def test_etag_and_if_none_match(served: str) -> None:
    params = {"query": SELECT}
    first = requests.get(served, params=params, timeout=30)
    tag = first.headers["ETag"]
    assert tag.startswith('W/"') and first.headers["Cache-Control"].startswith("public")
    again = requests.get(served, params=params, headers={"If-None-Match": tag}, timeout=30)
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == tag
    plain = requests.get(served, params=params, headers={"Accept-Encoding": "identity"}, timeout=30)
    assert plain.headers["ETag"] != tag  # another representation, another tag
    other_format = requests.get(served, params=params, headers={"Accept": "text/csv"}, timeout=30)
    other_query = requests.get(served, params={"query": SELECT + " LIMIT 1"}, timeout=30)
    other_graph = requests.get(
        served, params={**params, "default-graph-uri": "urn:x:g"}, timeout=30
    )
    tags = {
        tag,
        other_format.headers["ETag"],
        other_query.headers["ETag"],
        other_graph.headers["ETag"],
    }
    assert len(tags) == 4
    stale = requests.get(served, params=params, headers={"If-None-Match": 'W/"other"'}, timeout=30)
    assert stale.status_code == 200


def test_volatile_and_posted_answers_are_not_cached(served: str) -> None:
    response = requests.get(served, params={"query": "SELECT (RAND() AS ?r) {}"}, timeout=30)
    assert response.status_code == 200 and "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "no-cache"
    # Nor kept by the server: the same request, asked again, is evaluated again.
    for volatile in ("SELECT (RAND() AS ?r) {}", "SELECT (STRUUID() AS ?r) {}"):
        values = {
            requests.get(served, params={"query": volatile}, timeout=30).json()["results"][
                "bindings"
            ][0]["r"]["value"]
            for _ in range(4)
        }
        assert len(values) == 4, (volatile, values)
    response = requests.post(served, data={"query": SELECT}, timeout=30)
    assert "ETag" not in response.headers
    response = requests.get(served, params={"query": "ASK {"}, timeout=30)
    assert response.headers["Cache-Control"] == "no-store"


def test_gzip_when_asked(served: str) -> None:
    host, port = served.removeprefix("http://").split("/")[0].split(":")
    path = "/sparql?" + requests.compat.urlencode({"query": SELECT})
    bodies = {}
    for encoding in ("gzip", "identity"):
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        connection.request("GET", path, headers={"Accept-Encoding": encoding})
        response = connection.getresponse()
        bodies[encoding] = (response.getheader("Content-Encoding"), response.read())
        assert "Accept-Encoding" in (response.getheader("Vary") or "")
        connection.close()
    assert bodies["gzip"][0] == "gzip"
    assert bodies["identity"][0] is None
    assert gzip.decompress(bodies["gzip"][1]) == bodies["identity"][1]
    assert len(bodies["gzip"][1]) < len(bodies["identity"][1])


def test_cors_for_get_post_errors_and_preflight(served: str) -> None:
    origin = {"Origin": "https://yasgui.example"}
    for response in (
        requests.get(served, params={"query": ASK_TRUE}, headers=origin, timeout=30),
        requests.post(served, data={"query": ASK_TRUE}, headers=origin, timeout=30),
        requests.post(
            served,
            data="ASK {}",
            headers={**origin, "Content-Type": "application/sparql-query"},
            timeout=30,
        ),
        requests.get(served, params={"query": "ASK {"}, headers=origin, timeout=30),
        requests.get(served, headers=origin, timeout=30),
    ):
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "X-Civicgraph-Truncated" in response.headers["Access-Control-Expose-Headers"]
    for method in ("POST", "GET"):
        preflight = requests.options(
            served,
            headers={
                **origin,
                "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": "content-type, accept",
            },
            timeout=30,
        )
        assert preflight.status_code in (200, 204)
        assert preflight.headers["Access-Control-Allow-Origin"] == "*"
        assert method in preflight.headers["Access-Control-Allow-Methods"]
        assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
        assert "POST" in preflight.headers["Allow"]


def test_head_is_get_without_a_body(served: str) -> None:
    params = {"query": SELECT}
    get = requests.get(served, params=params, timeout=30)
    head = requests.head(served, params=params, timeout=30)
    assert head.status_code == 200 and head.content == b""
    for header in ("Content-Type", "ETag", "Content-Length", "Content-Encoding"):
        assert head.headers[header] == get.headers[header]
    assert requests.head(served, params={"query": "ASK {"}, timeout=30).status_code == 400


def test_trailing_slash_is_the_same_endpoint(served: str) -> None:
    response = requests.post(
        served + "/",
        data="ASK {}",
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert response.status_code == 200 and response.json()["boolean"] is True


# --- the pool on its own ---------------------------------------------------------------------


def _task(task: str) -> str:
    if task == "nap":
        time.sleep(0.3)
    if task == "spin":
        while True:
            pass
    if task == "memory":
        hoard = [bytearray(1024 * 1024) for _ in range(4096)]
        return str(len(hoard))
    if task == "fail":
        raise KeyError("a bug")
    return f"done {task} in {os.getpid()}"


@pytest.fixture()
def pool() -> Iterator[QueryPool]:
    pool = QueryPool(_task, size=2, memory_mb=256)
    yield pool
    pool.close()


def test_pool_kills_and_replaces_an_overdue_worker(pool: QueryPool) -> None:
    before = set(pool.worker_pids)
    started = time.monotonic()
    with pytest.raises(TaskTimeout):
        pool.run("spin", time.monotonic() + 0.5)
    assert time.monotonic() - started < 1.0
    after = set(pool.worker_pids)
    assert len(after) == 2 and len(before - after) == 1
    (killed,) = before - after
    with pytest.raises(ProcessLookupError):
        os.kill(killed, 0)
    assert pool.run("x", time.monotonic() + 5).startswith("done x")


def test_pool_busy_memory_and_failures(pool: QueryPool) -> None:
    spinners = [threading.Thread(target=lambda: _expect_timeout(pool)) for _ in range(2)]
    for spinner in spinners:
        spinner.start()
    time.sleep(0.2)
    with pytest.raises(PoolBusy):
        pool.run("x", time.monotonic() + 0.3)
    for spinner in spinners:
        spinner.join()
    with pytest.raises(WorkerOutOfMemory):
        pool.run("memory", time.monotonic() + 30)
    with pytest.raises(TaskFailed, match="a bug"):
        pool.run("fail", time.monotonic() + 5)
    assert len(pool.worker_pids) == 2
    assert pool.run("y", time.monotonic() + 5).startswith("done y")


def test_a_task_queued_behind_a_busy_worker_runs_as_soon_as_it_is_free() -> None:
    """A caller waiting for a worker is woken when one is given back, not at its deadline."""
    pool = QueryPool(_task, size=1)
    try:
        first = threading.Thread(target=pool.run, args=("nap", time.monotonic() + 5))
        first.start()
        time.sleep(0.1)  # the one worker is busy with the nap now
        started = time.monotonic()
        assert pool.run("queued", started + 3).startswith("done queued")
        waited = time.monotonic() - started
        first.join()
        assert waited < 1.5, waited  # the nap's 0.2 s left, not the 3 s deadline
    finally:
        pool.close()


def _expect_timeout(pool: QueryPool) -> None:
    with pytest.raises(TaskTimeout):
        pool.run("spin", time.monotonic() + 1.0)


def test_pool_close_stops_every_process() -> None:
    pool = QueryPool(_task, size=3)
    pids = pool.worker_pids
    pool.close()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_in_process_app_answers_and_closes(build_dir: Path) -> None:
    app = create_app(load_settings({"build": str(build_dir), "query_workers": 1}, environ={}))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/sparql"
        assert requests.get(url, params={"query": ASK_TRUE}, timeout=30).json()["boolean"] is True
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        app.extensions["civicgraph"].close()


def send(endpoint: str, method: str, query: str, headers: dict[str, str]) -> requests.Response:
    if method == "GET":
        return requests.get(endpoint, params={"query": query}, headers=headers, timeout=30)
    if method == "POST":
        return requests.post(endpoint, data={"query": query}, headers=headers, timeout=30)
    return requests.post(
        endpoint,
        data=query.encode("utf-8"),
        headers={**headers, "Content-Type": "application/sparql-query"},
        timeout=30,
    )


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_as_a_client(
    served: str, reference: Dataset, described: str, method: str
) -> None:
    """rdflib's own SPARQL client (XML results, RDF/XML graphs) gets rdflib's own answers."""
    remote = Graph(store=SPARQLStore(served, method=method))
    assert rows_of(remote.query(SELECT)) == expected_rows(reference, SELECT)
    assert remote.query(ASK_TRUE).askAnswer is True
    assert remote.query(ASK_FALSE).askAnswer is False
    for query in (CONSTRUCT, described):
        answer = remote.query(query).graph
        assert answer is not None
        assert_same_graph(answer, reference.query(query).graph)
