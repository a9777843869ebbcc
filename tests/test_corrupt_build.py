"""`civicgraph serve` refuses a corrupt or partial build: exit 1 and one line naming the file.

Each case breaks a copy of a real build the way a failed copy, a full disk or a hand edit would,
then runs the real command; tests/test_server.py covers the same for `create_app` on small
hand-made builds (missing files, a manifest that is not JSON, a dataset that is not TriG).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from server.store import _sha256

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x20  # same size, other content
    path.write_bytes(bytes(data))


def rewrite_manifest(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        change(manifest)
        path.write_text(json.dumps(manifest), encoding="utf-8")

    return apply


# name: (file to break, how, what the one line must say)
BREAKS: dict[str, tuple[str, Callable[[Path], None], str]] = {
    "truncated dataset.trig": ("dataset.trig", truncate, "dataset.trig has"),
    "dataset.trig changed, same size": ("dataset.trig", flip_a_byte, "does not match"),
    "a download changed": ("graph.nt", flip_a_byte, "graph.nt: its sha256"),
    "a named graph's file missing": ("graphs/inferred.ttl", Path.unlink, "inferred.ttl is missing"),
    "a gzip copy missing": ("graph.ttl.gz", Path.unlink, "graph.ttl.gz is missing"),
    "dataset.trig missing": ("dataset.trig", Path.unlink, "dataset.trig is missing"),
    "manifest.json missing": ("manifest.json", Path.unlink, "manifest.json is missing"),
    "manifest.json truncated": ("manifest.json", truncate, "manifest.json"),
    "a wrong hash in the manifest": (
        "manifest.json",
        rewrite_manifest(lambda m: m["files"]["graph.ttl"].update(sha256="0" * 64)),
        "graph.ttl: its sha256",
    ),
    "the manifest names a file outside": (
        "manifest.json",
        rewrite_manifest(lambda m: m["files"].update({"../../etc/passwd": {}})),
        "outside the build folder",
    ),
}


def break_copy(build_dir: Path, folder: Path, name: str) -> Path:
    copy = folder / "build"
    shutil.copytree(build_dir.resolve(), copy)
    relative, how, _ = BREAKS[name]
    how(copy / relative)
    return copy


def civicgraph_serve(build: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICGRAPH_")}
    command = [sys.executable, "-m", "graph.cli", "serve", "--build", str(build)]
    command += ["--port", str(free_port()), *flags]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", list(BREAKS))
def test_serve_refuses_a_broken_build_in_one_line(
    build_dir: Path, tmp_path: Path, name: str
) -> None:
    done = civicgraph_serve(break_copy(build_dir, tmp_path, name))
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr  # one line, no traceback, no gunicorn start-up
    assert lines[0].startswith("civicgraph serve: "), lines
    assert BREAKS[name][2] in lines[0], lines[0]
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_dataset_the_manifest_does_not_vouch_for_fails_in_the_worker(
    build_dir: Path, tmp_path: Path
) -> None:
    """Only a forged manifest gets an unparsable dataset.trig past the hash check.

    The TriG is parsed in each gunicorn worker (not twice), so this exits 1 with gunicorn's log
    of the worker's failure above the last line, not in one line.
    """
    copy = tmp_path / "build"
    shutil.copytree(build_dir.resolve(), copy)
    (copy / "dataset.trig").write_text("<a> { this is not trig", encoding="utf-8")
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    del manifest["files"]["dataset.trig"]
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    done = civicgraph_serve(copy, "--store", "memory")  # the store that reads dataset.trig
    assert done.returncode == 1
    assert f"cannot parse {copy / 'dataset.trig'}" in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("civicgraph serve: ")


def test_an_intact_copy_is_served(build_dir: Path, tmp_path: Path) -> None:
    from live import settings_for

    from server import create_app

    copy = tmp_path / "build"
    shutil.copytree(build_dir.resolve(), copy)
    create_app(settings_for(copy)).extensions["civicgraph"].close()


def test_a_missing_oxigraph_store_is_refused_in_one_line(build_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "build"
    shutil.copytree(build_dir.resolve(), copy)
    shutil.rmtree(copy / "oxigraph")
    done = civicgraph_serve(copy)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"{copy / 'oxigraph'} is missing or not a store" in lines[0]


def test_an_oxigraph_store_that_is_not_what_the_build_wrote_is_refused(
    build_dir: Path, tmp_path: Path
) -> None:
    """A store with other content than the manifest records (a partial copy, say)."""
    copy = tmp_path / "build"
    shutil.copytree(build_dir.resolve(), copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    # manifest.json is not among the hashed files, so only the store's record disagrees.
    manifest["stores"]["oxigraph"]["quads"] += 1
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    done = civicgraph_serve(copy)
    assert done.returncode == 1, done.stderr
    assert "quads, manifest.json says" in done.stderr.strip().splitlines()[-1]


def test_a_file_changed_after_it_was_hashed_is_hashed_again(tmp_path: Path) -> None:
    """Hashes are remembered (the workers inherit the serve command's), keyed by what the
    kernel says of the file: a change of the same size, straight after, is still seen."""
    path = tmp_path / "graph.nt"
    path.write_bytes(b"a" * 4096)
    first = _sha256(path)
    with open(path, "r+b") as file:
        file.write(b"b")
    assert _sha256(path) != first
    assert _sha256(path) == hashlib.sha256(b"b" + b"a" * 4095).hexdigest()
