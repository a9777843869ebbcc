"""`GET`/`POST /sparql`: the SPARQL 1.1 Protocol, read-only, with content negotiation."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from graph.namespaces import SD, VOID
from server.errors import EndpointError, MissingQuery, NotAcceptable, UpdateRefused
from server.query import (
    UPDATE_REFUSED,
    Outcome,
    evaluate,
    offered_types,
    prepare_query,
    serialize,
)
from server.store import LoadedBuild

bp = Blueprint("sparql", __name__)

FORMATS = URIRef("http://www.w3.org/ns/formats/")
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
}


def loaded_build() -> LoadedBuild:
    """The app's loaded build (created once by `create_app`)."""
    build: LoadedBuild = current_app.extensions["civicgraph"]
    return build


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    if request.method == "GET" and not request.args:
        return service_description()
    text, default_graphs, named_graphs = read_protocol_request()
    prepared = prepare_query(text, default_graphs, named_graphs)
    offered = offered_types(prepared.form)
    mimetype = negotiate(offered)
    outcome = evaluate(loaded_build(), prepared)
    response = render(outcome, mimetype, offered[mimetype], text)
    if outcome.truncated:
        response.headers["X-Civicgraph-Truncated"] = "true"
    response.vary.add("Accept")
    return response


def read_protocol_request() -> tuple[str, list[str], list[str]]:
    """The query text and protocol graph IRIs from a GET, a form POST or a direct POST."""
    params = request.args
    if request.method == "POST":
        content_type = request.mimetype
        if content_type == "application/sparql-update":
            raise UpdateRefused(UPDATE_REFUSED)
        if content_type == "application/sparql-query":
            if "update" in params:
                raise UpdateRefused(UPDATE_REFUSED)
            try:
                text = request.get_data().decode(request.mimetype_params.get("charset", "utf-8"))
            except (UnicodeDecodeError, LookupError) as exc:
                raise EndpointError(f"cannot decode the query: {exc}") from None
            return text, params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
        if content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            raise MissingQuery(
                "POST the query as application/sparql-query, or as the form field 'query'"
            )
        params = request.values
    if "update" in params:
        raise UpdateRefused(UPDATE_REFUSED)
    queries = params.getlist("query")
    if not queries or not queries[0].strip():
        raise MissingQuery("no 'query' parameter (GET /sparql without any describes the service)")
    if len(queries) > 1:
        raise EndpointError("more than one 'query' parameter")
    return queries[0], params.getlist("default-graph-uri"), params.getlist("named-graph-uri")


def negotiate(offered: dict[str, str]) -> str:
    """The offered media type the client's Accept prefers; the first offered if it names none."""
    accept = request.accept_mimetypes
    if not accept.provided:
        return next(iter(offered))
    best = accept.best_match(list(offered))
    if best is None:
        raise NotAcceptable(f"this result is available as {', '.join(offered)}")
    return best


def render(outcome: Outcome, mimetype: str, fmt: str, text: str) -> Response:
    """One response for an outcome, in the negotiated format."""
    if fmt == "html":
        page = render_template("sparql/results.html", outcome=outcome, query=text)
        return Response(page, mimetype="text/html")
    return Response(serialize(outcome, fmt), content_type=f"{mimetype}; charset=utf-8")


def service_description() -> Response:
    """A SPARQL 1.1 Service Description of this endpoint and its named graphs."""
    build = loaded_build()
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("formats", FORMATS)
    service = BNode()
    endpoint_iri = URIRef(request.base_url)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, endpoint_iri))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in _RESULT_FORMATS:
        graph.add((service, SD.resultFormat, URIRef(FORMATS + name)))
    graph.add(
        (
            service,
            RDFS.comment,
            Literal(
                "Read-only: SPARQL Update, SERVICE and fetching FROM IRIs are refused. "
                f"Queries stop after {build.settings.query_timeout:g} s; SELECT returns at most "
                f"{build.settings.row_cap} rows (header X-Civicgraph-Truncated when cut).",
                lang="en",
            ),
        )
    )
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default_graph = BNode()
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
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
    accept = request.accept_mimetypes
    mimetype = accept.best_match(list(_DESCRIPTION_TYPES), default="text/turtle")
    body = graph.serialize(format=_DESCRIPTION_TYPES[mimetype], encoding="utf-8")
    response = Response(body, content_type=f"{mimetype}; charset=utf-8")
    response.vary.add("Accept")
    return response
