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
from collections.abc import Sequence
from pathlib import Path

LEVEL = 6
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


def write_gzip_of_pieces(path: Path, sizes: Sequence[int], cache: Path) -> list[str]:
    """`path.gz`, of the file's pieces of `sizes` bytes in turn (they cover it), each piece's
    deflate stream taken from `cache` when it holds one for the same bytes, else compressed
    and kept there. Returns the names in `cache` it used, for the caller to prune the rest."""
    data = memoryview(path.read_bytes())
    if sum(sizes) != len(data):
        raise ValueError(f"{path.name}: pieces of {sum(sizes)} bytes for a file of {len(data)}")
    try:
        known = {name.split(".")[0]: name for name in os.listdir(cache) if name.endswith(".z")}
    except OSError:
        known = {}
    used: list[str] = []
    target = path.with_name(path.name + ".gz")
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    with open(partial, "wb") as out:
        out.write(_HEADER)
        start = 0
        for size in sizes:
            piece = data[start : start + size]
            start += size
            if size:
                name, stream = _deflated(piece, cache, known)
                used.append(name)
                out.write(stream)
        out.write(_LAST)
        out.write(struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF))
    os.replace(partial, target)
    return used


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
