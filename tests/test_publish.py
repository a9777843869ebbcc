"""`civicgraph publish` against a real Virtuoso (tests/virtuoso.py), and the saved queries there.

The build's graphs go to Virtuoso over the Graph Store Protocol, whole and (with a small chunk
size) in parts; their counts and triples are compared with the manifest and the build, and a
second publish must change nothing. Stub graph stores check what is sent byte by byte, Basic
authentication, and a failure after a graph's first part.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from rdflib import XSD, BNode, Graph, Literal
from rdflib.compare import isomorphic
from rdflib.term import Node
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from virtuoso import Virtuoso
from virtuoso import virtuoso_fixture as virtuoso_fixture  # the session fixture `virtuoso`

from graph.publish import PublishError, graph_store_url, publish, union_graph_iri
from graph.settings import PROJECT_ROOT
from server.engines import from_json_term

SENTINEL_GRAPH = "urn:civicgraph-test:sentinel"
SENTINEL_TURTLE = b'<urn:civicgraph-test:s> <urn:civicgraph-test:p> "not ours" .\n'
# Virtuoso's "anytime query" limit (the `timeout` parameter, ms): past it, Virtuoso answers 200
# with what it has so far and says so in `X-SQL-State: S1TAT`; an answer longer than its
# ResultSetMaxRows is cut with `X-SPARQL-MaxRows`. Every answer compared below is checked to be
# complete, so a partial answer can never pass for a result.
QUERY_TIMEOUT_MS = 30_000
SHORT_TIMEOUT_MS = 2_000


def _cli(*args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    """`civicgraph ARGS` in a subprocess, the environment's CIVICGRAPH_* settings left out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICGRAPH_")}
    if password is not None:
        env["CIVICGRAPH_PUBLISH_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "graph.cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _publish_cli(
    build_dir: Path, url: str, *flags: str, password: str | None = None
) -> subprocess.CompletedProcess[str]:
    return _cli("publish", "--to", url, "--build", str(build_dir), *flags, password=password)


def _manifest(build_dir: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((build_dir / "manifest.json").read_text("utf-8"))
    return manifest


def _select(virtuoso: Virtuoso, query: str, timeout_ms: int = QUERY_TIMEOUT_MS) -> dict[str, Any]:
    """A SELECT or ASK on Virtuoso's /sparql as SPARQL JSON; fails on an incomplete answer."""
    results, state = _ask(virtuoso, query, JSON, timeout_ms)
    assert state is None, f"Virtuoso's answer is incomplete ({state}) for:\n{query}"
    assert isinstance(results, dict)
    return results


def _ask(virtuoso: Virtuoso, query: str, fmt: str, timeout_ms: int) -> tuple[Any, str | None]:
    """The converted answer, and what Virtuoso says made it incomplete (None if nothing): its
    X-SQL-State for a time-out, or its X-SPARQL-MaxRows for an answer cut at its row limit."""
    sparql = SPARQLWrapper(virtuoso.sparql)
    sparql.setMethod(POST)
    sparql.setOnlyConneg(True)
    sparql.setReturnFormat(fmt)
    sparql.setQuery(query)
    sparql.addParameter("timeout", str(timeout_ms))
    result = sparql.query()
    headers = result.info()
    state = headers.get("x-sql-state")
    if state is None and "x-sparql-maxrows" in headers:  # cut at ResultSetMaxRows
        state = f"X-SPARQL-MaxRows: {headers['x-sparql-maxrows']}"
    body = result.response.read()
    if fmt == JSON:
        return json.loads(body), state
    return Graph().parse(data=body, format="turtle"), state


def _count(virtuoso: Virtuoso, graph: str) -> int:
    results = _select(
        virtuoso, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    )
    return int(results["results"]["bindings"][0]["n"]["value"])


def _counts(virtuoso: Virtuoso, build_dir: Path) -> dict[str, int]:
    return {g["iri"]: _count(virtuoso, g["iri"]) for g in _manifest(build_dir)["graphs"]}


def _key(term: Node | None) -> tuple[str, ...]:
    """A term compared as RDF 1.1 does: a simple literal is an xsd:string, language tags are
    case-insensitive; blank nodes only as "a blank node" (each store names them its own way)."""
    if term is None:
        return ("unbound",)
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, Literal):
        if term.language:
            return ("lang", str(term), term.language.lower())
        return ("typed", str(term), str(term.datatype or XSD.string))
    return ("iri", str(term))


@pytest.fixture(scope="module")
def published(build_dir: Path, virtuoso: Virtuoso) -> subprocess.CompletedProcess[str]:
    """The build published once into the session's Virtuoso (a graph not ours put there first)."""
    put = requests.put(
        graph_store_url(virtuoso.crud_auth, SENTINEL_GRAPH),
        data=SENTINEL_TURTLE,
        headers={"Content-Type": "text/turtle"},
        auth=requests.auth.HTTPDigestAuth(virtuoso.user, virtuoso.password),
        timeout=60,
    )
    assert put.status_code in (200, 201), put.text
    started = time.perf_counter()
    done = _publish_cli(
        build_dir, virtuoso.crud_auth, "--user", virtuoso.user, "--password", virtuoso.password
    )
    seconds = time.perf_counter() - started
    print(
        f"\nvirtuoso started in {virtuoso.startup_seconds:.2f} s; "
        f"`civicgraph publish` took {seconds:.2f} s (process included): {done.stdout.splitlines()[-1:]}"
    )
    return done


# --- Publishing --------------------------------------------------------------------------------


def test_publish_puts_every_graph_with_the_manifests_counts(
    published: subprocess.CompletedProcess[str], build_dir: Path, virtuoso: Virtuoso
) -> None:
    assert published.returncode == 0, published.stderr
    manifest = _manifest(build_dir)
    lines = published.stdout.splitlines()
    for entry in manifest["graphs"]:  # each in one PUT: all are smaller than a part
        assert any(
            re.fullmatch(
                rf"{re.escape(entry['iri'])}  {entry['triples']} triples  "
                r"\(20[014], \d+\.\d\d s, 1 request\)",
                line,
            )
            for line in lines
        ), (entry["iri"], published.stdout)
    union = union_graph_iri(manifest["base"])
    assert any(line.startswith(f"{union}  {manifest['union_triples']} triples") for line in lines)
    total = sum(g["triples"] for g in manifest["graphs"]) + manifest["union_triples"]
    assert re.match(
        rf"published {len(manifest['graphs']) + 1} graphs, {total} triples, from .* to "
        rf"{re.escape(virtuoso.crud_auth)} in \d+\.\d s$",
        lines[-1],
    ), lines[-1]
    assert _counts(virtuoso, build_dir) == {g["iri"]: g["triples"] for g in manifest["graphs"]}
    assert _count(virtuoso, union) == manifest["union_triples"]
    assert _count(virtuoso, SENTINEL_GRAPH) == 1  # publishing removes nothing of anyone else's


def test_every_graph_on_virtuoso_holds_the_builds_triples(
    published: subprocess.CompletedProcess[str], build_dir: Path, virtuoso: Virtuoso
) -> None:
    """Term by term, not just counts: IRIs, language tags, datatypes and long texts survive."""
    assert published.returncode == 0, published.stderr
    _assert_holds_the_builds_triples(virtuoso, build_dir)


def _assert_holds_the_builds_triples(virtuoso: Virtuoso, build_dir: Path) -> None:
    """Every graph of the build on Virtuoso holds its Turtle file's triples, term by term."""
    for entry in _manifest(build_dir)["graphs"]:
        ours = Graph().parse(build_dir / entry["file"], format="turtle")
        results = _select(
            virtuoso, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{entry['iri']}> {{ ?s ?p ?o }} }}"
        )
        theirs = Counter(
            tuple(_key(from_json_term(row[v])) for v in ("s", "p", "o"))
            for row in results["results"]["bindings"]
        )
        expected = Counter(tuple(_key(t) for t in triple) for triple in ours)
        assert theirs == expected, (
            entry["iri"],
            sorted(expected - theirs, key=str)[:5],
            sorted(theirs - expected, key=str)[:5],
        )


