"""Property-based tests (hypothesis): random and mutated input never breaks the server or reader.

- `/sparql` with random token soup and with mutations of the saved queries: never a 5xx (but the
  intended 503 of the time limit), never an answer later than the limit + 1 s.
- Every parameter of every saved query with random values: the same promise.
- The article reader and sidecar parser: `read_article` succeeds or raises `CorpusError`.
- The build's N-Triples writer writes exactly rdflib's lines.

Example counts are small so that each test takes a few seconds.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from live import running, settings_for
from rdflib import XSD, BNode, Literal, URIRef
from rdflib.plugins.serializers.nt import _nt_row

from graph.corpus import SIDECAR_FIELDS, read_article
from graph.errors import CorpusError
from graph.serialise import nt_lines
from server import create_app

LIMIT = 1.0
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAVED = sorted((PROJECT_ROOT / "queries").glob("*.rq"))
TOKENS = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "FROM", "NAMED", "GRAPH", "OPTIONAL",
    "UNION", "MINUS", "FILTER", "BIND", "VALUES", "SERVICE", "LIMIT", "OFFSET", "ORDER BY",
    "GROUP BY", "HAVING", "COUNT(*)", "REGEX(", "*", "{", "}", "(", ")", ".", ";", ",", "?s",
    "?p", "?o", "<urn:x>", "<file:///etc/passwd>", "a", "'x'", '"y"@en', "1", "-2.5e3", "/", "|",
    "^", "+", "?", "!", "PREFIX", "civ:", "rdfs:label", "AS", "?n", "LOAD", "DROP", "INSERT",
    "DATA", "\\", "#", "\n", "\u00e9", "\ufffd", "\x00",
]  # fmt: skip
PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def base(build_dir: Path) -> Iterator[str]:
    with running(create_app(settings_for(build_dir, query_timeout=LIMIT))) as url:
        yield url


def check(response: requests.Response, elapsed: float, sent: object) -> None:
    """Never a 5xx, except the time limit's 503 with its message; never late."""
    if response.status_code >= 500:
        assert response.status_code == 503, (sent, response.status_code, response.text[:300])
        assert "time limit" in response.text or "busy" in response.text, response.text
    assert elapsed < LIMIT + 1, (sent, elapsed)


def post_query(base: str, text: str) -> None:
    started = time.monotonic()
    response = requests.post(base + "/sparql", data={"query": text}, timeout=30)
    check(response, time.monotonic() - started, text)


@PROPERTY_SETTINGS
@given(st.lists(st.sampled_from(TOKENS) | st.text(max_size=8), min_size=1, max_size=30))
def test_random_queries_never_give_a_5xx(base: str, tokens: list[str]) -> None:
    post_query(base, " ".join(tokens))


@st.composite
def mutated_saved_query(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SAVED)).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 20)))
        kind = draw(st.sampled_from(["delete", "insert", "duplicate", "swap"]))
        if kind == "delete":
            text = text[:start] + text[end:]
        elif kind == "insert":
            text = text[:start] + draw(st.sampled_from(TOKENS) | st.text(max_size=5)) + text[start:]
        elif kind == "duplicate":
            text = text[:end] + text[start:end] * draw(st.integers(1, 5)) + text[end:]
        else:
            text = text[:start] + text[end:] + text[start:end]
    return text


@settings(PROPERTY_SETTINGS, max_examples=25)  # some mutations run to the time limit
@given(mutated_saved_query())
def test_mutated_saved_queries_never_give_a_5xx(base: str, text: str) -> None:
    post_query(base, text)


@pytest.fixture(scope="module")
def saved_parameters(base: str) -> list[tuple[str, str]]:
    """(saved query path, parameter name) for every parameter of every saved query."""
    spec = requests.get(base + "/openapi.json", timeout=30).json()
    found = []
    for path, item in spec["paths"].items():
        for operation in item.values():
            if isinstance(operation, dict):
                found += [(path, p["name"]) for p in operation.get("parameters", [])]
    assert len({path for path, _ in found}) >= 3
    return sorted(set(found))


