"""A bounded load test on loopback: 32 clients for 60 s against `civicgraph serve`. Not a test.

Starts the real server (gunicorn, default settings but a 2 s query time limit) over the
project's build on a free loopback port; then C client threads (http.client, keep-alive) each
loop over a mix of saved queries, resource pages, downloads and ad-hoc SPARQL for S seconds,
while R more clients send runaway queries (a cartesian product) that the time limit must stop
with a 503. Counts requests and errors (anything but 200, 303 and the runaways' 503) and
reports p50 and p99 latency per kind; writes RELIABILITY.md (its own section, between markers).

    make load        # or: .venv/bin/python bench/load.py [--clients 32] [--seconds 60]
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from serving import PROJECT_ROOT, free_port, percentile, start_server, stop_server, write_section

TIME_LIMIT = 2.0
LOOKUP = (
    "SELECT ?label WHERE { ?s a <https://kg.example.org/ontology#Person> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label LIMIT 20"
)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
MIX: dict[str, list[str]] = {
    "saved query": [
        "/queries/letters-to-state.json?state=https://kg.example.org/id/jurisdiction/illinois",
        "/queries/events-between.json?from=2018-01-24&to=2018-01-25",
        "/queries/timeline.json",
        "/queries/class-counts.csv",
    ],
    "page": [
        "/",
        "/page/person/jeff-sessions",
        "/page/jurisdiction/chicago-il",
        "/queries",
        "/id/person/mitch-landrieu",
    ],
    "download": ["/download/graph.ttl", "/download/void.ttl", "/data/person/jeff-sessions.ttl"],
    "ad-hoc query": [
        "/sparql?" + urllib.parse.urlencode({"query": LOOKUP}),
        "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s a ?c }"}),
        "/sparql?"
        + urllib.parse.urlencode(
            {"query": "SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"}
        ),
    ],
}
MARK_START = "<!-- bench/load.py: start -->"
MARK_END = "<!-- bench/load.py: end -->"


class Tally:
    """Latencies and outcomes per kind of request, shared by the client threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.refused = 0  # runaways stopped with a 503, as intended

    def record(self, kind: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if error is not None:
                self.errors[kind].append(error)


def client(port: int, seed: int, stop: float, tally: Tally) -> None:
    chooser = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop:
        kind = chooser.choice(list(MIX))
        path = chooser.choice(MIX[kind])
        started = time.monotonic()
        try:
            connection.request("GET", path, headers={"Accept-Encoding": "identity"})
            response = connection.getresponse()
            response.read()
            error = None if response.status in (200, 303) else f"{response.status} {path}"
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__} {path}"
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        tally.record(kind, time.monotonic() - started, error)
    connection.close()


def runaway_client(port: int, stop: float, tally: Tally) -> None:
    path = "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY})
    while time.monotonic() < stop:
        # A new connection each time: gunicorn closes one idle past its keep-alive (2 s).
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.monotonic()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            late = time.monotonic() - started > TIME_LIMIT + 1
            if response.status == 503 and not late:
                with tally.lock:
                    tally.refused += 1
                error = None
            else:
                error = f"{response.status} after {time.monotonic() - started:.1f} s"
        except (OSError, http.client.HTTPException) as exc:
            error = type(exc).__name__
        connection.close()
        tally.record("runaway", time.monotonic() - started, error)
        time.sleep(3)


def report(tally: Tally, clients: int, runaways: int, seconds: float, elapsed: float) -> str:
    rows = []
    total = errors = 0
    everything: list[float] = []
    for kind in [*MIX, "runaway"]:
        values = tally.latencies.get(kind, [])
        total += len(values)
        errors += len(tally.errors.get(kind, []))
        if kind != "runaway":
            everything += values
        rows.append(
            f"| {kind} | {len(values)} | {len(tally.errors.get(kind, []))} | "
            f"{percentile(values, 0.5) * 1000:.0f} | {percentile(values, 0.99) * 1000:.0f} |"
        )
    rows.append(
        f"| **all but runaways** | {len(everything)} | "
        f"{sum(len(tally.errors.get(k, [])) for k in MIX)} | "
        f"{percentile(everything, 0.5) * 1000:.0f} | {percentile(everything, 0.99) * 1000:.0f} |"
    )
    samples = sorted({e for kind in tally.errors for e in tally.errors[kind]})[:10]
    return "\n".join(
        [
            MARK_START,
            "## Load: 32 clients on loopback",
            "",
            f"`make load` (`.venv/bin/python bench/load.py --clients {clients} --seconds "
            f"{seconds:g}`): `civicgraph serve` over `build/` with its default settings and a "
            f"{TIME_LIMIT:g} s time limit; {clients} keep-alive clients loop over saved queries, "
            f"resource pages, downloads and ad-hoc queries, while {runaways} more send a runaway "
            "(a four-way cartesian product) every 3 s, which must get a 503 within the limit "
            "+ 1 s.",
            "",
            f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {elapsed:.0f} s, Python "
            f"{platform.python_version()}, {os.cpu_count()} cores: {total} requests "
            f"({total / elapsed:.0f}/s), {errors} errors, {tally.refused} runaways stopped "
            "with a 503.",
            "",
            "| kind | requests | errors | p50 ms | p99 ms |",
            "|---|---:|---:|---:|---:|",
            *rows,
            "",
            *([f"Errors (first ten kinds): {', '.join(samples)}", ""] if samples else []),
            MARK_END,
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=str(PROJECT_ROOT / "build"))
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--runaways", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--out", default=str(PROJECT_ROOT / "RELIABILITY.md"))
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "serve.log"
        server = start_server(Path(args.build), port, log, "--query-timeout", str(TIME_LIMIT))
        try:
            tally = Tally()
            started = time.monotonic()
            stop = started + args.seconds
            threads = [
                threading.Thread(target=client, args=(port, seed, stop, tally))
                for seed in range(args.clients)
            ] + [
                threading.Thread(target=runaway_client, args=(port, stop, tally))
                for _ in range(args.runaways)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
        finally:
            stop_server(server)
    section = report(tally, args.clients, args.runaways, args.seconds, elapsed)
    print(section)
    write_section(Path(args.out), section, MARK_START, MARK_END, "Reliability")
    errors = sum(len(v) for v in tally.errors.values())
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
