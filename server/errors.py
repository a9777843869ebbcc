"""The server's errors and the one function that turns any error into a response.

Every error has the same shape: a short `error` name and a readable `message`. The client's Accept
header picks the representation: JSON (`{"error": ..., "message": ...}`), HTML, or plain text.
"""

from __future__ import annotations

import json

from flask import Flask, Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from graph.errors import CivicgraphError


class ServerStartError(CivicgraphError):
    """The build folder cannot be served (a file is missing or cannot be parsed)."""


class EndpointError(Exception):
    """A request the endpoint refuses; `status` and `error` say how (`retry_after`: seconds)."""

    status = 400
    error = "bad request"
    retry_after: int | None = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MissingQuery(EndpointError):
    error = "missing query"


class MalformedQuery(EndpointError):
    error = "malformed query"


class UpdateRefused(EndpointError):
    status = 403
    error = "update refused"


class QueryTooLarge(EndpointError):
    status = 413
    error = "query too large"


class ServiceRefused(EndpointError):
    error = "SERVICE refused"


class NotAcceptable(EndpointError):
    status = 406
    error = "not acceptable"


class QueryError(EndpointError):
    """A well-formed query that the engine cannot evaluate (a bad regular expression, say)."""

    error = "query error"


class QueryTimeout(EndpointError):
    status = 503
    error = "query timeout"
    retry_after: int | None = 5


class QueryMemoryLimit(EndpointError):
    status = 503
    error = "memory limit"


class EngineFailure(EndpointError):
    """The query engine failed in a way no query should cause: a bug, logged by the worker."""

    status = 500
    error = "internal server error"


class ServerBusy(EndpointError):
    """Every query worker stayed busy, or had to be replaced, while this query waited."""

    status = 503
    error = "server busy"
    retry_after: int | None = 5


_ERROR_TYPES = ("text/plain", "application/json", "application/sparql-results+json", "text/html")


def error_response(status: int, error: str, message: str) -> Response:
    """The response for any error: JSON, HTML or plain text, as the client's Accept prefers
    (a URL that asks for JSON by its suffix, e.g. /queries/NAME.json, gets JSON)."""
    best = request.accept_mimetypes.best_match(_ERROR_TYPES, default="text/plain")
    if request.path.endswith((".json", ".jsonld")):
        best = "application/json"
    if best in ("application/json", "application/sparql-results+json"):
        body = json.dumps({"error": error, "message": message}, ensure_ascii=False)
        response = Response(body, mimetype="application/json")
    elif best == "text/html":
        page = render_template("errors/error.html", status=status, error=error, message=message)
        response = Response(page, mimetype="text/html")
    else:
        response = Response(f"{error}: {message}\n", mimetype="text/plain")
    response.status_code = status
    return response


def _handle_endpoint_error(exc: EndpointError) -> Response:
    response = error_response(exc.status, exc.error, exc.message)
    if exc.retry_after is not None:
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    name = (exc.name or "error").lower()
    # An unexpected exception arrives as a 500 whose description is generic; Flask has logged it.
    description = exc.description or name
    if status == 413 and current_app.config.get("MAX_CONTENT_LENGTH"):
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        description = f"the request body is larger than this server's limit of {limit} bytes"
    response = error_response(status, name, description)
    for header, value in exc.get_headers():
        if header in ("Allow", "Retry-After"):  # 405 and 503 promise these
            response.headers[header] = value
    return response


def init_app(app: Flask) -> None:
    """Route every error the app raises through `error_response`."""
    app.register_error_handler(EndpointError, _handle_endpoint_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
