"""What the server reads of a query it leaves to the store's own parser (`plain_head`).

A query `plain_head` passes is parsed by Oxigraph alone; everything else is read by rdflib's
parser first, as every query was before. So a mistake here that lets a query through is a
SERVICE or DESCRIBE the server never sees, or a query deep enough to end a worker: the cases
below are the ones that must be read.
"""

from __future__ import annotations

import pytest

from server.query import QueryRequest, prepare_request
from server.sparqltext import MOST_BRACKETS, Head, plain_head

PREFIXES = (
    "PREFIX civ: <https://kg.example.org/ontology#>\n"
    "PREFIX : <https://kg.example.org/id/>\nBASE <https://kg.example.org/>\n"
)


@pytest.mark.parametrize(
    ("text", "head"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", Head("SELECT")),
        ("select distinct ?s { ?s ?p ?o }", Head("SELECT")),
        ("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", Head("SELECT")),
        ("  SELECT * { ?s ?p ?o }", Head("SELECT", star=True)),
        ("SELECT REDUCED * { ?s ?p ?o }", Head("SELECT", star=True)),
        (PREFIXES + "SELECT ?x { ?x a civ:Letter }", Head("SELECT")),
        (PREFIXES + "ASK { ?x a civ:Letter }", Head("ASK")),
        ("ask{}", Head("ASK")),
        (PREFIXES + "CONSTRUCT { ?x a civ:Letter } WHERE { ?x a civ:Letter }", Head("CONSTRUCT")),
        ("CONSTRUCT WHERE { ?s ?p ?o }", Head("CONSTRUCT")),
        (
            "DESCRIBE <https://kg.example.org/id/b> <https://kg.example.org/id/a>"
            " <https://kg.example.org/id/b>\n",
            Head(
                "DESCRIBE", described=("https://kg.example.org/id/a", "https://kg.example.org/id/b")
            ),
        ),
        (
            "PREFIX civ: <https://kg.example.org/ontology#>\nDESCRIBE <urn:x:y>",
            Head("DESCRIBE", described=("urn:x:y",)),
        ),
    ],
)
def test_plain_queries_are_left_to_the_store(text: str, head: Head) -> None:
    assert plain_head(text) == head


@pytest.mark.parametrize(
    "text",
    [
        "",
        "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * { sErViCe <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o } # not a service, but read anyway",
        "DESCRIBE ?x WHERE { ?x ?p ?o }",
        "DESCRIBE :x",
        "DESCRIBE <relative>",
        "DESCRIBE <urn:a> WHERE {}",
        "SELECT (RAND() AS ?r) {}",
        "SELECT (now () AS ?t) {}",
        "SELECT (STRUUID() AS ?u) {}",
        "SELECT (UUID() AS ?u) {}",
        "CONSTRUCT { ?s ?p ?b } WHERE { ?s ?p ?o BIND(BNODE() AS ?b) }",
        # \u escapes are expanded before parsing, so they can spell any keyword.
        "SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT ?s { ?s ?p '\\U0001F600' }",
        "# a comment first\nSELECT * { ?s ?p ?o }",
        "PREFIX a: <urn:a> # a comment in the prologue\nSELECT * { ?s ?p ?o }",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX a: <urn:a> DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/>",
        "SELECT * {" + "{" * MOST_BRACKETS + "}" * MOST_BRACKETS + "}",
        "SELECT * { BIND(" + "STR(" * MOST_BRACKETS + "1" + ")" * MOST_BRACKETS + " AS ?x) }",
        "SELECT * { ?s <urn:p> " + "[ <urn:p> " * MOST_BRACKETS + "?o" + " ]" * MOST_BRACKETS + "}",
    ],
)
def test_queries_the_server_must_read_are_not_left_to_the_store(text: str) -> None:
    assert plain_head(text) is None


def test_at_most_so_many_brackets() -> None:
    depth = (MOST_BRACKETS - 2) // 2
    text = "SELECT * " + "{ FILTER EXISTS " * depth + "{}" + "}" * depth
    assert text.count("{") <= MOST_BRACKETS and plain_head(text) == Head("SELECT", star=True)


def test_a_store_that_parses_gets_the_text_unread() -> None:
    """With `store_parses`, rdflib's parser never sees a plain query; without, it parses it."""
    request = QueryRequest("SELECT * { ?zeta ?alpha ?mid }")
    assert prepare_request(request, store_parses=True).query is None
    assert prepare_request(request, store_parses=False).query is not None
    described = QueryRequest("DESCRIBE ?x WHERE { ?x ?p ?o }")
    assert prepare_request(described, store_parses=True).query is not None
