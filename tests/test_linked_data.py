"""Linked-data browsing and downloads on a real port: dereferencing, pages, downloads, a crawl.

Downloads are read back with parsers that are not the one that wrote them: `rapper` (Debian's
raptor2-utils, installed by `make pytest`) for Turtle, N-Triples, TriG, N-Quads and RDF/XML, and
pyld for JSON-LD; what they read must be isomorphic to the build.
"""

from __future__ import annotations

import email.utils
import gzip
import html
import http.client
import json
import os
import re
import shutil
import subprocess
import time
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
import rdflib
import requests
from live import running, settings_for
from pyld import jsonld
from rdflib import PROV, RDF, RDFS, BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from graph.build import build
from graph.namespaces import CIV, DCAT, NIF, PREFIXES, VOID
from graph.settings import load_settings
from server import create_app

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://kg.example.org/"
SESSIONS = URIRef(BASE + "id/person/jeff-sessions")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# What rdflib sends when asked to parse a URL without a format: every parser's media type.
RDFLIB_ANY = (
    "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, "
    "application/n-quads, application/trix, application/trig"
)
PARSE_AS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
RAPPER_INPUT = {
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".trig": "trig",
    ".nq": "nquads",
    ".rdf": "rdfxml",
}


# --- helpers and fixtures -------------------------------------------------------------------


@pytest.fixture(scope="module")
def url(build_dir: Path) -> Iterator[str]:
    with running(create_app(settings_for(build_dir))) as base:
        yield base


@pytest.fixture(scope="module")
def reference(build_dir: Path) -> Dataset:
    dataset = Dataset(default_union=True)
    dataset.parse(build_dir / "dataset.trig", format="trig")
    return dataset


@pytest.fixture(scope="module")
def union(build_dir: Path) -> Graph:
    return Graph().parse(build_dir / "graph.nt", format="nt")