def test_publishing_again_replaces_and_duplicates_nothing(
    published: subprocess.CompletedProcess[str], build_dir: Path, virtuoso: Virtuoso
) -> None:
    assert published.returncode == 0, published.stderr
    before = _counts(virtuoso, build_dir)
    again = _publish_cli(
        build_dir, virtuoso.crud_auth, "--user", virtuoso.user, password=virtuoso.password
    )  # the password from CIVICGRAPH_PUBLISH_PASSWORD this time
    assert again.returncode == 0, again.stderr
    assert _counts(virtuoso, build_dir) == before
    assert before == {g["iri"]: g["triples"] for g in _manifest(build_dir)["graphs"]}
    assert _count(virtuoso, SENTINEL_GRAPH) == 1


# --- Large graphs in parts ------------------------------------------------------------------------

PART = 200  # triples per part: several graphs of the 5-article build go in parts
STRAY_TURTLE = b'<urn:civicgraph-test:stray> <urn:civicgraph-test:p> "left over" .\n'


@cache
def _blank_node_triples(path: Path) -> int:
    return sum(
        any(isinstance(term, BNode) for term in triple)
        for triple in Graph().parse(path, format="turtle")
    )


def _all_graphs(build_dir: Path) -> list[dict[str, Any]]:
    """The manifest's graphs, then the union (`iri`, `file`, `triples`), as publish sends them."""
    manifest = _manifest(build_dir)
    union = {
        "iri": union_graph_iri(manifest["base"]),
        "file": "graph.nt",
        "triples": manifest["union_triples"],
    }
    return [*manifest["graphs"], union]


