"""SPARQL over HTTP: latency per query form, and requests/s under concurrent clients.

Starts the real server (`civicgraph serve`, gunicorn, default settings) on a free loopback port
over the project's build, then
  1. sends each query form N times from one keep-alive client: median and p95 latency;
  2. runs C client threads (http.client, keep-alive, loopback only) for S seconds each on a
     lookup and on a mix of all the forms: requests/s, and median and p95 latency under load.
Every request is a plain GET without If-None-Match, so every one is evaluated. Prints the
figures and writes them into BENCHMARKS.md (its own section, between markers). Not a test.

    make bench-sparql        # or: .venv/bin/python bench/sparql_http.py [--runs 50] [--clients 8]
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import statistics
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from serving import (
    PROJECT_ROOT,
    fetch,
    free_port,
    hammer,
    percentile,
    start_server,
    stop_server,
    write_section,
)

PREFIXES = (
    "PREFIX civ: <https://kg.example.org/ontology#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)
QUERIES: dict[str, tuple[str, str]] = {
    # name: (query, Accept)
    "SELECT lookup": (
        PREFIXES + "SELECT ?label WHERE { <https://kg.example.org/id/person/rahm-emanuel> "
        "rdfs:label ?label }",
        "application/sparql-results+json",
    ),
    "SELECT group-by": (
        "SELECT ?class (COUNT(?thing) AS ?n) WHERE { ?thing a ?class } "
        "GROUP BY ?class ORDER BY DESC(?n)",
        "application/sparql-results+json",
    ),
    "SELECT property path": (
        PREFIXES + "SELECT ?place ?region WHERE { ?place civ:locatedIn+ ?region }",
        "application/sparql-results+json",
    ),
    "ASK": (
        PREFIXES + "ASK { ?letter a civ:Letter ; civ:recipient ?recipient }",
        "application/sparql-results+json",
    ),
    "CONSTRUCT": (
        PREFIXES + "CONSTRUCT { ?letter civ:recipient ?recipient } "
        "WHERE { ?letter a civ:Letter ; civ:recipient ?recipient }",
        "text/turtle",
    ),
    "DESCRIBE": (
        "DESCRIBE <https://kg.example.org/id/person/rahm-emanuel>",
        "text/turtle",
    ),
}
MARK_START = "<!-- bench/sparql_http.py: start -->"
MARK_END = "<!-- bench/sparql_http.py: end -->"
MAX_REQUESTS_PER_CLIENT = 100_000  # a bound besides the clock


@dataclass
class Latency:
    name: str
    median_ms: float
    p95_ms: float
    size: int


@dataclass
class Load:
    name: str
    clients: int
    seconds: float
    requests: int
    errors: int
    median_ms: float
    p95_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def path_for(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def measure_latency(port: int, runs: int) -> list[Latency]:
    figures = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for name, (query, accept) in QUERIES.items():
        path = path_for(query)
        for _ in range(3):  # warm up
            status, size = fetch(connection, path, accept)
            if status != 200:
                raise SystemExit(f"{name}: status {status}")
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            status, size = fetch(connection, path, accept)
            times.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"{name}: status {status}")
        figures.append(Latency(name, statistics.median(times), percentile(times, 0.95), size))
        print(
            f"  {name:<22} median {figures[-1].median_ms:7.1f} ms   p95 {figures[-1].p95_ms:7.1f} ms"
        )
    connection.close()
    return figures


def measure_load(port: int, name: str, names: list[str], clients: int, seconds: float) -> Load:
    targets = [(path_for(QUERIES[n][0]), QUERIES[n][1]) for n in names]
    elapsed, done, errors = hammer(port, targets, clients, seconds, MAX_REQUESTS_PER_CLIENT)
    load = Load(
        name,
        clients,
        elapsed,
        len(done),
        errors,
        statistics.median(done) if done else 0.0,
        percentile(done, 0.95) if done else 0.0,
    )
    print(
        f"  {name:<22} {load.per_second:7.1f} req/s   median {load.median_ms:7.1f} ms   "
        f"p95 {load.p95_ms:7.1f} ms   ({load.requests} requests, {load.errors} errors, "
        f"{elapsed:.1f} s)"
    )
    return load


def report(
    latencies: list[Latency], loads: list[Load], runs: int, command: str, load_before: str
) -> str:
    rdflib_version = _version("rdflib")
    lines = [
        MARK_START,
        "## SPARQL endpoint over HTTP",
        "",
        f"Command: `{command}` — `bench/sparql_http.py` starts `civicgraph serve` (gunicorn, "
        "gthread, default settings: 1 worker × 8 threads, 3 query worker processes, 10 s limit) "
        "on a free loopback port over `build/`, and measures with a Python client "
        "(http.client, keep-alive). Every request is a GET without If-None-Match, so every one "
        "is evaluated by rdflib in a query worker.",
        "",
        f"Run {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, rdflib {rdflib_version}; load average before "
        f"the run {load_before} (the machine is shared, so figures vary from run to run).",
        "",
        f"Latency per query form, one client, {runs} runs each:",
        "",
        "| query form | median (ms) | p95 (ms) | response bytes |",
        "|---|---:|---:|---:|",
    ]
    for item in latencies:
        lines.append(f"| {item.name} | {item.median_ms:.1f} | {item.p95_ms:.1f} | {item.size} |")
    lines += [
        "",
        "Throughput under concurrent clients:",
        "",
        "| workload | clients | requests/s | median (ms) | p95 (ms) | requests | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for load in loads:
        lines.append(
            f"| {load.name} | {load.clients} | {load.per_second:.1f} | {load.median_ms:.1f} | "
            f"{load.p95_ms:.1f} | {load.requests} | {load.errors} |"
        )
    lines += ["", MARK_END]
    return "\n".join(lines) + "\n"


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=str(PROJECT_ROOT / "build"), help="build folder")
    parser.add_argument("--runs", type=int, default=50, help="runs per query form")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per load run")
    parser.add_argument("--out", default=str(PROJECT_ROOT / "BENCHMARKS.md"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    build = Path(args.build)
    if not (build / "manifest.json").is_file():
        raise SystemExit(f"no build at {build}: run `make build` first")
    command = "make bench-sparql"
    if sys.argv[1:]:
        command = "python bench/sparql_http.py " + " ".join(sys.argv[1:])
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "serve.log"
        server = start_server(build, port, log)
        try:
            print(f"latency, one client, {args.runs} runs per form:")
            latencies = measure_latency(port, args.runs)
            print(f"throughput, {args.clients} clients, {args.seconds:g} s each:")
            loads = [
                measure_load(port, "SELECT lookup", ["SELECT lookup"], args.clients, args.seconds),
                measure_load(
                    port, "mix of the six forms", list(QUERIES), args.clients, args.seconds
                ),
            ]
        finally:
            stop_server(server)
    section = report(latencies, loads, args.runs, command, load_before)
    if not args.no_write:
        write_section(Path(args.out), section, MARK_START, MARK_END, "Benchmarks")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
