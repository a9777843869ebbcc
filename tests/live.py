"""Shared test helpers: copies of the inputs, and the real app served on a real port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import mutmut_bridge
import pytest
import requests
from flask import Flask
from werkzeug.serving import make_server

from graph.settings import PROJECT_ROOT, Settings, load_settings


def settings_for(build: Path, **values: Any) -> Settings:
    """Settings that serve `build`, with the environment left out."""
    return load_settings({"build": str(build), **values}, environ={})


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder all the test processes of this run share: the run's base temporary folder, or
    its parent when pytest-xdist runs the tests in several workers (each has its own base)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Holds an exclusive lock on the file `path` (made if need be): the first worker to get
    it makes what the others then find made."""
    import fcntl

    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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


@contextmanager
def recording_store() -> Iterator[tuple[str, list[str]]]:
    """A stand-in remote SPARQL store (for `store = "sparql+URL"`) on a free port: it answers
    every query with nothing (ASK: true) and records the text of each one it is sent.

    Yields (endpoint URL, the texts received so far)."""
    from werkzeug.wrappers import Request, Response

    received: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        text = request.values.get("query") or request.get_data(as_text=True)
        received.append(text)
        if "ASK" in text.upper().split("{", 1)[0]:
            body = '{"head": {}, "boolean": true}'
        else:
            body = '{"head": {"vars": []}, "results": {"bindings": []}}'
        response = Response(body, content_type="application/sparql-results+json")
        return response(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sparql", received
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def civicgraph_serve(build: Path, log: Path, *flags: str) -> Iterator[tuple[str, int]]:
    """`civicgraph serve` (gunicorn) on a free port; yields (base URL, master pid)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICGRAPH_")}
    command = [sys.executable, "-m", "graph.cli", "serve", "--build", str(build)]
    if hits := mutmut_bridge.hits_file():  # under `make mutate`: the same server, its calls seen
        command[1:3] = ["-c", mutmut_bridge.SERVE_BOOTSTRAP, hits]
    command += ["--port", str(port), *flags]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"civicgraph serve exited:\n{log.read_text(errors='replace')}")
            try:
                if requests.get(base + "/sparql", timeout=2).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or still loading
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"civicgraph serve did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert "Traceback" not in log.read_text(errors="replace")


@contextmanager
def listener() -> Iterator[tuple[str, socket.socket]]:
    """A local socket that records whether anything connected to it (nothing should)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    sock.setblocking(False)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/", sock
    finally:
        sock.close()


def nobody_connected(sock: socket.socket) -> bool:
    try:
        connection, _ = sock.accept()
    except BlockingIOError:
        return True
    connection.close()
    return False


def copy_inputs(root: Path, with_queries: bool = True) -> Settings:
    """A copy of the project's inputs (ontology, curated, corpus, queries) under `root`, to break
    at will, with settings that build into `root/build`."""
    import shutil

    names = ("ontology", "curated", "corpus", "queries")
    sources = {
        "ontology": PROJECT_ROOT / "ontology",
        "curated": PROJECT_ROOT / "graph" / "curated",
        "corpus": PROJECT_ROOT / "corpus",
        "queries": PROJECT_ROOT / "queries",
    }
    for name in names:
        if name != "queries" or with_queries:
            shutil.copytree(sources[name], root / name)
    return load_settings(
        {name: str(root / name) for name in names} | {"build": str(root / "build")}, environ={}
    )
