"""What the server needs to read in SPARQL text itself.

- The top level of a saved query (`project_parameters`, `substitute_terms`).
- Whether a query needs reading by rdflib's parser at all, or the store's own parser can take it
  (`plain_head`).
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

# SPARQL text, token by token, as far as finding the top level needs: comments, strings and IRIs
# are skipped whole, so that a keyword or a brace inside one is never taken for one.
_TOKENS = re.compile(
    r"""
      (?P<skip>
          \#[^\n]*
        | '''(?:[^'\\]|\\.|'(?!''))*'''
        | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
        | '(?:[^'\\\n]|\\.)*'
        | "(?:[^"\\\n]|\\.)*"
        | <[^<>"{}|^`\\\x00-\x20]*>
      )
    | (?P<var>[?$][A-Za-z_0-9\u00b7\u00c0-\uffff]+)
    | (?P<open>\{)
    | (?P<close>\})
    | (?P<word>[A-Za-z_]+)
    """,
    re.VERBOSE,
)
_AGGREGATE = re.compile(r"\b(?:COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def project_parameters(text: str, names: tuple[str, ...]) -> str:
    """A saved SELECT whose top-level projection (and GROUP BY, if any) also lists `names`.

    Oxigraph binds a variable by substitution only if the query projects it; the server reads
    the query's own variables from the answer, so the added columns are never shown. Only the
    saved query's own parameter variables are written into its own text; values are bound.
    """
    added = "".join(f" ?{name}" for name in names)
    depth = 0
    select_end: int | None = None
    group_end: int | None = None
    last_close: int | None = None
    previous = ""
    for match in _TOKENS.finditer(text):
        if match.group("open"):
            depth += 1
        elif match.group("close"):
            depth -= 1
            if depth == 0:
                last_close = match.end()
        elif match.group("word") and depth == 0:
            word = match.group("word").upper()
            if (select_end is None and word == "SELECT") or (
                previous == "SELECT" and word in ("DISTINCT", "REDUCED")
            ):
                select_end = match.end()
            elif previous == "GROUP" and word == "BY":
                group_end = match.end()
            previous = word
    if select_end is None or last_close is None or text[select_end:].lstrip().startswith("*"):
        return text  # SELECT * projects every variable already
    if group_end is not None:
        text = text[:group_end] + added + text[group_end:]
    elif _AGGREGATE.search(text):  # one implicit group: a constant key leaves it one group
        text = text[:last_close] + "\nGROUP BY" + added + text[last_close:]
    return text[:select_end] + added + text[select_end:]


def substitute_terms(text: str, terms: dict[str, str]) -> str:
    """`text` with each variable named in `terms` written as the RDF term given for it.

    For a remote store, which takes text only: the terms are already checked against their
    declared types and written by rdflib (`Node.n3()`), each one token, so a value can only ever
    be that one term. Strings, IRIs and comments of the query are left as they are.
    """
    out: list[str] = []
    last = 0
    for match in _TOKENS.finditer(text):
        variable = match.group("var")
        if variable and variable[1:] in terms:
            out.append(text[last : match.start()])
            out.append(terms[variable[1:]])
            last = match.end()
    out.append(text[last:])
    return "".join(out)


def first_mention(text: str, variable: str) -> tuple[int, str]:
    """Where `variable` is first written in `text`: SELECT * lists its variables in this order."""
    found = re.search(rf"[?$]{re.escape(variable)}(?![\w\u00b7\u0300-\u036f\u203f-\u2040])", text)
    return (found.start() if found else len(text), str(variable))


# What the server must find in a query before a store evaluates it: SERVICE (refused), DESCRIBE
# (defined by the server, not the store), functions whose value differs at each evaluation (no
# ETag), and \u escapes, which SPARQL expands before parsing, so that any keyword can be written
# with them. Looked for anywhere, in strings and IRIs too: a false alarm only costs a parse.
_NEEDS_READING = ("service", "describe", "\\u")
_VOLATILE_NAMES = ("rand", "now", "uuid", "bnode")  # STRUUID contains UUID
_VOLATILE_CALL = re.compile(r"(?:rand|now|uuid|bnode)\s*\(")
# Oxigraph's parser and evaluator recurse once per nested group or call, on the worker's stack: a
# query nested 843 deep (FILTER EXISTS) ends the worker (SIGSEGV; bench/query_nesting.py).
# rdflib's parser refuses such a query (too deeply nested), so it reads any query with more
# brackets than this, which is far more than a query a person writes has.
MOST_BRACKETS = 128
_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
# The prologue (PREFIX and BASE lines, no comment) and the query form's keyword.
_HEAD = re.compile(
    rf"\s*(?:(?:PREFIX\s+[^\s:#<>]*:\s*{_IRI}|BASE\s*{_IRI})\s*)*"
    r"(?:(?P<form>ASK|CONSTRUCT)\b|SELECT\s*(?:(?:DISTINCT|REDUCED)\s*)?(?P<projection>[*?$(]))",
    re.IGNORECASE,
)


# DESCRIBE of IRIs written in full, nothing else (a linked-data client's usual question).
_ABSOLUTE_IRI = r"<[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*>"
_DESCRIBE_IRIS = re.compile(
    rf"\s*(?:PREFIX\s+[^\s:#<>]*:\s*{_IRI}\s*)*DESCRIBE((?:\s*{_ABSOLUTE_IRI})+)\s*",
    re.IGNORECASE,
)


class Head(NamedTuple):
    """What the server reads of a query it leaves to the store's parser (`plain_head`)."""

    form: str
    star: bool = False  # SELECT *: its variables are listed in the order the text names them
    described: tuple[str, ...] = ()  # DESCRIBE: the IRIs it names


@functools.lru_cache(maxsize=512)
def plain_head(text: str) -> Head | None:
    """What the server must know of a query it need not read with rdflib's parser, or None.

    Such a query is either DESCRIBE of IRIs written in full (read here whole), or one the
    store's own parser can take as it is: none of what `_NEEDS_READING` and `_VOLATILE_CALL`
    name, at most `MOST_BRACKETS` brackets, and a prologue and form keyword plain enough to read
    here. The store's parser still
    checks all of it; where it refuses, the server reads the query with rdflib's parser for its
    message.
    """
    describe = _DESCRIBE_IRIS.fullmatch(text)
    if describe is not None:
        iris = re.findall(_ABSOLUTE_IRI, describe[1])
        return Head("DESCRIBE", described=tuple(sorted({iri[1:-1] for iri in iris})))
    lowered = text.lower()
    if any(word in lowered for word in _NEEDS_READING):
        return None
    if any(name in lowered for name in _VOLATILE_NAMES) and _VOLATILE_CALL.search(lowered):
        return None
    if text.count("{") + text.count("(") + text.count("[") > MOST_BRACKETS:
        return None
    head = _HEAD.match(text)
    if head is None:
        return None
    if head["form"]:
        return Head(head["form"].upper())
    return Head("SELECT", star=head["projection"] == "*")