def _requests_expected(build_dir: Path, entry: dict[str, Any]) -> int:
    """How many requests publish with parts of PART triples needs for a graph."""
    if entry["triples"] <= PART:
        return 1
    first = max(PART, _blank_node_triples(build_dir / entry["file"]))  # blank nodes all in it
    return 1 + -(-(entry["triples"] - first) // PART)


@pytest.fixture(scope="module")
def published_in_parts(build_dir: Path, virtuoso: Virtuoso) -> subprocess.CompletedProcess[str]:
    """Every graph of the build given one stray triple first, then the build published with
    parts of PART triples: a graph holds exactly its triples only if its first part replaced
    it and every later part was merged into it."""
    for entry in _all_graphs(build_dir):
        put = requests.put(
            graph_store_url(virtuoso.crud_auth, entry["iri"]),
            data=STRAY_TURTLE,
            headers={"Content-Type": "text/turtle"},
            auth=requests.auth.HTTPDigestAuth(virtuoso.user, virtuoso.password),
            timeout=60,
        )
        assert put.status_code in (200, 201, 204), put.text
    return _publish_cli(
        build_dir,
        virtuoso.crud_auth,
        "--user",
        virtuoso.user,
        "--password",
        virtuoso.password,
        "--chunk-triples",
        str(PART),
    )


def test_large_graphs_go_in_parts_with_the_manifests_counts(
    published_in_parts: subprocess.CompletedProcess[str], build_dir: Path, virtuoso: Virtuoso
) -> None:
    assert published_in_parts.returncode == 0, published_in_parts.stderr
    lines = published_in_parts.stdout.splitlines()
    in_parts = 0
    for entry in _all_graphs(build_dir):
        sent = _requests_expected(build_dir, entry)
        blank = _blank_node_triples(build_dir / entry["file"])
        if entry["triples"] <= PART:
            how = "1 request"
        else:
            how = f"{sent} request{'' if sent == 1 else 's'} of up to {PART} triples"
            how += f", the {blank} with blank nodes in the first" if blank else ""
            in_parts += sent > 1
        line = rf"{re.escape(entry['iri'])}  {entry['triples']} triples  \(20[014], \d+\.\d\d s, "
        assert any(re.fullmatch(line + re.escape(how) + r"\)", x) for x in lines), (
            entry["iri"],
            how,
            published_in_parts.stdout,
        )
    assert in_parts >= 5, published_in_parts.stdout  # the test is about parts: several went so
    manifest = _manifest(build_dir)
    assert _counts(virtuoso, build_dir) == {g["iri"]: g["triples"] for g in manifest["graphs"]}
    assert _count(virtuoso, union_graph_iri(manifest["base"])) == manifest["union_triples"]
    assert _count(virtuoso, SENTINEL_GRAPH) == 1


def test_graphs_sent_in_parts_hold_the_builds_triples(
    published_in_parts: subprocess.CompletedProcess[str], build_dir: Path, virtuoso: Virtuoso
) -> None:
    assert published_in_parts.returncode == 0, published_in_parts.stderr
    _assert_holds_the_builds_triples(virtuoso, build_dir)


def test_publishing_in_parts_again_duplicates_nothing(
    published_in_parts: subprocess.CompletedProcess[str], build_dir: Path, virtuoso: Virtuoso
) -> None:
    assert published_in_parts.returncode == 0, published_in_parts.stderr
    again = _publish_cli(
        build_dir,
        virtuoso.crud_auth,
        "--user",
        virtuoso.user,
        "--chunk-triples",
        str(PART),
        password=virtuoso.password,
    )
    assert again.returncode == 0, again.stderr
    manifest = _manifest(build_dir)
    assert _counts(virtuoso, build_dir) == {g["iri"]: g["triples"] for g in manifest["graphs"]}
    assert _count(virtuoso, union_graph_iri(manifest["base"])) == manifest["union_triples"]
    assert _count(virtuoso, SENTINEL_GRAPH) == 1


# --- Failures ----------------------------------------------------------------------------------


def _assert_fails(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """Exit 1, nothing on stdout, one line on stderr naming the first graph and `fragments`."""
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("civicgraph publish: graph <https://kg.example.org/graph/"), lines
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def test_a_wrong_password_fails_naming_the_graph_and_the_status(
    build_dir: Path, virtuoso: Virtuoso
) -> None:
    done = _publish_cli(
        build_dir, virtuoso.crud_auth, "--user", virtuoso.user, "--password", "not-the-password"
    )
    _assert_fails(done, "answered 401", "wrong --user or --password")


def test_no_credentials_for_the_authenticated_endpoint_fails(
    build_dir: Path, virtuoso: Virtuoso
) -> None:
    _assert_fails(_publish_cli(build_dir, virtuoso.crud_auth), "answered 401", "needs --user")


def test_the_read_only_endpoint_refuses_with_virtuosos_message(
    build_dir: Path, virtuoso: Virtuoso
) -> None:
    """The anonymous /sparql-graph-crud may not write here; Virtuoso's reason is shown."""
    done = _publish_cli(build_dir, virtuoso.crud)
    _assert_fails(done, "answered 403", "Permission denied")


def test_a_wrong_path_fails_with_the_status(build_dir: Path, virtuoso: Virtuoso) -> None:
    done = _publish_cli(build_dir, virtuoso.base + "/no-such-graph-store")
    _assert_fails(done, "answered 501 Method Not Implemented")


def test_the_query_endpoint_is_not_a_graph_store(build_dir: Path, virtuoso: Virtuoso) -> None:
    """Virtuoso's /sparql never answers a PUT: the time limit ends it, with a hint."""
    done = _publish_cli(build_dir, virtuoso.sparql, "--timeout", "2")
    _assert_fails(done, "did not answer within 2 s", "/sparql-graph-crud-auth")


def test_nobody_listening_fails_clearly(build_dir: Path) -> None:
    from live import free_port

    url = f"http://127.0.0.1:{free_port()}/sparql-graph-crud"
    _assert_fails(_publish_cli(build_dir, url), f"cannot reach {url}", "Connection refused")


def test_a_url_that_is_not_http_is_refused(build_dir: Path) -> None:
    done = _publish_cli(build_dir, "ftp://127.0.0.1/store")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "civicgraph publish: the graph store URL must be http(s), not 'ftp://127.0.0.1/store'"
    )


def test_a_changed_graph_file_is_not_published(tmp_path: Path, build_dir: Path) -> None:
    import shutil

    copy = tmp_path / "build"
    shutil.copytree(build_dir.resolve(), copy)
    first = _manifest(copy)["graphs"][0]
    with (copy / first["file"]).open("ab") as file:
        file.write(b"\n")
    with pytest.raises(PublishError, match=r"does not match manifest\.json.s sha256"):
        publish(copy, "http://127.0.0.1:9/never-reached", progress=lambda _: None)


# --- Stub graph stores: what is sent, Basic authentication, a failure after the first part --------


@dataclass(frozen=True)
class _Received:
    method: str
    path: str
    content_type: str
    body: bytes


class _Store(http.server.BaseHTTPRequestHandler):
    """A graph store that records every request it accepts. With `basic`, it wants Basic
    credentials user:secret (Virtuoso's graph store asks for Digest only); every POST is
    answered `post_status` (a 500 with a message if it is one)."""

    received: list[_Received]
    basic = True
    post_status = 204
    delay = 0.0  # seconds before each answer

    def _answer(self, status: int) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(self.delay)
        if self.basic and self.headers.get("Authorization") != "Basic dXNlcjpzZWNyZXQ=":
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="store"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        content_type = self.headers.get("Content-Type", "")
        self.received.append(_Received(self.command, self.path, content_type, body))
        self.send_response(status)
        if status >= 300:
            message = b"<html><body><h1>Error</h1><p>merge failed: disk full</p></body></html>"
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(message)))
            self.end_headers()
            self.wfile.write(message)
        else:
            self.end_headers()

    def do_PUT(self) -> None:
        self._answer(204)

    def do_POST(self) -> None:
        self._answer(self.post_status)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _stub_store(**behaviour: Any) -> Iterator[tuple[str, list[_Received]]]:
    received: list[_Received] = []
    handler = type("Handler", (_Store,), {"received": received, **behaviour})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/store", received
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


