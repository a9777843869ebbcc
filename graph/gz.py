"""The build's gzip copies, in a module of its own: the worker processes that compress them
import only this. Processes, not threads, so that no compressing thread competes with the
build's own thread for the interpreter's lock (taken back after every compressed block).

A dump of the whole dataset is made of pieces, one per named graph, most of them the same in a
rebuild. Its copy is one gzip member whose deflate stream is each chunk's own stream in turn
(each begun afresh and ended on a byte boundary, not as the last block, as pigz does): a
piece, or a part of a large piece cut where its content says (`_chunks`). An index kept in the
build's cache says where each chunk's stream is in the copy, by the hash of the chunk's bytes,
so a rebuild takes the streams of the chunks that did not change from the last build's copy.
Any gzip reader reads the copy as one stream; it is a few percent larger than the file
compressed whole.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import mmap
import os
import shutil
import struct
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

LEVEL = 6
CHUNK = 1 << 18  # bytes: the least a large piece is cut into (`_chunks`)
WINDOW = 1 << 13  # bytes after that, where the cut is chosen
MAPPED_FROM = 1 << 28  # bytes: a larger file is mapped into memory, not read whole
# magic, deflate, no flags, mtime 0, no extra flags, OS unknown: as gzip.GzipFile writes them
_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_LAST = b"\x03\x00"  # an empty final block (fixed Huffman codes): the stream's end
_VERSION = f"zlib {zlib.ZLIB_RUNTIME_VERSION} level {LEVEL}\n".encode()

Digests = dict[str, str]  # the sha256 of files, by path


def write_gzip(path: Path) -> Digests:
    """`path.gz`, whose bytes depend on the content alone (no name, mtime 0); the sha256 of
    the file and of its copy."""
    target = path.with_name(path.name + ".gz")
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    with (
        open(partial, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=LEVEL) as gz,
        open(path, "rb") as source,
    ):
        plain = hashlib.file_digest(source, "sha256")
        source.seek(0)
        shutil.copyfileobj(source, gz, 1 << 20)
    os.replace(partial, target)  # a new file: never one linked from another build
    with open(target, "rb") as packed:
        copy = hashlib.file_digest(packed, "sha256")
    return {str(path): plain.hexdigest(), str(target): copy.hexdigest()}


def write_gzip_of_pieces(
    path: Path, sizes: Sequence[int], index: Path, last: Path | None = None
) -> Digests:
    """`path.gz`, of the file's pieces of `sizes` bytes in turn (they cover it), each chunk's
    deflate stream taken from `last` (the last build's copy of the same dump) where `index`
    places one for the same bytes, else compressed. Writes the copy's own index to `index`;
    returns the sha256 of the file and of its copy."""
    with file_bytes(path) as raw:
        return _write_gzip_of_pieces(path, raw, sizes, index, last)


@contextmanager
def file_bytes(path: Path) -> Iterator[bytes | mmap.mmap]:
    """A file's bytes: read whole, or, from MAPPED_FROM bytes, mapped into memory (read as
    they are used; slower to go through, but not held twice)."""
    with open(path, "rb") as source:
        size = os.fstat(source.fileno()).st_size
        if size < MAPPED_FROM or size == 0:  # (an empty file cannot be mapped)
            yield source.read()
            return
        with mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            yield mapped


def _write_gzip_of_pieces(
    path: Path, raw: bytes | mmap.mmap, sizes: Sequence[int], index: Path, last: Path | None
) -> Digests:
    if sum(sizes) != len(raw):
        raise ValueError(f"{path.name}: pieces of {sum(sizes)} bytes for a file of {len(raw)}")
    known = _indexed(index, last)
    separator = b',{"@id"' if path.suffix == ".jsonld" else b"\n"
    target = path.with_name(path.name + ".gz")
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    packed = hashlib.sha256()
    chunks: list[tuple[str, int, int]] = []  # (key, where its stream is in the copy, bytes)
    position = 0
    with open(partial, "wb") as out:

        def put(data: bytes) -> None:
            nonlocal position
            out.write(data)
            packed.update(data)
            position += len(data)

        put(_HEADER)
        view = memoryview(raw)
        start = 0
        for size in sizes:
            for begin, end in _chunks(raw, start, start + size, separator):
                digest = hashlib.sha256(_VERSION)
                digest.update(view[begin:end])
                key = digest.hexdigest()[:32]
                stream = known.get(key)
                if stream is None:
                    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
                    stream = compressor.compress(view[begin:end])
                    stream += compressor.flush(zlib.Z_SYNC_FLUSH)
                chunks.append((key, position, len(stream)))
                put(stream)
            start += size
        put(_LAST)
        put(struct.pack("<II", zlib.crc32(raw), len(raw) & 0xFFFFFFFF))
    os.replace(partial, target)
    _write_index(index, packed.hexdigest(), chunks)
    return {str(path): hashlib.sha256(raw).hexdigest(), str(target): packed.hexdigest()}


def _indexed(index: Path, last: Path | None) -> dict[str, bytes]:
    """The streams of the chunks of `last` by key, if `index` describes it (by its hash)."""
    if last is None:
        return {}
    try:
        entry = json.loads(index.read_text(encoding="utf-8"))
        data = last.read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            return {}
        return {key: data[at : at + size] for key, at, size in entry["chunks"]}
    except (OSError, ValueError, KeyError, TypeError):  # gone or damaged: compressed afresh
        return {}


def _write_index(index: Path, sha256: str, chunks: list[tuple[str, int, int]]) -> None:
    try:
        index.parent.mkdir(parents=True, exist_ok=True)
        partial = index.with_name(f"{index.name}.{os.getpid()}.part")
        partial.write_text(json.dumps({"sha256": sha256, "chunks": chunks}), encoding="utf-8")
        os.replace(partial, index)
    except OSError:  # a full disk, say: the index is an aid
        pass


def _chunks(
    data: bytes | mmap.mmap, start: int, end: int, separator: bytes
) -> Iterator[tuple[int, int]]:
    """A piece of `data` (start to end) cut where its content says: after one of the
    separators in a window CHUNK bytes after the last cut, the one whose next bytes hash
    lowest. After an edit, a cut lands where it landed before as soon as a window holds the
    same lowest separator as before (most windows do, a line's shift being small beside a
    window), so the chunks after the edit are the same and a large piece that changed a
    little (the inferred graph's, the union's) is mostly taken from the last build's copy."""
    while end - start > 2 * CHUNK:
        lowest: tuple[int, int] | None = None
        stop = min(start + CHUNK + WINDOW, end - CHUNK)
        at = data.find(separator, start + CHUNK, stop)
        while at >= 0:
            at += len(separator)
            mark = zlib.crc32(data[at : at + 32])
            if lowest is None or mark < lowest[0]:
                lowest = (mark, at)
            at = data.find(separator, at, stop)
        if lowest is None:
            break
        yield start, lowest[1]
        start = lowest[1]
    if end > start:
        yield start, end
