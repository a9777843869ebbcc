"""The store's update reads which lines two sorted files do not share (`sorted_difference`):
it passes over what they share a window at a time, so it is checked against sets of lines."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from graph import gz
from graph.oxstore import sorted_difference


def lines_of(rng: random.Random, count: int, width: int) -> set[bytes]:
    return {
        b'<https://kg.example.org/id/%s> <p> "%s" .\n'
        % (b"%05d" % rng.randrange(count * 3), b"x" * rng.randrange(width))
        for _ in range(count)
    }


@pytest.mark.parametrize("seed", range(40))
def test_sorted_difference_is_the_difference_of_the_sets_of_lines(
    tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    if seed % 2:  # files mapped into memory, as large ones are
        monkeypatch.setattr(gz, "MAPPED_FROM", 0)
    rng = random.Random(seed)
    shared = lines_of(rng, rng.choice([0, 5, 500, 5000]), rng.choice([1, 40, 400, 5000]))
    only_old = lines_of(rng, rng.choice([0, 1, 3, 300]), 60) - shared
    only_new = lines_of(rng, rng.choice([0, 1, 3, 300]), 60) - shared - only_old
    old, new = tmp_path / "old.nt", tmp_path / "new.nt"
    old.write_bytes(b"".join(sorted(shared | only_old)))
    new.write_bytes(b"".join(sorted(shared | only_new)))
    assert sorted_difference(old, new) == (sorted(only_old), sorted(only_new))


def test_lines_that_differ_only_at_their_ends(tmp_path: Path) -> None:
    """A line that is another's start (a prefix), and files that end with a shared run."""
    old, new = tmp_path / "old.nt", tmp_path / "new.nt"
    common = [b"<a%06d> <p> <o> .\n" % i for i in range(20000)]
    old.write_bytes(b"".join(sorted([b"<a> <p> <o> .\n", *common, b"<z> <p> <o> .\n"])))
    new.write_bytes(b"".join(sorted([b"<a> <p> <o> .\n", b"<a> <p> <o> .x\n", *common])))
    assert sorted_difference(old, new) == ([b"<z> <p> <o> .\n"], [b"<a> <p> <o> .x\n"])
    assert sorted_difference(old, old) == ([], [])
