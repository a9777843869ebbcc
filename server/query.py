"""Ad-hoc SPARQL over the loaded build: prepare (read-only checks), evaluate, serialise.

Nothing here knows about HTTP; `server.sparql` does the protocol and content negotiation.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

import rdflib.plugins.sparql
from pyparsing import ParseException
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Identifier, Node

from graph.namespaces import PREFIXES
from server.errors import MalformedQuery, ServiceRefused, UpdateRefused
from server.store import LoadedBuild

_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}

# Media type → serialiser name, in order of preference (the first is the default).
SOLUTION_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/html": "html",
}
BOOLEAN_TYPES = {k: v for k, v in SOLUTION_TYPES.items() if v in ("json", "xml", "html")}
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "text/html": "html",
}


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
UPDATE_REFUSED = "this endpoint is read-only; SPARQL Update is not accepted"


def offered_types(form: str) -> dict[str, str]:
    """The media types a query form can be answered in."""
    if form == "SELECT":
        return SOLUTION_TYPES
    if form == "ASK":
        return BOOLEAN_TYPES
    return GRAPH_TYPES


@dataclass(frozen=True)
class PreparedQuery:
    """A parsed, checked, read-only query."""

    form: str
    query: Query


def enable_safe_evaluation() -> None:
    """Stop rdflib from fetching `FROM <url>` / `FROM NAMED <url>` from the web or the disk.

    With loading off, a FROM naming one of the dataset's graphs selects it and any other IRI is an
    empty graph. (A process-wide rdflib flag; setting it again is harmless.)
    """
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False


def prepare_query(
    text: str, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()
) -> PreparedQuery:
    """Parse and translate `text`, refusing updates and SERVICE; protocol graphs replace FROM."""
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        if _is_update(text):
            raise UpdateRefused(UPDATE_REFUSED) from None
        raise MalformedQuery(str(exc)) from None
    select_star = parsed[1].name == "SelectQuery" and not parsed[1].projection
    try:
        query = translateQuery(parsed)
    except Exception as exc:  # rdflib signals a user's mistake here (unknown prefix…) as Exception
        raise MalformedQuery(str(exc)) from None
    form = _FORMS.get(query.algebra.name)
    if form is None:
        raise MalformedQuery(f"unsupported query form {query.algebra.name}")
    if select_star:
        # rdflib lists the variables of SELECT * in set order; SPARQL readers expect text order.
        query.algebra["PV"] = sorted(query.algebra.PV, key=lambda v: _first_mention(text, v))
    if form == "CONSTRUCT" and not query.algebra.template:
        # rdflib finds the template of `CONSTRUCT WHERE {…}` only without modifiers (LIMIT…).
        query.algebra["template"] = _where_triples(query.algebra.p)
    if _mentions_service(query.algebra):
        raise ServiceRefused("SERVICE (federated query) is not allowed on this endpoint")
    if default_graphs or named_graphs:
        # SPARQL Protocol: default-graph-uri / named-graph-uri override the query's FROM clauses.
        query.algebra["datasetClause"] = [
            CompValue("DatasetClause", default=URIRef(iri)) for iri in default_graphs
        ] + [CompValue("DatasetClause", named=URIRef(iri)) for iri in named_graphs]
    return PreparedQuery(form, query)


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except ParseException:
        return False
    return True


def _first_mention(text: str, variable: Variable) -> tuple[int, str]:
    found = re.search(rf"[?$]{re.escape(variable)}(?![\w\u00b7\u0300-\u036f\u203f-\u2040])", text)
    return (found.start() if found else len(text), str(variable))


def _where_triples(node: Any) -> list[Any]:
    """The triples of the basic graph pattern under a CONSTRUCT WHERE's solution modifiers."""
    while isinstance(node, CompValue) and node.name != "BGP":
        node = node.p
    if not isinstance(node, CompValue):
        raise MalformedQuery("CONSTRUCT WHERE needs a basic graph pattern")
    return list(node.triples)


