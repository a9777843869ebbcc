"""The build's gzip copies: a dump's copy made of its chunks' deflate streams, each taken from
the last build's copy when the same bytes were compressed there, is one gzip member any
reader reads."""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from graph import gz
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


def keep(path: Path, folder: Path) -> Path:
    """A copy of the build's gzip copy, as the last build's."""
    folder.mkdir(exist_ok=True)
    return Path(shutil.copy(path.with_name(path.name + ".gz"), folder))


def streams(index: Path) -> set[str]:
    return {key for key, _, _ in json.loads(index.read_text())["chunks"]}


def test_a_copy_of_pieces_is_one_gzip_member_that_every_reader_reads(tmp_path: Path) -> None:
    rng = random.Random(1373)
    pieces = [*pieces_of(rng, 40), b""]  # an empty piece too
    dump = tmp_path / "dump.nq"
    sizes = write(dump, pieces)
    digests = write_gzip_of_pieces(dump, sizes, tmp_path / "index.json")
    packed = (tmp_path / "dump.nq.gz").read_bytes()
    assert digests == {
        str(dump): hashlib.sha256(dump.read_bytes()).hexdigest(),
        str(tmp_path / "dump.nq.gz"): hashlib.sha256(packed).hexdigest(),
    }
    assert gzip.decompress(packed) == dump.read_bytes()
    # one member: a reader that stops after the first (as HTTP clients do) reads it all
    reader = zlib.decompressobj(wbits=31)
    assert reader.decompress(packed) == dump.read_bytes() and reader.eof and not reader.unused_data
    if shutil.which("gzip"):
        assert subprocess.run(["gzip", "-t", str(tmp_path / "dump.nq.gz")]).returncode == 0
    assert len(streams(tmp_path / "index.json")) == sum(1 for p in pieces if p)
    # compressed, if less than the file whole (each piece starts without the others' words)
    whole = write_gzip(dump)
    assert whole[str(tmp_path / "dump.nq.gz")] != digests[str(tmp_path / "dump.nq.gz")]
    assert len(packed) < 1.25 * len((tmp_path / "dump.nq.gz").read_bytes()) < len(dump.read_bytes())


def test_unchanged_chunks_come_from_the_last_copy_and_a_changed_copy_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(7)
    pieces = pieces_of(rng, 20)
    dump, index = tmp_path / "dump.ttl", tmp_path / "index.json"
    write_gzip_of_pieces(dump, write(dump, pieces), index)
    last = keep(dump, tmp_path / "last")
    compressed: list[int] = []
    real = zlib.compressobj

    def counted(*args: object) -> object:
        compressed.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(zlib, "compressobj", counted)
    pieces[5] = b"<https://kg.example.org/id/changed> .\n"
    write_gzip_of_pieces(dump, write(dump, pieces), index, last)
    assert gzip.decompress((tmp_path / "dump.ttl.gz").read_bytes()) == dump.read_bytes()
    assert len(compressed) == 1  # only the changed piece
    # a last copy whose bytes are not those the index describes is not used
    last = keep(dump, tmp_path / "last")
    data = bytearray(last.read_bytes())
    data[len(data) // 2] ^= 0xFF
    last.write_bytes(bytes(data))
    compressed.clear()
    write_gzip_of_pieces(dump, write(dump, pieces), index, last)
    assert gzip.decompress((tmp_path / "dump.ttl.gz").read_bytes()) == dump.read_bytes()
    assert len(compressed) == len(pieces)


def test_pieces_that_do_not_cover_the_file_are_refused(tmp_path: Path) -> None:
    dump = tmp_path / "dump.nt"
    dump.write_bytes(b"<a> <b> <c> .\n")
    with pytest.raises(ValueError, match="pieces of 5 bytes for a file of 14"):
        write_gzip_of_pieces(dump, [5], tmp_path / "index.json")
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
    write_gzip_of_pieces(dump, [dump.stat().st_size], tmp_path / "index.json")
    assert old.read_bytes() == b"the last build's copy"
    assert gzip.decompress((tmp_path / "dump.nt.gz").read_bytes()) == dump.read_bytes()


@pytest.mark.parametrize("mapped", [False, True])
def test_a_large_piece_is_cut_where_its_content_says_so_an_edit_recompresses_little(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mapped: bool
) -> None:
    """A piece of megabytes (the inferred graph's, the union's) is compressed in chunks cut
    after a line's end: a line added or removed changes the chunks around it, not those after
    it."""
    if mapped:  # as a file of gigabytes is
        monkeypatch.setattr(gz, "MAPPED_FROM", 1)
    rng = random.Random(11)
    lines = sorted(
        b'<https://kg.example.org/id/%d> <p> "%s" .\n' % (i, b"w" * rng.randrange(10, 300))
        for i in range(40000)
    )
    dump, index = tmp_path / "graph.nt", tmp_path / "index.json"
    for edit in (lines[:100] + lines[101:], [*lines[:20000], b"<x> <p> <o> .\n", *lines[20000:]]):
        dump.write_bytes(b"".join(lines))
        write_gzip_of_pieces(dump, [dump.stat().st_size], index)
        first = streams(index)
        assert len(first) > 10  # cut into chunks
        last = keep(dump, tmp_path / "last")
        dump.write_bytes(b"".join(edit))
        write_gzip_of_pieces(dump, [dump.stat().st_size], index, last)
        assert gzip.decompress((tmp_path / "graph.nt.gz").read_bytes()) == dump.read_bytes()
        assert len(streams(index) - first) <= 3, (len(first), len(streams(index) - first))
