"""How deep a query can nest before Oxigraph ends the process, against the server's bound.

The oxigraph store's engine leaves a plain query to Oxigraph's own parser unread (server/
sparqltext.py, `plain_head`), but only one with at most `MOST_BRACKETS` brackets: Oxigraph's
parser and evaluator recurse once per nested group or call, and a deep enough query overflows
the stack (SIGSEGV), which no `except` can catch. For each shape of nesting, this finds by
bisection the smallest depth at which a fresh Python process running the query on pyoxigraph
dies of a signal (a query that merely runs past `--seconds` counts as surviving: the server's
time limit handles that), and counts that query's brackets. Also says whether rdflib's parser,
which reads every query with more brackets, refuses it, and from what depth it refuses the
shape. Not a test; the section "Query nesting" of BENCHMARKS.md gets the figures.

    .venv/bin/python bench/query_nesting.py [--seconds 20]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from serving import PROJECT_ROOT, write_section

sys.path.insert(0, str(PROJECT_ROOT))

from server.errors import EndpointError
from server.query import prepare_query
from server.sparqltext import MOST_BRACKETS

MARK_START = "<!-- bench/query_nesting.py: start -->"
MARK_END = "<!-- bench/query_nesting.py: end -->"

P = "<http://example.org/p>"
SHAPES: dict[str, Callable[[int], str]] = {
    "nested groups { { … } }": lambda n: "SELECT * " + "{" * n + "}" * n,
    "FILTER EXISTS { … }": lambda n: "ASK { " + "FILTER EXISTS { " * n + "}" * n + "}",
    "function calls STR(STR(…))": lambda n: (
        "SELECT * { BIND(" + "STR(" * n + "1" + ")" * n + " AS ?x) }"
    ),
    "IF(…, IF(…))": lambda n: "SELECT * { BIND(" + "IF(true," * n + "1" + ",1)" * n + " AS ?x) }",
    "sub-SELECTs": lambda n: "SELECT * " + "{ SELECT * " * n + "{}" + "}" * n,
    "BIND after BIND": lambda n: (
        "SELECT * { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(n)) + " }"
    ),
    "MINUS after MINUS": lambda n: "SELECT * { ?s ?p ?o " + "MINUS { ?s ?p ?o } " * n + "}",
    "parenthesised expression ((…))": lambda n: (
        "SELECT * { FILTER(" + "(" * n + "true" + ")" * n + ") }"
    ),
    "blank node lists [ … [ … ] ]": lambda n: (
        f"ASK {{ ?s {P} " + f"[ {P} " * n + "?o" + " ]" * n + " }"
    ),
}

CHILD = """
import sys, pyoxigraph
store = pyoxigraph.Store()
result = store.query(sys.stdin.read())
if isinstance(result, (pyoxigraph.QuerySolutions, pyoxigraph.QueryTriples)):
    for _ in result:
        pass
"""


def dies(text: str, seconds: float) -> bool:
    """True if a fresh process running `text` on pyoxigraph is ended by a signal."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD],
            input=text.encode(),
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False  # slow, not dead: the server's time limit is for this
    return done.returncode < 0


def rdflib_refuses(text: str) -> bool:
    try:
        prepare_query(text)
    except EndpointError:
        return True
    return False


def least_refused_depth(shape: Callable[[int], str], most: int) -> int | None:
    """The least depth whose query rdflib's parser refuses; None if it reads `most` deep."""
    if not rdflib_refuses(shape(most)):
        return None
    low, high = 0, most
    while high - low > 1:
        middle = (low + high) // 2
        if rdflib_refuses(shape(middle)):
            high = middle
        else:
            low = middle
    return high


def smallest_fatal_depth(shape: Callable[[int], str], seconds: float, most: int) -> int | None:
    """The least depth (within 2%) whose query kills the process; None if `most` does not."""
    if not dies(shape(most), seconds):
        return None
    low, high = 1, most  # low survives (depth 1 always does), high dies
    while high - low > max(1, low // 50):
        middle = (low + high) // 2
        if dies(shape(middle), seconds):
            high = middle
        else:
            low = middle
    return high


def brackets(text: str) -> int:
    return text.count("{") + text.count("(") + text.count("[")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="time limit per run")
    parser.add_argument("--most", type=int, default=4000, help="deepest nesting tried")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    rows: list[str] = []
    least: int | None = None
    for name, shape in SHAPES.items():
        refusing = least_refused_depth(shape, args.most)
        reads = f"from {refusing} deep" if refusing is not None else f"reads {args.most} deep"
        depth = smallest_fatal_depth(shape, args.seconds, args.most)
        if depth is None:
            print(f"{name}: survives {args.most} deep; rdflib refuses {reads}", flush=True)
            rows.append(f"| {name} | survives {args.most} | | | {reads} |")
            continue
        text = shape(depth)
        count = brackets(text)
        least = count if least is None else min(least, count)
        refused = "refuses" if rdflib_refuses(text) else "**accepts**"
        print(
            f"{name}: dies at depth {depth}, {count} brackets; rdflib {refused} it, "
            f"refuses {reads}",
            flush=True,
        )
        rows.append(f"| {name} | {depth} | {count} | {refused} | {reads} |")
    lines = [
        MARK_START,
        "## Query nesting",
        "",
        f"Command: `.venv/bin/python bench/query_nesting.py --seconds {args.seconds:g}"
        f" --most {args.most}` — for each shape, the least nesting depth (found by bisection, to"
        " within 2%) at which a fresh process running the query on an empty pyoxigraph store"
        " dies of a signal (the stack overflows), the brackets (`{`, `(`, `[`) that query has,"
        " and whether rdflib's parser refuses it; and the least depth from which rdflib's parser"
        " refuses the shape (it has no set bound: Python's recursion limit). The oxigraph store's engine gives Oxigraph a"
        f" query unread only if it has at most {MOST_BRACKETS} brackets (server/sparqltext.py);"
        " rdflib's parser reads any other first. A query that only runs long is the time limit's"
        " business, not counted here. The stack is the main thread's, as in a query worker"
        " (`ulimit -s` 8 MiB here).",
        "",
        "| shape | fatal depth | its brackets | rdflib's parser on it | rdflib's parser refuses |",
        "|---|---:|---:|---|---|",
        *rows,
        "",
        f"Fewest brackets in a fatal query: {least}; the bound is {MOST_BRACKETS}.",
        MARK_END,
    ]
    write_section(args.out, "\n".join(lines) + "\n", MARK_START, MARK_END, "Benchmarks")
    print(f"fewest brackets in a fatal query: {least}; bound {MOST_BRACKETS}; wrote {args.out}")


if __name__ == "__main__":
    main()
