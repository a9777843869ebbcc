"""Oversized and ill-encoded input against `civicgraph serve` (gunicorn), as a client sends it.

Bodies over 1 MiB → 413; a query over `MAX_QUERY_CHARS` → 413; a request line over gunicorn's
limit → 414; header fields too large or too many → 431 (gunicorn's own answer); bytes that are
not UTF-8 in the URL, a form or a direct body → 400. Each with a message, and the server goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from live import civicgraph_serve

from server.sparql import MAX_QUERY_CHARS

MIB = 1024 * 1024
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}


@pytest.fixture(scope="module")
def base(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with civicgraph_serve(build_dir, log, "--query-timeout", "2") as (url, _):
        yield url


def still_serving(base: str) -> None:
    response = requests.get(base + "/sparql", params={"query": "ASK {}"}, timeout=30)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ({"query": "ASK {} #" + "x" * (2 * MIB)}, {}),
        (b"ASK {} #" + b"x" * (2 * MIB), DIRECT),
        (b"x" * (MIB + 1), {"Content-Type": "text/plain"}),
    ],
    ids=["form", "direct", "any type"],
)
def test_a_body_over_one_mib_is_413_with_the_limit(
    base: str, body: dict[str, str] | bytes, headers: dict[str, str]
) -> None:
    response = requests.post(base + "/sparql", data=body, headers=headers, timeout=30)
    assert response.status_code == 413
    assert f"limit of {MIB} bytes" in response.text
    still_serving(base)


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ({"query": "ASK {} #" + "x" * 1_000_000}, {}),
        (("SELECT * WHERE { " + "?s ?p ?o . " * 90_000 + "}").encode(), DIRECT),
    ],
    ids=["form", "direct"],
)
def test_a_one_megabyte_query_is_413_at_once(
    base: str, body: dict[str, str] | bytes, headers: dict[str, str]
) -> None:
    response = requests.post(
        base + "/sparql", data=body, headers={"Accept": "application/json", **headers}, timeout=30
    )
    assert response.status_code == 413
    assert response.elapsed.total_seconds() < 1
    error = response.json()
    assert error["error"] == "query too large"
    assert f"at most {MAX_QUERY_CHARS}" in error["message"]
    still_serving(base)


def test_a_query_just_under_the_limit_is_run(base: str) -> None:
    text = "ASK {} #" + "x" * (MAX_QUERY_CHARS - 20)
    response = requests.post(base + "/sparql", data={"query": text}, timeout=30)
    assert response.status_code == 200, response.text


def test_a_request_line_over_the_limit_is_414(base: str) -> None:
    response = requests.get(base + "/sparql?query=" + "x" * 20_000, timeout=30)
    assert response.status_code == 414
    assert "too large" in response.text
    still_serving(base)


@pytest.mark.parametrize(
    "headers",
    [{"X-Big": "a" * 20_000}, {f"X-Header-{i}": "a" for i in range(200)}],
    ids=["one field too large", "too many fields"],
)
def test_oversized_headers_are_431(base: str, headers: dict[str, str]) -> None:
    for path in ("/sparql", "/", "/page/person/jeff-sessions"):
        response = requests.get(base + path, headers=headers, timeout=30)
        assert response.status_code == 431, path
        assert "Request Header Fields Too Large" in response.text
    still_serving(base)


@pytest.mark.parametrize(
    ("method", "path", "body", "headers"),
    [
        ("GET", "/sparql?query=ASK%20%7B%20FILTER(%22%FF%22)%20%7D", None, {}),
        ("GET", "/sparql?query=ASK%20%7B%7D&format=%C3%28", None, {}),
        ("POST", "/sparql", b"query=ASK%20%7B%20FILTER(%22%FE%22)%20%7D", FORM),
        ("POST", "/sparql", b'ASK { FILTER("\xff") }', DIRECT),
        ("POST", "/sparql", b'ASK { FILTER("\xc3\x28") }', DIRECT),
    ],
    ids=["GET", "GET, another parameter", "form", "direct", "direct, bad sequence"],
)
def test_bytes_that_are_not_utf8_are_400(
    base: str, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> None:
    response = requests.request(method, base + path, data=body, headers=headers, timeout=30)
    assert response.status_code == 400, response.text
    assert "not valid UTF-8" in response.text
    still_serving(base)


def test_utf8_text_is_still_taken(base: str) -> None:
    query = 'ASK { FILTER("Žižek — 東京 + ☃" != "") }'
    assert requests.get(base + "/sparql", params={"query": query}, timeout=30).json()["boolean"]
    response = requests.post(base + "/sparql", data={"query": query}, timeout=30)
    assert response.json()["boolean"]
