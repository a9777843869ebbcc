"""Security headers: every response carries a CSP without inline script, nosniff and the rest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from live import settings_for

from server import create_app

# One URL of each kind of response: pages, data, downloads, static files, errors, redirects.
URLS = [
    "/",
    "/sparql",
    "/sparql?query=ASK%20%7B%7D",
    "/sparql?query=ASK%20%7B",  # a 400
    "/id/person/jeff-sessions",  # a 303
    "/page/person/jeff-sessions",
    "/data/person/jeff-sessions.ttl",
    "/ontology",
    "/.well-known/void",
    "/download",
    "/download/graph.ttl",
    "/queries",
    "/queries/timeline",
    "/openapi.json",
    "/static/civicgraph.css",
    "/list?class=https://kg.example.org/ontology%23Person",
    "/search?q=mayor",
    "/no/such/page",  # a 404
]


@pytest.fixture(scope="module")
def app(build_dir: Path) -> Iterator[Flask]:
    app = create_app(settings_for(build_dir))
    yield app
    app.extensions["civicgraph"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def policy(header: str) -> dict[str, list[str]]:
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


@pytest.mark.parametrize("url", URLS)
def test_every_response_carries_the_security_headers(client: FlaskClient, url: str) -> None:
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code < 500, url
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    csp = policy(response.headers["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no eval
    assert csp["style-src"] == ["'self'"]  # no inline style either
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]


def test_only_the_editor_allows_what_yasgui_needs(client: FlaskClient) -> None:
    response = client.get("/query")
    csp = policy(response.headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]  # YASGUI needs no eval and no inline script
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", ["/", "/page/person/jeff-sessions", "/sparql", "/query"])
def test_pages_have_no_inline_script_or_style(client: FlaskClient, url: str) -> None:
    page = client.get(url, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<style" not in page
    assert " style=" not in page
    assert " onclick=" not in page and " onload=" not in page
    for script in page.split("<script")[1:]:
        opening = script.split(">", 1)[0]
        assert "src=" in opening or 'type="application/json"' in opening, opening
