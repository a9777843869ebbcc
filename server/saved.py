"""Saved queries: `/queries`, `/queries/<name>[.suffix]`, `/openapi.json`, and the editor `/query`.

The server serves the build's copy of the queries (`BUILD/queries/*.rq`), read and prepared once
when the app starts. A request's parameter values are checked against their declared types and
bound through the engine (initBindings, carried to a query worker in `QueryRequest.bindings`),
never pasted into the query's text; the worker's time limit and row cap apply as on `/sparql`.
The answer's format comes from a suffix (`.json`, `.csv`, `.tsv`, `.xml`, `.ttl`, `.nt`,
`.jsonld`, `.rdf`, `.html`) or else from Accept, through the endpoint's own negotiation; a
browser gets the form, the results table and the query's view (timeline, graph or bar chart),
drawn by the static scripts from a JSON block on the page.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)
from rdflib import RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Identifier, Node

from graph.errors import QueryFileError
from graph.namespaces import DEFAULT_BASE, PREFIXES
from graph.queries import VIEWS, Parameter, ParameterError, SavedQuery, load_queries
from server.errors import EndpointError, NotAcceptable, ServerStartError
from server.present import Linker, linker
from server.query import (
    Answer,
    QueryRequest,
    negotiate,
    offered_types,
    prepare_query,
    prepare_saved,
)
from server.sparql import ROW_CAP_HEADER, TRUNCATED_HEADER, loaded_build, run_query
from server.store import LoadedBuild

bp = Blueprint("saved", __name__)

EXTENSION = "civicgraph.saved"
# A suffix names a format the way `format=` does on /sparql; which ones apply depends on the form.
SUFFIXES = ("json", "csv", "tsv", "xml", "ttl", "nt", "jsonld", "rdf", "html", "rq")
SOLUTION_SUFFIXES = ("json", "csv", "tsv", "xml")
GRAPH_SUFFIXES = ("ttl", "nt", "jsonld", "rdf")
VIEW_ROWS = 400  # the most rows a drawing shows (the table shows them all)
GRAPH_EDGES = 250
EDITOR_QUERY = """PREFIX civ: <https://kg.example.org/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?class (COUNT(?thing) AS ?things)
WHERE { ?thing a ?class }
GROUP BY ?class
ORDER BY DESC(?things)
LIMIT 20
"""

# The instances of a class, for an enumerated parameter's choices (the class is bound, not pasted).
_INSTANCES = prepareQuery(
    """
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?item (SAMPLE(?name) AS ?label)
    WHERE { ?item a ?class . FILTER(isIRI(?item)) OPTIONAL { ?item rdfs:label ?name } }
    GROUP BY ?item
    """
)
_VOCABULARY = prepareQuery(
    """
    PREFIX owl: <http://www.w3.org/2002/07/owl#>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT DISTINCT ?term ?kind WHERE {
      { { ?term a owl:Class } UNION { ?term a rdfs:Class } BIND("class" AS ?kind) }
      UNION
      { { ?term a owl:ObjectProperty } UNION { ?term a owl:DatatypeProperty }
        UNION { ?term a rdf:Property } BIND("property" AS ?kind) }
      FILTER(isIRI(?term))
    }
    """
)
_NUMERIC = frozenset(
    XSD[name]
    for name in (
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "short",
        "nonNegativeInteger",
        "positiveInteger",
        "unsignedInt",
        "unsignedLong",
    )
)
_DATES = frozenset({XSD.date, XSD.dateTime, XSD.gYearMonth, XSD.gYear})
_TRIPLE_NAMES = (("subject", "predicate", "object"), ("s", "p", "o"))
_COMMENT = re.compile(r"#[^\n]*")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_PREFIX = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*|):\s*<([^<>\s]*)>", re.IGNORECASE)


class BadParameter(EndpointError):
    """A parameter value is missing or not of its type (the message names the parameter)."""

    error = "bad parameter"


@dataclass(frozen=True)
class Choice:
    """One value an enumerated parameter offers."""

    value: str
    label: str


@dataclass(frozen=True)
class Field:
    """A parameter as the form shows it."""

    parameter: Parameter
    value: str
    input_type: str  # select, date, number, url or text
    choices: tuple[Choice, ...] = ()


class SavedQueries:
    """The build's saved queries, checked and prepared once, with the choices their forms offer."""

    def __init__(self, build: LoadedBuild) -> None:
        self.build = build
        self.base = str(build.manifest.get("base") or DEFAULT_BASE)
        self.folder = build.build_dir / "queries"
        try:
            queries = load_queries(self.folder)
        except QueryFileError as exc:
            raise ServerStartError(f"cannot serve the saved queries: {exc}") from None
        for query in queries:
            try:
                prepare_saved(query.text)  # the endpoint's own rules: read-only, no SERVICE
            except EndpointError as exc:
                raise ServerStartError(
                    f"cannot serve {self.folder / query.name}.rq: {exc.message}"
                ) from None
        self.queries: dict[str, SavedQuery] = {q.name: q for q in queries}
        classes = {
            p.cls
            for q in queries
            for p in q.parameters
            if p.enumerate and p.kind == "iri" and p.cls is not None
        }
        self.choices: dict[str, tuple[Choice, ...]] = {c: self._instances(c) for c in classes}
        self.tags = sorted({tag for q in queries for tag in q.tags})
        self.classes, self.properties = self._vocabulary()

    def _instances(self, cls: str) -> tuple[Choice, ...]:
        rows = self.build.dataset.query(_INSTANCES, initBindings={"class": URIRef(cls)})
        choices: list[Choice] = []
        for item, label in rows:  # type: ignore[misc]
            text = str(label) if isinstance(label, Literal) else _tail(str(item))
            choices.append(Choice(str(item), text))
        choices.sort(key=lambda c: (c.label.casefold(), c.value))
        counts: dict[str, int] = {}
        for choice in choices:
            counts[choice.label] = counts.get(choice.label, 0) + 1
        # Two things of one name (a city and its county, say) are told apart by their IRIs.
        return tuple(
            Choice(c.value, f"{c.label} ({_tail(c.value)})" if counts[c.label] > 1 else c.label)
            for c in choices
        )

    def _vocabulary(self) -> tuple[list[str], list[str]]:
        """The classes and properties the ontology declares, for the editor's completions."""
        classes: set[str] = set()
        properties: set[str] = set()
        for term, kind in self.build.dataset.query(_VOCABULARY):  # type: ignore[misc]
            (classes if str(kind) == "class" else properties).add(str(term))
        return sorted(classes), sorted(properties)

    def get(self, name: str) -> SavedQuery:
        """The saved query called `name`, or a 404."""
        query = self.queries.get(name)
        if query is None:
            abort(404, f"there is no saved query {name!r}; /queries lists them")
        return query

    def choices_for(self, parameter: Parameter) -> tuple[Choice, ...]:
        if parameter.enumerate and parameter.cls is not None:
            return self.choices.get(parameter.cls, ())
        return ()


