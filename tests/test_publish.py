"""`civicgraph publish` against a real Virtuoso (tests/virtuoso.py), and the saved queries there.

The build's graphs go to Virtuoso over the Graph Store Protocol; their counts and triples are
compared with the manifest and the build, a second publish must change nothing, and every saved
query must answer on Virtuoso what rdflib answers over the build's dataset, with the
normalisations and the expected differences listed and justified below.
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
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from rdflib import XSD, BNode, Graph, Literal
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
    for entry in manifest["graphs"]:
        assert any(
            line.startswith(f"{entry['iri']}  {entry['triples']} triples") for line in lines
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


# --- Basic authentication (Virtuoso's graph store asks for Digest only) -------------------------


class _BasicOnly(http.server.BaseHTTPRequestHandler):
    """A graph store that wants Basic credentials user:secret and records what it is sent."""

    received: list[tuple[str, bytes]]

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Authorization") != "Basic dXNlcjpzZWNyZXQ=":  # user:secret
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="store"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.received.append((self.path, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def basic_store() -> Iterator[tuple[str, list[tuple[str, bytes]]]]:
    received: list[tuple[str, bytes]] = []
    handler = type("Handler", (_BasicOnly,), {"received": received})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/store", received
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def test_auto_auth_answers_a_basic_challenge(
    build_dir: Path, basic_store: tuple[str, list[tuple[str, bytes]]]
) -> None:
    url, received = basic_store
    lines: list[str] = []
    done = publish(build_dir, url, "user", "secret", progress=lines.append)
    manifest = _manifest(build_dir.resolve())
    # Every graph of the build, then their union (each triple once) for stores whose default
    # graph repeats a triple held by several graphs.
    graphs = [*manifest["graphs"], {"iri": union_graph_iri(manifest["base"]), "file": "graph.ttl"}]
    assert [g.iri for g in done] == [g["iri"] for g in graphs]
    assert [path for path, _ in received] == [
        "/store?graph=" + quote(g["iri"], safe="") for g in graphs
    ]
    assert [body for _, body in received] == [(build_dir / g["file"]).read_bytes() for g in graphs]
    assert len(lines) == len(graphs)


def test_digest_only_against_a_basic_store_fails(
    build_dir: Path, basic_store: tuple[str, list[tuple[str, bytes]]]
) -> None:
    url, received = basic_store
    with pytest.raises(PublishError, match=r"answered 401 .*\(wrong --user or --password\)"):
        publish(build_dir, url, "user", "secret", auth="digest", progress=lambda _: None)
    assert received == []
