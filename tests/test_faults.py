"""Build faults: whatever breaks a build, the last good build stays published, byte for byte.

tests/test_build.py checks the messages of a broken curated file and of a SHACL violation; here
every fault is checked against a snapshot of the whole published folder (every file's bytes and
where the `build` link points), a build killed with SIGKILL is left behind by a server that
still serves the last good build, and an article without a date builds with a warning.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from live import copy_inputs, running, settings_for

from graph.build import build
from graph.errors import BuildError
from graph.settings import Settings
from server import create_app

ROOT = Path(__file__).parent.parent
ARTICLE = "2018-01-24-justice-department-threatens-subpoenas"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A copy of the project's inputs, built once: the last good build every fault must keep."""
    settings = copy_inputs(tmp_path_factory.mktemp("faults"))
    build(settings)
    return settings


def snapshot(build_dir: Path) -> dict[str, str]:
    """Where the link points and the sha256 of every file under it."""
    target = build_dir.resolve()
    files = {"->": os.readlink(build_dir)}
    for path in sorted(target.rglob("*")):
        if path.is_file():
            files[str(path.relative_to(target))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def write(path: Path, data: bytes) -> Callable[[], None]:
    """Write `data` to `path`; returns what puts the old state back."""
    old = path.read_bytes() if path.exists() else None
    path.write_bytes(data)

    def undo() -> None:
        if old is None:
            path.unlink()
        else:
            path.write_bytes(old)

    return undo


FAULTS: dict[str, tuple[str, bytes, str]] = {
    # name: (file under the inputs, its bytes, what the message must say besides the file name)
    "invalid Turtle in a curated file": (
        "curated/zz-broken.ttl",
        b"@prefix civ: <https://kg.example.org/ontology#> .\n<a> civ:x ",
        "invalid Turtle",
    ),
    "an empty article": ("corpus/2018-01-26-empty.txt", b"", "empty"),
    "an article of white space only": (
        "corpus/2018-01-26-blank.txt",
        b"\xef\xbb\xbf \n\t",
        "empty",
    ),
    "a binary article": ("corpus/2018-01-26-binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    "a non-UTF-8 article": (
        "corpus/2018-01-26-latin1.txt",
        "Café in São Paulo, the mayor said.".encode("latin-1"),
        "not UTF-8",
    ),
    "a sidecar that is not JSON": (
        f"corpus/{ARTICLE}.meta.json",
        b'{"title": "unterminated',
        "not valid JSON",
    ),
    "a sidecar with a bad date": (
        f"corpus/{ARTICLE}.meta.json",
        b'{"published": "24 January 2018"}',
        "ISO date",
    ),
}


def input_path(settings: Settings, relative: str) -> Path:
    folder, name = relative.split("/", 1)
    return Path(getattr(settings, folder)) / name


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_failed_build_names_the_file_and_keeps_the_last_build(
    inputs: Settings, fault: str
) -> None:
    relative, data, said = FAULTS[fault]
    before = snapshot(inputs.build_dir)
    undo = write(input_path(inputs, relative), data)
    try:
        with pytest.raises(BuildError) as err:
            build(inputs)
    finally:
        undo()
    assert Path(relative).name in str(err.value)
    assert said in str(err.value)
    assert snapshot(inputs.build_dir) == before


def test_a_shape_violation_keeps_the_last_build(inputs: Settings) -> None:
    before = snapshot(inputs.build_dir)
    undo = write(
        input_path(inputs, "curated/zz-bad-reference.ttl"),
        b"""@prefix civ: <https://kg.example.org/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://kg.example.org/id/source/zz-bad-reference> a civ:Source ;
            rdfs:label "a test reference"@en .
        <https://kg.example.org/id/person/nameless> a civ:Person .
        """,
    )
    try:
        with pytest.raises(BuildError) as err:
            build(inputs)
    finally:
        undo()
    assert "person/nameless" in str(err.value)  # the node, and (tests/test_build.py) its shape
    assert snapshot(inputs.build_dir) == before


def build_command(settings: Settings) -> list[str]:
    return [
        sys.executable, "-m", "graph.cli", "build", "--out", str(settings.build_dir),
        "--corpus", settings.corpus, "--curated", settings.curated,
        "--ontology", settings.ontology, "--queries", settings.queries,
    ]  # fmt: skip


def kill_build(settings: Settings, when: str) -> None:
    """Start `civicgraph build` on changed inputs and SIGKILL it `when` (after 1 s, or writing)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICGRAPH_")}
    process = subprocess.Popen(
        build_command(settings),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    versions = settings.build_dir.parent / f".{settings.build_dir.name}.versions"
    try:
        if when == "after 1 s":
            time.sleep(1)
        else:  # once it has begun writing its staging folder
            deadline = time.monotonic() + 120
            while not list(versions.glob("staging-*/*")) and time.monotonic() < deadline:
                assert process.poll() is None, "the build finished before it could be killed"
                time.sleep(0.02)
        assert process.poll() is None, "the build finished before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)  # the build and any extraction processes
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL


@pytest.fixture
def changed_article(inputs: Settings) -> Iterator[None]:
    """One article changed, so that a build has real work to do (extraction, a new version)."""
    path = input_path(inputs, f"corpus/{ARTICLE}.txt")
    text = path.read_bytes()
    undo = write(path, text + b"\nThe mayor said on Thursday that the city would answer.\n")
    yield
    undo()


@pytest.mark.parametrize("when", ["after 1 s", "while writing"])
def test_a_build_killed_midway_leaves_the_last_build_served(
    inputs: Settings, changed_article: None, when: str
) -> None:
    before = snapshot(inputs.build_dir)
    kill_build(inputs, when)
    assert snapshot(inputs.build_dir) == before
    app = create_app(settings_for(inputs.build_dir))  # the server starts on it, and serves it
    with running(app) as base:
        ask = requests.get(base + "/sparql", params={"query": "ASK { ?s a ?c }"}, timeout=30)
        assert ask.json()["boolean"] is True
        download = requests.get(base + "/download/graph.ttl", timeout=30)
        assert download.status_code == 200
        expected = (inputs.build_dir / "graph.ttl").read_bytes()
        assert hashlib.sha256(download.content).hexdigest() == hashlib.sha256(expected).hexdigest()


def test_the_next_build_after_a_kill_succeeds_and_clears_the_debris(
    inputs: Settings, changed_article: None
) -> None:
    result = build(inputs)
    versions = inputs.build_dir.parent / f".{inputs.build_dir.name}.versions"
    assert inputs.build_dir.resolve() == result.path.resolve()
    assert not list(versions.glob("staging-*"))


def test_an_article_without_a_date_builds_with_a_warning(inputs: Settings) -> None:
    corpus = Path(inputs.corpus)
    (corpus / "2018-01-26-undated.txt").write_text(
        "Mayors meet again\n\nThe mayors met on Friday, a spokesman said.\n", encoding="utf-8"
    )
    (corpus / "2018-01-26-undated.meta.json").write_text(
        '{"title": "Mayors meet again", "publisher": "A Test Paper"}', encoding="utf-8"
    )
    try:
        result = build(inputs)
    finally:
        (corpus / "2018-01-26-undated.txt").unlink()
        (corpus / "2018-01-26-undated.meta.json").unlink()
    undated = [w for w in result.warnings if "2018-01-26-undated.txt" in w]
    assert any("no publication date" in w for w in undated), result.warnings
    assert "2018-01-26-undated" in (result.path / "dataset.trig").read_text(encoding="utf-8")


# A full disk. Two ways to run out of room: a small tmpfs that holds the build (needs root to
# mount; skipped where it cannot be mounted) and a file-size limit (RLIMIT_FSIZE, with SIGXFSZ
# ignored so that a write past it fails with EFBIG instead of killing the build), which runs
# everywhere. Either way the build must stop with one line naming the build and the reason,
# and the last good build must stay published, byte for byte, with no staging debris.


def run_build(settings: Settings, preexec_fn: Callable[[], None] | None = None) -> str:
    """`civicgraph build` on a new sentence in an article (work to do, a new cache entry);
    returns what it printed on stderr, once it has failed."""
    path = input_path(settings, f"corpus/{ARTICLE}.txt")
    undo = write(path, path.read_bytes() + f"\nThe mayor said {time.time_ns()} words.\n".encode())
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICGRAPH_")}
    try:
        process = subprocess.run(
            build_command(settings),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            preexec_fn=preexec_fn,
        )
    finally:
        undo()
    assert process.returncode == 1, process.stderr
    return process.stderr


def assert_failed_clearly(stderr: str, settings: Settings, reason: str) -> None:
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("civicgraph build:")]
    assert len(errors) == 1, stderr
    assert f"cannot write the build to {settings.build_dir.absolute()}" in errors[0]
    assert reason in errors[0]
    versions = settings.build_dir.parent / f".{settings.build_dir.name}.versions"
    assert not list(versions.glob("staging-*"))


@pytest.mark.parametrize("limit_kib", [512, pytest.param(16, id="16-cache-write")])
def test_a_build_over_the_file_size_limit_fails_clearly_and_keeps_the_last_build(
    inputs: Settings, limit_kib: int
) -> None:
    def limit_file_size() -> None:  # in the child, before it runs the build
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_kib * 1024, limit_kib * 1024))

    before = snapshot(inputs.build_dir)
    stderr = run_build(inputs, limit_file_size)
    assert_failed_clearly(stderr, inputs, "File too large")
    assert snapshot(inputs.build_dir) == before


@pytest.fixture
def small_disk(inputs: Settings, tmp_path: Path) -> Iterator[tuple[Settings, Path]]:
    """A 64 MiB tmpfs holding a copy of the last good build (and the extraction cache), with
    settings that build there from the inputs."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); the file-size "
                    "limit test covers the same failure")  # fmt: skip
    try:
        good = inputs.build_dir.resolve()
        versions = disk / ".build.versions"
        shutil.copytree(good, versions / good.name)
        (disk / "build").symlink_to(f".build.versions/{good.name}")
        shutil.copytree(inputs.build_dir.parent / ".build.cache", disk / ".build.cache")
        yield inputs.replace(build=str(disk / "build")), disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def fill(disk: Path, room_kib: int) -> None:
    """Fill `disk` but for `room_kib` KiB."""
    free = shutil.disk_usage(disk).free
    with (disk / "filler").open("wb") as filler:
        os.posix_fallocate(filler.fileno(), 0, free - room_kib * 1024)
    assert abs(shutil.disk_usage(disk).free - room_kib * 1024) < 64 * 1024


@pytest.mark.parametrize("room_kib", [2048, pytest.param(0, id="0-cache-write")])
def test_a_build_on_a_full_disk_fails_clearly_and_keeps_the_last_build(
    small_disk: tuple[Settings, Path], room_kib: int
) -> None:
    settings, disk = small_disk
    before = snapshot(settings.build_dir)
    fill(disk, room_kib)
    stderr = run_build(settings)
    assert_failed_clearly(stderr, settings, "No space left on device")
    assert snapshot(settings.build_dir) == before
    (disk / "filler").unlink()  # and with room again, the server starts on it and serves it
    app = create_app(settings_for(settings.build_dir))
    with running(app) as base:
        ask = requests.get(base + "/sparql", params={"query": "ASK { ?s a ?c }"}, timeout=30)
        assert ask.json()["boolean"] is True
