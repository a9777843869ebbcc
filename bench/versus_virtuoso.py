"""civicgraph against Virtuoso and Oxigraph's own server over HTTP, same data, one run.

Starts `civicgraph serve` (the oxigraph store, one gunicorn worker per core) over a build, a
private Virtuoso 7 (Debian's virtuoso-opensource, on free loopback ports, loaded with
`civicgraph publish`) and Oxigraph's Rust server read-only over the build's store; then for
each workload runs C client threads (http.client, keep-alive) for S seconds against each
server in turn: requests/s, p50 and p99. Workloads: two saved queries (civicgraph:
`/queries/NAME.json`; the others: the same query text with the parameter value written in as
a term, as `CIVICGRAPH_STORE=sparql+URL` sends it) and one ad-hoc lookup (the same text to
all). Every request is a plain GET without If-None-Match. Writes BENCHMARKS.md. Not a test.

    make bench-virtuoso    # or: .venv/bin/python bench/versus_virtuoso.py [--build DIR]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from serving import PROJECT_ROOT, free_port, hammer, percentile, start_server, stop_server
from serving import write_section as write_report
from sparql_http import QUERIES

sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(PROJECT_ROOT / "tests"))

from graph.publish import publish, union_graph_iri
from graph.queries import load_queries
from server.sparqltext import substitute_terms
from server.store import read_manifest

SAVED = ("letter-recipients", "quotations-of-person")
JSON = "application/sparql-results+json"
MARK = "<!-- bench/versus_virtuoso.py: "


def workloads(build: Path) -> list[tuple[str, str, str, str]]:
    """(name, civicgraph path, Virtuoso path, Oxigraph server path) for each workload.

    Virtuoso is asked for the same dataset civicgraph's own `sparql+URL` store asks it for: the
    published union as the default graph (its own default graph repeats a triple once per graph
    holding it) and the build's graphs as the named graphs.
    """
    manifest = read_manifest(build)
    dataset = [("default-graph-uri", union_graph_iri(str(manifest["base"])))]
    dataset += [("named-graph-uri", str(g["iri"])) for g in manifest["graphs"]]
    queries = {q.name: q for q in load_queries(build / "queries")}
    out = []
    for name in SAVED:
        query = queries[name]
        bindings = query.bindings({})
        text = substitute_terms(query.text, {k: v.n3() for k, v in bindings.items()})
        out.append(
            (
                f"saved query {name}",
                f"/queries/{name}.json",
                "/sparql?" + urllib.parse.urlencode([("query", text), *dataset]),
                "/query?" + urllib.parse.urlencode({"query": text}),
            )
        )
    text = QUERIES["SELECT lookup"][0]
    ours = "/sparql?" + urllib.parse.urlencode({"query": text})
    theirs = "/sparql?" + urllib.parse.urlencode([("query", text), *dataset])
    out.append(
        ("ad-hoc SELECT lookup", ours, theirs, "/query?" + urllib.parse.urlencode({"query": text}))
    )
    return out


@contextmanager
def oxigraph_server(build: Path, log: Path) -> Iterator[int]:
    """Oxigraph's own Rust server (PyPI's `oxigraph`) read-only over the build's store: its
    default graph is the union, as civicgraph's."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "oxigraph"), "serve-read-only"]
    command += ["--location", str(build / "oxigraph"), "--bind", f"127.0.0.1:{port}"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", type=Path, default=PROJECT_ROOT / "build")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (one per core)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    from virtuoso import running_virtuoso

    build = args.build.resolve()
    results: list[tuple[str, str, float, float, float, int, int]] = []
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        flags = ("--workers", str(args.workers))
        server = start_server(build, port, Path(folder) / "serve.log", *flags)
        try:
            with (
                running_virtuoso(Path(folder) / "virtuoso") as virtuoso,
                oxigraph_server(build, Path(folder) / "oxigraph.log") as oxigraph_port,
            ):
                started = time.perf_counter()
                publish(
                    build, virtuoso.crud_auth, user="dba", password=virtuoso.password, progress=str
                )
                published = time.perf_counter() - started
                virtuoso_port = int(virtuoso.base.rsplit(":", 1)[1])
                for name, ours, theirs, ceiling in workloads(build):
                    for server_name, target_port, path in (
                        ("civicgraph", port, ours),
                        ("Virtuoso", virtuoso_port, theirs),
                        ("Oxigraph server", oxigraph_port, ceiling),
                    ):
                        hammer(target_port, [(path, JSON)], args.clients, 1.0)  # warm up
                        elapsed, times, errors = hammer(
                            target_port, [(path, JSON)], args.clients, args.seconds
                        )
                        figures = (
                            name,
                            server_name,
                            len(times) / elapsed,
                            percentile(times, 0.5),
                            percentile(times, 0.99),
                            len(times),
                            errors,
                        )
                        results.append(figures)
                        print(
                            f"{name:<36} {server_name:<10} {figures[2]:8.1f} req/s  "
                            f"p50 {figures[3]:6.2f} ms  p99 {figures[4]:6.2f} ms  "
                            f"({len(times)} requests, {errors} errors)",
                            flush=True,
                        )
        finally:
            stop_server(server)

    lines = [
        f"{MARK}start -->",
        "## civicgraph against Virtuoso (and Oxigraph's own server) over HTTP",
        "",
        f"Command: `.venv/bin/python bench/versus_virtuoso.py --build {args.build} --workers "
        f"{args.workers}` (or `make bench-virtuoso`): `civicgraph serve --workers {args.workers}` "
        "(one gunicorn worker per core; otherwise default settings: the oxigraph store) and a "
        "private Virtuoso 7.2 from Debian (tests/virtuoso.py's settings; all its threads) on "
        f"loopback, the same build loaded into Virtuoso by `civicgraph publish` ({published:.1f} s) "
        "and asked for the same dataset civicgraph's `sparql+URL` store asks it for (the published "
        "union as default graph); "
        f"{args.clients} client threads (Python http.client, keep-alive) for {args.seconds:g} s per "
        "workload and server, one after the other; plain GETs, no If-None-Match. civicgraph "
        "remembers a deterministic answer per loaded build after the first request (saved or "
        "ad hoc); Virtuoso evaluates each request. The Python client runs on the same 2 cores "
        "and is the ceiling for all. The third server is Oxigraph's own (Rust, `oxigraph "
        "serve-read-only` from PyPI's `oxigraph` 0.5) over the build's store, answering the same "
        "query text (saved queries with the value written in) on every request: the ceiling "
        "the issue names. "
        f"Machine: {os.cpu_count()} cores, shared.",
        "",
        "| workload | server | requests/s | p50 ms | p99 ms | requests | errors |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, server_name, rate, p50, p99, count, errors in results:
        lines.append(
            f"| {name} | {server_name} | {rate:.0f} | {p50:.2f} | {p99:.2f} | {count} | {errors} |"
        )
    lines.append(f"{MARK}end -->")
    write_report(
        args.out, "\n".join(lines) + "\n", f"{MARK}start -->", f"{MARK}end -->", "Benchmarks"
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
