"""Dereferencing: `/id/...` (303), `/page/...` (HTML), `/data/...` (RDF), `/graph/...`,
`/ontology`, `/dataset` and `/.well-known/void`, following the W3C "Cool URIs" note.

A thing's IRI `BASE/id/x` answers `303 See Other` to `/page/x` for a browser and to `/data/x`
for an RDF client; `/data/x` picks the serialisation by Accept, or by suffix (`/data/x.ttl`).
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
)
from rdflib import Graph, URIRef
from werkzeug.wrappers import Response as WerkzeugResponse

from graph.namespaces import PREFIXES, VOID
from server.errors import NotAcceptable
from server.present import (
    BY_MEDIA_TYPE,
    BY_SUFFIX,
    EXTENSION,
    HTML_TYPES,
    RDF_FORMATS,
    RDF_OFFER,
    RdfFormat,
    linked_data,
    linker,
    negotiate,
)
from server.resources import LinkedData, page_of
from server.store import LoadedBuild

bp = Blueprint("linkeddata", __name__)

_SAFE = "/-._~!$&'()*+,;=:@"
PAGE_OFFER = (*HTML_TYPES, *RDF_OFFER)
DATA_FIRST_OFFER = (*RDF_OFFER, *HTML_TYPES)


def init_app(app: Flask) -> None:
    """Make the linked-data views of the app's loaded build and register the routes."""
    build: LoadedBuild = app.extensions["civicgraph"]
    app.extensions[EXTENSION] = LinkedData(build)
    app.context_processor(_template_helpers)
    app.register_blueprint(bp)


def _template_helpers() -> dict[str, Any]:
    if EXTENSION not in current_app.extensions:
        return {}
    links = linker()
    return {
        "present": links.present,
        "shown": links.shown,
        "href": links.href,
        "local": links.local,
        "linked": links.data,
    }


@bp.app_template_filter("iri")
def as_iri(value: object) -> URIRef:
    """An IRI from the manifest's strings, to present like any other term."""
    return URIRef(str(value))


@bp.app_template_filter("filesize")
def filesize(size: object) -> str:
    """1234567 → "1.2 MB"."""
    number = float(size) if isinstance(size, int | float) else 0.0
    for unit in ("bytes", "kB", "MB", "GB"):
        if number < 1000 or unit == "GB":
            return f"{number:.0f} {unit}" if unit == "bytes" else f"{number:.1f} {unit}"
        number /= 1000
    return f"{number:.1f} GB"


# --- helpers ---------------------------------------------------------------------------------


def page_number(name: str = "page") -> int:
    """The 1-based page asked for in the query string (400 if it is not a number)."""
    raw = request.args.get(name, "1")
    if not raw.isdigit():
        abort(400, f"the parameter {name!r} must be a page number, not {raw!r}")
    return int(raw)


def paged(items: list[Any], page: int, size: int) -> tuple[list[Any], int]:
    try:
        return page_of(items, page, size)
    except ValueError as exc:
        abort(404, str(exc))


def serialize(graph: Graph, fmt: RdfFormat) -> str:
    """One graph in one of the RDF formats (JSON-LD compacted with the project's prefixes)."""
    if fmt.rdflib_format == "json-ld":
        return graph.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
    return graph.serialize(format=fmt.rdflib_format)


def rdf_response(graph: Graph, fmt: RdfFormat, key: str) -> Response:
    """An RDF document with validators derived from the build (same bytes, same ETag)."""
    data = linked_data()
    response = Response(serialize(graph, fmt), content_type=fmt.content_type)
    seed = f"{data.build.manifest.get('dataset_hash', '')} {key} {fmt.suffix}"
    response.set_etag(hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32])
    response.last_modified = data.modified
    response.vary.add("Accept")
    response.make_conditional(request)
    return response


def choose(offered: tuple[str, ...]) -> str:
    chosen = negotiate(request.accept_mimetypes, offered)
    if chosen is None:
        raise NotAcceptable(
            "none of the media types accepted here is offered; this resource is available as "
            + ", ".join(dict.fromkeys(("text/html", *(f.media_type for f in RDF_FORMATS))))
        )
    return chosen


def see_other(path: str) -> WerkzeugResponse:
    response = redirect(linker().local(path), code=303)
    response.vary.add("Accept")
    return response


def existing(rest: str) -> URIRef:
    """The IRI of a thing below `/id/`, or 404."""
    data = linked_data()
    iri = data.iri_for_path(rest)
    if not rest or not data.exists(iri):
        abort(404, f"there is no <{linker().shown(iri)}> in this dataset")
    return iri


def split_suffix(rest: str) -> tuple[str, RdfFormat | None]:
    for suffix, fmt in BY_SUFFIX.items():
        if rest.endswith(suffix):
            return rest[: -len(suffix)], fmt
    return rest, None


def data_links(path: str) -> list[tuple[RdfFormat, str]]:
    """The RDF documents of one resource, by format (`/data/x.ttl`, ...)."""
    return [
        (fmt, linker().local(f"/data/{quote(path, safe=_SAFE)}{fmt.suffix}")) for fmt in RDF_FORMATS
    ]


# --- things ----------------------------------------------------------------------------------


@bp.route("/id/<path:rest>")
def thing(rest: str) -> WerkzeugResponse:
    existing(rest)
    chosen = choose(PAGE_OFFER)
    target = "/page/" if chosen == "text/html" else "/data/"
    return see_other(target + quote(rest, safe=_SAFE))


