"""Ad-hoc SPARQL over the loaded build: prepare (read-only checks), negotiate, evaluate, serialise.

Nothing here knows about HTTP requests; `server.sparql` reads the protocol and hands a
`QueryRequest` to `answer`, which runs in a query worker process (`server.pool`), so that the
whole of the work, parsing included, stays under the time limit.
"""

from __future__ import annotations

import functools
import io
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin
from xml.etree import ElementTree

import rdflib.plugins.sparql
from pyparsing import ParseBaseException
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query, SPARQLError
from rdflib.query import Result
from rdflib.term import Identifier, Node
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from server.engines import Engine, UnreadRefused, with_prefixes
from server.errors import (
    EndpointError,
    MalformedQuery,
    NotAcceptable,
    QueryError,
    ServiceRefused,
    UpdateRefused,
)
from server.sparqltext import Head, first_mention, plain_head

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
BOOLEAN_TYPES = SOLUTION_TYPES
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "text/html": "html",
}

# `format=` / `output=` / `results=` values (SPARQLWrapper sends all three; Virtuoso, Fuseki and
# others read one of them) → media type. A media type itself is also accepted.
SOLUTION_NAMES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "srj": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "srx": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "html": "text/html",
}
GRAPH_NAMES: dict[str, str] = {
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "n3": "text/turtle",  # Turtle is N3
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "json-ld": "application/ld+json",
    "jsonld": "application/ld+json",
    "json": "application/ld+json",
    "rdf": "application/rdf+xml",
    "xml": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
    "html": "text/html",
}
FORMAT_PARAMETERS = ("format", "output", "results")

# Functions whose value differs from one evaluation to the next: such answers get no ETag.
_VOLATILE = frozenset(
    {"Builtin_RAND", "Builtin_NOW", "Builtin_UUID", "Builtin_STRUUID", "Builtin_BNODE"}
)
# What rdflib raises, from inside its evaluation, on queries it cannot evaluate: a bad regular
# expression (re.error), an OFFSET beyond any index (ValueError), SUM over IRIs
# (AttributeError)… The query caused each of them, so each is the client's 400, not a 500.
_EVALUATION_ERRORS = (
    re.error,
    SPARQLError,
    ValueError,
    TypeError,
    AttributeError,
    KeyError,
    ArithmeticError,
    RecursionError,
)
_UPDATE_START = re.compile(
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)
_COMMENT = re.compile(r"#[^\n\r]*")

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
UPDATE_REFUSED = "this endpoint is read-only; SPARQL Update is not accepted"


def offered_types(form: str) -> dict[str, str]:
    """The media types a query form can be answered in, most preferred first."""
    if form == "SELECT":
        return SOLUTION_TYPES
    if form == "ASK":
        return BOOLEAN_TYPES
    return GRAPH_TYPES


def format_names(form: str) -> dict[str, str]:
    """The `format=` names a query form understands."""
    return SOLUTION_NAMES if form in ("SELECT", "ASK") else GRAPH_NAMES


@functools.lru_cache(maxsize=1024)
def negotiate(form: str, accept: str, formats: tuple[str, ...] = ()) -> tuple[str, str]:
    """(media type, serialiser) for a result of `form`.

    The first `format=`-style value that names a format of this form wins; else the Accept
    header, with q-values and wildcards; no usable Accept means the first offered type.
    `NotAcceptable` if a format was named but none fits, or if nothing in Accept fits.
    """
    offered = offered_types(form)
    if formats:
        names = format_names(form)
        for value in formats:
            key = value.strip().lower()
            mimetype = names.get(key) or (key if key in offered else None)
            if mimetype is not None:
                return mimetype, offered[mimetype]
        raise NotAcceptable(
            f"format {formats[0]!r} is not available for a {form} result; "
            f"format= takes {', '.join(names)} (or one of {', '.join(offered)})"
        )
    parsed = parse_accept_header(accept, MIMEAccept)
    if not any("/" in value for value, _ in parsed):  # absent, or nothing a media range
        first = next(iter(offered))
        return first, offered[first]
    best = parsed.best_match(list(offered))
    if best is None:
        raise NotAcceptable(
            f"nothing in 'Accept: {accept}' fits; a {form} result is available as "
            f"{', '.join(offered)}"
        )
    return best, offered[best]