def _tail(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def init_app(app: Flask) -> None:
    """Read the build's saved queries once and register the routes."""
    build: LoadedBuild = app.extensions["civicgraph"]
    app.extensions[EXTENSION] = SavedQueries(build)
    app.register_blueprint(bp)


def saved_queries() -> SavedQueries:
    """The app's saved queries (made once by `init_app`)."""
    saved: SavedQueries = current_app.extensions[EXTENSION]
    return saved


# --- reading a request --------------------------------------------------------------------------


def split_name(name: str) -> tuple[str, str | None]:
    """`letters-to-state.csv` → ("letters-to-state", "csv"); a name without suffix → (name, None)."""
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix in SUFFIXES:
        return stem, suffix
    return name, None


def request_values() -> dict[str, str]:
    """The parameter values of the request (URL and form), each given at most once."""
    values: dict[str, str] = {}
    for key in request.values:
        given = request.values.getlist(key)
        if len(given) > 1:
            raise BadParameter(
                str(ParameterError(key, f"is given {len(given)} times; give it once"))
            )
        values[key] = given[0]
    return values


def canonical_values(query: SavedQuery, values: Mapping[str, str], base: str) -> dict[str, str]:
    """IRI values given as this server shows them (`ORIGIN/id/x`, `ORIGIN/page/x`) → canonical."""
    origin = request.host_url.rstrip("/") + request.script_root + "/"
    kinds = {p.name: p.kind for p in query.parameters}
    out = dict(values)
    for name, value in values.items():
        text = value.strip()
        if kinds.get(name) != "iri" or origin == base or not text.startswith(origin):
            continue
        rest = text[len(origin) :]
        if rest.startswith("page/"):
            rest = "id/" + rest[len("page/") :]
        out[name] = base + rest
    return out


def bound_terms(bindings: Mapping[str, Node]) -> tuple[tuple[str, Identifier], ...]:
    """initBindings as a stable, picklable tuple (every parameter term is an IRI or a literal)."""
    out: list[tuple[str, Identifier]] = []
    for name, term in sorted(bindings.items()):
        if not isinstance(term, URIRef | Literal):
            raise TypeError(f"a parameter is bound to {term!r}")
        out.append((name, term))
    return tuple(out)


# --- running -------------------------------------------------------------------------------------


def answer_for(
    saved: SavedQueries, query: SavedQuery, bindings: Mapping[str, Node], mimetype: str
) -> Answer:
    """The query's answer in `mimetype`, from the cache or from a query worker."""
    task = QueryRequest(
        text=query.text, formats=(mimetype,), bindings=bound_terms(bindings), saved=True
    )
    return run_query(saved.build, task)


def answer_etag(
    build: LoadedBuild, query: SavedQuery, bindings: Mapping[str, Node], mt: str
) -> str:
    key = json.dumps(
        [
            build.content_hash,
            build.settings.row_cap,
            query.name,
            [(n, t.n3()) for n, t in sorted(bindings.items())],
            mt,
        ]
    )
    return "sq" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


@bp.route("/queries")
def index() -> str:
    saved = saved_queries()
    tag = request.args.get("tag", "")
    queries = [q for q in saved.queries.values() if not tag or tag in q.tags]
    if tag and not queries:
        abort(404, f"no saved query has the tag {tag!r}")
    return render_template(
        "saved/list.html",
        queries=queries,
        tags=saved.tags,
        tag=tag,
        suffixes=suffixes_of,
        choices_for=saved.choices_for,
    )


@bp.route("/queries/<name>", methods=["GET", "POST"])
def run(name: str) -> Response:
    saved = saved_queries()
    build = loaded_build()
    stem, suffix = split_name(name)
    query = saved.get(stem)
    if suffix == "rq":  # the build's copy of the file, as it was prepared
        return Response(query.text, content_type="application/sparql-query; charset=utf-8")
    formats = (suffix,) if suffix else ()
    try:
        mimetype, fmt = negotiate(query.query_type, request.headers.get("Accept", ""), formats)
    except NotAcceptable as exc:
        if suffix is None:
            raise
        offered = ", ".join(f".{s}" for s in (*suffixes_of(query), "html", "rq"))
        raise NotAcceptable(
            f"a {query.query_type} query does not answer as .{suffix}; it answers as {offered}"
        ) from exc
    values = request_values()
    if fmt == "html":
        return page(saved, query, values)
    try:
        bindings = query.bindings(canonical_values(query, values, saved.base))
    except ParameterError as exc:
        raise BadParameter(str(exc)) from None
    tag = answer_etag(build, query, bindings, mimetype)
    if request.if_none_match.contains_weak(tag):
        response = Response(status=304)
    else:
        answer = answer_for(saved, query, bindings, mimetype)
        response = Response(answer.body, content_type=f"{mimetype}; charset=utf-8")
        if answer.truncated:
            response.headers[TRUNCATED_HEADER] = "true"
            response.headers[ROW_CAP_HEADER] = str(build.settings.row_cap)
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = f"ETag, {TRUNCATED_HEADER}"
    response.vary.add("Accept")
    return response


def page(saved: SavedQueries, query: SavedQuery, values: dict[str, str]) -> Response:
    """The HTML page: the form, and the results with the query's view when it can run."""
    error: str | None = None
    error_parameter: str | None = None
    status = 200
    given = canonical_values(query, values, saved.base)
    results: dict[str, Any] | None = None
    try:
        bindings = query.bindings(given)
    except ParameterError as exc:
        error, error_parameter = str(exc), exc.parameter
        # A first visit to a query whose parameter has no default only asks for it.
        status = 400 if values else 200
    else:
        html_type = "text/html" if query.query_type in ("SELECT", "ASK") else "text/turtle"
        answer = answer_for(saved, query, bindings, html_type)
        results = present_answer(query, answer, linker(), bindings)
    fields = [
        Field(
            parameter=p,
            value=given.get(p.name) or p.default or "",
            input_type=input_type(p, saved.choices_for(p)),
            choices=saved.choices_for(p),
        )
        for p in query.parameters
    ]
    body = render_template(
        "saved/query.html",
        query=query,
        fields=fields,
        error=error,
        results=results,
        error_parameter=error_parameter,
        links=page_links(query, {k: v for k, v in given.items() if v} if error is None else {}),
        suffixes=suffixes_of(query),
        row_cap=saved.build.settings.row_cap,
    )
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Accept")
    return response


def page_links(query: SavedQuery, values: Mapping[str, str]) -> dict[str, str]:
    """The query's other formats and its editor, with the same parameter values."""
    search = ("?" + urlencode(sorted(values.items()))) if values else ""
    links = {s: url_for("saved.run", name=f"{query.name}.{s}") + search for s in suffixes_of(query)}
    links["rq"] = url_for("saved.run", name=f"{query.name}.rq")
    editor = [("saved", query.name), *sorted(values.items())]
    links["editor"] = url_for("saved.editor") + "?" + urlencode(editor)
    return links


def suffixes_of(query: SavedQuery) -> tuple[str, ...]:
    """The suffixes a query's answers come in (besides the HTML page)."""
    return SOLUTION_SUFFIXES if query.query_type in ("SELECT", "ASK") else GRAPH_SUFFIXES


def input_type(parameter: Parameter, choices: tuple[Choice, ...]) -> str:
    if choices:
        return "select"
    return {"date": "date", "integer": "number", "iri": "url"}.get(parameter.kind, "text")


# --- results as a page shows them ---------------------------------------------------------------


def present_answer(
    query: SavedQuery, answer: Answer, links: Linker, bindings: Mapping[str, Node]
) -> dict[str, Any]:
    """Columns, rows of presented terms, and the data the query's view draws from."""
    focus = {str(t) for t in bindings.values() if isinstance(t, URIRef)}
    if answer.outcome is not None and answer.outcome.form == "ASK":
        return {"form": "ASK", "answer": answer.outcome.answer, "truncated": answer.truncated}
    if answer.outcome is not None:
        variables = [str(v) for v in answer.outcome.variables]
        rows: list[list[Node | None]] = [
            [row.get(v) for v in answer.outcome.variables] for row in answer.outcome.rows
        ]
    else:  # a graph, as Turtle from the worker: a capped answer, not the dataset
        graph = Graph().parse(data=answer.body.decode("utf-8"), format="turtle")
        variables = ["subject", "predicate", "object"]
        rows = [list(t) for t in sorted(graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))]
    table = [[links.present(t) if t is not None else None for t in row] for row in rows]
    return {
        "form": answer.form,
        "variables": variables,
        "rows": table,
        "truncated": answer.truncated,
        "view": view_data(query.view, variables, rows, links, focus),
    }


