"""`civicgraph query`: ask a SPARQL endpoint; print the answer as a table, JSON, CSV or Turtle."""

from __future__ import annotations

import ast
import json
import sys
import urllib.error
import warnings
from pathlib import Path
from typing import Any, TextIO

from SPARQLWrapper import CSV, JSON, JSONLD, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from graph.errors import CivicgraphError
from graph.namespaces import PREFIXES

FORMATS = ("table", "json", "csv", "ttl")
TIMEOUT_SECONDS = 120
TRUNCATED_NOTE = "the server cut the results at its row cap"
_SOLUTION_FORMS = ("SELECT", "ASK")
_GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
_STATUS = {
    QueryBadFormed: 400,
    Unauthorized: 401,
    EndPointNotFound: 404,
    URITooLong: 414,
    EndPointInternalError: 500,
}


class QueryClientError(CivicgraphError):
    """The query could not be asked or was refused; the message is one line."""


def run_query(query_or_file: str, endpoint: str, fmt: str, out: TextIO) -> int:
    """Run a query (text, or the name of a file holding it) and print the answer to `out`.

    Returns 0 on success; on any error prints one line to stderr and returns 1.
    """
    try:
        _run(query_or_file, endpoint, fmt, out)
    except QueryClientError as exc:
        print(f"civicgraph query: {exc}", file=sys.stderr)
        return 1
    return 0


def _run(query_or_file: str, endpoint: str, fmt: str, out: TextIO) -> None:
    if fmt not in FORMATS:
        raise QueryClientError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    text = read_query(query_or_file)
    sparql = SPARQLWrapper(endpoint)
    sparql.setMethod(POST)
    sparql.setOnlyConneg(True)
    sparql.setTimeout(TIMEOUT_SECONDS)
    with warnings.catch_warnings():
        # SPARQLWrapper warns about query text it cannot classify; the server's answer says more.
        warnings.simplefilter("ignore", RuntimeWarning)
        sparql.setQuery(text)
        form = str(sparql.queryType).upper()
        sparql.setReturnFormat(_return_format(form, fmt))
        body, headers = _ask(sparql, endpoint)
    truncated = headers.get("x-civicgraph-truncated", "").lower() == "true"
    if fmt == "table" and form == "SELECT":
        out.write(format_table(json.loads(body), truncated))
    elif form == "ASK" and fmt in ("table", "csv"):
        out.write("true\n" if json.loads(body).get("boolean") else "false\n")
    else:
        out.write(body if body.endswith("\n") else body + "\n")
        if truncated:
            print(f"civicgraph query: note: {TRUNCATED_NOTE}", file=sys.stderr)


def read_query(query_or_file: str) -> str:
    """The query itself, or the contents of the file it names."""
    try:
        path = Path(query_or_file)
        is_file = path.is_file()
    except (OSError, ValueError):  # query text too long or odd to be a file name
        is_file = False
    if not is_file:
        return query_or_file
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryClientError(f"cannot read {path}: {exc}") from None


def _return_format(form: str, fmt: str) -> str:
    if form in _GRAPH_FORMS:
        if fmt == "csv":
            raise QueryClientError(f"--format csv is for SELECT; a {form} gives a graph (use ttl)")
        return JSONLD if fmt == "json" else TURTLE
    if fmt == "ttl":
        raise QueryClientError(f"--format ttl is for CONSTRUCT and DESCRIBE, not {form}")
    if fmt == "csv" and form == "SELECT":
        return CSV
    return JSON


def _ask(sparql: SPARQLWrapper, endpoint: str) -> tuple[str, dict[str, str]]:
    """POST the query; the response body and headers, or a one-line `QueryClientError`."""
    try:
        result = sparql.query()
        body = result.response.read()
        headers = {key.lower(): value for key, value in result.info().items()}
    except SPARQLWrapperException as exc:
        raise QueryClientError(_server_message(exc)) from None
    except urllib.error.HTTPError as exc:
        raise QueryClientError(f"{exc.code} {_error_text(exc.read())}") from None
    except urllib.error.URLError as exc:
        raise QueryClientError(f"cannot reach {endpoint}: {exc.reason}") from None
    except TimeoutError:
        raise QueryClientError(f"{endpoint} did not answer within {TIMEOUT_SECONDS} s") from None
    except (OSError, ValueError) as exc:
        raise QueryClientError(f"cannot query {endpoint}: {exc}") from None
    return body.decode("utf-8", errors="replace"), headers


def _server_message(exc: SPARQLWrapperException) -> str:
    """The server's own message from a SPARQLWrapper error (which embeds the response body)."""
    text = str(exc)
    head, _, raw = text.partition("\n\nResponse:\n")
    try:
        body = ast.literal_eval(raw) if raw else b""
    except (ValueError, SyntaxError):
        body = raw.encode()
    message = _error_text(body) if isinstance(body, bytes) and body.strip() else ""
    status = _STATUS.get(type(exc))
    return f"{status} {message or _one_line(head)}" if status else message or _one_line(head)


def _error_text(body: bytes) -> str:
    """One line from an error body: the JSON `message` (with its `error`), or the first line."""
    text = body.decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return _one_line(text)
    if isinstance(data, dict) and "message" in data:
        return _one_line(f"{data.get('error', 'error')}: {data['message']}")
    return _one_line(text)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def compact_iri(iri: str) -> str:
    """`civ:Person` for an IRI in one of the project's namespaces; anything else unchanged."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _cell(term: dict[str, Any] | None) -> str:
    if term is None:
        return ""
    value = str(term.get("value", ""))
    kind = term.get("type")
    if kind == "uri":
        value = compact_iri(value)
    elif kind == "bnode":
        value = f"_:{value}"
    return value.replace("\r", "\\r").replace("\n", "\\n").replace("\t", " ")


def format_table(results: dict[str, Any], truncated: bool = False) -> str:
    """SPARQL JSON results as an aligned text table with a header row and a row count."""
    variables = [str(v) for v in results.get("head", {}).get("vars", [])]
    bindings = results.get("results", {}).get("bindings", [])
    rows = [[_cell(binding.get(v)) for v in variables] for binding in bindings]
    widths = [max([len(v), *(len(row[i]) for row in rows)]) for i, v in enumerate(variables)]
    lines = [
        " | ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True)).rstrip(),
        "-+-".join("-" * w for w in widths),
    ]
    lines += [
        " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    count = f"({len(rows)} row{'' if len(rows) == 1 else 's'}"
    count += f"; {TRUNCATED_NOTE})" if truncated else ")"
    lines.append(count)
    return "\n".join(lines) + "\n"
