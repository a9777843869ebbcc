"""A battery of hostile queries against `civicgraph serve` with a 1 s time limit.

Each is refused at once (4xx with a message) or bounded (an answer, truncated at the row cap and
saying so, or a 503 within the limit + 1 s saying why), while a second client goes on being
served quickly the whole time. Nothing reaches the network or the disk.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from live import civicgraph_serve, listener, nobody_connected

LIMIT = 1.0
ROW_CAP = 50
CIV = "PREFIX civ: <https://kg.example.org/ontology#>\n"
LOOKUP = (
    "SELECT ?label WHERE { ?s a <https://kg.example.org/ontology#Person> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label LIMIT 5"
)


def nested(depth: int) -> str:
    return "SELECT * WHERE " + "{ " * depth + "?s ?p ?o" + " }" * depth


# name → (query, the statuses it may get, a phrase its message must contain)
HOSTILE: dict[str, tuple[str, set[int], str]] = {
    "SERVICE to file:": (
        "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
        {400},
        "SERVICE",
    ),
    "FROM a web IRI": (
        "SELECT * FROM <http://127.0.0.1:1/secret.ttl> WHERE { ?s ?p ?o }",
        {200},
        "bindings",
    ),
    "FROM NAMED a file": (
        "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
        {200},
        "bindings",
    ),
    "LOAD": ("LOAD <file:///etc/passwd>", {403}, "read-only"),
    "LOAD INTO": ("LOAD <http://127.0.0.1:1/x.ttl> INTO GRAPH <urn:x:g>", {403}, "read-only"),
    "huge LIMIT": ("SELECT * WHERE { ?s ?p ?o } LIMIT 1000000000000000", {200}, "bindings"),
    "huge OFFSET": ("SELECT * WHERE { ?s ?p ?o } OFFSET 1000000000000000", {200}, "bindings"),
    # Past 2**63 rdflib cannot slice: refused, with rdflib's reason.
    "LIMIT past 2**63": (
        "SELECT * WHERE { ?s ?p ?o } LIMIT 999999999999999999999",
        {400},
        "",  # rdflib: "cannot be evaluated"; Oxigraph's parser refuses it
    ),
    "OFFSET past 2**63": (
        "SELECT * WHERE { ?s ?p ?o } OFFSET 999999999999999999999",
        {400},
        "",  # rdflib: "cannot be evaluated"; Oxigraph's parser refuses it
    ),
    "cyclic property path": (
        CIV + "SELECT ?s ?o WHERE { ?s (civ:locatedIn|^civ:locatedIn)* ?o }",
        {200, 503},
        "",
    ),
    # <> is the service's base IRI, on every store.
    "any-property path": ("SELECT (COUNT(*) AS ?n) WHERE { ?s (<>|!<>)* ?o }", {200, 503}, ""),
    "deep path sequence": (
        "SELECT * WHERE { ?s " + "/".join(["(<urn:p>|^<urn:p>)*"] * 200) + " ?o }",
        {200, 503},
        "",
    ),
    "cartesian product": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
        {503},
        "time limit of 1 s",
    ),
    # A runaway in rdflib (Python's re backtracks); Oxigraph's regex crate runs in linear time.
    "catastrophic REGEX": (
        "ASK { FILTER(REGEX(CONCAT(STR(42), 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'), "
        "'^.*(a+)+$')) }",
        {200, 503},
        "",
    ),
    "REGEX on every literal": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?t ?q ?o2 "
        "FILTER(REGEX(CONCAT(STR(?o), STR(?o2)), '^(.*)*(.*)*x$')) }",
        {503},
        "time limit of 1 s",
    ),
    "deeply nested groups": (nested(5000), {400}, "nested too deeply"),
    "nested groups, moderately": (nested(60), {200, 400}, ""),
    "nested subqueries": (
        "SELECT * WHERE { " + "{ SELECT * WHERE " * 200 + "{ ?s ?p ?o }" + " }" * 200 + " }",
        {200, 400, 503},
        "",
    ),
    "expression bomb": (
        "SELECT (" + "(" * 3000 + "1" + " + 1)" * 3000 + " AS ?x) WHERE {}",
        {400},
        "",
    ),
}


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def endpoint(
    build_dir: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[str]:
    """The endpoint of `civicgraph serve` on each store: the battery holds for both engines."""
    log = tmp_path_factory.mktemp("serve") / f"hostile-{request.param}.log"
    flags = ("--query-timeout", str(LIMIT), "--row-cap", str(ROW_CAP), "--query-workers", "3")
    with civicgraph_serve(build_dir, log, *flags, "--store", str(request.param)) as (base, _):
        yield base + "/sparql"


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_query_is_refused_or_bounded_while_others_are_served(
    endpoint: str, name: str
) -> None:
    query, statuses, phrase = HOSTILE[name]
    outcome: list[tuple[requests.Response, float]] = []

    def attack() -> None:
        started = time.monotonic()
        response = requests.post(
            endpoint, data={"query": query}, headers={"Accept": "application/json"}, timeout=60
        )
        outcome.append((response, time.monotonic() - started))

    thread = threading.Thread(target=attack)
    with listener() as (_, sock):
        thread.start()
        latencies = []
        while thread.is_alive() or not latencies:
            started = time.monotonic()
            other = requests.get(endpoint, params={"query": LOOKUP}, timeout=30)
            latencies.append(time.monotonic() - started)
            assert other.status_code == 200, other.text
            time.sleep(0.05)
        thread.join()
        assert nobody_connected(sock)
    response, elapsed = outcome[0]
    assert response.status_code in statuses, (name, response.status_code, response.text[:300])
    assert elapsed < LIMIT + 1, (name, elapsed)
    assert max(latencies) < 0.75, (name, latencies)
    assert phrase in response.text
    if response.status_code >= 400:
        error = response.json()
        assert len(error["message"]) > 10, error  # a clear message, not just a status
    if response.status_code == 503:
        assert "Retry-After" in response.headers or "memory" in response.text
    if response.status_code == 200 and "results" in response.json():
        rows = response.json()["results"]["bindings"]
        assert len(rows) <= ROW_CAP
        if len(rows) == ROW_CAP:
            assert response.headers["X-Civicgraph-Truncated"] == "true"


def test_foreign_from_is_an_empty_graph(endpoint: str) -> None:
    query = HOSTILE["FROM a web IRI"][0]
    response = requests.post(endpoint, data={"query": query}, timeout=30)
    assert response.json()["results"]["bindings"] == []


def test_huge_limit_is_cut_at_the_row_cap_and_says_so(endpoint: str) -> None:
    response = requests.post(endpoint, data={"query": HOSTILE["huge LIMIT"][0]}, timeout=30)
    assert len(response.json()["results"]["bindings"]) == ROW_CAP
    assert response.headers["X-Civicgraph-Truncated"] == "true"