@pytest.fixture
def basic_store() -> Iterator[tuple[str, list[_Received]]]:
    """A store that wants Basic credentials user:secret and accepts every PUT and POST."""
    yield from _stub_store()


@pytest.fixture
def failing_post_store() -> Iterator[tuple[str, list[_Received]]]:
    """A store without authentication that accepts every PUT and refuses every POST (500)."""
    yield from _stub_store(basic=False, post_status=500)


@pytest.fixture
def slow_store() -> Iterator[tuple[str, list[_Received]]]:
    """A store without authentication that answers each request after 3 s."""
    yield from _stub_store(basic=False, delay=3.0)


def _path(entry: dict[str, Any]) -> str:
    return "/store?graph=" + quote(entry["iri"], safe="")


def test_auto_auth_answers_a_basic_challenge(
    build_dir: Path, basic_store: tuple[str, list[_Received]]
) -> None:
    url, received = basic_store
    lines: list[str] = []
    done = publish(build_dir, url, "user", "secret", progress=lines.append)
    # Every graph of the build, then their union (each triple once) for stores whose default
    # graph repeats a triple held by several graphs; each whole, as its Turtle file.
    graphs = _all_graphs(build_dir.resolve())
    assert [g.iri for g in done] == [g["iri"] for g in graphs]
    assert [g.requests for g in done] == [1] * len(graphs)
    assert [(r.method, r.path, r.content_type) for r in received] == [
        ("PUT", _path(g), "text/turtle; charset=utf-8") for g in graphs
    ]
    assert [r.body for r in received] == [(build_dir / g["file"]).read_bytes() for g in graphs]
    assert len(lines) == len(graphs)


