"""Slow clients ("slowloris") against `civicgraph serve`: they hold no thread, others are served.

Twice as many connections as the server has threads (threads × workers, the defaults) each
trickle their request a byte a second and never finish it: its head, its body, or the second
request on a kept-alive connection. Meanwhile another client keeps asking and must be answered
each time (within a generous bound: speed is for `make load`). After the request time limit
(`request_timeout`, 10 s by default, LIMIT here so that the tests wait less) each slow connection
gets a 408 and is closed. With plain gthread workers, 16 such connections
stalled the server: every other request timed out (see RELIABILITY.md).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from live import civicgraph_serve, settings_for

from server.worker import arrived

ASK = "/sparql?query=ASK%20%7B%20%3Fs%20a%20%3Fc%20%7D"
HEAD = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris\r\n"
BODY = b"query=ASK%20%7B%20%3Fs%20a%20%3Fc%20%7D"
LIMIT = 5  # --request-timeout: seconds a request may take to arrive
POST = (
    b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(BODY)
)


@pytest.fixture(scope="module")
def server(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("slow") / "serve.log"
    with civicgraph_serve(build_dir, log, "--request-timeout", str(LIMIT)) as (base, _):
        yield base


def slots(build_dir: Path) -> int:
    """How many requests the server runs at once with its default settings."""
    settings = settings_for(build_dir)
    return int(settings.threads) * int(settings.workers)


class Trickle:
    """Connections that each send `opening` at once, then one byte of `rest` a second."""

    def __init__(self, port: int, count: int, opening: bytes, rest: bytes) -> None:
        self.sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
        self.rest = rest
        self.sent = 0  # bytes of `rest` every connection has sent
        self.failed: list[str] = []  # sends the server cut short
        self.stop = threading.Event()
        for sock in self.sockets:
            sock.sendall(opening)
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.wait(1.0) and self.sent < len(self.rest):
            for sock in self.sockets:
                try:
                    sock.send(self.rest[self.sent : self.sent + 1])
                except OSError as exc:
                    self.failed.append(type(exc).__name__)
            self.sent += 1

    def __enter__(self) -> Trickle:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        for sock in self.sockets:
            sock.close()

    def answers(self) -> list[bytes]:
        """What the server has sent each connection (waits up to 5 s for each)."""
        found = []
        for sock in self.sockets:
            sock.settimeout(5)
            data = b""
            try:
                while chunk := sock.recv(65536):
                    data += chunk
            except OSError:
                pass
            found.append(data)
        return found


def kept_alive(port: int, count: int) -> list[socket.socket]:
    """Connections that have each had one request answered and are kept alive."""
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.settimeout(10)
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        response = b""
        while not response.endswith(b"}"):  # the JSON answer, at the end of the response
            response += sock.recv(65536)
        assert response.startswith(b"HTTP/1.1 200"), response[:200]
        sockets.append(sock)
    return sockets


def served_meanwhile(base: str, seconds: float) -> list[float]:
    """Ask `base` every 0.25 s for `seconds` on new connections; each must get its answer."""
    latencies = []
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        started = time.monotonic()
        response = requests.get(base + ASK, timeout=10)  # "answered at all", not a benchmark
        latencies.append(time.monotonic() - started)
        assert response.status_code == 200, response.text[:300]
        assert response.json()["boolean"] is True
        time.sleep(0.25)
    return latencies


def port_of(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


def test_trickled_headers_hold_no_thread(server: str, build_dir: Path) -> None:
    count = 2 * slots(build_dir)
    rest = b"X-Slow: " + b"a" * 100  # never the blank line that ends the head
    with Trickle(port_of(server), count, HEAD, rest) as slow:
        latencies = served_meanwhile(server, LIMIT - 2)
        assert slow.failed == [], "the server cut a slow client off before its time limit"
        assert slow.sent >= LIMIT - 3  # the attack was going on the whole time
        time.sleep(3)  # past the time limit
        answers = slow.answers()
    assert len(latencies) >= 2 * (LIMIT - 2)
    assert all(a.startswith(b"HTTP/1.1 408 Request Timeout") for a in answers), answers
    assert f"did not arrive within {LIMIT} s".encode() in answers[0]


def test_a_trickled_body_holds_no_thread(server: str, build_dir: Path) -> None:
    count = 2 * slots(build_dir)
    with Trickle(port_of(server), count, POST + BODY[:1], BODY[1:]) as slow:
        served_meanwhile(server, LIMIT - 2)
        assert slow.failed == []
        assert 0 < slow.sent < len(BODY) - 1  # the bodies are not all there yet


def test_a_trickled_body_that_arrives_in_time_is_answered(server: str) -> None:
    with Trickle(port_of(server), 4, POST + BODY[:-2], BODY[-2:]) as slow:
        time.sleep(LIMIT - 2)
        answers = slow.answers()
    assert all(a.startswith(b"HTTP/1.1 200") and b'"boolean": true' in a for a in answers), answers


def test_a_kept_alive_connection_trickling_its_next_request_holds_no_thread(
    server: str, build_dir: Path
) -> None:
    count = 2 * slots(build_dir)
    sockets = kept_alive(port_of(server), count)
    for sock in sockets:
        sock.sendall(b"G")  # the next request begins, and goes no further for a while
    try:
        served_meanwhile(server, LIMIT - 2)
        for sock in sockets:
            sock.sendall(b"ET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        for sock in sockets:
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")  # and is then answered
    finally:
        for sock in sockets:
            sock.close()


@pytest.mark.parametrize(
    ("data", "whole"),
    [
        (b"GET / HTTP/1.1\r\nHost: x\r\n", False),
        (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", True),
        (b"\r\nGET / HTTP/1.1\r\n\r\n", True),  # an empty line before a request is allowed
        (POST + BODY[:-1], False),
        (POST + BODY, True),
        (POST + BODY + b"GET", True),  # a pipelined request behind it
        (b"POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", True),  # the app says 413
        (b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", True),  # the parser says 400
        (b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 9\r\n\r\n", True),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", False),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", True),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / H", True),
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n",
            False,
        ),
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n",
            True,
        ),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", True),  # the parser says 501
        (b"GET /" + b"a" * 1000, True),  # over the head limit: the parser's 414
    ],
)
def test_what_counts_as_a_request_that_has_arrived(data: bytes, whole: bool) -> None:
    assert arrived(data, limit=500) is whole
