"""civicgraph's web server: the build folder over SPARQL, HTML and downloads."""

from __future__ import annotations

from flask import Flask

from graph.settings import Settings


def create_app(settings: Settings) -> Flask:
    """Create the app for one build folder; raises `ServerStartError` if it cannot be served."""
    from server import browse, download, errors, home, linkeddata, saved, security, sparql
    from server.query import enable_safe_evaluation
    from server.store import LoadedBuild

    enable_safe_evaluation()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024  # queries, not uploads
    app.extensions["civicgraph"] = LoadedBuild(settings)
    errors.init_app(app)
    security.init_app(app)  # CSP, nosniff, frame-ancestors on every response
    app.register_blueprint(home.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(download.bp)
    linkeddata.init_app(app)  # /id, /page, /data, /graph, /ontology, /.well-known/void
    app.register_blueprint(browse.bp)
    saved.init_app(app)  # /queries, /queries/<name>, /openapi.json, /query
    return app