@dataclass(frozen=True)
class PreparedQuery:
    """A parsed, checked, read-only query; or one the store's own parser will check.

    `query` is rdflib's parse, or None for a query left to the store's parser; then `head` is
    what the server read of it (`plain_head`).
    """

    form: str
    query: Query | None
    deterministic: bool = True
    head: Head | None = None


def enable_safe_evaluation() -> None:
    """Stop rdflib from fetching `FROM <url>` / `FROM NAMED <url>` from the web or the disk.

    With loading off, a FROM naming one of the dataset's graphs selects it and any other IRI is an
    empty graph. (A process-wide rdflib flag; setting it again is harmless.)
    """
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False


def prepare_query(
    text: str,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
    base: str = "",
) -> PreparedQuery:
    """Parse and translate `text`, refusing updates and SERVICE; protocol graphs replace FROM.

    The query's relative IRIs resolve against `base`, the service's base IRI (the dataset's
    base), and against its own BASE where it has one (itself resolved against `base`).

    `MalformedQuery` carries the parser's message, with the line and column where it has them.
    """
    if not text.strip():
        raise MalformedQuery("the query is empty")
    try:
        parsed = parseQuery(text)
    except (ParseBaseException, ValueError) as exc:  # ValueError: a bad \\U escape, say
        if _is_update(text):
            raise UpdateRefused(UPDATE_REFUSED) from None
        raise MalformedQuery(str(exc)) from None
    except RecursionError:
        raise MalformedQuery("the query is nested too deeply to parse") from None
    select_star = parsed[1].name == "SelectQuery" and not parsed[1].projection
    if base:
        _resolve_base_declarations(parsed[0], base)
    try:
        query = translateQuery(parsed, base=base or None)
    except (SPARQLError, ValueError) as exc:
        raise MalformedQuery(str(exc)) from None
    except RecursionError:
        raise MalformedQuery("the query is nested too deeply to translate") from None
    except Exception as exc:
        if type(exc) is not Exception:
            raise  # a bug, not a mistake in the query: the server's 500
        # rdflib's algebra reports a mistake in the query (an unknown prefix…) as a bare Exception.
        raise MalformedQuery(str(exc)) from None
    form = _FORMS.get(query.algebra.name)
    if form is None:
        raise MalformedQuery(f"unsupported query form {query.algebra.name}")
    if select_star:
        # rdflib lists the variables of SELECT * in set order; SPARQL readers expect text order.
        query.algebra["PV"] = sorted(query.algebra.PV, key=lambda v: first_mention(text, v))
    if form == "CONSTRUCT" and not query.algebra.template:
        # rdflib finds the template of `CONSTRUCT WHERE {…}` only without modifiers (LIMIT…).
        query.algebra["template"] = _where_triples(query.algebra.p)
    if _mentions(query.algebra, frozenset({"ServiceGraphPattern"})):
        raise ServiceRefused("SERVICE (federated query) is not allowed on this endpoint")
    if default_graphs or named_graphs:
        # SPARQL 1.1 Protocol §2.1.4: a dataset given by default-graph-uri / named-graph-uri
        # replaces the query's FROM and FROM NAMED as a whole (either parameter is enough).
        query.algebra["datasetClause"] = [
            CompValue("DatasetClause", default=URIRef(iri)) for iri in default_graphs
        ] + [CompValue("DatasetClause", named=URIRef(iri)) for iri in named_graphs]
    return PreparedQuery(form, query, deterministic=not _mentions(query.algebra, _VOLATILE))