VALUES = (
    st.text(max_size=40)
    | st.sampled_from(
        [
            "https://kg.example.org/id/person/mitch-landrieu",
            "http://127.0.0.1:8000/page/person/jeff-sessions",
            "2018-01-24", "2018-02-30", "-0001-01-01", "99999-12-31", "<urn:x> } ; DROP ALL",
            '"} UNION { ?s ?p ?o }', "file:///etc/passwd", "", " ", "1e9999", "NaN",
        ]
    )
    | st.from_regex(r"https?://[a-z.]{1,10}/[^\s]{0,20}", fullmatch=True)
)  # fmt: skip


@PROPERTY_SETTINGS
@given(data=st.data())
def test_random_values_for_every_saved_query_parameter_never_give_a_5xx(
    base: str, saved_parameters: list[tuple[str, str]], data: st.DataObject
) -> None:
    path, name = data.draw(st.sampled_from(saved_parameters))
    value = data.draw(VALUES)
    suffix = data.draw(st.sampled_from(["", ".json", ".csv"]))
    started = time.monotonic()
    response = requests.get(base + path + suffix, params={name: value}, timeout=30)
    check(response, time.monotonic() - started, (path, name, value))
    assert response.status_code in (200, 400, 406, 503), (path, name, value, response.text[:300])


# --- the article reader ------------------------------------------------------------------------

SIDECAR_VALUES = st.none() | st.text(max_size=20) | st.integers() | st.booleans()
SIDECARS = (
    st.binary(max_size=200)
    | st.dictionaries(
        st.sampled_from([*SIDECAR_FIELDS, "other"]) | st.text(max_size=5), SIDECAR_VALUES
    ).map(lambda d: json.dumps(d).encode())
    | st.fixed_dictionaries({"published": st.text(max_size=12)}).map(
        lambda d: json.dumps(d).encode()
    )
    | st.integers(1, 5000).map(lambda n: b"[" * n + b"]" * n)
    | st.just(b"\xef\xbb\xbf{}")
)
ARTICLES = (
    st.binary(max_size=300)
    | st.text(max_size=300).map(lambda t: t.encode("utf-8"))
    | st.text(st.characters(categories=["Z", "Cc", "Cf"]), max_size=20).map(str.encode)
)


@settings(max_examples=150, deadline=None)
@given(
    article=ARTICLES,
    sidecar=st.none() | SIDECARS,
    stem=st.sampled_from(["2018-01-24-an-article", "x", "---", "é", "a b"]),
)
def test_read_article_succeeds_or_raises_corpus_error(
    article: bytes, sidecar: bytes | None, stem: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{stem}.txt"
        path.write_bytes(article)
        if sidecar is not None:
            path.with_suffix(".meta.json").write_bytes(sidecar)
        try:
            result: Any = read_article(path)
        except CorpusError as exc:
            assert path.name in str(exc) or ".meta.json" in str(exc), exc
            return
        assert result.text.strip()
        assert result.title.strip()


_IRIS = st.sampled_from(
    ["https://kg.example.org/id/a", "https://kg.example.org/id/b", "urn:x:é", "http://x/#q"]
)
_LITERALS = st.builds(
    lambda text, kind: (
        Literal(text, lang="en")
        if kind == "lang"
        else Literal(text, datatype=XSD.date if kind == "typed" else None)
    ),
    st.text(max_size=12),
    st.sampled_from(["plain", "lang", "typed"]),
)
_TRIPLES = st.lists(
    st.tuples(
        st.one_of(_IRIS.map(URIRef), st.sampled_from(["b0", "b1"]).map(BNode)),
        _IRIS.map(URIRef),
        st.one_of(_IRIS.map(URIRef), st.sampled_from(["b0"]).map(BNode), _LITERALS),
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(_TRIPLES)
def test_nt_lines_are_what_rdflib_writes(triples: list[tuple[Any, Any, Any]]) -> None:
    """The build's own N-Triples writer (terms named once) writes rdflib's lines, sorted, once."""
    names: dict[Any, str] = {}
    for _ in range(2):  # the second time every term comes from `names`
        assert nt_lines(triples, names) == sorted({_nt_row(t) for t in triples})
