"""The build's gzip copies, in a module of its own: the worker processes that compress them
import only this. Processes, not threads, so that no compressing thread competes with the
build's own thread for the interpreter's lock (taken back after every compressed block).

A large dump is made of pieces, one per named graph, most of them the same in a rebuild. Its
copy is then one gzip member whose deflate stream is each piece's own stream in turn (each
begun afresh and ended on a byte boundary, not as the last block, as pigz does), so a piece
compressed before is taken from a cache by the hash of its bytes. Any gzip reader reads it as
one stream; it is a few percent larger than compressing the file whole.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import struct
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

LEVEL = 6
CHUNK = 1 << 18  # bytes: the least a large piece is cut into (`_chunks`)
WINDOW = 1 << 13  # bytes after that, where the cut is chosen
# magic, deflate, no flags, mtime 0, no extra flags, OS unknown: as gzip.GzipFile writes them
_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_LAST = b"\x03\x00"  # an empty final block (fixed Huffman codes): the stream's end


def write_gzip(path: Path) -> None:
    """`path.gz`, whose bytes depend on the content alone (no name, mtime 0)."""
    target = path.with_name(path.name + ".gz")
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    with (
        open(partial, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=LEVEL) as gz,
        open(path, "rb") as source,
    ):
        shutil.copyfileobj(source, gz, 1 << 20)
    os.replace(partial, target)  # a new file: never one linked from another build


class Compressed(NamedTuple):
    """What `write_gzip_of_pieces` did: the names in the cache it used (for the caller to prune
    the rest), and the sha256 of the file and of its gzip copy, by path (for the manifest)."""

    used: list[str]
    sha256: dict[str, str]


def write_gzip_of_pieces(path: Path, sizes: Sequence[int], cache: Path) -> Compressed:
    """`path.gz`, of the file's pieces of `sizes` bytes in turn (they cover it), each piece's
    deflate stream taken from `cache` when it holds one for the same bytes, else compressed
    and kept there (a large piece in chunks, `_chunks`)."""
    raw = path.read_bytes()
    data = memoryview(raw)
    if sum(sizes) != len(data):
        raise ValueError(f"{path.name}: pieces of {sum(sizes)} bytes for a file of {len(data)}")
    separator = b',{"@id"' if path.suffix == ".jsonld" else b"\n"
    try:
        known = {name.split(".")[0]: name for name in os.listdir(cache) if name.endswith(".z")}
    except OSError:
        known = {}
    used: list[str] = []
    target = path.with_name(path.name + ".gz")
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    packed = hashlib.sha256()
    with open(partial, "wb") as file:
        out = _Hashing(file, packed)
        out.write(_HEADER)
        start = 0
        for size in sizes:
            for begin, end in _chunks(raw, start, start + size, separator):
                name, stream = _deflated(data[begin:end], cache, known)
                used.append(name)
                out.write(stream)
            start += size
        out.write(_LAST)
        out.write(struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF))
    os.replace(partial, target)
    return Compressed(
        used, {str(path): hashlib.sha256(data).hexdigest(), str(target): packed.hexdigest()}
    )


class _Hashing:
    """A file being written, and the hash of what was written to it."""

    def __init__(self, file: BinaryIO, digest: Any) -> None:
        self.file, self.digest = file, digest

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.digest.update(data)


def _chunks(data: bytes, start: int, end: int, separator: bytes) -> Iterator[tuple[int, int]]:
    """A piece of `data` (start to end) cut where its content says: after one of the
    separators in a window CHUNK bytes after the last cut, the one whose next bytes hash
    lowest. After an edit, a cut lands where it landed before as soon as a window holds the
    same lowest separator as before (most windows do, a line's shift being small beside a
    window), so the chunks after the edit are the same and a large piece that changed a
    little (the inferred graph's, the union's) is mostly taken from the cache."""
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


def _deflated(piece: memoryview, cache: Path, known: dict[str, str]) -> tuple[str, bytes]:
    """A piece's deflate stream, ended by a sync flush (so another can follow it), and its
    name in `cache`: the hash of the piece, the library's version and the level, then the hash
    of the stream itself, checked when it is read back."""
    digest = hashlib.sha256(f"zlib {zlib.ZLIB_RUNTIME_VERSION} level {LEVEL}\n".encode())
    digest.update(piece)
    key = digest.hexdigest()[:32]
    name = known.get(key)
    if name is not None:
        try:
            stream = (cache / name).read_bytes()
            if hashlib.sha256(stream).hexdigest()[:16] == name.split(".")[1]:
                return name, stream
        except (OSError, IndexError):
            pass  # gone or damaged: compressed again
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    stream = compressor.compress(piece) + compressor.flush(zlib.Z_SYNC_FLUSH)
    name = f"{key}.{hashlib.sha256(stream).hexdigest()[:16]}.z"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        partial = cache / f"{name}.{os.getpid()}.part"
        partial.write_bytes(stream)
        os.replace(partial, cache / name)
    except OSError:  # a full disk, say: the cache is an aid
        pass
    return name, stream
