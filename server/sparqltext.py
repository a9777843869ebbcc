"""What the server needs to read in SPARQL text itself: the top level of a saved query."""

from __future__ import annotations

import functools
import re

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