def _mentions_service(node: Any) -> bool:
    """True if a SERVICE pattern occurs anywhere in the algebra, filters and EXISTS included."""
    if isinstance(node, CompValue):
        return node.name == "ServiceGraphPattern" or any(
            _mentions_service(value) for value in node.values()
        )
    if isinstance(node, Mapping):
        return any(_mentions_service(value) for value in node.values())
    if isinstance(node, list | tuple | set | frozenset):
        return any(_mentions_service(value) for value in node)
    return False


@dataclass
class Outcome:
    """What a query produced: solutions (capped), a boolean, or a graph."""

    form: str
    variables: list[Variable] = field(default_factory=list)
    rows: list[dict[Variable, Identifier]] = field(default_factory=list)
    truncated: bool = False
    answer: bool | None = None
    graph: Graph | None = None


def evaluate(build: LoadedBuild, prepared: PreparedQuery) -> Outcome:
    """Evaluate under the time limit; SELECT keeps at most `row_cap` rows and says if it cut."""
    row_cap = int(build.settings.row_cap)

    def work() -> Outcome:
        result = evalQuery(build.dataset, prepared.query)
        if prepared.form == "SELECT":
            rows = [dict(row) for row in itertools.islice(result["bindings"], row_cap + 1)]
            return Outcome(
                "SELECT",
                variables=list(result["vars_"]),
                rows=rows[:row_cap],
                truncated=len(rows) > row_cap,
            )
        if prepared.form == "ASK":
            return Outcome("ASK", answer=bool(result["askAnswer"]))
        graph: Graph = result["graph"]
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace, replace=True)
        return Outcome(prepared.form, graph=graph)

    return build.run_with_time_limit(work)


def serialize(outcome: Outcome, fmt: str) -> bytes:
    """Serialise an outcome with rdflib's serialisers (and a small one for TSV)."""
    if outcome.graph is not None:
        return outcome.graph.serialize(format=fmt, encoding="utf-8")
    if fmt == "tsv":
        return _tsv(outcome.variables, outcome.rows).encode("utf-8")
    if fmt == "xml":
        return _xml(outcome)
    result = Result(outcome.form)
    if outcome.form == "ASK":
        result.askAnswer = outcome.answer
    else:
        result.vars = outcome.variables
        result.bindings = list(outcome.rows)
    buffer = io.BytesIO()
    result.serialize(buffer, encoding="utf-8", format=fmt)
    return buffer.getvalue()


def _xml(outcome: Outcome) -> bytes:
    """SPARQL Query Results XML. (rdflib's own writes `"0"`, `"false"` and `""` as empty.)"""
    root = ElementTree.Element("sparql", xmlns="http://www.w3.org/2005/sparql-results#")
    head = ElementTree.SubElement(root, "head")
    if outcome.form == "ASK":
        ElementTree.SubElement(root, "boolean").text = "true" if outcome.answer else "false"
        return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    for variable in outcome.variables:
        ElementTree.SubElement(head, "variable", name=str(variable))
    results = ElementTree.SubElement(root, "results")
    for row in outcome.rows:
        result = ElementTree.SubElement(results, "result")
        for variable in outcome.variables:
            term = row.get(variable)
            if term is None:
                continue
            binding = ElementTree.SubElement(result, "binding", name=str(variable))
            if isinstance(term, Literal):
                attributes = {}
                if term.language:
                    attributes[_XML_LANG] = term.language
                elif term.datatype:
                    attributes["datatype"] = str(term.datatype)
                ElementTree.SubElement(binding, "literal", attributes).text = str(term)
            else:
                kind = "bnode" if isinstance(term, BNode) else "uri"
                ElementTree.SubElement(binding, kind).text = str(term)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _tsv(variables: Sequence[Variable], rows: Iterable[Mapping[Variable, Identifier]]) -> str:
    """SPARQL 1.1 TSV: `?var` headers, terms in Turtle syntax, empty cells for unbound."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    for row in rows:
        lines.append("\t".join(_tsv_term(row.get(v)) for v in variables))
    return "\n".join(lines) + "\n"


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _tsv_term(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):  # one-line short form; rdflib's n3() may use """…"""
        text = '"' + str(term).translate(_TSV_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        return f"{text}^^<{term.datatype}>" if term.datatype else text
    if isinstance(term, URIRef | BNode):
        return term.n3()
    return str(term)
