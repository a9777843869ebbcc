"""How quickly a second client is served while each hostile query of tests/test_hostile.py runs.

For each store, `civicgraph serve` runs with the battery's settings (1 s time limit, 50-row cap,
3 query workers); each hostile query is sent while another client sends a small lookup again
and again, and the lookups' latencies are printed: what the battery's test once asserted
(`max(latencies) < 0.75`), which depends on the machine and its load, so it is a benchmark's
figure, not a test's. Not a test; it prints a table and writes nothing.

    .venv/bin/python bench/hostile.py [--build build]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from serving import PROJECT_ROOT, free_port, percentile, start_server, stop_server

sys.path.insert(0, str(PROJECT_ROOT / "tests"))

from test_hostile import HOSTILE, LIMIT, LOOKUP, ROW_CAP


def measure(endpoint: str, query: str) -> tuple[int, float, list[float]]:
    """(The hostile query's status, its time, the lookups' latencies meanwhile)."""
    outcome: list[tuple[int, float]] = []

    def send() -> None:
        started = time.monotonic()
        response = requests.post(
            endpoint, data={"query": query}, headers={"Accept": "application/json"}, timeout=60
        )
        outcome.append((response.status_code, time.monotonic() - started))

    thread = threading.Thread(target=send)
    thread.start()
    latencies: list[float] = []
    while thread.is_alive() or not latencies:
        started = time.monotonic()
        requests.get(endpoint, params={"query": LOOKUP}, timeout=30)
        latencies.append(time.monotonic() - started)
        time.sleep(0.05)
    thread.join()
    return outcome[0][0], outcome[0][1], latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=PROJECT_ROOT / "build")
    args = parser.parse_args()
    flags = ("--query-timeout", str(LIMIT), "--row-cap", str(ROW_CAP), "--query-workers", "3")
    print(f"{'store':9} {'hostile query':28} {'status':>6} {'time s':>7} "
          f"{'lookups':>7} {'p50 ms':>7} {'max ms':>7}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        for store in ("oxigraph", "memory"):
            port = free_port()
            log = Path(folder) / f"{store}.log"
            server = start_server(args.build, port, log, *flags, "--store", store)
            try:
                endpoint = f"http://127.0.0.1:{port}/sparql"
                for name, (query, _, _) in HOSTILE.items():
                    status, elapsed, latencies = measure(endpoint, query)
                    print(
                        f"{store:9} {name:28} {status:>6} {elapsed:>7.2f} {len(latencies):>7} "
                        f"{percentile(latencies, 0.5) * 1000:>7.0f} {max(latencies) * 1000:>7.0f}",
                        flush=True,
                    )
            finally:
                stop_server(server)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