def view_data(
    view: str, variables: list[str], rows: list[list[Node | None]], links: Linker, focus: set[str]
) -> dict[str, Any] | None:
    """What the query's view draws (None for a table, or when the answer does not fit the view)."""
    if view not in VIEWS or view == "table" or not rows:
        return None
    if view == "timeline":
        items = timeline_items(variables, rows, links)
        return {"view": "timeline", "items": items} if items else None
    if view == "bar":
        bars, measure = bar_items(variables, rows, links)
        return {"view": "bar", "items": bars, "measure": measure} if bars else None
    nodes, edges = graph_elements(variables, rows, links, focus)
    return {"view": "graph", "nodes": nodes, "edges": edges} if edges else None


def _column(variables: list[str], name: str) -> int | None:
    return variables.index(name) if name in variables else None


def _text(term: Node, links: Linker) -> str:
    return links.present(term).text if isinstance(term, URIRef) else str(term)


def timeline_items(
    variables: list[str], rows: list[list[Node | None]], links: Linker
) -> list[dict[str, Any]]:
    """One item per row with a date: its date, label, kind, link and the rest as a note."""
    date_at = _column(variables, "date")
    label_at = _column(variables, "label")
    kind_at = _column(variables, "kind")
    items: list[dict[str, Any]] = []
    for row in rows[:VIEW_ROWS]:
        cells = list(enumerate(row))
        date = row[date_at] if date_at is not None else None
        if not (isinstance(date, Literal) and date.datatype in _DATES):
            date = next(
                (t for _, t in cells if isinstance(t, Literal) and t.datatype in _DATES), None
            )
        if date is None:
            continue
        thing = next((t for _, t in cells if isinstance(t, URIRef)), None)
        label = row[label_at] if label_at is not None else None
        title = str(label) if label is not None else (_text(thing, links) if thing else str(date))
        kind = str(row[kind_at]) if kind_at is not None and row[kind_at] is not None else ""
        used = {date_at, label_at, kind_at}
        note = " · ".join(
            str(t)
            for i, t in cells
            if i not in used and isinstance(t, Literal) and t.datatype not in _DATES and str(t)
        )
        day = str(date)[:10]
        items.append(
            {
                "date": day,
                "start": {4: day + "-01-01", 7: day + "-01"}.get(len(day), day),  # 2017, 2017-11
                "label": title,
                "kind": kind,
                "note": note[:200],
                "href": links.href(thing) if thing is not None else None,
            }
        )
    return items


