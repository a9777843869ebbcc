"""Slow clients and time to recover, against `civicgraph serve` on loopback. Not a test.

Slow clients: 4 keep-alive clients loop over the load test's mix of requests for S seconds,
first alone, then while 100 more connections trickle their request headers a byte a second
(each one that the server cuts off after its time limit is opened again, so 100 are always
held), and then the same against plain gthread workers (gunicorn's own, as the server ran
before `server.worker`), for comparison. Reports p50/p99 of the normal clients and their errors.

Time to recover, each measured N times:
- a runaway query killed at the time limit (one query worker, so its slot is the only one):
  from its 503 to the next answer;
- a query worker process killed with SIGKILL: from the kill to the next answer;
- a gunicorn worker killed with SIGKILL: from the kill to the next answer (the master starts a
  new one, which loads the build);
- SIGHUP after the `build` link is switched to another build: from the signal to the first
  answer from the new build, with 2 clients asking meanwhile (errors counted);
- a build that fails (a file-size limit, so it fails while writing): the build served before,
  during and after, with 2 clients asking meanwhile (errors, and the served manifest compared).

Writes its section of RELIABILITY.md (between markers).

    make reliability   # or: .venv/bin/python bench/reliability.py [--seconds 15] [--times 5]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from load import MIX, Tally, client
from serving import PROJECT_ROOT, free_port, percentile, start_server, stop_server, write_section

MARK_START = "<!-- bench/reliability.py: start -->"
MARK_END = "<!-- bench/reliability.py: end -->"
CLIENTS = 4
SLOW = 100
TIME_LIMIT = 2.0
ASK = "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s a ?c }"})
_PROBES = itertools.count()


def fresh(path: str) -> str:
    """`path` (a /sparql query) made new with a comment, so that the server evaluates it in a
    query worker instead of answering from the answers it remembers for its build."""
    return path + urllib.parse.quote(f"\n# probe {next(_PROBES)}")


RUNAWAY = "/sparql?" + urllib.parse.urlencode(
    {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"}
)
MARKER = "/sparql?" + urllib.parse.urlencode(
    {"query": "ASK { ?s <http://www.w3.org/2000/01/rdf-schema#label> 'reload marker'@en }"}
)
CURATED = b"""@prefix civ: <https://kg.example.org/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
<https://kg.example.org/id/source/zz-reload> a civ:Source ; rdfs:label "reload marker"@en ;
    rdfs:comment "a source added to measure a reload"@en ;
    schema:url <https://example.org/reload> .
"""


def get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept": "application/json"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def until_answered(port: int, path: str = ASK, expect: bytes = b"") -> tuple[float, int]:
    """Ask `path` until a 200 (whose body holds `expect`); (seconds taken, failures meanwhile)."""
    started = time.monotonic()
    failures = 0
    while time.monotonic() - started < 120:
        try:
            status, body = get(port, fresh(path), timeout=5)
            if status == 200 and expect in body:
                return time.monotonic() - started, failures
            failures += status != 200
        except OSError:
            failures += 1
        time.sleep(0.005)
    raise SystemExit(f"{path} was not answered within 120 s")


# --- slow clients -------------------------------------------------------------------------------


class Slowloris:
    """`count` connections that each trickle an endless request head, a byte a second; one the
    server closes is opened again at once."""

    def __init__(self, port: int, count: int) -> None:
        self.port = port
        self.count = count
        self.cut_off = 0  # connections the server answered (408) and closed
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run)

    def open(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port))
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        return sock

    def run(self) -> None:
        sockets = [self.open() for _ in range(self.count)]
        while not self.stop.wait(1.0):
            for index, sock in enumerate(sockets):
                try:
                    sock.send(b"a")  # a header line that never ends
                except OSError:
                    self.cut_off += 1
                    sock.close()
                    sockets[index] = self.open()
        for sock in sockets:
            sock.close()

    def __enter__(self) -> Slowloris:
        self.thread.start()
        time.sleep(2)  # every connection open and trickling
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def normal_clients(port: int, seconds: float) -> Tally:
    tally = Tally()
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(port, seed, stop, tally)) for seed in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def slow_row(name: str, tally: Tally, cut_off: int | None) -> str:
    values = [v for kind in MIX for v in tally.latencies.get(kind, [])]
    errors = sum(len(tally.errors.get(kind, [])) for kind in MIX)
    return (
        f"| {name} | {len(values)} | {errors} | {percentile(values, 0.5) * 1000:.0f} | "
        f"{percentile(values, 0.99) * 1000:.0f} | {'' if cut_off is None else cut_off} |"
    )


def slow_clients(build: Path, seconds: float, folder: Path) -> list[str]:
    rows = []
    for name, serve in (
        ("civicgraph serve", ()),
        ("plain gthread", (sys.executable, __file__, "serve-plain-gthread")),
    ):
        port = free_port()
        server = start_server(build, port, folder / "slow.log", serve=serve)
        try:
            if not serve:
                alone = normal_clients(port, seconds)
                rows.append(slow_row("civicgraph serve, no slow client", alone, None))
            with Slowloris(port, SLOW) as slow:
                tally = normal_clients(port, seconds)
            rows.append(slow_row(f"{name}, {SLOW} slow clients", tally, slow.cut_off))
        finally:
            stop_server(server)
    return rows


def serve_plain_gthread(argv: list[str]) -> None:
    """`civicgraph serve` with gunicorn's own gthread worker (for the comparison only)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--build")
    parser.add_argument("--host")
    parser.add_argument("--port")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(PROJECT_ROOT))
    from graph.settings import load_settings
    from server.serve import CivicgraphServer

    class PlainGthread(CivicgraphServer):
        def gunicorn_options(self) -> dict[str, Any]:
            return super().gunicorn_options() | {"worker_class": "gthread"}

    values = {"build": args.build, "host": args.host, "port": args.port}
    PlainGthread(load_settings(values, environ={})).run()