def _resolve_base_declarations(prologue: Any, base: str) -> None:
    """Make each BASE of a prologue absolute, against the one before it and first `base`.

    (rdflib takes a relative BASE as it is, so `<x>` after `BASE <sub/>` would stay relative;
    RFC 3986 and Oxigraph resolve it.)
    """
    for declaration in prologue:
        if declaration.name == "Base":
            base = urljoin(base, str(declaration.iri))
            declaration["iri"] = URIRef(base)


def _is_update(text: str) -> bool:
    if _UPDATE_START.match(_COMMENT.sub(" ", text)):
        return True
    try:
        parseUpdate(text)
    except (ParseBaseException, ValueError, RecursionError):
        return False
    return True


def _where_triples(node: Any) -> list[Any]:
    """The triples of the basic graph pattern under a CONSTRUCT WHERE's solution modifiers."""
    while isinstance(node, CompValue) and node.name != "BGP":
        node = node.p
    if not isinstance(node, CompValue):
        raise MalformedQuery("CONSTRUCT WHERE needs a basic graph pattern")
    return list(node.triples)


def _mentions(node: Any, names: frozenset[str]) -> bool:
    """True if an algebra node named in `names` occurs anywhere, filters and EXISTS included.

    Walked with a list, not by recursion: rdflib's algebra for a long run of BINDs nests
    deeper than Python's recursion limit lets a function go.
    """
    pending = [node]
    while pending:
        node = pending.pop()
        if isinstance(node, CompValue):
            if node.name in names:
                return True
            pending.extend(node.values())
        elif isinstance(node, Mapping):
            pending.extend(node.values())
        elif isinstance(node, list | tuple | set | frozenset):
            pending.extend(node)
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
    turtle: str | None = None  # the graph as Turtle, for the HTML page
    body: bytes | None = None  # already serialised, in the format asked for, by the engine


def evaluate_query(
    dataset: Dataset,
    prepared: PreparedQuery,
    row_cap: int,
    bindings: Mapping[str, Identifier] | None = None,
) -> Outcome:
    """Evaluate with no time limit (the caller's process is killed if it overruns).

    A SELECT keeps at most `row_cap` rows and says if it cut (a graph is bounded by the time and
    memory limits alone). `QueryError` for what rdflib cannot evaluate. `bindings` (saved
    queries' parameters) are bound through the engine as initBindings.
    """
    assert prepared.query is not None, "rdflib's engine evaluates what rdflib's parser read"
    try:
        result = evalQuery(dataset, prepared.query, bindings)
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
    except _EVALUATION_ERRORS as exc:
        raise QueryError(f"the query cannot be evaluated: {type(exc).__name__}: {exc}") from None
    with_prefixes(graph)
    return Outcome(prepared.form, graph=graph)


@dataclass(frozen=True)
class QueryRequest:
    """One protocol request, as the worker needs it: the query, its dataset, the wanted format."""

    text: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    accept: str = ""
    formats: tuple[str, ...] = ()
    # --- saved queries only (server.saved); the protocol never sets these -------------------
    # Parameter values, bound through the engine (initBindings), never pasted into the text.
    bindings: tuple[tuple[str, Identifier], ...] = ()
    # The text is one of the build's saved queries: each worker prepares it once and keeps it.
    saved: bool = False


@functools.lru_cache(maxsize=256)
def prepare_saved(text: str, base: str = "") -> PreparedQuery:
    """A saved query prepared once per process (it has no protocol dataset of its own)."""
    return prepare_query(text, base=base)


CACHED_TEXT_LIMIT = 16_384  # longer queries are rare, and would crowd the cache


@functools.lru_cache(maxsize=512)
def _prepare_cached(
    text: str, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...], base: str
) -> PreparedQuery:
    return prepare_query(text, default_graphs, named_graphs, base)


def forget_prepared() -> None:
    """Forget the queries this process has parsed (for measuring a first sight)."""
    _prepare_cached.cache_clear()
    plain_head.cache_clear()