def bar_items(
    variables: list[str], rows: list[list[Node | None]], links: Linker
) -> tuple[list[dict[str, Any]], str]:
    """One bar per row: the first number, named by the row's first IRI or text."""
    numeric = next(
        (
            i
            for i in range(len(variables))
            if any(isinstance(r[i], Literal) and r[i].datatype in _NUMERIC for r in rows)  # type: ignore[union-attr]
        ),
        None,
    )
    if numeric is None:
        return [], ""
    bars: list[dict[str, Any]] = []
    for row in rows[:VIEW_ROWS]:
        value = row[numeric]
        if not isinstance(value, Literal) or value.datatype not in _NUMERIC:
            continue
        named: Node | None = next((t for t in row if isinstance(t, URIRef)), None)
        if named is None:
            named = next((t for i, t in enumerate(row) if i != numeric and t is not None), None)
        bars.append(
            {
                "label": _text(named, links) if named is not None else "",
                "value": float(value.toPython()),
                "href": links.href(named) if isinstance(named, URIRef) else None,
            }
        )
    return bars, variables[numeric]


def graph_elements(
    variables: list[str], rows: list[list[Node | None]], links: Linker, focus: set[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Nodes and edges from subject/predicate/object columns (a CONSTRUCT's triples are such)."""
    columns = next(
        (
            (variables.index(s), variables.index(p), variables.index(o))
            for s, p, o in _TRIPLE_NAMES
            if {s, p, o} <= set(variables)
        ),
        None,
    )
    if columns is None:
        return [], []
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str], dict[str, Any]] = {}  # one edge per pair, naming each property

    def node(term: Node) -> str:
        key = term.n3()
        if key not in nodes:
            entry: dict[str, Any]
            if isinstance(term, Literal):
                text = str(term)
                entry = {
                    "id": key,
                    "label": text if len(text) <= 40 else text[:39] + "…",
                    "kind": "literal",
                }
            else:
                entry = {
                    "id": key,
                    "label": _text(term, links) if isinstance(term, URIRef) else "(blank)",
                    "kind": "iri" if isinstance(term, URIRef) else "bnode",
                    "href": links.href(term),
                    "focus": str(term) in focus,
                }
            nodes[key] = entry
        return key

    s_at, p_at, o_at = columns
    for row in rows:
        s, p, o = row[s_at], row[p_at], row[o_at]
        if s is None or p is None or o is None or not isinstance(p, URIRef):
            continue
        if p == RDFS.label and isinstance(o, Literal):
            continue  # the nodes carry their labels already
        if len(edges) >= GRAPH_EDGES:
            break
        source, target = node(s), node(o)
        edge = edges.setdefault(
            (source, target),
            {"id": f"e{len(edges)}", "source": source, "target": target, "properties": []},
        )
        name = links.data.property_label(p)
        if name not in edge["properties"]:
            edge["properties"].append(name)
    for edge in edges.values():
        edge["label"] = ", ".join(edge.pop("properties"))
    return list(nodes.values()), list(edges.values())


# --- OpenAPI ----------------------------------------------------------------------------------------


@bp.route("/openapi.json")
def openapi() -> Response:
    saved = saved_queries()
    server_url = request.host_url.rstrip("/") + request.script_root
    document = openapi_document(saved, server_url)
    response = Response(
        json.dumps(document, indent=2, ensure_ascii=False), mimetype="application/json"
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _version() -> str:
    try:
        return importlib.metadata.version("civicgraph")
    except importlib.metadata.PackageNotFoundError:
        return "0"


def parameter_schema(parameter: Parameter, choices: tuple[Choice, ...]) -> dict[str, Any]:
    """The JSON Schema (OpenAPI 3.0 dialect) of one parameter's values."""
    schema: dict[str, Any]
    if parameter.kind == "integer":
        schema = {"type": "integer"}
    elif parameter.kind == "date":
        schema = {"type": "string", "format": "date"}
    elif parameter.kind == "iri":
        schema = {"type": "string", "format": "uri"}
    else:
        schema = {"type": "string"}
    if choices:
        schema["enum"] = [c.value for c in choices]
    if parameter.default is not None:
        schema["default"] = (
            int(parameter.default) if parameter.kind == "integer" else parameter.default
        )
    return schema


def parameter_description(parameter: Parameter, choices: tuple[Choice, ...]) -> str:
    kinds = {
        "iri": "an http(s) IRI",
        "integer": "an integer",
        "date": "a date (YYYY-MM-DD, xsd:date)",
        "string": "a string",
        "lang": f"a string (tagged @{parameter.language})",
        "literal": f"a literal of datatype <{parameter.datatype}>",
    }
    text = f"{kinds.get(parameter.kind, 'a value')}, bound to ?{parameter.variable}"
    if parameter.cls:
        text += f"; an instance of <{parameter.cls}>"
    if choices:
        text += f" (one of the {len(choices)} listed)"
    return text + "."


def post_operation(
    operation: dict[str, Any], query: SavedQuery, saved: SavedQueries
) -> dict[str, Any]:
    """The same operation with the parameters as form fields (`#+ method: POST`)."""
    properties = {
        p.name: {
            **parameter_schema(p, saved.choices_for(p)),
            "description": parameter_description(p, saved.choices_for(p)),
        }
        for p in query.parameters
    }
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    required = [p.name for p in query.parameters if p.required]
    if required:
        schema["required"] = required
    return {
        **operation,
        "operationId": operation["operationId"] + "_post",
        "parameters": [],
        "requestBody": {
            "required": bool(required),
            "content": {"application/x-www-form-urlencoded": {"schema": schema}},
        },
    }


def openapi_document(saved: SavedQueries, server_url: str) -> dict[str, Any]:
    """An OpenAPI 3.0 description of the saved-query API, generated from the `.rq` headers."""
    build = saved.build
    paths: dict[str, Any] = {}
    for query in saved.queries.values():
        parameters = [
            {
                "name": p.name,
                "in": "query",
                "required": p.required,
                "description": parameter_description(p, saved.choices_for(p)),
                "schema": parameter_schema(p, saved.choices_for(p)),
                # An empty value counts as none (the default applies), as a form sends it.
                **({} if p.required else {"allowEmptyValue": True}),
            }
            for p in query.parameters
        ]
        offered = offered_types(query.query_type)
        content: dict[str, Any] = {}
        for mimetype in offered:
            entry: dict[str, Any] = {}
            if mimetype in ("application/sparql-results+json", "application/json"):
                entry["schema"] = {"$ref": "#/components/schemas/SparqlResults"}
            elif mimetype == "application/ld+json":  # JSON, not a string
                entry["schema"] = {"$ref": "#/components/schemas/JsonLd"}
            else:
                entry["schema"] = {"type": "string"}
            content[mimetype] = entry
        suffixes = ", ".join(f".{s}" for s in suffixes_of(query))
        operation: dict[str, Any] = {
            "operationId": re.sub(r"\W", "_", query.name),
            "summary": query.summary,
            "description": (
                f"{query.description}\n\nA {query.query_type} query, shown as a {query.view}. "
                f"The format comes from the Accept header, or from a suffix on the path "
                f"({suffixes}, .html; .rq gives the query's text). Values are bound through "
                f"the engine, never pasted into the query text."
            ).strip(),
            "tags": list(query.tags),
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": f"the answer (at most {build.settings.row_cap} "
                    f"{'rows' if query.query_type == 'SELECT' else 'triples'}; a cut answer has "
                    f"the header {TRUNCATED_HEADER}: true)",
                    "content": content,
                },
                "400": {"$ref": "#/components/responses/BadParameter"},
                "406": {"$ref": "#/components/responses/NotAcceptable"},
                "503": {"$ref": "#/components/responses/Unavailable"},
            },
        }
        path_item: dict[str, Any] = {"get": operation}
        if query.method == "POST":
            path_item["post"] = post_operation(operation, query, saved)
        paths[f"/queries/{query.name}"] = path_item
    error = {"$ref": "#/components/schemas/Error"}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": f"{build.title}: saved queries",
            "version": f"{_version()}+{build.content_hash[:12]}",
            "description": (
                "Each saved SPARQL query of this dataset as an operation: typed parameters "
                "(IRIs, dates, integers, strings, and choices drawn from the graph), answers as "
                "SPARQL JSON, XML, CSV or TSV (RDF for CONSTRUCT), and an HTML page with a form. "
                "Generated from the `#+` headers of the build's .rq files. Ad-hoc queries go to "
                "the SPARQL endpoint at /sparql."
            ),
        },
        "servers": [{"url": server_url or "/"}],
        "tags": [{"name": t} for t in saved.tags],
        "paths": paths,
        "components": {
            "schemas": {
                "SparqlResults": {
                    "type": "object",
                    "description": "SPARQL 1.1 Query Results JSON Format",
                    "required": ["head"],
                    "properties": {
                        "head": {
                            "type": "object",
                            "properties": {"vars": {"type": "array", "items": {"type": "string"}}},
                        },
                        "results": {
                            "type": "object",
                            "properties": {
                                "bindings": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "additionalProperties": {
                                            "$ref": "#/components/schemas/RdfTerm"
                                        },
                                    },
                                }
                            },
                        },
                        "boolean": {"type": "boolean"},
                    },
                },
                "JsonLd": {
                    "description": "a JSON-LD document (expanded form: an array of node objects)",
                    "anyOf": [{"type": "array", "items": {"type": "object"}}, {"type": "object"}],
                },
                "RdfTerm": {
                    "type": "object",
                    "required": ["type", "value"],
                    "properties": {
                        "type": {"type": "string", "enum": ["uri", "literal", "bnode"]},
                        "value": {"type": "string"},
                        "datatype": {"type": "string"},
                        "xml:lang": {"type": "string"},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
                },
            },
            "responses": {
                "BadParameter": {
                    "description": "a parameter is missing or not of its type; the message names it",
                    "content": {
                        "application/json": {"schema": error},
                        "text/plain": {"schema": {"type": "string"}},
                    },
                },
                "NotAcceptable": {
                    "description": "no format the query's form offers fits the Accept header or suffix",
                    "content": {"application/json": {"schema": error}},
                },
                "Unavailable": {
                    "description": "the query ran past the time limit, or every query worker was busy",
                    "content": {"application/json": {"schema": error}},
                },
            },
        },
    }


