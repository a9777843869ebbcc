"""`GET`/`POST /sparql`: the SPARQL 1.1 Protocol for queries, read-only, bounded, cacheable.

The view reads the protocol (which parameters, which body, which method), answers conditional
requests from the ETag alone, and hands the query to a worker process of the build's pool
(`server.pool`), which parses, checks, negotiates, evaluates and serialises it under the time
limit. CORS, gzip and cache headers are added to every response of this blueprint.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import time
from urllib.parse import unquote_to_bytes

from flask import Blueprint, Response, current_app, render_template, request, url_for
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from graph.namespaces import SD, VOID
from server.errors import (
    EndpointError,
    EngineFailure,
    MissingQuery,
    NotAcceptable,
    QueryMemoryLimit,
    QueryTimeout,
    QueryTooLarge,
    ServerBusy,
    UpdateRefused,
)
from server.pool import (
    PoolBusy,
    PoolClosed,
    TaskFailed,
    TaskTimeout,
    WorkerLost,
    WorkerOutOfMemory,
)
from server.query import (
    FORMAT_PARAMETERS,
    GRAPH_NAMES,
    GRAPH_TYPES,
    SOLUTION_NAMES,
    SOLUTION_TYPES,
    UPDATE_REFUSED,
    Answer,
    QueryRequest,
)
from server.store import LoadedBuild

bp = Blueprint("sparql", __name__)

# The longest query text taken (characters). Every saved query is a few hundred; a query this
# long is a mistake or an attack, and parsing it would hold a thread for nothing.
MAX_QUERY_CHARS = 100_000

FORMATS = "http://www.w3.org/ns/formats/"
_RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)
_DESCRIPTION_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "text/html": "html",
}
_UPDATE_PARAMETERS = ("update", "using-graph-uri", "using-named-graph-uri")
_METHODS = "GET, HEAD, POST, OPTIONS"
_EXPOSED_HEADERS = "ETag, Retry-After, X-Civicgraph-Truncated, X-Civicgraph-Row-Cap"
TRUNCATED_HEADER = "X-Civicgraph-Truncated"
ROW_CAP_HEADER = "X-Civicgraph-Row-Cap"
CACHEABLE = "public, max-age=300"  # and revalidated with the ETag after that


def loaded_build() -> LoadedBuild:
    """The app's loaded build (created once by `create_app`)."""
    build: LoadedBuild = current_app.extensions["civicgraph"]
    return build


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
@bp.route("/sparql/", endpoint="endpoint_slash", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    if request.method == "OPTIONS":
        return preflight()
    if request.method in ("GET", "HEAD") and not request.args:
        return service_description()
    query = read_protocol_request()
    build = loaded_build()
    tag = None
    if request.method in ("GET", "HEAD"):
        tag = request_etag(build, query)
        if _matches(tag):
            return _not_modified(tag)
    answer = run_query(build, query)
    response = render(answer, query.text)
    if answer.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
        response.headers[ROW_CAP_HEADER] = str(build.settings.row_cap)
    if tag is not None and answer.deterministic:
        response.set_etag(tag, weak=True)  # weak: the same answer; row order may differ
        response.headers["Cache-Control"] = CACHEABLE
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response


def read_protocol_request() -> QueryRequest:
    """The query, its protocol dataset and wanted formats from a GET, a form POST or a direct POST.

    Refuses (4xx) every update, a missing, empty or repeated `query`, and any other POST body.
    """
    params = request.args
    _require_utf8(request.query_string, "the URL's query string")
    text: str | None = None
    if request.method == "POST":
        content_type = request.mimetype
        if content_type == "application/sparql-update" or _asks_update(params):
            raise UpdateRefused(UPDATE_REFUSED)
        if content_type == "application/sparql-query":
            if "query" in params:
                raise EndpointError("the query came both as the body and as a 'query' parameter")
            text = _direct_query()
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if content_type == "application/x-www-form-urlencoded":
                # Cached, the body is still parsed as the form below (werkzeug reuses it).
                _require_utf8(request.get_data(cache=True), "the form")
            params = request.values  # the URL's parameters and the form's fields together
        else:
            raise MissingQuery(
                "POST the query as Content-Type application/sparql-query, or as the form field "
                f"'query' (application/x-www-form-urlencoded), not as {content_type or 'no type'}"
            )
    if _asks_update(params):
        raise UpdateRefused(UPDATE_REFUSED)
    if text is None:
        queries = params.getlist("query")
        if not queries:
            raise MissingQuery(
                "no 'query' parameter (GET /sparql without any describes the service)"
            )
        if len(queries) > 1:
            raise EndpointError(f"{len(queries)} 'query' parameters; the protocol allows one")
        text = queries[0]
    if not text.strip():
        raise MissingQuery("the query is empty")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryTooLarge(
            f"the query is {len(text)} characters long; this endpoint takes at most "
            f"{MAX_QUERY_CHARS}"
        )
    return QueryRequest(
        text=text,
        default_graphs=tuple(params.getlist("default-graph-uri")),
        named_graphs=tuple(params.getlist("named-graph-uri")),
        accept=request.headers.get("Accept", ""),
        formats=tuple(value for name in FORMAT_PARAMETERS for value in params.getlist(name)),
    )


def _asks_update(params: object) -> bool:
    return any(name in params for name in _UPDATE_PARAMETERS)  # type: ignore[operator]


def _require_utf8(encoded: bytes, where: str) -> None:
    """Refuse percent-encoded (or `+`-spaced) text whose bytes are not UTF-8, as the protocol asks.

    werkzeug would decode such bytes to U+FFFD and the query would run as something else.
    """
    try:
        unquote_to_bytes(encoded.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EndpointError(
            f"{where} is not valid UTF-8 (byte {exc.start}); the protocol requires UTF-8"
        ) from None


def _direct_query() -> str:
    """The body of an `application/sparql-query` POST, which the protocol requires in UTF-8."""
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise EndpointError(f"an application/sparql-query body must be UTF-8, not {charset}")
    try:
        return request.get_data().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EndpointError(f"the query is not valid UTF-8: {exc}") from None


def run_query(build: LoadedBuild, query: QueryRequest) -> Answer:
    """The query's answer from a worker process, or the `EndpointError` that says why not.

    A deterministic answer is remembered for the build's lifetime (`LoadedBuild.answers`): the
    data cannot change under a loaded build, so the same request gets the same bytes.
    """
    found = build.answers.get(query)
    if found is not None:
        return found
    answer = _run_in_worker(build, query)
    build.answers.put(query, answer)
    return answer


def _run_in_worker(build: LoadedBuild, query: QueryRequest) -> Answer:
    settings = build.settings
    limit = float(settings.query_timeout)
    try:
        result = build.pool.run(query, time.monotonic() + limit)
    except TaskTimeout:
        raise QueryTimeout(
            f"the query ran longer than the time limit of {limit:g} s and was stopped"
        ) from None
    except PoolBusy:
        raise ServerBusy(
            f"all {build.pool.size} query workers stayed busy for the whole time limit of "
            f"{limit:g} s; try again shortly"
        ) from None
    except WorkerOutOfMemory:
        raise QueryMemoryLimit(
            f"the query needed more than {settings.query_memory_mb} MiB of memory and was stopped"
        ) from None
    except (WorkerLost, PoolClosed) as exc:
        current_app.logger.error("query worker lost: %s", exc)
        raise ServerBusy("the query worker stopped unexpectedly; try again") from None
    except TaskFailed as exc:
        current_app.logger.error("query failed in its worker:\n%s", exc.args[0])
        raise EngineFailure(
            "the query engine failed on this query; that is a bug in the server, and it is logged"
        ) from None
    if isinstance(result, EndpointError):
        raise result
    answer: Answer = result
    return answer


def render(answer: Answer, text: str) -> Response:
    """The response for an answer: its serialised body, or the HTML page of results."""
    if answer.outcome is None:
        return Response(answer.body, content_type=f"{answer.mimetype}; charset=utf-8")
    page = render_template(
        "sparql/results.html",
        outcome=answer.outcome,
        query=text,
        row_cap=loaded_build().settings.row_cap,
    )
    return Response(page, mimetype="text/html")


# --- conditional requests, CORS, compression --------------------------------------------------


def request_etag(build: LoadedBuild, query: QueryRequest) -> str:
    """A tag for this answer: the build's content hash and everything in the request that counts."""
    key = json.dumps(
        [
            build.content_hash,
            build.settings.row_cap,
            query.text,
            query.default_graphs,
            query.named_graphs,
            query.accept,
            query.formats,
        ]
    )
    return "q" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def _matches(tag: str) -> bool:
    wanted = request.if_none_match
    return wanted.contains_weak(tag) or wanted.contains_weak(tag + "-gzip")


def _not_modified(tag: str) -> Response:
    response = Response(status=304)
    response.set_etag(tag, weak=True)  # the gzip suffix, if any, is added on the way out
    response.headers["Cache-Control"] = CACHEABLE
    return response


def preflight() -> Response:
    """CORS preflight (and plain OPTIONS): what a browser page on another origin may send."""
    response = Response(status=204, mimetype=None)
    response.headers.pop("Content-Type", None)
    response.headers["Allow"] = _METHODS
    response.headers["Access-Control-Allow-Methods"] = _METHODS
    response.headers["Access-Control-Allow-Headers"] = request.headers.get(
        "Access-Control-Request-Headers", "Accept, Content-Type, If-None-Match"
    )
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


@bp.after_request
def finish(response: Response) -> Response:
    """Headers every /sparql response carries; gzip when the client accepts it."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = _EXPOSED_HEADERS
    if response.status_code >= 400:
        response.headers["Cache-Control"] = "no-store"
    if request.method != "OPTIONS":
        response.vary.add("Accept")
        response.vary.add("Accept-Encoding")
    if request.accept_encodings["gzip"] > 0 and response.status_code in (200, 304):
        # Every 200 is compressed, however small, so that the tag of a 304 names the same body.
        tag, weak = response.get_etag()
        if tag:
            response.set_etag(tag + "-gzip", weak=bool(weak))
        if response.status_code == 200 and not response.is_streamed:
            response.set_data(gzip.compress(response.get_data(), compresslevel=6, mtime=0))
            response.headers["Content-Encoding"] = "gzip"
    return response


# --- the service description -----------------------------------------------------------------


def service_description() -> Response:
    """A SPARQL 1.1 Service Description: Turtle and other RDF by Accept, HTML for a browser."""
    build = loaded_build()
    mimetype = _description_type()
    key = json.dumps([build.content_hash, mimetype, request.base_url])
    tag = "sd" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    if _matches(tag):
        return _not_modified(tag)
    fmt = _DESCRIPTION_TYPES[mimetype]
    if fmt == "html":
        response = Response(
            render_template(
                "sparql/service.html",
                build=build,
                endpoint_url=url_for("sparql.endpoint", _external=True),
                solution_names=SOLUTION_NAMES,
                solution_types=SOLUTION_TYPES,
                graph_names=GRAPH_NAMES,
                graph_types=GRAPH_TYPES,
                union_triples=build.manifest.get("union_triples"),
            ),
            mimetype="text/html",
        )
    else:
        body = describe_service(build).serialize(format=fmt, encoding="utf-8")
        response = Response(body, content_type=f"{mimetype}; charset=utf-8")
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = CACHEABLE
    return response


def _description_type() -> str:
    accept = request.headers.get("Accept", "")
    parsed = parse_accept_header(accept, MIMEAccept)
    if not any("/" in value for value, _ in parsed):
        return "text/turtle"
    best = parsed.best_match(list(_DESCRIPTION_TYPES))
    if best is None:
        raise NotAcceptable(
            f"nothing in 'Accept: {accept}' fits; the service description is available as "
            f"{', '.join(_DESCRIPTION_TYPES)}"
        )
    return best


def limits_text(build: LoadedBuild) -> str:
    """The endpoint's rules in one paragraph (service description and HTML page)."""
    settings = build.settings
    return (
        "Read-only: SPARQL Update in any form is refused, SERVICE is refused, and FROM / FROM "
        "NAMED / default-graph-uri / named-graph-uri only select among this dataset's own named "
        "graphs (any other IRI is an empty graph; nothing is ever fetched). "
        f"A query stops after {float(settings.query_timeout):g} s (503). A SELECT returns at "
        f"most {settings.row_cap} rows; a cut answer carries the header {TRUNCATED_HEADER}: true."
    )


def describe_service(build: LoadedBuild) -> Graph:
    """This endpoint in the SPARQL 1.1 Service Description vocabulary, its named graphs included."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("formats", FORMATS)
    graph.bind("dcterms", DCTERMS)
    service = BNode()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(url_for("sparql.endpoint", _external=True))))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, DCTERMS.title, Literal(f"{build.title} — SPARQL endpoint")))
    for name in _RESULT_FORMATS:
        graph.add((service, SD.resultFormat, URIRef(FORMATS + name)))
    graph.add((service, RDFS.comment, Literal(limits_text(build), lang="en")))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default_graph = BNode()
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add(
        (
            default_graph,
            RDFS.comment,
            Literal("the union of all the named graphs, each triple once", lang="en"),
        )
    )
    union = build.manifest.get("union_triples")
    if isinstance(union, int):
        graph.add((default_graph, VOID.triples, Literal(union, datatype=XSD.integer)))
    for entry in build.graphs:
        named = BNode()
        description = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(entry.iri)))
        graph.add((named, SD.graph, description))
        graph.add((description, RDF.type, SD.Graph))
        graph.add((description, VOID.triples, Literal(entry.triples, datatype=XSD.integer)))
    return graph