def prepare_request(
    request: QueryRequest, store_parses: bool = False, base: str = ""
) -> PreparedQuery:
    """The request's query, parsed and checked; each worker remembers the ones it has seen.

    (A query asked again — a dashboard's, a client's retry — then skips rdflib's parser, which
    costs more than Oxigraph takes to answer most queries. A refusal is not remembered.)

    With `store_parses` (an engine whose store parses the text itself), a query the server need
    not read (`plain_head`) is not parsed here at all. Relative IRIs resolve against `base`.
    """
    if request.saved:
        return prepare_saved(request.text, base)
    if store_parses and not request.bindings:
        head = plain_head(request.text)
        if head is not None:
            return PreparedQuery(head.form, None, head=head)
    if len(request.text) > CACHED_TEXT_LIMIT:
        return prepare_query(request.text, request.default_graphs, request.named_graphs, base)
    return _prepare_cached(request.text, request.default_graphs, request.named_graphs, base)


@dataclass(frozen=True)
class Answer:
    """A query's answer, serialised; for HTML, the outcome for the page instead of a body."""

    form: str
    mimetype: str
    body: bytes
    truncated: bool
    deterministic: bool
    outcome: Outcome | None = None


def _evaluated(
    engine: Engine, row_cap: int, request: QueryRequest, store_parses: bool
) -> tuple[PreparedQuery, str, str, Outcome]:
    prepared = prepare_request(request, store_parses, engine.base)
    mimetype, fmt = negotiate(prepared.form, request.accept, request.formats)
    return prepared, mimetype, fmt, engine.evaluate(prepared, request, row_cap, fmt)


def answer(engine: Engine, row_cap: int, request: QueryRequest) -> Answer | EndpointError:
    """The whole of one query: checks, negotiation, evaluation, serialisation.

    A refusal is returned, not raised, so that it crosses from a worker process as a value.
    """
    store_parses = engine.store_parses
    try:
        try:
            prepared, mimetype, fmt, outcome = _evaluated(engine, row_cap, request, store_parses)
        except (UnreadRefused, NotAcceptable):
            if not store_parses:
                raise
            # The store refused a query rdflib's parser has not read (or the form guessed from
            # its first words is not one the client accepts): read it, so that the client gets
            # the parser's message or the refusal of an update, checked in the usual order.
            prepared, mimetype, fmt, outcome = _evaluated(engine, row_cap, request, False)
        if fmt == "html":
            if outcome.graph is not None:
                outcome.turtle = outcome.graph.serialize(format="turtle")
                outcome.graph = None
            body = b""
        else:
            body = outcome.body if outcome.body is not None else serialize(outcome, fmt)
    except EndpointError as exc:
        return exc
    return Answer(
        form=prepared.form,
        mimetype=mimetype,
        body=body,
        truncated=outcome.truncated,
        deterministic=prepared.deterministic,
        outcome=outcome if fmt == "html" else None,
    )


def serialize(outcome: Outcome, fmt: str) -> bytes:
    """Serialise an outcome with rdflib's serialisers (and small ones for XML, TSV and ASK)."""
    if outcome.graph is not None:
        try:
            return outcome.graph.serialize(format=fmt, encoding="utf-8")
        except ValueError as exc:  # RDF/XML cannot write every IRI as a predicate
            raise NotAcceptable(
                f"this graph cannot be written as {fmt}: {exc}; ask for text/turtle, "
                "application/n-triples or application/ld+json"
            ) from None
    if fmt == "tsv":
        if outcome.form == "ASK":  # no standard; Jena's convention
            return f"?_askResult\n{str(outcome.answer).lower()}\n".encode()
        return _tsv(outcome.variables, outcome.rows).encode("utf-8")
    if fmt == "csv" and outcome.form == "ASK":
        return f"_askResult\r\n{str(outcome.answer).lower()}\r\n".encode()
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