# --- time to recover ----------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def recovery(build: Path, times: int, folder: Path, event: str) -> tuple[list[float], int]:
    """`event` `times` over against a server with 1 query worker; each time, how long until
    `ASK` is answered again, and how many requests failed meanwhile in all.

    Events: "runaway" (a query stopped at the time limit, timed from its 503), "query" (the
    query worker process SIGKILLed) and "gunicorn" (the gunicorn worker SIGKILLed).
    """
    port = free_port()
    flags = ("--query-timeout", str(TIME_LIMIT), "--query-workers", "1")
    server = start_server(build, port, folder / f"{event}.log", *flags)
    seconds, failed = [], 0
    try:
        for _ in range(times):
            until_answered(port)
            if event == "runaway":
                assert get(port, RUNAWAY)[0] == 503
            else:
                (worker,) = children(server.pid)  # the gunicorn worker
                # the pool's forker has the query workers as its children
                query = [pid for forker in children(worker) for pid in children(forker)]
                os.kill(worker if event == "gunicorn" else query[0], signal.SIGKILL)
            taken, failures = until_answered(port)
            seconds.append(taken)
            failed += failures
    finally:
        stop_server(server)
    return seconds, failed


def copy_project_inputs(root: Path) -> Any:
    sys.path.insert(0, str(PROJECT_ROOT))
    from graph.settings import load_settings

    sources = {"ontology": "ontology", "curated": "graph/curated", "corpus": "corpus"}
    sources["queries"] = "queries"
    for name, source in sources.items():
        shutil.copytree(PROJECT_ROOT / source, root / name)
    values = {name: str(root / name) for name in sources}
    return load_settings(values | {"build": str(root / "build")}, environ={})


