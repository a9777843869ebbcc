"""Serving the real app on a real port for the tests that talk to it over HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from graph.settings import Settings, load_settings


def settings_for(build: Path, **values: Any) -> Settings:
    """Settings that serve `build`, with the environment left out."""
    return load_settings({"build": str(build), **values}, environ={})


@contextmanager
def running(app: Flask) -> Iterator[str]:
    """Serve `app` on a free port in a thread; yields the base URL, then stops it all."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        app.extensions["civicgraph"].close()  # the build's query worker processes
