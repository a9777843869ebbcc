"""Browsing: an article's text with its mentions linked, lists of a class's instances, and a
label search (one prepared SPARQL query with the search text bound, never pasted in)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from rdflib import URIRef

from server.linkeddata import page_number, paged
from server.present import linked_data
from server.resources import MAX_SEARCH_LENGTH, SEARCH_LIMIT

bp = Blueprint("browse", __name__)

LIST_PAGE_SIZE = 100


@bp.route("/article/<path:slug>")
def article(slug: str) -> str:
    data = linked_data()
    view = data.article(slug)
    if view is None:
        abort(404, f"there is no article {slug!r} in this dataset")
    left_out = [
        item
        for item in data.build.manifest.get("left_out") or []
        if isinstance(item, dict) and item.get("graph") == data.graph_prefix + "article/" + slug
    ]
    return render_template("browse/article.html", a=view, left_out=left_out)


@bp.route("/list")
def instances() -> str:
    data = linked_data()
    cls = request.args.get("class", "")
    if not cls:
        abort(400, "name a class: /list?class=IRI (the home page links every class)")
    members = data.instances(URIRef(cls))
    if not members:
        abort(404, f"the dataset has no instance of <{cls}>")
    page = page_number()
    shown, pages = paged(members, page, LIST_PAGE_SIZE)
    return render_template(
        "browse/list.html",
        cls=URIRef(cls),
        members=shown,
        total=len(members),
        page=page,
        pages=pages,
        first=(page - 1) * LIST_PAGE_SIZE + 1,
    )


@bp.route("/search")
def search() -> str:
    needle = request.args.get("q", "").strip()
    if len(needle) > MAX_SEARCH_LENGTH:
        abort(400, f"the search text is longer than {MAX_SEARCH_LENGTH} characters")
    found = linked_data().search(needle) if needle else []
    return render_template(
        "browse/search.html",
        q=needle,
        found=found[:SEARCH_LIMIT],
        total=len(found),
        limit=SEARCH_LIMIT,
    )
