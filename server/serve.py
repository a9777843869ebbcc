"""`serve(settings)`: run the app under gunicorn (threaded workers), not the Flask dev server."""

from __future__ import annotations

import math
import os
import signal
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from graph.settings import Settings
from server import create_app
from server.errors import ServerStartError
from server.store import check_store, read_manifest
from server.worker import BufferingThreadWorker


class _GracefulArbiter(Arbiter):
    """Ctrl-C stops gracefully: workers finish the requests they hold (a second Ctrl-C is quick)."""

    def handle_int(self) -> None:
        raise StopIteration  # the main loop then halts with a graceful stop, as for SIGTERM


def _ignore_sigint(worker: Any) -> None:
    # Ctrl-C reaches the whole process group; the arbiter alone decides how workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class CivicgraphServer(BaseApplication):
    """gunicorn, configured from Settings; each worker creates the app once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        super().__init__(prog="civicgraph serve")

    def gunicorn_options(self) -> dict[str, Any]:
        host = str(self.settings.host)
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"  # an IPv6 address
        limit = math.ceil(float(self.settings.query_timeout))
        # The worker model. gthread: each gunicorn worker serves `threads` requests at once, so
        # a long query holds one thread, not the server. The threads never run a query
        # themselves: each worker's app owns a pool of query processes (server.pool), forked
        # once the dataset is loaded, and a thread only waits for its answer — up to the time
        # limit, after which that process is killed and replaced and the client gets 503. So
        # the limit holds even for work that never yields (a catastrophic regex in C code),
        # other clients go on being served meanwhile, and queries run in parallel across cores
        # instead of taking turns on one GIL. (sync workers would serve one client at a time;
        # gevent/eventlet cannot preempt CPU-bound Python; gunicorn's own `timeout` kills a
        # whole worker, every client with it.)
        # Slow clients: plain gthread gives a connection to a thread at its first byte, and the
        # thread then blocks reading the rest with no deadline, so `threads` clients trickling
        # their headers a byte a second stall the server (tests/test_slow_clients.py; more
        # threads or a per-read timeout only move the bar, each byte comes in time). Our
        # subclass (server.worker) reads requests in the worker's event loop and hands a thread
        # only one that has fully arrived (head and body); one not in within `request_timeout` (10 s)
        # gets a 408.
        return {
            "bind": f"{host}:{self.settings.port}",
            "worker_class": BufferingThreadWorker,
            "workers": self.settings.workers,
            "threads": self.settings.threads,
            # Enough for a query at the time limit to finish before a worker is stopped.
            "graceful_timeout": limit + 5,
            "timeout": max(30, limit + 10),
            "control_socket_disable": True,
            "limit_request_line": 8190,  # the most gunicorn allows: room for long GET queries
            "proc_name": "civicgraph",
            "post_worker_init": _ignore_sigint,
        }

    def load_config(self) -> None:
        for key, value in self.gunicorn_options().items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return create_app(self.settings)

    def run(self) -> None:
        _GracefulArbiter(self).run()


def serve(settings: Settings) -> None:
    """Serve `settings.build_dir` until Ctrl-C or SIGTERM; `ServerStartError` if it cannot."""
    # Clear errors here, before any worker starts.
    check_store(settings, read_manifest(settings.build_dir))
    master = os.getpid()
    try:
        CivicgraphServer(settings).run()
    except SystemExit as exc:
        if os.getpid() != master:
            raise  # a forked worker leaving: it must exit, not return into the caller's code
        if exc.code not in (0, None):
            raise ServerStartError(
                f"the server stopped with status {exc.code}; its log above says why"
            ) from None
    except RuntimeError as exc:  # gunicorn's way of saying it cannot bind, for example
        raise ServerStartError(str(exc)) from None
