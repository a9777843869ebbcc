"""What the benchmarks share: a `civicgraph serve` on a free loopback port, percentiles, and
writing a benchmark's own section of a Markdown report."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(
    build: Path, port: int, log: Path, *flags: str, serve: tuple[str, ...] = ()
) -> subprocess.Popen[bytes]:
    """`civicgraph serve` over `build` on 127.0.0.1:`port`, once it answers /sparql. `serve`
    replaces the command that takes those arguments (`python -m graph.cli serve`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICGRAPH_")}
    command = [*(serve or (sys.executable, "-m", "graph.cli", "serve")), "--build", str(build)]
    command += ["--host", "127.0.0.1", "--port", str(port), *flags]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited:\n{log.read_text(errors='replace')}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/sparql")
            if connection.getresponse().status == 200:
                connection.close()
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the server did not start:\n{log.read_text(errors='replace')}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else 0.0


def write_section(path: Path, section: str, start: str, end: str, heading: str) -> None:
    """Put `section` (which begins with `start` and ends with `end`) into `path`, replacing the
    earlier section between those markers if there is one."""
    text = path.read_text(encoding="utf-8") if path.exists() else f"# {heading}\n\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def fetch(connection: http.client.HTTPConnection, path: str, accept: str) -> tuple[int, int]:
    """One GET on a keep-alive connection: (status, body bytes)."""
    connection.request("GET", path, headers={"Accept": accept})
    response = connection.getresponse()
    body = response.read()
    return response.status, len(body)


def hammer(
    port: int, targets: list[tuple[str, str]], clients: int, seconds: float, limit: int = 100_000
) -> tuple[float, list[float], int]:
    """`clients` threads, each on its own keep-alive connection to 127.0.0.1:`port`, GET the
    (path, Accept) targets in turn for `seconds`: (elapsed s, latencies ms of the 200s, errors).
    """
    times: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start.wait()
        for count in range(limit):
            if time.monotonic() >= deadline[0]:
                break
            path, accept = targets[(index + count) % len(targets)]
            began = time.perf_counter()
            try:
                status, _ = fetch(connection, path, accept)
            except OSError:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            if status == 200:
                times[index].append((time.perf_counter() - began) * 1000)
            else:
                errors[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    return time.monotonic() - began, [t for per in times for t in per], sum(errors)
