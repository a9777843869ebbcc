"""Between the canonical data and what a page shows.

- `Linker` maps the dataset's canonical IRIs to this server (whatever host it is reached on):
  `BASE/id/x` is shown as `ORIGIN/id/x` and browsed at `/page/x`, graphs at `/graph/...`,
  ontology terms at `/ontology#Term`. Downloads and data documents keep the canonical IRIs.
- `TermView` is a term made ready for a template (label, link, language, datatype).
- `RDF_FORMATS` is the one table of RDF serialisations, and `negotiate` picks from it by Accept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from flask import current_app, has_request_context, request
from rdflib import RDF, XSD, BNode, Literal, URIRef
from rdflib.term import Node
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException

from graph.namespaces import CIV, ONTOLOGY_IRI
from server.resources import LinkedData, compact

EXTENSION = "civicgraph.linked"
_SAFE = "/-._~!$&'()*+,;=:@"


@dataclass(frozen=True)
class RdfFormat:
    """One RDF serialisation the server writes."""

    media_type: str
    rdflib_format: str
    suffix: str
    content_type: str
    name: str


RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("text/turtle", "turtle", ".ttl", "text/turtle; charset=utf-8", "Turtle"),
    RdfFormat(
        "application/n-triples", "nt", ".nt", "application/n-triples; charset=utf-8", "N-Triples"
    ),
    RdfFormat("application/ld+json", "json-ld", ".jsonld", "application/ld+json", "JSON-LD"),
    RdfFormat(
        "application/rdf+xml", "xml", ".rdf", "application/rdf+xml; charset=utf-8", "RDF/XML"
    ),
)
BY_MEDIA_TYPE = {f.media_type: f for f in RDF_FORMATS}
BY_SUFFIX = {f.suffix: f for f in RDF_FORMATS}
# Other names clients use for the same serialisations.
ALIASES = {
    "application/x-turtle": "text/turtle",
    "text/n3": "text/turtle",  # Turtle is a subset of N3
    "text/plain": "application/n-triples",  # N-Triples' old media type
}
HTML_TYPES = ("text/html", "application/xhtml+xml")
RDF_OFFER: tuple[str, ...] = (*BY_MEDIA_TYPE, *ALIASES)


def negotiate(accept: MIMEAccept, offered: Sequence[str]) -> str | None:
    """The best of `offered` for an Accept header, as its canonical media type, or None.

    Highest quality wins; among equals a type the client names beats one it reaches through a
    wildcard, then the order offered. A request without Accept takes the first offered.
    """
    if not accept:
        return _canonical(offered[0]) if offered else None
    named = {value.lower() for value, _ in accept}
    best: tuple[float, int, int] | None = None
    chosen: str | None = None
    for index, media_type in enumerate(offered):
        quality = accept.quality(media_type)
        if quality <= 0:
            continue
        rank = (quality, 1 if media_type in named else 0, -index)
        if best is None or rank > best:
            best, chosen = rank, media_type
    return _canonical(chosen) if chosen is not None else None


def _canonical(media_type: str) -> str:
    if media_type in HTML_TYPES:
        return "text/html"
    return ALIASES.get(media_type, media_type)


@dataclass(frozen=True)
class TermView:
    """An RDF term as a page shows it."""

    kind: str  # "iri", "literal", "bnode" or "list"
    text: str
    href: str | None = None
    iri: str | None = None  # as shown: mapped to this server's origin when it is ours
    external: bool = False
    lang: str | None = None
    datatype: str | None = None
    items: tuple[TermView, ...] = ()
    pairs: tuple[tuple[str, TermView], ...] = ()


class Linker:
    """Maps canonical IRIs to this server, for one request's origin."""

    def __init__(self, data: LinkedData, origin: str, prefix: str = "") -> None:
        self.data = data
        self.origin = origin.rstrip("/")
        self.prefix = prefix.rstrip("/")

    def path(self, iri: str) -> str | None:
        """The IRI's own path on this server (`/id/...`, `/graph/...`), or None if not ours."""
        base = self.data.base
        if iri.startswith(str(CIV)):
            return "/ontology#" + quote(iri[len(str(CIV)) :], safe=_SAFE)
        if iri == ONTOLOGY_IRI:
            return "/ontology"
        if not iri.startswith(base):
            return None
        rest = iri[len(base) :]
        if rest.startswith(("id/", "graph/", "download/")) or rest in ("", "sparql", "dataset"):
            return "/" + quote(rest, safe=_SAFE)
        path = "/" + quote(rest, safe=_SAFE)
        return path if _routable(path) else None

    def href(self, node: Node) -> str | None:
        """Where a click on the term goes: our page for our IRIs, the IRI itself elsewhere."""
        if not isinstance(node, URIRef):
            return None
        path = self.path(str(node))
        if path is None:
            text = str(node)
            return text if text.startswith(("http://", "https://")) else None
        if path.startswith("/id/"):
            path = "/page/" + path[len("/id/") :]
        return self.prefix + path

    def shown(self, node: Node | str) -> str:
        """The IRI as a reader of this server sees it."""
        path = self.path(str(node))
        return self.origin + self.prefix + path if path is not None else str(node)

    def local(self, path: str) -> str:
        """A root-relative path made relative to where the app is mounted."""
        return self.prefix + path

    def present(self, node: Node, depth: int = 0) -> TermView:
        """A term ready for a template."""
        if isinstance(node, Literal):
            datatype = None
            if node.datatype is not None and node.datatype not in (XSD.string, RDF.langString):
                datatype = compact(str(node.datatype))
            return TermView("literal", str(node), lang=node.language, datatype=datatype)
        if isinstance(node, BNode):
            items = self.data.list_items(node)
            if items is not None:
                return TermView("list", "", items=tuple(self.present(i, depth + 1) for i in items))
            pairs: tuple[tuple[str, TermView], ...] = ()
            if depth < 3:
                pairs = tuple(
                    (self.data.property_label(p), self.present(o, depth + 1))
                    for p, o in self.data.blank_description(node)
                )
            return TermView("bnode", "(a blank node)", pairs=pairs)
        href = self.href(node)
        ours = self.path(str(node)) is not None
        text = self.data.label(node)
        if ours and text == str(node):
            text = self.shown(node)  # no label: show the IRI as this server serves it
        return TermView(
            "iri",
            text,
            href=href,
            iri=self.shown(node),
            external=href is not None and not ours,
        )


def _routable(path: str) -> bool:
    """Whether the app has a GET route for `path` (e.g. `/queries/x`, served by another part)."""
    if not has_request_context():
        return False
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:  # NotFound, MethodNotAllowed, RequestRedirect
        return False
    return True


def linked_data() -> LinkedData:
    """The app's linked-data views (made once by `init_app` in server.linkeddata)."""
    data: LinkedData = current_app.extensions[EXTENSION]
    return data


def linker() -> Linker:
    """A Linker for the current request's origin."""
    if has_request_context():
        return Linker(linked_data(), request.host_url, request.script_root)
    return Linker(linked_data(), "")
