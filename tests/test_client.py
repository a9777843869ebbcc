"""`run_query` (civicgraph query) against the real server on a real port."""

from __future__ import annotations

import csv
import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live import running, settings_for
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from graph.client import run_query
from graph.namespaces import PREFIXES
from server import create_app

PER_GRAPH = (
    "SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } } GROUP BY ?graph"
)
PER_CLASS = "SELECT ?class (COUNT(*) AS ?n) WHERE { ?thing a ?class } GROUP BY ?class"


@pytest.fixture(scope="module")
def endpoint(build_dir: Path) -> Iterator[str]:
    with running(create_app(settings_for(build_dir))) as url:
        yield url + "/sparql"


@pytest.fixture(scope="module")
def capped_endpoint(build_dir: Path) -> Iterator[str]:
    with running(create_app(settings_for(build_dir, row_cap=2))) as url:
        yield url + "/sparql"


@pytest.fixture(scope="module")
def reference(build_dir: Path) -> Dataset:
    dataset = Dataset(default_union=True)
    dataset.parse(build_dir / "dataset.trig", format="trig")
    return dataset


def ask(query: str, endpoint: str, fmt: str = "table") -> tuple[int, str]:
    out = io.StringIO()
    status = run_query(query, endpoint, fmt, out)
    return status, out.getvalue()


def table(reference: Dataset, query: str) -> list[tuple[Any, ...]]:
    """rdflib's own answer to a SELECT, as a list of tuples."""
    return [tuple(row) for row in reference.query(query)]  # type: ignore[arg-type]


def compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def test_table_has_headers_and_values(endpoint: str, reference: Dataset) -> None:
    status, text = ask(PER_GRAPH, endpoint)
    assert status == 0
    lines = text.splitlines()
    assert lines[0].split() == ["graph", "|", "triples"]
    assert set(lines[1]) <= {"-", "+"}
    expected = table(reference, PER_GRAPH)
    assert lines[-1] == f"({len(expected)} rows)"
    cells = {tuple(cell.strip() for cell in line.split("|")) for line in lines[2:-1]}
    assert cells == {(compact(str(graph)), str(count)) for graph, count in expected}


def test_table_shows_iris_with_the_project_prefixes(endpoint: str, reference: Dataset) -> None:
    status, text = ask(PER_CLASS, endpoint)
    assert status == 0
    expected = {(compact(str(c)), str(n)) for c, n in table(reference, PER_CLASS)}
    assert any(":" in c and "//" not in c for c, _ in expected), "no class in a known namespace"
    cells = {tuple(cell.strip() for cell in line.split("|")) for line in text.splitlines()[2:-1]}
    assert cells == expected


def test_query_from_a_file(endpoint: str, tmp_path: Path) -> None:
    path = tmp_path / "per-graph.rq"
    path.write_text(PER_GRAPH + "\n", encoding="utf-8")
    assert ask(str(path), endpoint) == ask(PER_GRAPH, endpoint)


def test_json_format(endpoint: str, reference: Dataset) -> None:
    status, text = ask(PER_GRAPH, endpoint, "json")
    assert status == 0
    data = json.loads(text)
    assert data["head"]["vars"] == ["graph", "triples"]
    got = {(b["graph"]["value"], int(b["triples"]["value"])) for b in data["results"]["bindings"]}
    assert got == {(str(g), int(n)) for g, n in table(reference, PER_GRAPH)}


def test_csv_format(endpoint: str, reference: Dataset) -> None:
    status, text = ask(PER_GRAPH, endpoint, "csv")
    assert status == 0
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["graph", "triples"]
    assert {tuple(r) for r in rows[1:]} == {
        (str(g), str(n)) for g, n in table(reference, PER_GRAPH)
    }


def test_ask_prints_true_or_false(endpoint: str) -> None:
    assert ask("ASK { ?s ?p ?o }", endpoint) == (0, "true\n")
    assert ask("ASK { <urn:x:nothing> ?p ?o }", endpoint, "csv") == (0, "false\n")
    status, text = ask("ASK { ?s ?p ?o }", endpoint, "json")
    assert status == 0
    assert json.loads(text)["boolean"] is True


@pytest.mark.parametrize("fmt", ["table", "ttl"])
def test_construct_prints_turtle(endpoint: str, reference: Dataset, fmt: str) -> None:
    query = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c }"
    status, text = ask(query, endpoint, fmt)
    assert status == 0
    expected = reference.query(query).graph
    assert expected is not None
    assert isomorphic(Graph().parse(data=text, format="turtle"), expected)


def test_truncation_is_stated(capped_endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, text = ask("SELECT ?s WHERE { ?s ?p ?o }", capped_endpoint)
    assert status == 0
    assert text.splitlines()[-1] == "(2 rows; the server cut the results at its row cap)"
    status, text = ask("SELECT ?s WHERE { ?s ?p ?o }", capped_endpoint, "csv")
    assert len(text.splitlines()) == 3
    assert "row cap" in capsys.readouterr().err


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


def test_unreachable_endpoint(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    status, text = ask("ASK {}", f"http://127.0.0.1:{port}/sparql")
    assert status != 0
    assert text == ""
    line = _one_line_error(capsys)
    assert line.startswith("civicgraph query: cannot reach")


def test_malformed_query_shows_the_servers_message(
    endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, text = ask("SELECT ?s WHERE { ?s ?p }", endpoint)
    assert status != 0
    assert text == ""
    line = _one_line_error(capsys)
    assert line.startswith("civicgraph query: 400 malformed query: Expected")


def test_update_is_refused(endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, _ = ask("INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }", endpoint)
    assert status != 0
    assert "403 update refused" in _one_line_error(capsys)


@pytest.mark.parametrize(
    ("query", "fmt"),
    [("SELECT * WHERE { ?s ?p ?o }", "ttl"), ("CONSTRUCT WHERE { ?s ?p ?o }", "csv")],
)
def test_format_that_does_not_fit_the_query(
    endpoint: str, capsys: pytest.CaptureFixture[str], query: str, fmt: str
) -> None:
    assert ask(query, endpoint, fmt)[0] != 0
    assert f"--format {fmt}" in _one_line_error(capsys)


def test_not_an_endpoint(endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, _ = ask("ASK {}", endpoint.removesuffix("/sparql") + "/no-such-endpoint")
    assert status != 0
    assert "404" in _one_line_error(capsys)
