"""The gunicorn worker: gthread, except that a thread is given a request only once it has arrived.

gunicorn's gthread worker hands a new connection to a thread as soon as its first byte arrives,
and the thread then reads the rest of the request head (and, for the app, its body) from a
blocking socket with no deadline. A client that trickles its request a byte a second — a
"slowloris" — therefore holds a thread for as long as it likes, and `threads` such clients stop
the server for everyone (`tests/test_slow_clients.py` showed it: every other client timed out).
A per-read socket timeout does not help, since each byte comes in time.

`BufferingThreadWorker` reads requests in the worker's event loop instead, where a waiting
connection costs a buffer, not a thread: a connection, new or kept alive, goes to a thread only
once the whole head (up to the blank line) and the body its `Content-Length` announces (up to
the app's 1 MiB limit; a chunked body up to its last chunk) are buffered. A request that has
not fully arrived `request_timeout` seconds (a setting, 10 by default) after it began is
answered 408 and closed (a connection that sent nothing is closed quietly). The threads thus
only ever run requests that are all there, and the parser reads them from the buffer. What it does not cover: a client that
reads its *response* slowly still holds a thread while the kernel's send buffer is full.
"""

from __future__ import annotations

import contextlib
import re
import selectors
import time
from functools import partial
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

# Seconds a request may take to arrive, from its connection (or, on a kept-alive connection,
# its first byte), unless the `request_timeout` setting says otherwise; generous for a real
# client sending a 1 MiB query on a slow link.
REQUEST_TIMEOUT = 10.0
# The largest body buffered before the app sees the request: the app's MAX_CONTENT_LENGTH
# (server/__init__.py). A longer declared body goes straight on, and the app answers 413.
BODY_LIMIT = 1024 * 1024
LAST_CHUNK = re.compile(rb"(?:^|\r\n)0+[ \t]*(?:;[^\r\n]*)?\r\n")
TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n"
    b"Content-Length: %d\r\n\r\n%b"
)


def head_limit(cfg: Any) -> int:
    """The most bytes a request head can have before gunicorn's parser refuses it (414, 431)."""
    line = cfg.limit_request_line or 8190
    fields = (cfg.limit_request_fields or 100) + 1
    return line + 2 + fields * ((cfg.limit_request_field_size or 8190) + 2) + 2


def arrived(data: bytes, limit: int) -> bool:
    """Whether `data` holds a whole request: its head, and the body the head announces.

    Anything the parser will refuse (a head over `limit`, a malformed length) counts as
    arrived, so that the parser sees it at once and answers with its error.
    """
    start = len(data) - len(data.lstrip(b"\r\n"))  # empty lines before a request are allowed
    end = data.find(b"\r\n\r\n", start)
    if end < 0:
        return len(data) - start > limit
    body = data[end + 4 :]
    lengths = []
    chunked = False
    for line in data[start:end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            lengths.append(value.strip())
        elif name == b"transfer-encoding":
            if not value.strip().lower().endswith(b"chunked"):
                return True  # a coding the parser refuses (501)
            chunked = True
        elif name == b"expect":
            return True  # the client waits for "100 Continue" before it sends the body
    if chunked:
        return len(body) > BODY_LIMIT or last_chunk_arrived(body)
    if len(lengths) != 1 or not lengths[0].isdigit() or int(lengths[0]) > BODY_LIMIT:
        return True  # no body, one the parser refuses (400) or one the app refuses (413)
    return len(body) >= int(lengths[0])


def last_chunk_arrived(body: bytes) -> bool:
    """Whether a chunked body holds its last (empty) chunk and the trailer section after it.

    Chunk data that happens to look like a last chunk only sends the request on early, where
    the thread reads the rest itself, as gthread always did.
    """
    last = LAST_CHUNK.search(body)
    if last is None:
        return False
    rest = body[last.end() :]
    return rest.startswith(b"\r\n") or b"\r\n\r\n" in rest


class _Arriving:
    """A connection whose request is still arriving."""

    def __init__(self, conn: Any, data: bytes, timeout: float) -> None:
        self.conn = conn
        self.data = bytearray(data)
        self.deadline = time.monotonic() + timeout


class BufferingThreadWorker(ThreadWorker):
    """gthread whose threads are handed only requests that have fully arrived."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arriving: dict[Any, _Arriving] = {}  # in order of deadline (all wait as long)
        self.head_limit = head_limit(self.cfg)
        settings = getattr(self.app, "settings", None)  # civicgraph serve's (server.serve)
        self.request_timeout = float(getattr(settings, "request_timeout", REQUEST_TIMEOUT))

    def enqueue_req(self, conn: Any) -> None:
        """Every way gunicorn has of giving a connection to a thread (a new connection, a
        kept-alive one that became readable, a request read ahead) comes here first."""
        data = conn.parser.unreader.take_buffered() if conn.parser is not None else b""
        waiting = _Arriving(conn, data, self.request_timeout)
        if data and arrived(data, self.head_limit):
            self._dispatch(waiting)
            return
        conn.sock.setblocking(False)
        self.arriving[conn] = waiting
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._readable, waiting))

    def _readable(self, waiting: _Arriving, sock: Any) -> None:
        try:
            chunk = sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:  # the client went away
            self._forget(waiting)
            self._close(waiting.conn)
            return
        waiting.data += chunk
        if arrived(bytes(waiting.data), self.head_limit):
            self._forget(waiting)
            self._dispatch(waiting)

    def _dispatch(self, waiting: _Arriving) -> None:
        conn = waiting.conn
        conn.civicgraph_request = bytes(waiting.data)
        conn.data_ready = True  # gthread's own wait for a first byte is over
        super().enqueue_req(conn)

    def handle(self, conn: Any) -> Any:
        """In a thread: put the buffered request where the parser reads first, then serve it."""
        data = conn.__dict__.pop("civicgraph_request", b"")
        if data:
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(data)
        return super().handle(conn)

    def _forget(self, waiting: _Arriving) -> None:
        del self.arriving[waiting.conn]
        with contextlib.suppress(OSError, KeyError, ValueError):
            self.poller.unregister(waiting.conn.sock)

    def _close(self, conn: Any) -> None:
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self) -> None:
        """Called once a second by gthread's loop: also answer 408 to requests past their time."""
        super().murder_pending()
        now = time.monotonic()
        while self.arriving:
            waiting = next(iter(self.arriving.values()))
            if waiting.deadline > now:
                break
            self._forget(waiting)
            if waiting.data:
                message = f"the request did not arrive within {self.request_timeout:g} s\n".encode()
                with contextlib.suppress(OSError):
                    waiting.conn.sock.send(TIMED_OUT % (len(message), message))
            self.log.debug("Closing a connection whose request did not arrive in time")
            self._close(waiting.conn)