# --- the editor ---------------------------------------------------------------------------------


@bp.route("/query")
def editor() -> str:
    saved = saved_queries()
    name = request.args.get("saved", "")
    text = request.args.get("query")
    tab = "query"
    if name:
        query = saved.get(name)
        values = {k: v for k, v in request_values().items() if k != "saved"}
        try:
            bindings = query.bindings(canonical_values(query, values, saved.base))
        except ParameterError as exc:
            raise BadParameter(str(exc)) from None
        text = editor_text(query, bindings)
        tab = name
    elif text is None:
        text = EDITOR_QUERY
    assets = Path(current_app.static_folder or "") / "vendor" / "yasgui" / "yasgui.min.js"
    config = {
        "endpoint": url_for("sparql.endpoint", _external=True),
        "query": text,
        "prefill": bool(name) or "query" in request.args,
        "tab": tab,
        "prefixes": PREFIXES,
        "base": saved.base,
        "origin": request.host_url.rstrip("/") + request.script_root,
        "defaultQuery": EDITOR_QUERY,
        "prefixesUrl": url_for("saved.prefixes"),
        "classes": saved.classes,
        "properties": saved.properties,
    }
    return render_template(
        "saved/editor.html",
        config=config,
        text=text,
        has_assets=assets.is_file(),
        saved_name=name,
    )


