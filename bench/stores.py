"""Per-query latency on each store, and the server's query path against pyoxigraph alone.

For one build (the project's, or a generated one with --build), in this process, no HTTP:
  1. every saved query (with its defaults) and the ad-hoc query forms of bench/sparql_http.py,
     answered the way a query worker answers them (`server.query.answer`: checks, negotiation,
     evaluation, serialisation) on the `memory` store, the `oxigraph` store and, with
     --virtuoso, a private Virtuoso (Debian's virtuoso-opensource, started on free loopback
     ports and loaded with `civicgraph publish`) asked over its SPARQL endpoint: median ms;
  2. for the ad-hoc forms, the same query given straight to pyoxigraph (`Store.query` and its
     own serialiser) against the server's path on the oxigraph store: the overhead factor.
Prints the figures and writes them into BENCHMARKS.md (a section per build size). Not a test.

    make bench-stores      # or: .venv/bin/python bench/stores.py [--build DIR] [--virtuoso]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph
from serving import PROJECT_ROOT, write_section
from sparql_http import QUERIES

sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(PROJECT_ROOT / "tests"))

from graph.oxstore import open_read_only
from graph.queries import load_queries
from server.engines import RDFLIB_PREFIXES, MemoryEngine, OxigraphEngine
from server.errors import QueryTimeout
from server.query import QueryRequest, answer, forget_prepared, prepare_query
from server.store import DeadlineMemory, read_manifest, remote_engine

ROW_CAP = 10_000


class Refused(Exception):
    """The store answered the query with an error."""


class TimedOut(Exception):
    """The query ran past the time limit given to the memory store."""


def median_ms(work: Callable[[], Any], runs: int, budget: float) -> float:
    """The median of up to `runs` timings of `work` (fewer if `budget` seconds run out); a
    query whose first run takes longer than `budget` is timed by that run alone."""
    started = time.perf_counter()
    work()
    first = (time.perf_counter() - started) * 1000
    if first > budget * 1000:
        return first
    work()  # warm caches: the first run parses and plans
    times: list[float] = []
    stop = time.monotonic() + budget
    while len(times) < runs and (len(times) < 3 or time.monotonic() < stop):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def requests_for(build: Path) -> dict[str, QueryRequest]:
    """Every saved query with its defaults, then the ad-hoc forms."""
    out: dict[str, QueryRequest] = {}
    for query in load_queries(build / "queries"):
        accept = (
            "text/turtle"
            if query.query_type in ("CONSTRUCT", "DESCRIBE")
            else "application/sparql-results+json"
        )
        bindings = tuple(query.bindings({}).items())
        out[f"saved: {query.name}"] = QueryRequest(
            query.text, accept=accept, bindings=bindings, saved=True
        )
    for name, (text, accept) in QUERIES.items():
        out[f"ad hoc: {name}"] = QueryRequest(text, accept=accept)
    return out


def run(engine: Any, request: QueryRequest, limit: float | None = None) -> None:
    """One query as a worker answers it; on a DeadlineMemory store, within `limit` seconds."""
    store = getattr(engine, "store", None)
    if limit is not None and isinstance(store, DeadlineMemory):
        with store.deadline(limit):
            outcome = answer(engine, ROW_CAP, request)
    else:
        outcome = answer(engine, ROW_CAP, request)
    if isinstance(outcome, QueryTimeout):
        raise TimedOut(str(outcome))
    if isinstance(outcome, Exception):
        raise Refused(" ".join(str(outcome).split())[:200])


def direct(store: Any, text: str) -> Callable[[], Any]:
    """The query given to pyoxigraph itself, serialised by pyoxigraph."""

    def work() -> bytes:
        result = store.query(text, prefixes=RDFLIB_PREFIXES)
        if isinstance(result, pyoxigraph.QueryTriples):
            return bytes(result.serialize(format=pyoxigraph.RdfFormat.TURTLE) or b"")
        if isinstance(result, pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean):
            return bytes(result.serialize(format=pyoxigraph.QueryResultsFormat.JSON) or b"")
        raise SystemExit(f"unexpected result {result!r}")

    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", type=Path, default=PROJECT_ROOT / "build")
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--budget", type=float, default=5.0, help="seconds per query and store")
    parser.add_argument("--virtuoso", action="store_true", help="also a private Virtuoso")
    parser.add_argument(
        "--virtuoso-buffers", type=int, default=4000, help="its NumberOfBuffers (8 KiB each)"
    )
    parser.add_argument(
        "--no-memory", action="store_true", help="leave out the memory store (large builds)"
    )
    parser.add_argument(
        "--remote-timeout", type=float, default=60.0, help="seconds Virtuoso may take per query"
    )
    parser.add_argument(
        "--memory-timeout", type=float, default=None, help="seconds the memory store may take"
    )
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    build = args.build.resolve()
    manifest = read_manifest(build)
    articles = sum(1 for g in manifest["graphs"] if g.get("kind") == "article")
    quads = int(manifest["stores"]["oxigraph"]["quads"])
    requests = requests_for(build)

    engines: dict[str, Any] = {}
    load_memory = None
    if not args.no_memory:
        started = time.perf_counter()
        engines["memory"] = MemoryEngine(build / "dataset.trig", DeadlineMemory())
        load_memory = time.perf_counter() - started
    engines["oxigraph"] = OxigraphEngine(build / "oxigraph")
    cleanup: list[Any] = []
    publish_seconds = None
    if args.virtuoso:
        from virtuoso import running_virtuoso

        from graph.publish import publish

        folder = Path(tempfile.mkdtemp(prefix="bench-virtuoso-"))
        context = running_virtuoso(folder, buffers=args.virtuoso_buffers)
        virtuoso = context.__enter__()
        cleanup.append(context)
        started = time.perf_counter()
        publish(build, virtuoso.crud_auth, user="dba", password=virtuoso.password, progress=str)
        publish_seconds = time.perf_counter() - started
        engines["virtuoso"] = remote_engine(virtuoso.sparql, args.remote_timeout, manifest)

    try:
        latencies: dict[str, dict[str, float | str]] = {}
        refused: list[str] = []
        limit = args.memory_timeout
        for name, request in requests.items():
            latencies[name] = {}
            for store, engine in engines.items():
                try:
                    latencies[name][store] = median_ms(
                        lambda e=engine, r=request: run(e, r, limit), args.runs, args.budget
                    )
                except Refused as exc:  # the store refused the query: say so in the table
                    latencies[name][store] = "refused"
                    refused.append(f"{name} on {store}: {exc}")
                except TimedOut:
                    latencies[name][store] = f"> {limit:g} s"
            print(name, latencies[name], flush=True)
        oxstore = open_read_only(build / "oxigraph")
        overhead: dict[str, tuple[float, float, float, float]] = {}
        for name, (text, accept) in QUERIES.items():
            ours = latencies[f"ad hoc: {name}"]["oxigraph"]
            assert isinstance(ours, float), f"{name} on oxigraph: {ours}"
            request = QueryRequest(text, accept=accept)

            def first_time(r: QueryRequest = request) -> None:
                forget_prepared()  # as if the worker had never seen the query
                run(engines["oxigraph"], r)

            cold = median_ms(first_time, args.runs, args.budget)
            reading = median_ms(lambda t=text: prepare_query(t), args.runs, args.budget)
            theirs = median_ms(direct(oxstore, text), args.runs, args.budget)
            overhead[name] = (ours, cold, reading, theirs)
            print(
                f"path {name}: ours {ours:.2f} ms ({cold:.2f} first time), "
                f"rdflib's reading {reading:.2f} ms, pyoxigraph {theirs:.2f} ms",
                flush=True,
            )
    finally:
        for context in cleanup:
            context.__exit__(None, None, None)

    stores = list(engines)
    mark = f"<!-- bench/stores.py {articles} articles: "
    lines = [
        f"{mark}start -->",
        f"## Per-query latency by store: {articles} articles ({quads:,} quads in the store)",
        "",
        f"Command: `.venv/bin/python bench/stores.py --build {args.build}"
        + (" --virtuoso" if args.virtuoso else "")
        + (
            f" --virtuoso-buffers {args.virtuoso_buffers}"
            if args.virtuoso and args.virtuoso_buffers != parser.get_default("virtuoso_buffers")
            else ""
        )
        + (" --no-memory" if args.no_memory else "")
        + (f" --remote-timeout {args.remote_timeout:g}" if args.remote_timeout != 60 else "")
        + (f" --memory-timeout {limit:g}" if limit is not None else "")
        + (
            f" --runs {args.runs} --budget {args.budget:g}"
            if args.runs != 25 or args.budget != 5
            else ""
        )
        + "` (in one process, no HTTP: each query answered as a query worker answers it —"
        " checks, negotiation, evaluation, serialisation; median of up to"
        f" {args.runs} runs after two warm-ups; a query whose first run took longer than"
        f" {args.budget:g} s is timed by that run alone)."
        + (f" Loading the memory store took {load_memory:.1f} s." if load_memory else "")
        + (
            f" `civicgraph publish` into Virtuoso took {publish_seconds:.1f} s."
            if publish_seconds
            else ""
        ),
        "",
        "| query | " + " | ".join(f"{s} ms" for s in stores) + " |",
        "|---|" + "---:|" * len(stores),
    ]
    for name, figures in latencies.items():
        cells = (f"{v:.2f}" if isinstance(v := figures[s], float) else v for s in stores)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if refused:
        lines += [
            "",
            "Refused by the store (the endpoint answers 400 with the store's message):",
            "",
        ]
        lines += [f"- {line}" for line in refused]
    lines += [
        "",
        "The server's query path on the oxigraph store against pyoxigraph alone (`Store.query` and"
        " its own JSON/Turtle serialiser, same text): as a worker answers a query it has seen"
        " before, and the first time (nothing remembered). These six are plain queries, which"
        ' the oxigraph store gives Oxigraph\'s parser unread (README, "Who parses"); the'
        " column \"rdflib's reading\" is what rdflib's parser takes to read each (`prepare_query`"
        " alone), which a query the server must read pays the first time a worker sees it:",
        "",
        "| ad-hoc query | server path ms | factor | first time ms | factor | rdflib's reading ms "
        "| pyoxigraph ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, (ours, cold, reading, theirs) in overhead.items():
        lines.append(
            f"| {name} | {ours:.2f} | {ours / theirs:.2f}× | {cold:.2f} | {cold / theirs:.2f}× "
            f"| {reading:.2f} | {theirs:.2f} |"
        )
    lines.append(f"{mark}end -->")
    section = "\n".join(lines) + "\n"
    write_section(args.out, section, f"{mark}start -->", f"{mark}end -->", "Benchmarks")
    print(json.dumps({"articles": articles, "written": str(args.out)}))


if __name__ == "__main__":
    main()