def test_digest_only_against_a_basic_store_fails(
    build_dir: Path, basic_store: tuple[str, list[_Received]]
) -> None:
    url, received = basic_store
    with pytest.raises(PublishError, match=r"answered 401 .*\(wrong --user or --password\)"):
        publish(build_dir, url, "user", "secret", auth="digest", progress=lambda _: None)
    assert received == []


def test_parts_are_a_put_then_posts_of_n_triples_with_the_same_credentials(
    build_dir: Path, basic_store: tuple[str, list[_Received]]
) -> None:
    """Every part is authenticated (the store records nothing else), the parts of a graph
    together are its triples, each once; graphs no larger than a part go as their Turtle file."""
    url, received = basic_store
    done = publish(build_dir, url, "user", "secret", progress=lambda _: None, chunk_triples=PART)
    graphs = _all_graphs(build_dir.resolve())
    assert [g.requests for g in done] == [_requests_expected(build_dir, g) for g in graphs]
    assert len(received) == sum(g.requests for g in done)
    position = 0
    for entry, sent in zip(graphs, done, strict=True):
        mine = received[position : position + sent.requests]
        position += sent.requests
        assert {r.path for r in mine} == {_path(entry)}
        file = build_dir / entry["file"]
        if sent.requests == 1:
            assert (mine[0].method, mine[0].content_type) == ("PUT", "text/turtle; charset=utf-8")
            assert mine[0].body == file.read_bytes()
            continue
        assert [r.method for r in mine] == ["PUT"] + ["POST"] * (sent.requests - 1)
        assert {r.content_type for r in mine} == {"application/n-triples"}
        parts = [Graph().parse(data=r.body, format="nt") for r in mine]
        first = max(PART, _blank_node_triples(file))  # every blank node in the first part
        middle = [PART] * (sent.requests - 2)
        last = entry["triples"] - first - PART * (sent.requests - 2)
        assert [len(p) for p in parts] == [first, *middle, last]
        together = Graph()
        for part in parts:  # blank nodes only in the first: one parse, one set of names
            for triple in part:
                together.add(triple)
        assert len(together) == entry["triples"]
        assert isomorphic(together, Graph().parse(file, format="turtle")), entry["iri"]


