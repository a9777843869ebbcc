"""The build's gzip copies, in a module of its own: the worker processes that compress them
import only this. Processes, not threads, so that no compressing thread competes with the
build's own thread for the interpreter's lock (taken back after every compressed block)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path


def write_gzip(path: Path) -> None:
    """`path.gz`, whose bytes depend on the content alone (no name, mtime 0)."""
    with (
        open(path.with_name(path.name + ".gz"), "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
        open(path, "rb") as source,
    ):
        shutil.copyfileobj(source, gz, 1 << 20)
