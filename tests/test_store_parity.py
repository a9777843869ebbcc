"""Parity: the `memory` and `oxigraph` stores give the same answers over HTTP.

Both stores serve the same build, each from a real app on a real port. Every saved query (with
its defaults) and a set of ad-hoc queries of every form are asked of both; SELECT answers are
compared as multisets of rows, and in order on the ORDER BY keys where the query has ORDER BY;
graphs (CONSTRUCT, DESCRIBE, the data documents) by isomorphism. Blank nodes are compared by
isomorphism or as "some blank node": each store names them its own way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
from live import running, settings_for
from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from graph.queries import load_queries
from server import create_app

STORES = ("memory", "oxigraph")
CIV = "PREFIX civ: <https://kg.example.org/ontology#>\n"
ID = "https://kg.example.org/id/"
GRAPH = "https://kg.example.org/graph/"

# Ad-hoc queries of every form and the features the saved queries do not all use.
AD_HOC: dict[str, str] = {
    "count union": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "count distinct subjects": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }",
    "per graph": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "types": "SELECT ?type (COUNT(?x) AS ?n) WHERE { ?x a ?type } GROUP BY ?type ORDER BY DESC(?n) ?type",
    "persons": CIV
    + "SELECT ?p ?label WHERE { ?p a civ:Person ; rdfs:label ?label } ORDER BY ?label",
    "optional": CIV
    + "SELECT ?p ?party WHERE { ?p a civ:Person OPTIONAL { ?p civ:memberOf ?party } } ORDER BY ?p ?party",
    "filter regex": "SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER regex(?l, '^san', 'i') } ORDER BY ?s ?l",
    "string functions": "SELECT ?s (UCASE(SUBSTR(STR(?l), 1, 4)) AS ?u) (STRLEN(?l) AS ?n) (LANG(?l) AS ?lang) "
    "WHERE { ?s rdfs:label ?l FILTER(CONTAINS(LCASE(?l), 'county')) } ORDER BY ?s ?u",
    "property path": CIV
    + "SELECT ?place ?outer WHERE { ?place civ:locatedIn+ ?outer } ORDER BY ?place ?outer",
    "inverse and alternative path": "SELECT ?a ?b WHERE { ?a (^rdfs:subClassOf|owl:equivalentClass) ?b } "
    "ORDER BY ?a ?b",
    "zero or more path": "SELECT ?c ?super WHERE { ?c rdfs:subClassOf* ?super FILTER isIRI(?c) } "
    "ORDER BY ?c ?super",
    "distinct datatypes": "SELECT DISTINCT ?dt WHERE { ?s ?p ?o FILTER isLiteral(?o) BIND(DATATYPE(?o) AS ?dt) } "
    "ORDER BY ?dt",
    "dates": "SELECT ?s ?d WHERE { ?s ?p ?d FILTER(DATATYPE(?d) = xsd:date && ?d >= '2018-01-24'^^xsd:date) } "
    "ORDER BY ?d ?s",
    "having": "SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s HAVING (COUNT(*) > 40) ORDER BY ?s",
    "aggregates": "SELECT (MIN(?n) AS ?least) (MAX(?n) AS ?most) (SUM(?n) AS ?total) WHERE "
    "{ SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s }",
    "group concat": "SELECT ?g (COUNT(DISTINCT ?type) AS ?types) WHERE { GRAPH ?g { ?x a ?type } } "
    "GROUP BY ?g ORDER BY ?g",
    "values and bind": "SELECT ?x ?label WHERE { VALUES ?x { <"
    + ID
    + "jurisdiction/chicago-il> <"
    + ID
    + "person/mitch-landrieu> } ?x rdfs:label ?label BIND(STRLEN(?label) AS ?len) } ORDER BY ?x",
    "minus": CIV + "SELECT ?p WHERE { ?p a civ:Person MINUS { ?p civ:memberOf ?any } } ORDER BY ?p",
    "not exists": CIV
    + "SELECT ?p WHERE { ?p a civ:Person FILTER NOT EXISTS { ?q civ:speaker ?p } } ORDER BY ?p",
    "union": CIV
    + "SELECT ?x WHERE { { ?x a civ:Person } UNION { ?x a civ:Jurisdiction } } ORDER BY ?x",
    "limit offset": "SELECT ?s WHERE { ?s a ?t } ORDER BY ?s ?t LIMIT 7 OFFSET 5",
    "from one graph": "SELECT (COUNT(*) AS ?n) FROM <" + GRAPH + "inferred> WHERE { ?s ?p ?o }",
    "from named": "SELECT ?g (COUNT(*) AS ?n) FROM NAMED <"
    + GRAPH
    + "ontology> FROM NAMED <"
    + GRAPH
    + "meta> WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "unknown graph": "SELECT (COUNT(*) AS ?n) FROM <http://example.org/nothing> WHERE { ?s ?p ?o }",
    "blank nodes": "SELECT ?p (COUNT(?b) AS ?n) WHERE { ?s ?p ?b FILTER isBlank(?b) } GROUP BY ?p ORDER BY ?p",
    "ask true": CIV + "ASK { ?x a civ:Letter }",
    "ask false": "ASK { <http://example.org/nothing> ?p ?o }",
    "construct": CIV + "CONSTRUCT { ?p rdfs:label ?l } WHERE { ?p a civ:Person ; rdfs:label ?l }",
    "construct where": "CONSTRUCT WHERE { <" + ID + "jurisdiction/chicago-il> ?p ?o }",
    "describe iri": "DESCRIBE <" + ID + "jurisdiction/chicago-il>",
    "describe where": CIV + "DESCRIBE ?x WHERE { ?x a civ:Letter }",
    "describe ontology (blank nodes)": "DESCRIBE <https://kg.example.org/ontology#holdsPost>",
    # Queries the oxigraph store's engine leaves to Oxigraph's parser (server.sparqltext's
    # plain_head): SELECT * lists its variables in text order there too.
    "select star": CIV
    + "SELECT * WHERE { ?zeta a civ:Letter ; civ:recipient ?alpha } ORDER BY ?zeta ?alpha",
    "select distinct star, base": "BASE <"
    + ID
    + "> SELECT DISTINCT * WHERE { <jurisdiction/chicago-il> ?p ?o } ORDER BY ?p ?o",
    # An IRI Oxigraph cannot hold (rdflib's parser takes it) is in no triple: nothing of it.
    "describe an iri oxigraph cannot hold": "DESCRIBE <http://[x> <"
    + ID
    + "jurisdiction/chicago-il>",
    "describe two iris": CIV
    + "DESCRIBE <"
    + ID
    + "person/mitch-landrieu> <"
    + ID
    + "jurisdiction/chicago-il>",
    # Relative IRIs resolve against the service's base IRI (the dataset's base), on every store;
    # a relative BASE resolves against it too.
    "relative iri": "SELECT (<x> AS ?o) {}",
    "relative iris in a template": "CONSTRUCT { <s> <p> 1 } WHERE {}",
    "relative base": "BASE <id/> SELECT ?p ?o WHERE { <jurisdiction/chicago-il> ?p ?o } "
    "ORDER BY ?p ?o",
    "nested exists": CIV
    + "SELECT ?x WHERE { ?x a civ:Person "
    + "FILTER EXISTS { ?x ?p ?o " * 10
    + "}" * 10
    + " } ORDER BY ?x",
}
# default-graph-uri / named-graph-uri given by the protocol (they replace FROM / FROM NAMED).
PROTOCOL_DATASETS: dict[str, tuple[str, dict[str, list[str]]]] = {
    "default-graph-uri": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        {"default-graph-uri": [GRAPH + "ontology"]},
    ),
    "named-graph-uri": (
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
        {"named-graph-uri": [GRAPH + "meta", GRAPH + "inferred"]},
    ),
    "both replace FROM": (
        "SELECT (COUNT(*) AS ?n) FROM <" + GRAPH + "meta> WHERE { ?s ?p ?o }",
        {"default-graph-uri": [GRAPH + "ontology"], "named-graph-uri": [GRAPH + "meta"]},
    ),
}


@pytest.fixture(scope="module")
def endpoints(build_dir: Path) -> Iterator[dict[str, str]]:
    """One served app per store, over the same build."""
    with (
        running(create_app(settings_for(build_dir, store="memory"))) as memory,
        running(create_app(settings_for(build_dir, store="oxigraph"))) as oxigraph,
    ):
        yield {"memory": memory, "oxigraph": oxigraph}


# --- comparing answers -------------------------------------------------------------------------


def term_key(term: dict[str, str]) -> tuple[str, ...]:
    """A SPARQL JSON term, with blank nodes anonymous and numbers compared by value."""
    kind = term["type"]
    if kind == "bnode":
        return ("bnode",)
    if kind in ("literal", "typed-literal"):
        datatype = term.get("datatype", "")
        value = term["value"]
        if datatype.startswith("http://www.w3.org/2001/XMLSchema#") and datatype.endswith(
            ("integer", "decimal", "double", "float", "long", "int")
        ):
            value = str(Decimal(value).normalize())
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            datatype = ""  # RDF 1.1: a simple literal is an xsd:string
        return ("literal", value, datatype, term.get("xml:lang", ""))
    return (kind, term["value"])


def concatenations(text: str) -> dict[str, str]:
    """The variables a query's GROUP_CONCAT makes, with their separators.

    GROUP_CONCAT joins a group's values in no defined order, and each engine has its own: such a
    value is compared as the sorted list of its parts.
    """
    found = re.finditer(
        r"GROUP_CONCAT\s*\(.*?separator\s*=\s*\"([^\"]*)\"\s*\)\s*AS\s*\?(\w+)", text, re.I | re.S
    )
    return {m.group(2): m.group(1) for m in found}


def rows_of(
    answer: dict[str, Any], text: str = ""
) -> tuple[list[str], list[tuple[tuple[str, ...], ...]]]:
    variables = list(answer["head"].get("vars", []))
    joined = concatenations(text)

    def key(row: dict[str, Any], variable: str) -> tuple[str, ...]:
        if variable not in row:
            return ("unbound",)
        if variable in joined:
            return ("parts", *sorted(row[variable]["value"].split(joined[variable])))
        return term_key(row[variable])

    rows = [tuple(key(row, v) for v in variables) for row in answer["results"]["bindings"]]
    return variables, rows


def order_keys(text: str, variables: list[str]) -> list[int]:
    """Indexes of the projected variables the query orders by, as long as every key is one."""
    found = re.search(r"ORDER\s+BY\s+(.*?)(?:LIMIT|OFFSET|VALUES|$)", text, re.I | re.S)
    if not found:
        return []
    keys = re.findall(r"[?$](\w+)", found.group(1))
    if not keys or any(k not in variables for k in keys):
        return []
    return [variables.index(k) for k in keys]


def assert_same_solutions(
    text: str, first: dict[str, Any], second: dict[str, Any], what: str, ordered: bool = True
) -> None:
    (vars_a, rows_a), (vars_b, rows_b) = rows_of(first, text), rows_of(second, text)
    assert vars_a == vars_b, f"{what}: variables differ"
    assert Counter(rows_a) == Counter(rows_b), f"{what}: rows differ"
    keys = order_keys(text, vars_a)
    if keys and ordered:
        assert [tuple(r[i] for i in keys) for r in rows_a] == [
            tuple(r[i] for i in keys) for r in rows_b
        ], f"{what}: order differs"


def assert_same_graph(first: bytes, second: bytes, what: str) -> None:
    graph_a = Graph().parse(data=first, format="turtle")
    graph_b = Graph().parse(data=second, format="turtle")
    assert len(graph_a) == len(graph_b), f"{what}: sizes differ"
    assert isomorphic(graph_a, graph_b), f"{what}: graphs differ"


def ask(url: str, text: str, form: str, **dataset: list[str]) -> Any:
    """One query through SPARQLWrapper: a JSON answer, a boolean or Turtle bytes."""
    client = SPARQLWrapper(url + "/sparql")
    client.setQuery(text)
    for name, iris in dataset.items():
        for iri in iris:
            client.addParameter(name, iri)
    if form in ("CONSTRUCT", "DESCRIBE"):
        client.setReturnFormat(TURTLE)
        return client.query().convert()
    client.setReturnFormat(JSON)
    return client.query().convert()


def form_of(text: str) -> str:
    body = re.sub(r"(?im)^\s*PREFIX\s+\S*\s*<[^>]*>", "", text)
    return re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body, re.I).group(1).upper()  # type: ignore[union-attr]


def compare(text: str, first: Any, second: Any, what: str, ordered: bool = True) -> None:
    """Two answers to `text` are the same (for SELECT: in ORDER BY order too, if `ordered`)."""
    form = form_of(text)
    if form == "SELECT":
        assert_same_solutions(text, first, second, what, ordered)
    elif form == "ASK":
        assert first["boolean"] == second["boolean"], what
    else:
        assert_same_graph(first, second, what)


# --- the tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(AD_HOC))
def test_ad_hoc_queries_agree(endpoints: dict[str, str], name: str) -> None:
    text = AD_HOC[name]
    answers = {store: ask(endpoints[store], text, form_of(text)) for store in STORES}
    if form_of(text) == "SELECT":
        assert answers["memory"]["results"]["bindings"] or name == "unknown graph", (
            f"{name}: no rows — the comparison would prove nothing"
        )
    compare(text, answers["memory"], answers["oxigraph"], name)


@pytest.mark.parametrize("name", sorted(PROTOCOL_DATASETS))
def test_protocol_datasets_agree(endpoints: dict[str, str], name: str) -> None:
    text, dataset = PROTOCOL_DATASETS[name]
    answers = {store: ask(endpoints[store], text, "SELECT", **dataset) for store in STORES}
    compare(text, answers["memory"], answers["oxigraph"], name)


def saved_names() -> list[str]:
    return sorted(q.name for q in load_queries(Path(__file__).parent.parent / "queries"))


@pytest.mark.parametrize("name", saved_names())
def test_saved_queries_agree(endpoints: dict[str, str], build_dir: Path, name: str) -> None:
    query = next(q for q in load_queries(build_dir / "queries") if q.name == name)
    accept = (
        "text/turtle"
        if query.query_type in ("CONSTRUCT", "DESCRIBE")
        else "application/sparql-results+json"
    )
    answers: dict[str, Any] = {}
    for store in STORES:
        response = requests.get(
            f"{endpoints[store]}/queries/{name}", headers={"Accept": accept}, timeout=30
        )
        assert response.status_code == 200, (store, response.text[:300])
        answers[store] = response.content if accept == "text/turtle" else response.json()
    if query.query_type == "SELECT":
        assert answers["memory"]["results"]["bindings"], f"{name}: no rows with its defaults"
    compare(query.text, answers["memory"], answers["oxigraph"], name)


@pytest.mark.parametrize(
    "path", ["jurisdiction/chicago-il", "person/mitch-landrieu", "statute/usc/8/1373"]
)
def test_data_documents_and_pages_agree(endpoints: dict[str, str], path: str) -> None:
    documents = {
        store: requests.get(
            f"{endpoints[store]}/data/{path}", headers={"Accept": "text/turtle"}, timeout=30
        )
        for store in STORES
    }
    assert all(d.status_code == 200 for d in documents.values()), path
    assert_same_graph(documents["memory"].content, documents["oxigraph"].content, path)
    pages = {  # the same page but for the server's own address
        store: requests.get(f"{endpoints[store]}/page/{path}", timeout=30).text.replace(
            endpoints[store], "http://server"
        )
        for store in STORES
    }
    assert pages["memory"] == pages["oxigraph"], f"the page of {path} differs between stores"


def test_literals_keep_their_form(endpoints: dict[str, str]) -> None:
    """Typed, language-tagged and simple literals come back from both stores alike."""
    text = "SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER isLiteral(?o) }"
    answers = {store: ask(endpoints[store], text, "SELECT") for store in STORES}
    literals = [
        Literal(b["o"]["value"], lang=b["o"].get("xml:lang"), datatype=b["o"].get("datatype"))
        for b in answers["oxigraph"]["results"]["bindings"]
    ]
    assert any(lit.datatype is None and lit.language is None for lit in literals)
    assert all(
        b["o"].get("datatype") != "http://www.w3.org/2001/XMLSchema#string"
        for b in answers["oxigraph"]["results"]["bindings"]
    ), "simple literals must not come back as explicit xsd:string"
    compare(text, answers["memory"], answers["oxigraph"], "literals")


@pytest.mark.xfail(
    strict=True,
    reason="a defect: the memory store refuses CONSTRUCT WHERE with a VALUES clause (400: "
    "server.query._where_triples finds no BGP under the Join) and fails on an empty one (500: "
    "rdflib's translateQuery raises AttributeError); Oxigraph answers both",
)
@pytest.mark.parametrize(
    "text",
    [
        "CONSTRUCT WHERE { ?x a ?t } VALUES ?t { <https://kg.example.org/ontology#Letter> }",
        "CONSTRUCT WHERE { } LIMIT 1",
    ],
)
def test_construct_where_forms_agree(endpoints: dict[str, str], text: str) -> None:
    answers = {}
    for store in STORES:
        response = requests.get(
            endpoints[store] + "/sparql",
            params={"query": text},
            headers={"Accept": "text/turtle"},
            timeout=30,
        )
        assert response.status_code == 200, (store, response.status_code, response.text[:200])
        answers[store] = response.content
    compare(text, answers["memory"], answers["oxigraph"], text)