def test_a_graph_with_blank_nodes_sends_them_all_in_its_first_part(
    build_dir: Path, basic_store: tuple[str, list[_Received]]
) -> None:
    """A blank node's label joins triples only within one request: every triple with a blank
    node goes in the graph's first part (the PUT), the rest after it."""
    url, received = basic_store
    lines: list[str] = []
    publish(build_dir, url, "user", "secret", progress=lines.append, chunk_triples=PART)
    ontology = next(g for g in _manifest(build_dir)["graphs"] if g["iri"].endswith("/ontology"))
    blank = _blank_node_triples(build_dir / ontology["file"])
    assert ontology["triples"] > PART and blank > 0
    mine = [r for r in received if r.path == _path(ontology)]
    assert [r.method for r in mine] == ["PUT"] + ["POST"] * (len(mine) - 1)
    assert len(mine) == _requests_expected(build_dir, ontology) > 1
    parts = [Graph().parse(data=r.body, format="nt") for r in mine]
    with_blank = [sum(any(isinstance(t, BNode) for t in triple) for triple in p) for p in parts]
    assert with_blank[0] == blank and not any(with_blank[1:])
    whole = Graph().parse(build_dir / ontology["file"], format="turtle")
    together = Graph()
    for part in parts:
        for triple in part:
            together.add(triple)
    assert isomorphic(together, whole)
    assert any(
        line.startswith(f"{ontology['iri']}  {ontology['triples']} triples  (204, ")
        and line.endswith(f", the {blank} with blank nodes in the first)")
        for line in lines
    ), lines


def test_a_failure_after_the_first_part_says_the_graph_is_partly_published(
    build_dir: Path, failing_post_store: tuple[str, list[_Received]]
) -> None:
    url, received = failing_post_store
    done = _publish_cli(build_dir, url, "--chunk-triples", str(PART))
    graphs = _all_graphs(build_dir.resolve())
    failed = next(i for i, g in enumerate(graphs) if _requests_expected(build_dir, g) > 1)
    entry = graphs[failed]
    parts = _requests_expected(build_dir, entry)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert len(done.stdout.splitlines()) == failed  # a progress line for each graph before
    assert done.stderr.splitlines() == [
        f"civicgraph publish: graph <{entry['iri']}> (part 2 of {parts}): POST {url} answered "
        "500 Internal Server Error: Error merge failed: disk full; the graph is now only partly "
        f"published ({PART} of its {entry['triples']} triples): publish again to repair it"
        + (f"; {failed} graph(s) were published before it" if failed else "")
    ]
    # Nothing after the failed POST: the graphs before it whole, then its first part.
    assert [(r.method, r.path) for r in received] == [
        *(("PUT", _path(g)) for g in graphs[:failed]),
        ("PUT", _path(entry)),
        ("POST", _path(entry)),
    ]


def test_a_part_size_below_one_is_refused(build_dir: Path) -> None:
    with pytest.raises(PublishError, match=r"--chunk-triples\) must be at least 1 triple, not 0"):
        publish(build_dir, "http://127.0.0.1:9/never-reached", chunk_triples=0)


def test_a_put_the_time_limit_ends_may_leave_the_graph_partly_published(
    build_dir: Path, slow_store: tuple[str, list[_Received]]
) -> None:
    """Virtuoso keeps what it loaded of a PUT nobody waits for any more (a 4-million-triple
    union cut at 120 s held 3.9 million): the message says so, and how to repair it."""
    url, _ = slow_store
    first = _manifest(build_dir)["graphs"][0]["iri"]
    with pytest.raises(PublishError) as failed:
        publish(build_dir, url, timeout=0.5, progress=lambda _: None)
    assert str(failed.value) == (
        f"graph <{first}>: PUT {url} did not answer within 0.5 s; the store may have loaded "
        "part of it, leaving the graph only partly published: publish again to repair it"
    )
