"""The build's Oxigraph store: the dataset loaded into an on-disk pyoxigraph (RocksDB) folder.

The build writes it once, next to the files it was loaded from; the server opens it read-only
(`open_read_only`), one handle per process. RocksDB's files are not byte-for-byte reproducible,
so the manifest records the store's quad count instead of hashes, and the server checks it.
"""

from __future__ import annotations

import io
import json
import logging
import mmap
import shutil
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph

from graph.gz import file_bytes

log = logging.getLogger("civicgraph.store")

STORE_DIR = "oxigraph"
LAYOUT = 3  # 3: the union of the named graphs is the default graph


def write_store(
    folder: Path,
    nquads: Path,
    union: Path,
    previous: Path | None = None,
    expected: int | None = None,
    graphs: list[dict[str, Any]] | None = None,
) -> dict[str, object]:
    """Load the build into `folder / STORE_DIR`; the manifest's entry for the store.

    `nquads` gives the named graphs, `union` (N-Triples: every distinct triple of them) the
    default graph. A query without FROM then reads each triple once, as SPARQL's RDF merge
    says (Oxigraph's own "default graph as union" repeats a triple two graphs hold). Both
    files go in as one document, so that a blank node is the same node in the default graph
    and in its named graph (Oxigraph gives the blank nodes of each document fresh names).

    With `previous` (the last build's folder, with the same two files and its store),
    `expected` (the lines of the two files: the quads the store must hold) and `graphs` (the
    manifest's entries of the named graphs, which place each one's block of `nquads`), the
    store is that store, copied (RocksDB hard-links its immutable files), with what changed
    removed and added, when that can be done exactly and ends with `expected` quads; else it
    is loaded whole.
    """
    path = folder / STORE_DIR
    if previous is not None and expected is not None and graphs is not None:
        try:
            entry = _update(path, previous, nquads, union, expected, graphs)
        except Unsuitable as why:
            log.info("store loaded whole: %s", why)
            shutil.rmtree(path, ignore_errors=True)
        else:
            return entry
    store = pyoxigraph.Store(str(path))
    with open(nquads, "rb") as first, open(union, "rb") as second:
        document = io.BufferedReader(_Concatenation([first, second]), 1 << 20)
        store.bulk_load(input=document, format=pyoxigraph.RdfFormat.N_QUADS)
    store.optimize()
    return _close(store)


class Unsuitable(Exception):
    """The last build's store cannot be brought up to date exactly (a reason in words)."""


def _entry(quads: int) -> dict[str, object]:
    engine = f"pyoxigraph {pyoxigraph.__version__}"
    return {"path": STORE_DIR, "quads": quads, "engine": engine, "layout": LAYOUT}


def _close(store: pyoxigraph.Store, expected: int | None = None) -> dict[str, object]:
    quads = len(store)
    store.flush()
    del store  # closes RocksDB before the folder is renamed into place
    if expected is not None and quads != expected:
        raise Unsuitable(f"the store holds {quads} quads, the files {expected}")
    return _entry(quads)


