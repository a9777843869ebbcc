"""tests/mutmut_bridge.py: under `make mutate`, calls made in other processes reach mutmut's record.

(The mode itself runs only under tools/mutate.py; this checks its plumbing with a stand-in for
mutmut's own `record_trampoline_hit`.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import mutmut_bridge
import pytest
from mutmut.mutation import trampoline


@pytest.fixture()
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str | None]]:
    """What reaches the stand-in for mutmut's record, once the bridge is installed over it."""
    calls: list[tuple[str, str | None]] = []

    def record(name: str, caller: str | None = None) -> None:
        calls.append((name, caller))

    monkeypatch.setattr(trampoline, "record_trampoline_hit", record)
    monkeypatch.setattr(mutmut_bridge, "_recorder", None)
    (tmp_path / "hits").write_text("server.query.x_old\t\n")  # an earlier session's
    mutmut_bridge.install(str(tmp_path / "hits"))
    mutmut_bridge.start_reading()
    return calls


def test_calls_in_this_process_and_in_a_fork_are_replayed_once(
    recorded: list[tuple[str, str | None]],
) -> None:
    pid = os.fork()
    if pid == 0:  # a query worker, say
        try:
            trampoline.record_trampoline_hit("server.query.x_answer", caller="server.x_run")
            trampoline.record_trampoline_hit("server.query.x_answer", caller="server.x_run")
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    trampoline.record_trampoline_hit("server.query.x_negotiate")
    assert recorded == []  # nothing reaches mutmut's record before the test's teardown
    mutmut_bridge.replay()
    assert sorted(recorded, key=str) == [
        ("server.query.x_answer", "server.x_run"),
        ("server.query.x_negotiate", None),
    ]
    mutmut_bridge.replay()
    assert len(recorded) == 2  # each line is replayed once


def test_civicgraph_serve_bootstrap_installs_the_bridge_and_runs_the_cli(tmp_path: Path) -> None:
    """`python -c SERVE_BOOTSTRAP HITS ARGS` runs `graph.cli` with ARGS, as `-m graph.cli` would."""
    hits = tmp_path / "hits"
    done = subprocess.run(
        [sys.executable, "-c", mutmut_bridge.SERVE_BOOTSTRAP, str(hits), "serve", "--help"],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "--query-workers" in done.stdout