@bp.route("/page/<path:rest>")
def page(rest: str) -> str:
    iri = existing(rest)
    description = _describe(iri, page_number())
    data = linked_data()
    article_slug = None
    if description.article is not None:
        article_slug = str(description.article)[len(data.id_prefix + "article/") :]
    return render_template(
        "linkeddata/resource.html",
        d=description,
        path=rest,
        data_links=data_links(rest),
        article_slug=article_slug,
        ontology_term=None,
    )


def _describe(iri: URIRef, incoming_page: int) -> Any:
    try:
        return linked_data().describe(iri, incoming_page)
    except ValueError as exc:
        abort(404, str(exc))


@bp.route("/data/<path:rest>")
def data(rest: str) -> Response:
    rest, fmt = split_suffix(rest)
    iri = existing(rest)
    if fmt is None:
        fmt = BY_MEDIA_TYPE[choose(RDF_OFFER)]
        response = rdf_response(linked_data().data_graph(iri), fmt, str(iri))
        response.headers["Content-Location"] = linker().local(
            f"/data/{quote(rest, safe=_SAFE)}{fmt.suffix}"
        )
    else:
        response = rdf_response(linked_data().data_graph(iri), fmt, str(iri))
    page_link = linker().local("/page/" + quote(rest, safe=_SAFE))
    response.headers["Link"] = f'<{page_link}>; rel="alternate"; type="text/html"'
    return response


# --- named graphs ----------------------------------------------------------------------------


@bp.route("/graph/<path:rest>")
def named_graph(rest: str) -> WerkzeugResponse | str:
    data = linked_data()
    iri = URIRef(data.graph_prefix + rest)
    entry = data.graph_entries.get(iri)
    if entry is None:
        abort(404, f"there is no named graph <{linker().shown(iri)}> in this dataset")
    chosen = choose(PAGE_OFFER)
    if chosen != "text/html":
        if chosen == "text/turtle" and entry.file:
            return see_other("/download/" + quote(entry.file, safe=_SAFE))
        return rdf_response(data.named(iri), BY_MEDIA_TYPE[chosen], "graph " + str(iri))
    subjects, pages = paged(data.graph_subjects(iri), page_number(), 100)
    description = _describe(iri, 1)
    files = data.build.manifest.get("files", {})
    response = Response(
        render_template(
            "linkeddata/graph.html",
            d=description,
            entry=entry,
            title=data.label(iri),
            subjects=subjects,
            page=page_number(),
            pages=pages,
            file_info=files.get(entry.file) if entry.file else None,
            gz_info=files.get(entry.file + ".gz") if entry.file else None,
        ),
        mimetype="text/html",
    )
    response.vary.add("Accept")
    return response


# --- the ontology ----------------------------------------------------------------------------


@bp.route("/ontology")
def ontology() -> Response:
    return _ontology(None)


@bp.route("/ontology<any('.ttl', '.nt', '.jsonld', '.rdf'):suffix>")
def ontology_as(suffix: str) -> Response:
    return _ontology(BY_SUFFIX[suffix])


def _ontology(fmt: RdfFormat | None) -> Response:
    data = linked_data()
    if fmt is None:
        chosen = choose(PAGE_OFFER)
        if chosen == "text/html":
            response = Response(
                render_template(
                    "linkeddata/ontology.html",
                    header=data.ontology_header(),
                    terms=data.ontology_terms(),
                    formats=RDF_FORMATS,
                ),
                mimetype="text/html",
            )
            response.vary.add("Accept")
            return response
        fmt = BY_MEDIA_TYPE[chosen]
    return turtle_file_or_graph(data, fmt, "ontology", data.named(data.ontology_graph))


def turtle_file_or_graph(data: LinkedData, fmt: RdfFormat, name: str, graph: Graph) -> Response:
    """Turtle straight from the build's `NAME.ttl` (with its ETag); any other format serialised
    from the graph."""
    source = data.build.build_dir / f"{name}.ttl"
    if (
        fmt.media_type == "text/turtle"
        and f"{name}.ttl" in data.build.downloads
        and source.is_file()
    ):
        response = send_file(
            source,
            mimetype="text/turtle",
            etag=data.build.file_hashes.get(f"{name}.ttl", True),
            last_modified=data.modified,
            conditional=True,
        )
        response.headers["Content-Type"] = fmt.content_type
        response.vary.add("Accept")
        return response
    return rdf_response(graph, fmt, name)


# --- the dataset description -----------------------------------------------------------------


@bp.route("/dataset")
def dataset() -> WerkzeugResponse:
    return see_other("/.well-known/void")


@bp.route("/.well-known/void")
def void() -> Response:
    data = linked_data()
    chosen = choose(DATA_FIRST_OFFER)
    meta = data.named(data.meta_graph)
    if chosen != "text/html":
        return turtle_file_or_graph(data, BY_MEDIA_TYPE[chosen], "void", meta)
    dataset_iri = data.dataset_iri
    response = Response(
        render_template(
            "linkeddata/void.html",
            d=data.describe(dataset_iri) if dataset_iri is not None else None,
            graphs=data.build.graphs,
            titles={URIRef(g.iri): data.label(URIRef(g.iri)) for g in data.build.graphs},
            void=VOID,
        ),
        mimetype="text/html",
    )
    response.vary.add("Accept")
    return response