def run_build(settings: Any, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICGRAPH_")}
    for name in ("corpus", "curated", "ontology", "queries", "build"):
        env[f"CIVICGRAPH_{name.upper()}"] = str(getattr(settings, name))
    return subprocess.run(
        [sys.executable, "-m", "graph.cli", "build"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=limit_file_size,
    )


class Asking:
    """2 clients, one asking `ASK { ?s a ?c }` and one whether the reload marker is there,
    until stopped; every outcome is kept: (when answered, path, status, body, seconds taken)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.outcomes: list[tuple[float, str, int, bytes, float]] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(path,)) for path in (ASK, MARKER)]

    def run(self, path: str) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                status, body = get(self.port, fresh(path))
            except OSError:
                status, body = 0, b""
            self.outcomes.append((time.monotonic(), path, status, body, time.monotonic() - started))

    def marker(self, after: float, present: bool) -> float | None:
        """When the first answer after `after` said the marker is `present`."""
        said = b'"boolean": true' if present else b'"boolean": false'
        times = [
            when
            for when, path, status, body, _ in list(self.outcomes)
            if path == MARKER and when > after and status == 200 and said in body
        ]
        return min(times) if times else None

    def __enter__(self) -> Asking:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def errors(self) -> int:
        return sum(status != 200 for _, _, status, _, _ in self.outcomes)


def switch(link: Path, target: Path) -> None:
    temporary = link.with_name(link.name + ".switching")
    temporary.symlink_to(os.path.relpath(target, link.parent))
    os.replace(temporary, link)


def reload_and_failed_build(times: int, folder: Path) -> dict[str, Any]:
    settings = copy_project_inputs(folder / "inputs")
    for step in ("first", "with the marker"):
        if step != "first":
            (Path(settings.curated) / "zz-reload.ttl").write_bytes(CURATED)
        result = run_build(settings)
        assert result.returncode == 0, result.stderr
    link = settings.build_dir
    marked = link.resolve()
    plain = next(p for p in link.parent.glob(".build.versions/*") if p.is_dir() and p != marked)
    switch(link, plain)
    port = free_port()
    server = start_server(link, port, folder / "reload.log")
    figures: dict[str, Any] = {"reload": [], "reload errors": 0, "requests": 0}
    try:
        for index in range(times):
            target = marked if index % 2 == 0 else plain
            with Asking(port) as asking:
                switch(link, target)
                signal_sent = time.monotonic()
                os.kill(server.pid, signal.SIGHUP)
                while (new := asking.marker(signal_sent, target == marked)) is None:
                    if time.monotonic() - signal_sent > 120:
                        raise SystemExit("the new build was not served within 120 s")
                    time.sleep(0.01)
                time.sleep(1)  # and the new workers go on serving
            figures["reload"].append(new - signal_sent)
            figures["reload errors"] += asking.errors()
            figures["requests"] += len(asking.outcomes)
        # A build that fails while writing, with the server up: the served build stays.
        (Path(settings.curated) / "zz-reload.ttl").unlink()
        (Path(settings.corpus) / "2018-01-24-doj-demands-papers-mayors-boycott.txt").open(
            "a", encoding="utf-8"
        ).write("\nThe mayor said on Friday that the city would answer.\n")
        before = get(port, "/download/manifest.json")[1]
        served = link.resolve()
        with Asking(port) as asking:
            started = time.monotonic()
            failed = run_build(settings, limit=512 * 1024)
            figures["failed build seconds"] = time.monotonic() - started
        message = failed.stderr.strip().splitlines()[-1]
        figures["failed build"] = message.replace(str(link.absolute()), "BUILD")
        assert failed.returncode == 1, failed.stderr
        figures["failed build errors"] = asking.errors()
        figures["failed build requests"] = len(asking.outcomes)
        figures["failed build kept"] = (
            get(port, "/download/manifest.json")[1] == before and link.resolve() == served
        )
        figures["failed build slowest"] = max(seconds for *_, seconds in asking.outcomes)
    finally:
        stop_server(server)
    return figures


def spread(values: list[float], failed: int | None = None) -> str:
    ordered = sorted(values)
    text = (
        f"median {percentile(ordered, 0.5) * 1000:.0f} ms, "
        f"max {ordered[-1] * 1000:.0f} ms ({len(ordered)} times)"
    )
    if failed is not None:
        text += f"; {failed} requests failed meanwhile"
    return text


def report(args: argparse.Namespace, slow: list[str], recover: dict[str, Any]) -> str:
    times = args.times
    failed = recover["failed build"]
    return "\n".join(
        [
            MARK_START,
            "## Slow clients and time to recover",
            "",
            f"`make reliability` (`.venv/bin/python bench/reliability.py --seconds "
            f"{args.seconds:g} --times {times}`), run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
            f"Python {platform.python_version()}, {os.cpu_count()} cores, `civicgraph serve` "
            "with its default settings (1 worker × 8 threads) on loopback.",
            "",
            f"Slow clients: {CLIENTS} keep-alive clients loop over the load test's mix for "
            f"{args.seconds:g} s, alone, then while {SLOW} connections trickle their headers a "
            "byte a second (one the server cuts off is opened again, so that "
            f"{SLOW} are always held); then the same against gunicorn's plain gthread worker.",
            "",
            "| server | requests | errors | p50 ms | p99 ms | slow connections cut off (408) |",
            "|---|---:|---:|---:|---:|---:|",
            *slow,
            "",
            "Time to recover (until the next answer to `ASK { ?s a ?c }`, asked every 5 ms):",
            "",
            "| event | time to recover |",
            "|---|---|",
            f"| a runaway query stopped at the {TIME_LIMIT:g} s limit (1 query worker), from "
            f"its 503 | {spread(*recover['runaway'])} |",
            f"| a query worker process SIGKILLed (1 query worker) | {spread(*recover['query'])} |",
            f"| the gunicorn worker SIGKILLed (the master starts another, which loads the "
            f"build) | {spread(*recover['gunicorn'])} |",
            f"| SIGHUP after `build` is switched to another build, to the first answer from "
            f"it | {spread(recover['reload'])}; {recover['reload errors']} errors in "
            f"{recover['requests']} requests made meanwhile |",
            f"| a build that fails while writing (a 512 KiB file-size limit; it took "
            f"{recover['failed build seconds']:.0f} s) | 0 s: "
            f"{recover['failed build errors']} errors in {recover['failed build requests']} "
            f"requests made meanwhile (the slowest took "
            f"{recover['failed build slowest'] * 1000:.0f} ms), the served build "
            f"{'unchanged' if recover['failed build kept'] else 'CHANGED'}; the build said "
            f"`{failed}` |",
            "",
            MARK_END,
        ]
    )


def main() -> int:
    if sys.argv[1:2] == ["serve-plain-gthread"]:
        serve_plain_gthread(sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=str(PROJECT_ROOT / "build"))
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--times", type=int, default=5)
    parser.add_argument("--out", default=str(PROJECT_ROOT / "RELIABILITY.md"))
    args = parser.parse_args()
    build = Path(args.build)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        slow = slow_clients(build, args.seconds, folder)
        recover: dict[str, Any] = {
            event: recovery(build, args.times, folder, event)
            for event in ("runaway", "query", "gunicorn")
        }
        recover |= reload_and_failed_build(args.times, folder)
    section = report(args, slow, recover)
    print(section)
    print(json.dumps({k: v for k, v in recover.items() if k != "failed build"}, default=str))
    write_section(Path(args.out), section, MARK_START, MARK_END, "Reliability")
    return 0


if __name__ == "__main__":
    sys.exit(main())
