"""The build's gzip copies: a dump's copy made of its pieces' deflate streams, each taken from
a cache when the same bytes were compressed before, is one gzip member any reader reads."""

from __future__ import annotations

import gzip
import hashlib
import random
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from graph.gz import write_gzip, write_gzip_of_pieces


def pieces_of(rng: random.Random, count: int) -> list[bytes]:
    words = [b"<https://kg.example.org/id/%d>" % i for i in range(50)] + [
        b" ",
        b" .\n",
        b"\xe2\x80\x9c",
    ]
    return [
        b"".join(rng.choice(words) for _ in range(rng.randrange(0, 3000))) for _ in range(count)
    ]


def write(path: Path, pieces: list[bytes]) -> list[int]:
    path.write_bytes(b"".join(pieces))
    return [len(p) for p in pieces]


def test_a_copy_of_pieces_is_one_gzip_member_that_every_reader_reads(tmp_path: Path) -> None:
    rng = random.Random(1373)
    pieces = [*pieces_of(rng, 40), b""]  # an empty piece too
    dump = tmp_path / "dump.nq"
    sizes = write(dump, pieces)
    done = write_gzip_of_pieces(dump, sizes, tmp_path / "cache")
    used = done.used
    packed = (tmp_path / "dump.nq.gz").read_bytes()
    assert done.sha256 == {
        str(dump): hashlib.sha256(dump.read_bytes()).hexdigest(),
        str(tmp_path / "dump.nq.gz"): hashlib.sha256(packed).hexdigest(),
    }
    assert gzip.decompress(packed) == dump.read_bytes()
    # one member: a reader that stops after the first (as HTTP clients do) reads it all
    reader = zlib.decompressobj(wbits=31)
    assert reader.decompress(packed) == dump.read_bytes() and reader.eof and not reader.unused_data
    if shutil.which("gzip"):
        assert subprocess.run(["gzip", "-t", str(tmp_path / "dump.nq.gz")]).returncode == 0
    assert len(used) == sum(1 for p in pieces if p)
    # compressed, if less than the file whole (each piece starts without the others' words)
    write_gzip(dump)
    assert len(packed) < 1.25 * len((tmp_path / "dump.nq.gz").read_bytes()) < len(dump.read_bytes())


def test_unchanged_pieces_come_from_the_cache_and_a_damaged_one_is_compressed_again(
    tmp_path: Path,
) -> None:
    rng = random.Random(7)
    pieces = pieces_of(rng, 20)
    dump = tmp_path / "dump.ttl"
    cache = tmp_path / "cache"
    first = write_gzip_of_pieces(dump, write(dump, pieces), cache).used
    stamps = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    pieces[5] = b"<https://kg.example.org/id/changed> .\n"
    second = write_gzip_of_pieces(dump, write(dump, pieces), cache).used
    assert gzip.decompress((tmp_path / "dump.ttl.gz").read_bytes()) == dump.read_bytes()
    new = set(second) - set(first)
    assert len(new) == 1  # only the changed piece was compressed
    assert all(
        (cache / name).stat().st_mtime_ns == stamps[name] for name in second if name not in new
    )
    # a kept stream whose bytes changed is not used: its hash is in its name
    damaged = cache / second[0]
    damaged.write_bytes(damaged.read_bytes()[:-3] + b"\x00\x00\x00")
    write_gzip_of_pieces(dump, write(dump, pieces), cache)
    assert gzip.decompress((tmp_path / "dump.ttl.gz").read_bytes()) == dump.read_bytes()


def test_pieces_that_do_not_cover_the_file_are_refused(tmp_path: Path) -> None:
    dump = tmp_path / "dump.nt"
    dump.write_bytes(b"<a> <b> <c> .\n")
    with pytest.raises(ValueError, match="pieces of 5 bytes for a file of 14"):
        write_gzip_of_pieces(dump, [5], tmp_path / "cache")
    assert not (tmp_path / "dump.nt.gz").exists()


def test_a_gzip_copy_replaces_the_file_it_finds_and_never_writes_into_it(tmp_path: Path) -> None:
    """A rebuild links files from the last build: writing a copy must not change the last
    build's file through the link."""
    dump = tmp_path / "dump.nt"
    dump.write_bytes(b"<a> <b> <c> .\n")
    old = tmp_path / "old.gz"
    old.write_bytes(b"the last build's copy")
    (tmp_path / "dump.nt.gz").hardlink_to(old)
    write_gzip(dump)
    assert old.read_bytes() == b"the last build's copy"
    (tmp_path / "dump.nt.gz").unlink()
    (tmp_path / "dump.nt.gz").hardlink_to(old)
    write_gzip_of_pieces(dump, [dump.stat().st_size], tmp_path / "cache")
    assert old.read_bytes() == b"the last build's copy"
    assert gzip.decompress((tmp_path / "dump.nt.gz").read_bytes()) == dump.read_bytes()


def test_a_large_piece_is_cut_where_its_content_says_so_an_edit_recompresses_little(
    tmp_path: Path,
) -> None:
    """A piece of megabytes (the inferred graph's, the union's) is compressed in chunks cut
    after a line's end: a line added or removed changes the chunks around it, not those after
    it."""
    rng = random.Random(11)
    lines = sorted(
        b'<https://kg.example.org/id/%d> <p> "%s" .\n' % (i, b"w" * rng.randrange(10, 300))
        for i in range(40000)
    )
    dump, cache = tmp_path / "graph.nt", tmp_path / "cache"
    dump.write_bytes(b"".join(lines))
    first = write_gzip_of_pieces(dump, [dump.stat().st_size], cache).used
    assert len(first) > 10  # cut into chunks
    for edit in (lines[:100] + lines[101:], [*lines[:20000], b"<x> <p> <o> .\n", *lines[20000:]]):
        dump.write_bytes(b"".join(edit))
        again = write_gzip_of_pieces(dump, [dump.stat().st_size], cache).used
        assert gzip.decompress((tmp_path / "graph.nt.gz").read_bytes()) == dump.read_bytes()
        assert len(set(again) - set(first)) <= 3, (len(first), len(set(again) - set(first)))