def _update(
    path: Path,
    previous: Path,
    nquads: Path,
    union: Path,
    expected: int,
    graphs: list[dict[str, Any]],
) -> dict[str, object]:
    """The previous build's store, copied to `path` and brought up to date: each named graph
    whose lines changed by the difference of its blocks of the two N-Quads files, the default
    graph by the difference of the two union files."""
    try:
        manifest = json.loads((previous / "manifest.json").read_text(encoding="utf-8"))
        entry = manifest["stores"]["oxigraph"]
        before = {g["iri"]: g for g in manifest["graphs"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise Unsuitable(f"no usable manifest in {previous}: {exc}") from None
    if {k: entry.get(k) for k in ("engine", "layout")} != {
        k: _entry(0)[k] for k in ("engine", "layout")
    }:
        raise Unsuitable("the last build's store was written by another version")
    removed: list[bytes] = []
    added: list[bytes] = []
    now = {g["iri"]: g for g in graphs}
    for iri in sorted(now.keys() | before.keys()):
        new, old = now.get(iri), before.get(iri)
        if new and old and new.get("lines_sha256") == old.get("lines_sha256"):
            continue
        gone, come = difference(
            _block(previous / nquads.name, old) if old else b"", _block(nquads, new) if new else b""
        )
        removed += gone
        added += come
    union_removed, union_added = sorted_difference(previous / union.name, union)
    changes = [
        (removed, added, pyoxigraph.RdfFormat.N_QUADS),
        (union_removed, union_added, pyoxigraph.RdfFormat.N_TRIPLES),
    ]
    if any(b"_:" in line for change in changes for line in (*change[0], *change[1])):
        raise Unsuitable("a blank node changed (they are named afresh on every load)")
    try:
        pyoxigraph.Store.read_only(str(previous / STORE_DIR)).backup(str(path))
        store = pyoxigraph.Store(str(path))
    except OSError as exc:
        raise Unsuitable(f"cannot copy the last build's store: {exc}") from None
    for gone, come, fmt in changes:
        for quad in pyoxigraph.parse(b"".join(gone), format=fmt):
            store.remove(quad)
        store.extend(pyoxigraph.parse(b"".join(come), format=fmt))
    log.info("store: the last build's, %d quads removed and %d added",
             sum(len(c[0]) for c in changes), sum(len(c[1]) for c in changes))  # fmt: skip
    return _close(store, expected)


def _block(nquads: Path, graph: dict[str, Any]) -> bytes:
    """The lines of a graph's block of an N-Quads file, as the manifest's entry places it."""
    try:
        offset, size = graph["pieces"]["dataset.nq"]
        with open(nquads, "rb") as source:
            source.seek(offset)
            block = source.read(size)
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise Unsuitable(f"cannot read {graph.get('iri')}'s lines in {nquads}: {exc!r}") from None
    if len(block) != size or (block and not block.endswith(b"\n")):
        raise Unsuitable(f"{nquads} does not hold {graph.get('iri')}'s lines where expected")
    return block


def sorted_difference(old: Path, new: Path) -> tuple[list[bytes], list[bytes]]:
    """`difference` of two files."""
    try:
        with file_bytes(old) as a, file_bytes(new) as b:
            return difference(a, b)
    except (OSError, ValueError) as exc:
        raise Unsuitable(f"cannot read the last build's files: {exc}") from None


def difference(a: bytes | mmap.mmap, b: bytes | mmap.mmap) -> tuple[list[bytes], list[bytes]]:
    """(lines only in `a`, lines only in `b`), each ending in a newline, of two texts whose
    lines are sorted (by code point: the order of their UTF-8 bytes) and distinct: the union's
    N-Triples, or a graph's block of N-Quads (whose lines, all ending in the same " <graph>
    .", are in the order of its N-Triples). Runs of bytes the two share are passed over a
    window at a time (a rebuild changes a few lines of hundreds of thousands); the lines where
    they differ are merged one by one."""
    removed: list[bytes] = []
    added: list[bytes] = []
    i = j = 0  # each at the start of a line
    while i < len(a) or j < len(b):
        moved = 0
        for window in (1 << 16, 1 << 12, 1 << 8):
            while a[i + moved : i + moved + window] == b[j + moved : j + moved + window]:
                if i + moved + window >= len(a) and j + moved + window >= len(b):
                    return removed, added  # both ended together
                moved += window
        if moved:  # back to the start of the line the shared bytes end in
            last = a.rfind(b"\n", i, i + moved)
            if last >= 0:
                i, j = last + 1, j + (last + 1 - i)
        line_a = a[i : a.find(b"\n", i) + 1 or len(a)] if i < len(a) else b""
        line_b = b[j : b.find(b"\n", j) + 1 or len(b)] if j < len(b) else b""
        if line_a and (not line_b or line_a < line_b):
            removed.append(line_a)
            i += len(line_a)
        elif line_b and (not line_a or line_b < line_a):
            added.append(line_b)
            j += len(line_b)
        else:
            i, j = i + len(line_a), j + len(line_b)
    return removed, added


class _Concatenation(io.RawIOBase):
    """Several binary files read as one, one after the other (each ends with a newline)."""

    def __init__(self, files: list[BinaryIO]) -> None:
        super().__init__()
        self.files = files

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self.files:
            count = self.files[0].readinto(buffer)  # type: ignore[attr-defined]
            if count:
                return int(count)
            self.files.pop(0)
        return 0


def open_read_only(path: Path) -> pyoxigraph.Store:
    """Open a build's store for reading (several processes may hold it at once)."""
    return pyoxigraph.Store.read_only(str(path))
