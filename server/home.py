"""`/`: a home page that says what the dataset is and links everything."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, send_from_directory
from flask.typing import ResponseReturnValue

from graph.namespaces import PREFIXES
from server.present import linked_data
from server.sparql import loaded_build

bp = Blueprint("home", __name__)

EXAMPLE_QUERY = """SELECT ?class (COUNT(?thing) AS ?things)
WHERE { ?thing a ?class }
GROUP BY ?class
ORDER BY DESC(?things)
LIMIT 20"""


@bp.app_template_filter("compact")
def compact_iri(iri: object) -> str:
    """`civ:Person` for an IRI in one of the project's namespaces; anything else unchanged."""
    text = str(iri)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return text


@bp.route("/")
def index() -> str:
    build = loaded_build()
    classes = sorted(build.classes.items(), key=lambda item: (-item[1], item[0]))
    return render_template(
        "home/index.html",
        build=build,
        manifest=build.manifest,
        graphs=build.graphs,
        classes=classes,
        example_query=EXAMPLE_QUERY,
        articles=linked_data().articles,
    )


@bp.route("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """The site's icon, where every browser asks for it (a day in caches)."""
    return send_from_directory(
        current_app.static_folder or "",
        "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=86400,
    )
