"""The server that the build's worker processes are forked from, started early.

multiprocessing's forkserver is a process started once, from which every worker of a
ProcessPoolExecutor with the "forkserver" context is forked: the workers never inherit the
threads of a running server or test, as a plain fork would. Started at once with spaCy and its
model loaded in it (graph/extraction/model.py), while the build reads its inputs, every
extraction worker begins with them in memory: loading them takes a worker over a second,
which a rebuild that extracts one article would wait for. This module imports nothing else,
so that the command line can start the server before its own imports.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver

PRELOAD = ["graph.extraction.model"]


def start_worker_server() -> None:
    """Start the forkserver, with PRELOAD imported in it; nothing once it runs."""
    multiprocessing.set_forkserver_preload(PRELOAD)
    multiprocessing.forkserver.ensure_running()