@pytest.fixture(scope="module")
def manifest(build_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def rapper() -> str:
    found = shutil.which("rapper")
    if found is None:
        pytest.fail("rapper is missing: `make pytest` installs Debian's raptor2-utils")
    return found


def expected_document(reference: Dataset, iri: URIRef) -> Graph:
    """A resource's data document: its triples out (with blank nodes followed) and in."""
    out = Graph()
    pending: list[Any] = [iri]
    seen: set[Any] = set()
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        for s, p, o in reference.triples((node, None, None)):
            out.add((s, p, o))
            if isinstance(o, BNode):
                pending.append(o)
    for triple in reference.triples((None, None, iri)):
        out.add(triple)
    return out


def assert_isomorphic(got: Graph, expected: Graph, what: str) -> None:
    if isomorphic(got, expected):
        return
    _, only_got, only_expected = graph_diff(to_isomorphic(got), to_isomorphic(expected))
    pytest.fail(
        f"{what} differs from the build:\nonly in {what}:\n"
        f"{only_got.serialize(format='nt')[:3000]}\nonly in the build:\n"
        f"{only_expected.serialize(format='nt')[:3000]}"
    )


def parse_body(body: bytes, media_type: str) -> Graph:
    """Parse an RDF body; JSON-LD with pyld (an independent reader), the rest with rdflib."""
    if media_type == "application/ld+json":
        return from_jsonld(body)
    return Graph().parse(data=body.decode("utf-8"), format=PARSE_AS[media_type])


def from_jsonld(body: bytes) -> Graph:
    document = json.loads(body.decode("utf-8"))
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    return Graph().parse(data=nquads, format="nt")


def rapper_ntriples(rapper: str, path: Path, syntax: str, output: str = "ntriples") -> str:
    """Parse a file with rapper and return what it read, re-serialised as N-Triples/N-Quads."""
    done = subprocess.run(
        [rapper, "-q", "-i", syntax, "-o", output, str(path), BASE],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"rapper could not read {path.name}: {done.stderr}"
    return done.stdout


def raw_get(base_url: str, path: str) -> int:
    """GET a path exactly as written (no client-side normalisation of `..`), following redirects."""
    host, port = base_url.removeprefix("http://").split(":")
    for _ in range(3):
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            connection.request("GET", path, headers={"Accept": "text/html"})
            response = connection.getresponse()
            location = response.getheader("Location")
            if response.status not in (301, 302, 303, 307, 308) or not location:
                return response.status
            path = location.removeprefix(base_url)
        finally:
            connection.close()
    raise AssertionError(f"too many redirects for {path}")


class Links(HTMLParser):
    """The href of every <a> and <link>, and the ids of elements, in one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.scripts = 0
        self.handlers = 0  # on* attributes: inline script by another name

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("a", "link") and values.get("href"):
            self.hrefs.append(str(values["href"]))
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "script":
            self.scripts += 1
        self.handlers += sum(1 for name, _ in attrs if name.lower().startswith("on"))


def vary_of(response: requests.Response) -> set[str]:
    """The header names a response's Vary lists (a cache keys its copies on these)."""
    return {name.strip() for name in response.headers.get("Vary", "").split(",")}


def links_of(page: str) -> Links:
    parser = Links()
    parser.feed(page)
    return parser


def listed_classes(page: str) -> set[str]:
    """The classes a page links to a list of (`/list?class=...`)."""
    found = set()
    for href in links_of(page).hrefs:
        parts = urlsplit(href)
        if parts.path == "/list":
            found.update(parse_qs(parts.query).get("class", []))
    return found


def mention_sample(reference: Dataset) -> list[tuple[URIRef, URIRef]]:
    """(fact node, one of its evidence sentences) for every fact node with evidence."""
    return sorted(
        {
            (URIRef(str(s)), URIRef(str(o)))
            for s, o in reference.subject_objects(CIV.evidence)
            if isinstance(s, URIRef)
        }
    )


# --- dereferencing: the content-negotiation matrix ----------------------------------------


@pytest.mark.parametrize(
    ("accept", "target"),
    [
        ("text/html", "/page/"),
        ("application/xhtml+xml", "/page/"),
        (BROWSER, "/page/"),
        ("*/*", "/page/"),
        (None, "/page/"),  # no Accept header at all
        ("text/turtle", "/data/"),
        ("application/n-triples", "/data/"),
        ("application/ld+json", "/data/"),
        ("application/rdf+xml", "/data/"),
        ("text/turtle;q=0.9, text/html;q=0.5", "/data/"),
        ("text/html;q=0.4, application/ld+json", "/data/"),
        # a type the client names beats the page it only reaches through a wildcard
        ("text/turtle, */*", "/data/"),
        ("*/*, application/n-triples", "/data/"),
        ("text/*, application/rdf+xml", "/data/"),
        (RDFLIB_ANY, "/data/"),
    ],
)
def test_id_answers_303_by_accept(url: str, accept: str | None, target: str) -> None:
    path = "person/jeff-sessions"
    headers = {"Accept": accept}  # None removes the header from the request
    response = requests.get(f"{url}/id/{path}", headers=headers, allow_redirects=False, timeout=30)
    assert response.status_code == 303
    assert urljoin(url + "/", response.headers["Location"]) == f"{url}{target}{path}"
    assert "Accept" in vary_of(response)  # a cache must not give a browser the RDF redirect


@pytest.mark.parametrize("path", ["/id/person/jeff-sessions", "/data/person/jeff-sessions"])
def test_unacceptable_types_get_406(url: str, path: str) -> None:
    response = requests.get(url + path, headers={"Accept": "image/png"}, timeout=30)
    assert response.status_code == 406
    assert "text/turtle" in response.text


@pytest.mark.parametrize("media_type", sorted(PARSE_AS))
def test_id_then_data_by_accept_gives_the_resources_triples(
    url: str, reference: Dataset, media_type: str
) -> None:
    response = requests.get(
        f"{url}/id/person/jeff-sessions", headers={"Accept": media_type}, timeout=30
    )
    assert response.status_code == 200
    assert [r.status_code for r in response.history] == [303]
    assert response.headers["Content-Type"].split(";")[0] == media_type
    assert "Accept" in response.headers["Vary"]
    suffix = {"text/turtle": ".ttl", "application/n-triples": ".nt"}.get(media_type)
    if suffix:
        assert response.headers["Content-Location"] == f"/data/person/jeff-sessions{suffix}"
    got = parse_body(response.content, media_type)
    assert_isomorphic(got, expected_document(reference, SESSIONS), f"/data as {media_type}")


@pytest.mark.parametrize(
    ("suffix", "media_type"),
    [
        (".ttl", "text/turtle"),
        (".nt", "application/n-triples"),
        (".jsonld", "application/ld+json"),
        (".rdf", "application/rdf+xml"),
    ],
)
def test_data_by_suffix_ignores_accept(
    url: str, reference: Dataset, suffix: str, media_type: str
) -> None:
    iri = URIRef(BASE + "id/letter/2018-01-24/doj-to-chicago-il")
    response = requests.get(
        f"{url}/data/letter/2018-01-24/doj-to-chicago-il{suffix}",
        headers={"Accept": "text/html"},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    assert "Accept" in response.headers["Vary"]
    assert response.headers["ETag"]
    again = requests.get(
        response.url, headers={"If-None-Match": response.headers["ETag"]}, timeout=30
    )
    assert again.status_code == 304
    assert_isomorphic(
        parse_body(response.content, media_type), expected_document(reference, iri), suffix
    )


def test_data_documents_parse_with_rapper(
    url: str, reference: Dataset, rapper: str, tmp_path: Path
) -> None:
    for suffix in (".ttl", ".nt", ".rdf"):
        response = requests.get(f"{url}/data/person/jeff-sessions{suffix}", timeout=30)
        path = tmp_path / f"doc{suffix}"
        path.write_bytes(response.content)
        read = rapper_ntriples(rapper, path, RAPPER_INPUT[suffix])
        got = Graph().parse(data=read, format="nt")
        assert_isomorphic(got, expected_document(reference, SESSIONS), f"rapper on {suffix}")


def test_page_is_html_only(url: str) -> None:
    response = requests.get(f"{url}/page/person/jeff-sessions", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    links = links_of(response.text)
    for suffix in (".ttl", ".nt", ".jsonld", ".rdf"):
        assert f"/data/person/jeff-sessions{suffix}" in links.hrefs


def test_rdflib_dereferences_an_iri_through_the_303(url: str, reference: Dataset) -> None:
    graph = rdflib.Graph()
    graph.parse(f"{url}/id/person/jeff-sessions")
    assert (SESSIONS, RDFS.label, Literal("Jeff Sessions", lang="en")) in graph
    assert (SESSIONS, RDF.type, CIV.Person) in graph
    assert_isomorphic(graph, expected_document(reference, SESSIONS), "rdflib's read")


def test_every_kind_of_iri_dereferences(url: str, reference: Dataset) -> None:
    kinds: dict[str, URIRef] = {}
    for subject in sorted({s for s in reference.subjects() if isinstance(s, URIRef)}):
        text = str(subject)
        if text.startswith(BASE + "id/"):
            kinds.setdefault(text[len(BASE + "id/") :].split("/")[0], subject)
        if "/mention/" in text:
            kinds.setdefault("mention", subject)
        if "/sentence/" in text:
            kinds.setdefault("sentence", subject)
    assert {"person", "letter", "statute", "article", "mention", "sentence"} <= set(kinds)
    for kind, iri in kinds.items():
        path = str(iri)[len(BASE) :]
        for accept, target in (("text/html", "/page/"), ("text/turtle", "/data/")):
            response = requests.get(
                f"{url}/{path}", headers={"Accept": accept}, allow_redirects=False, timeout=30
            )
            assert response.status_code == 303, kind
            assert response.headers["Location"].startswith(target), kind
            assert requests.get(urljoin(url, response.headers["Location"]), timeout=30).ok


# --- named graphs, the ontology, the dataset description ------------------------------------


def test_named_graphs_dereference(url: str, manifest: dict[str, Any]) -> None:
    for entry in manifest["graphs"]:
        path = entry["iri"][len(BASE) :]
        page = requests.get(f"{url}/{path}", headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 200, path
        assert "Accept" in page.headers["Vary"]
        assert str(entry["triples"]) in page.text
        assert f'href="/download/{entry["file"]}"' in page.text
        if entry["derived_from"]:
            assert f"{url}/{entry['derived_from'][len(BASE) :]}" in page.text
        data = requests.get(f"{url}/{path}", headers={"Accept": "text/turtle"}, timeout=30)
        assert data.history[0].status_code == 303
        assert data.url == f"{url}/download/{entry['file']}"
    assert requests.get(f"{url}/graph/curated/no-such-source", timeout=30).status_code == 404


def test_ontology_as_html_with_an_anchor_per_term(url: str, reference: Dataset) -> None:
    ontology = reference.graph(URIRef(BASE + "graph/ontology"))
    terms = {str(s)[len(str(CIV)) :] for s in ontology.subjects() if str(s).startswith(str(CIV))}
    assert len(terms) > 50
    response = requests.get(f"{url}/ontology", headers={"Accept": BROWSER}, timeout=30)
    assert response.status_code == 200
    assert "Accept" in response.headers["Vary"]
    links = links_of(response.text)
    assert terms <= links.ids
    assert str(CIV.Person) in listed_classes(response.text)
    # The resource page's types link to these anchors.
    page = requests.get(f"{url}/page/person/jeff-sessions", timeout=30).text
    assert 'href="/ontology#Person"' in page


@pytest.mark.parametrize(
    ("path", "accept", "media_type"),
    [
        ("/ontology", "text/turtle", "text/turtle"),
        ("/ontology", "application/ld+json", "application/ld+json"),
        ("/ontology.nt", "*/*", "application/n-triples"),
        ("/ontology.rdf", "*/*", "application/rdf+xml"),
    ],
)
def test_ontology_as_rdf(
    url: str, reference: Dataset, path: str, accept: str, media_type: str
) -> None:
    response = requests.get(url + path, headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    got = parse_body(response.content, media_type)
    assert_isomorphic(got, reference.graph(URIRef(BASE + "graph/ontology")), path)


def test_jsonld_is_compacted_with_the_projects_prefixes(url: str, reference: Dataset) -> None:
    for path in ("/data/person/jeff-sessions.jsonld", "/ontology.jsonld"):
        response = requests.get(url + path, timeout=30)
        assert response.status_code == 200
        document = response.json()
        # The context is the project's own prefixes, and only those (not rdflib's defaults).
        assert document["@context"] == {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        assert '"civ:' in response.text, path  # terms written compactly with them
    document = requests.get(f"{url}/data/person/jeff-sessions.jsonld", timeout=30).json()
    assert_isomorphic(
        from_jsonld(json.dumps(document).encode()),
        expected_document(reference, SESSIONS),
        "JSON-LD",
    )


def test_turtle_of_the_ontology_and_void_is_the_builds_file_with_the_builds_dates(
    build_dir: Path, manifest: dict[str, Any], tmp_path: Path
) -> None:
    """Turtle is sent from the build's own file (its bytes, its manifest hash as ETag), dated
    like every other document of the build, whatever the file's own modification time."""
    folder = tmp_path / "build"
    folder.mkdir()
    for item in build_dir.iterdir():
        if item.name in ("ontology.ttl", "void.ttl"):
            shutil.copyfile(item, folder / item.name)
            os.utime(folder / item.name, (978307200, 978307200))  # 2001-01-01, not the build's
        else:
            (folder / item.name).symlink_to(item)
    with running(create_app(settings_for(folder))) as base:
        dated = requests.get(base + "/ontology.nt", timeout=30)
        assert dated.status_code == 200
        modified = dated.headers["Last-Modified"]
        assert not modified.endswith(" 2001 00:00:00 GMT")
        for path, accept, name in (
            ("/ontology.ttl", "*/*", "ontology.ttl"),
            ("/ontology", "text/turtle", "ontology.ttl"),
            ("/.well-known/void", "text/turtle", "void.ttl"),
        ):
            response = requests.get(base + path, headers={"Accept": accept}, timeout=30)
            assert response.status_code == 200, path
            assert response.headers["Content-Type"].split(";")[0] == "text/turtle", path
            assert response.content == (build_dir / name).read_bytes(), path
            assert response.headers["ETag"] == f'"{manifest["files"][name]["sha256"]}"', path
            assert response.headers["Last-Modified"] == modified, path
            assert "Accept" in vary_of(response), path
            again = requests.get(
                base + path,
                headers={"Accept": accept, "If-None-Match": response.headers["ETag"]},
                timeout=30,
            )
            assert again.status_code == 304, path


def test_void_and_dcat_at_well_known(url: str, manifest: dict[str, Any]) -> None:
    response = requests.get(f"{url}/.well-known/void", headers={"Accept": "*/*"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert "Accept" in response.headers["Vary"]
    void = Graph().parse(data=response.text, format="turtle")
    dataset = URIRef(BASE + "dataset")
    assert (dataset, RDF.type, VOID.Dataset) in void
    assert (dataset, RDF.type, DCAT.Dataset) in void
    assert void.value(dataset, VOID.triples) is not None
    assert void.value(dataset, VOID.entities) is not None
    assert void.value(dataset, VOID.classes) is not None
    assert void.value(dataset, VOID.properties) is not None
    assert (dataset, VOID.sparqlEndpoint, URIRef(BASE + "sparql")) in void
    assert (dataset, URIRef("http://purl.org/dc/terms/license"), None) in void
    sources = set(void.objects(dataset, URIRef("http://purl.org/dc/terms/source")))
    assert URIRef(BASE + "id/source/wikidata") in sources
    assert URIRef(BASE + "id/article/2018-01-24-justice-department-threatens-subpoenas") in sources
    for dump in ("dataset.trig", "dataset.nq", "graph.ttl", "graph.nt", "graph.jsonld"):
        download = URIRef(BASE + "download/" + dump)
        assert (dataset, VOID.dataDump, download) in void
        assert (dataset, DCAT.distribution, download) in void
        assert (download, DCAT.downloadURL, download) in void
        assert dump in manifest["files"]
    for entry in manifest["graphs"]:
        if entry["kind"] == "meta":
            continue
        graph = URIRef(entry["iri"])
        assert (dataset, VOID.subset, graph) in void
        assert int(void.value(graph, VOID.triples)) == entry["triples"]  # type: ignore[arg-type]
        assert (graph, PROV.wasDerivedFrom, URIRef(entry["derived_from"])) in void
    html_page = requests.get(f"{url}/.well-known/void", headers={"Accept": BROWSER}, timeout=30)
    assert html_page.headers["Content-Type"].startswith("text/html")
    home = requests.get(url + "/", timeout=30).text
    assert 'href="/.well-known/void"' in home
    assert requests.get(f"{url}/dataset", timeout=30).url == f"{url}/.well-known/void"


# --- pages show what the issue asks --------------------------------------------------------


def test_resource_page_shows_evidence_inference_graphs_and_links(
    url: str, reference: Dataset
) -> None:
    facts = mention_sample(reference)
    assert facts, "the build has no fact node with civ:evidence"
    fact, sentence = facts[0]
    begin = int(reference.value(sentence, NIF.beginIndex))  # type: ignore[arg-type]
    end = int(reference.value(sentence, NIF.endIndex))  # type: ignore[arg-type]
    article = reference.value(sentence, NIF.referenceContext)
    slug = str(article).rsplit("/", 1)[1]
    page = requests.get(f"{url}/page/{str(fact)[len(BASE + 'id/') :]}", timeout=30).text
    assert f'href="/article/{slug}#char={begin},{end}"' in page
    article_page = requests.get(f"{url}/article/{slug}", timeout=30).text
    assert f'id="char={begin},{end}"' in article_page

    inferred = reference.graph(URIRef(BASE + "graph/inferred"))
    asserted_only = next(
        (s, p, o)
        for s, p, o in sorted(inferred)
        if str(s).startswith(BASE + "id/person/")
        and p != RDF.type
        and not any(
            g != URIRef(BASE + "graph/inferred") for *_, g in reference.quads((s, p, o, None))
        )
    )
    person_page = requests.get(
        f"{url}/page/{str(asserted_only[0])[len(BASE + 'id/') :]}", timeout=30
    ).text
    assert 'class="tag inferred"' in person_page
    assert 'href="/graph/curated/' in person_page

    chicago = requests.get(f"{url}/page/jurisdiction/chicago-il", timeout=30).text
    assert 'href="http://www.wikidata.org/entity/Q1297"' in chicago


def test_incoming_links_are_grouped_counted_and_paged(url: str, reference: Dataset) -> None:
    incoming: dict[URIRef, int] = {}
    for _, _, o in reference.triples((None, None, None)):
        if isinstance(o, URIRef) and str(o).startswith(BASE + "id/"):
            incoming[o] = incoming.get(o, 0) + 1
    busiest = max(sorted(incoming), key=lambda iri: incoming[iri])
    assert incoming[busiest] > 50
    path = str(busiest)[len(BASE + "id/") :]
    first = requests.get(f"{url}/page/{path}", timeout=30).text
    assert f"({incoming[busiest]})" in first  # the total, in the heading
    assert 'rel="next"' in first and "page 1 of" in first
    pages = int(re.search(r"page 1 of (\d+)", first).group(1))  # type: ignore[union-attr]
    last = requests.get(f"{url}/page/{path}?page={pages}", timeout=30)
    assert last.status_code == 200 and 'rel="prev"' in last.text
    assert requests.get(f"{url}/page/{path}?page={pages + 1}", timeout=30).status_code == 404
    assert requests.get(f"{url}/page/{path}?page=x", timeout=30).status_code == 400


def test_article_view_highlights_and_links_every_mention(url: str, reference: Dataset) -> None:
    slug = "2018-01-24-justice-department-threatens-subpoenas"
    article = URIRef(BASE + f"id/article/{slug}")
    response = requests.get(f"{url}/article/{slug}", timeout=30)
    assert response.status_code == 200
    page = response.text
    links = links_of(page)
    mentions = set(reference.subjects(NIF.referenceContext, article)) & set(
        reference.subjects(RDF.type, CIV.Mention)
    )
    assert len(mentions) > 10
    highlighted = 0
    for mention in mentions:
        begin = int(reference.value(mention, NIF.beginIndex))  # type: ignore[arg-type]
        end = int(reference.value(mention, NIF.endIndex))  # type: ignore[arg-type]
        if f"char={begin},{end}" in links.ids:
            highlighted += 1
            target = reference.value(mention, CIV.denotes)
            assert f'href="/page/{str(target)[len(BASE + "id/") :]}"' in page
    assert highlighted >= len(mentions) * 0.9  # overlapping mentions show once
    assert reference.value(article, CIV.fullText) is not None
    text = re.sub(r"<[^>]+>", "", page.split('<div class="article-text">')[1].split("</div>")[0])
    assert html.unescape(text) == str(reference.value(article, CIV.fullText))
    assert "2018-01-24" in page  # its metadata
    assert "Facts extracted from it" in page
    assert requests.get(f"{url}/article/no-such-article", timeout=30).status_code == 404


def test_home_links_each_class_to_its_paged_list(url: str, manifest: dict[str, Any]) -> None:
    home = requests.get(url + "/", timeout=30).text
    assert set(manifest["classes"]) <= listed_classes(home)
    mention = str(CIV.Mention)
    count = manifest["classes"][mention]
    assert count > 100
    response = requests.get(f"{url}/list", params={"class": mention}, timeout=30)
    assert f"{count} instances" in response.text
    assert 'rel="next"' in response.text
    page2 = requests.get(f"{url}/list", params={"class": mention, "page": 2}, timeout=30)
    assert page2.status_code == 200
    gone = requests.get(f"{url}/list", params={"class": "urn:x:nothing"}, timeout=30)
    assert gone.status_code == 404


@pytest.mark.parametrize(
    "needle",
    ['") } SELECT * WHERE { ?s ?p ?o } #', "' . ?s ?p ?o #", "\\u0022", "<script>", "%"],
)
def test_search_binds_the_text_and_cannot_break_the_query(url: str, needle: str) -> None:
    response = requests.get(f"{url}/search", params={"q": needle}, timeout=30)
    assert response.status_code == 200
    assert "<script>" not in response.text.split("</nav>")[1]
    assert "0 things" in response.text


def test_search_finds_labels_and_aliases(url: str) -> None:
    response = requests.get(f"{url}/search", params={"q": "sessions"}, timeout=30)
    assert response.status_code == 200
    assert 'href="/page/person/jeff-sessions"' in response.text
    home = requests.get(url + "/", timeout=30).text
    assert '<form method="get" action="/search"' in home


def test_pages_show_the_servers_own_origin(url: str) -> None:
    host = url.removeprefix("http://")
    for path in (
        "/",
        "/page/person/jeff-sessions",
        "/graph/inferred",
        "/ontology",
        "/.well-known/void",
        "/article/2018-01-24-justice-department-threatens-subpoenas",
        "/list?class=https://kg.example.org/ontology%23Letter",
    ):
        page = requests.get(url + path, headers={"Accept": "text/html"}, timeout=30).text
        body = page.split("</nav>", 1)[1]
        # IRIs are mapped; literals are data and stay as they are (void:uriSpace, query text).
        body = re.sub(r'<span class="literal">.*?</span>', "", body, flags=re.S)
        assert f"http://{host}/" in body, path
        assert "https://kg.example.org/id/" not in body, path
        assert "https://kg.example.org/graph/" not in body, path
    # Another name for the same server: the pages follow it.
    page = requests.get(
        url + "/page/person/jeff-sessions", headers={"Host": "civic.example:8080"}, timeout=30
    ).text
    assert "http://civic.example:8080/id/person/jeff-sessions" in page


def test_no_page_has_inline_script(url: str) -> None:
    for path in ("/", "/page/person/jeff-sessions", "/ontology", "/download", "/search?q=a"):
        page = requests.get(url + path, headers={"Accept": "text/html"}, timeout=30).text
        parsed = links_of(page)
        assert parsed.scripts == 0 and parsed.handlers == 0, path
    css = requests.get(url + "/static/civicgraph.css", timeout=30)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")


# --- a literal with markup shows as text ----------------------------------------------------

HOSTILE = """@prefix civ: <https://kg.example.org/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
<https://kg.example.org/id/source/hostile-reference> a civ:Source ;
    rdfs:label "a test reference <b>bold</b>"@en ;
    rdfs:comment "A made-up source whose literals are markup: </p><script>alert(2)</script>"@en ;
    schema:url <https://example.org/hostile> .
<https://kg.example.org/id/person/jeff-sessions>
    rdfs:comment "<script>alert('x')</script> & \\"quoted\\""@en ;
    civ:alias "\\"><img src=x onerror=alert(1)>" ;
    rdfs:seeAlso <javascript:alert(1)> .
"""


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real build of the project's inputs plus one curated file of hostile literals."""
    folder = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "ontology", folder / "ontology")
    shutil.copytree(ROOT / "graph" / "curated", folder / "curated")
    shutil.copytree(ROOT / "corpus", folder / "corpus")
    (folder / "curated" / "hostile-reference.ttl").write_text(HOSTILE, encoding="utf-8")
    settings = load_settings(
        {
            "ontology": str(folder / "ontology"),
            "curated": str(folder / "curated"),
            "corpus": str(folder / "corpus"),
            "queries": str(folder / "queries"),
            "build": str(folder / "build"),
        },
        environ={},
    )
    build(settings)
    with running(create_app(settings)) as base:
        yield base


def test_a_literal_with_markup_shows_as_text(hostile_url: str) -> None:
    for path in (
        "/page/person/jeff-sessions",
        "/search?q=onerror",
        "/graph/curated/hostile-reference",
        "/page/source/hostile-reference",
    ):
        response = requests.get(hostile_url + path, timeout=30)
        assert response.status_code == 200, path
        page = response.text
        assert "<script>" not in page, path
        assert "<img" not in page, path
        assert "<b>bold" not in page, path
        assert 'href="javascript:' not in page, path
    page = requests.get(hostile_url + "/page/person/jeff-sessions", timeout=30).text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quoted&#34;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    data = requests.get(hostile_url + "/data/person/jeff-sessions.ttl", timeout=30).text
    graph = Graph().parse(data=data, format="turtle")
    assert (
        SESSIONS,
        RDFS.comment,
        Literal("<script>alert('x')</script> & \"quoted\"", lang="en"),
    ) in graph


# --- unknown IRIs and path traversal ----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/id/person/nobody",
        "/page/person/nobody",
        "/data/person/nobody",
        "/data/person/nobody.ttl",
        "/id/",
        "/graph/nothing",
        "/article/nothing",
        "/download/../../etc/passwd",
        "/download/%2e%2e/%2e%2e/etc/passwd",
        "/download/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/download/..%2f..%2fetc%2fpasswd",
        "/download/%2fetc%2fpasswd",
        "/download/graphs%2f..%2f..%2fpyproject.toml",
        "/download/graphs/../../pyproject.toml",
        "/page/../../etc/passwd",
        "/page/..%2f..%2fetc%2fpasswd",
        "/id/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/data/..%2f..%2fetc%2fpasswd.ttl",
        "/graph/..%2f..%2fetc%2fpasswd",
        "/article/..%2f..%2fetc%2fpasswd",
        "/static/..%2f..%2fpyproject.toml",
        "/static/../../pyproject.toml",
        "/ontology.exe",
    ],
)
def test_unknown_iris_and_traversal_are_404(url: str, path: str) -> None:
    assert raw_get(url, path) == 404


# --- downloads --------------------------------------------------------------------------------


def _download(url: str, name: str, **headers: str) -> requests.Response:
    response = requests.get(f"{url}/download/{name}", headers=headers, timeout=60)
    assert response.status_code == 200, name
    return response


def test_every_download_parses_with_rapper_and_matches_the_build(
    url: str,
    manifest: dict[str, Any],
    reference: Dataset,
    union: Graph,
    rapper: str,
    tmp_path: Path,
) -> None:
    canonical_union = to_isomorphic(union)
    ontology_graph = reference.graph(URIRef(BASE + "graph/ontology"))
    expected_by_file: dict[str, Graph] = {
        entry["file"]: reference.graph(URIRef(entry["iri"])) for entry in manifest["graphs"]
    }
    expected_by_file["ontology.ttl"] = ontology_graph
    expected_by_file["void.ttl"] = reference.graph(URIRef(BASE + "graph/meta"))
    expected_by_file["shapes.ttl"] = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    checked = 0
    for name, info in sorted(manifest["files"].items()):
        suffix = _suffix(name)
        if suffix not in RAPPER_INPUT:
            continue
        path = tmp_path / name.replace("/", "-")
        path.write_bytes(_download(url, name, **{"Accept-Encoding": "identity"}).content)
        syntax = RAPPER_INPUT[suffix]
        if suffix in (".trig", ".nq"):
            read = Dataset()
            read.parse(data=rapper_ntriples(rapper, path, syntax, "nquads"), format="nquads")
            graphs = {g.identifier: g for g in read.graphs() if len(g)}
            assert set(graphs) == {URIRef(e["iri"]) for e in manifest["graphs"]}, name
            for entry in manifest["graphs"]:
                assert_isomorphic(
                    graphs[URIRef(entry["iri"])], reference.graph(URIRef(entry["iri"])), name
                )
            assert sum(len(g) for g in graphs.values()) == info["triples"], name
        else:
            got = Graph().parse(data=rapper_ntriples(rapper, path, syntax), format="nt")
            assert len(got) == info["triples"], name
            if name.startswith("graph."):
                assert to_isomorphic(got) == canonical_union, name
            else:
                assert_isomorphic(got, expected_by_file[name], name)
        checked += 1
    assert checked >= 5 + len(manifest["graphs"])


def test_jsonld_download_reads_with_pyld_and_matches_the_build(url: str, union: Graph) -> None:
    response = _download(url, "graph.jsonld")
    assert response.headers["Content-Type"].startswith("application/ld+json")
    got = from_jsonld(response.content)
    assert to_isomorphic(got) == to_isomorphic(union)


def test_gzip_by_suffix_and_by_accept_encoding(url: str, manifest: dict[str, Any]) -> None:
    for name in ("graph.ttl", "dataset.nq", "graphs/inferred.ttl", "manifest.json"):
        plain = _download(url, name, **{"Accept-Encoding": "identity"})
        assert "Content-Encoding" not in plain.headers, name
        by_suffix = _download(url, name + ".gz")
        assert by_suffix.headers["Content-Type"] == "application/gzip"
        assert "Content-Encoding" not in by_suffix.headers
        assert gzip.decompress(by_suffix.content) == plain.content, name
        raw = requests.get(
            f"{url}/download/{name}", headers={"Accept-Encoding": "gzip"}, stream=True, timeout=60
        )
        assert raw.headers["Content-Encoding"] == "gzip", name
        assert "Accept-Encoding" in raw.headers["Vary"], name
        assert raw.headers["Content-Type"] == plain.headers["Content-Type"], name
        assert gzip.decompress(raw.raw.read()) == plain.content, name
        assert raw.headers["ETag"] != plain.headers["ETag"], name


def test_download_headers_are_stable(url: str, build_dir: Path, manifest: dict[str, Any]) -> None:
    first = _download(url, "graph.ttl", **{"Accept-Encoding": "identity"})
    assert first.headers["Content-Disposition"] == 'attachment; filename="graph.ttl"'
    assert first.headers["ETag"] == f'"{manifest["files"]["graph.ttl"]["sha256"]}"'
    modified = first.headers["Last-Modified"]
    assert email.utils.parsedate_to_datetime(modified)
    # A second app on the same build says the same: nothing depends on the request's time.
    with running(create_app(settings_for(build_dir))) as other:
        second = _download(other, "graph.ttl", **{"Accept-Encoding": "identity"})
    assert second.headers["Last-Modified"] == modified
    assert second.headers["ETag"] == first.headers["ETag"]
    again = requests.get(
        f"{url}/download/graph.ttl",
        headers={"If-Modified-Since": modified, "Accept-Encoding": "identity"},
        timeout=30,
    )
    assert again.status_code == 304
    graph_file = _download(url, "graphs/curated/us-code.ttl")
    assert graph_file.headers["Content-Disposition"] == (
        'attachment; filename="graphs-curated-us-code.ttl"'
    )


def test_download_page_lists_each_file_with_size_and_triples(
    url: str, manifest: dict[str, Any]
) -> None:
    page = requests.get(f"{url}/download", timeout=30).text
    links = links_of(page)
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(
            r'<td><a href="/download/([^"]+)"[^>]*>[^<]*</a></td>\s*<td>.*?</td>\s*'
            r'<td class="number">(\d*)</td>',
            page,
            re.S,
        )
    }
    for name, info in manifest["files"].items():
        assert f"/download/{name}" in links.hrefs, name
        if not name.endswith(".gz") and "triples" in info:
            assert rows[name] == str(info["triples"]), name
    assert "/download/manifest.json" in links.hrefs
    assert "/download/manifest.json.gz" in links.hrefs


# --- the crawl: everything is reachable by clicking from / --------------------------------------


def _suffix(name: str) -> str:
    last = name.rsplit("/", 1)[-1]
    return "." + last.rsplit(".", 1)[-1] if "." in last else ""


def test_a_crawl_from_home_reaches_everything(
    url: str, reference: Dataset, manifest: dict[str, Any]
) -> None:
    seen: set[str] = set()
    queue: deque[str] = deque(["/"])
    fetched = 0
    broken: list[str] = []
    session = requests.Session()
    deadline = time.monotonic() + 240
    while queue:
        path = queue.popleft()
        assert fetched < 6000 and time.monotonic() < deadline, f"crawl too long at {path}"
        fetched += 1
        html_page = not path.startswith(("/download/", "/data/", "/static/", "/sparql")) and (
            not re.match(r"^/ontology\.", path)
        )
        if not html_page:
            # HEAD is enough to know a file is there (/sparql answers only GET without a query).
            method = session.get if path == "/sparql" else session.head
            response = method(url + path, timeout=30)
            if response.status_code >= 400:
                broken.append(f"{path}: {response.status_code}")
            continue
        response = session.get(url + path, headers={"Accept": "text/html"}, timeout=30)
        if response.status_code >= 400:
            broken.append(f"{path}: {response.status_code}")
            continue
        for href in links_of(response.text).hrefs:
            parts = urlsplit(urljoin(url + path, href))
            if f"{parts.scheme}://{parts.netloc}" != url:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)
    assert not broken, broken[:20]
    paths = {unquote(urlsplit(p).path) for p in seen}
    lists = {
        c for p in seen if urlsplit(p).path == "/list" for c in parse_qs(urlsplit(p).query)["class"]
    }
    things = {
        str(term)[len(BASE + "id/") :]
        for triple in reference.triples((None, None, None))
        for term in (triple[0], triple[2])
        if isinstance(term, URIRef) and str(term).startswith(BASE + "id/")
    }
    missing = sorted(t for t in things if f"/page/{t}" not in paths and f"/id/{t}" not in paths)
    assert not missing, f"{len(missing)} of {len(things)} things unreached: {missing[:10]}"
    articles = {str(a).rsplit("/", 1)[1] for a in reference.subjects(RDF.type, CIV.NewsArticle)}
    assert {f"/article/{slug}" for slug in articles} <= paths
    downloads = {f"/download/{name}" for name in manifest["files"]} | {"/download/manifest.json"}
    assert not downloads - paths, sorted(downloads - paths)[:10]
    assert {"/" + e["iri"][len(BASE) :] for e in manifest["graphs"]} <= paths
    assert set(manifest["classes"]) <= lists
    assert {"/ontology", "/.well-known/void", "/download", "/sparql"} <= paths