@bp.route("/query/prefixes.json")
def prefixes() -> Response:
    """The project's prefixes, for the editor's PREFIX completion (instead of prefix.cc)."""
    return Response(json.dumps(PREFIXES, indent=1), mimetype="application/json")


def editor_text(query: SavedQuery, bindings: Mapping[str, Node]) -> str:
    """The saved query for the editor, its parameters given as a VALUES block of RDF terms.

    The terms are serialised by rdflib (`n3()`), so a value stays one IRI or literal whatever
    it contains; this text is only shown in the editor, which sends it to /sparql like any
    query the user writes. Without a top-level `WHERE {`, the text is left as it is.
    """
    if not bindings:
        return query.text
    masked = _COMMENT.sub(lambda m: " " * len(m.group(0)), query.text)
    found = _WHERE.search(masked)
    if found is None:
        return query.text
    names = sorted(bindings)
    namespaces = NamespaceManager(Graph(), bind_namespaces="none")
    declared = "\n".join(
        line for line in query.text.splitlines() if not line.lstrip().startswith("#")
    )
    for prefix, namespace in _PREFIX.findall(declared):
        namespaces.bind(prefix, namespace, override=True, replace=True)
    block = (
        "\n  # the saved query's parameters, bound here:\n"
        f"  VALUES ({' '.join('?' + n for n in names)}) "
        f"{{ ({' '.join(bindings[n].n3(namespaces) for n in names)}) }}"
    )
    text = query.text[: found.end()] + block + query.text[found.end() :]
    try:
        prepare_query(text)
    except EndpointError:
        return query.text
    return text
