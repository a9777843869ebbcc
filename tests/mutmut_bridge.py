"""Under `make mutate` only: the calls the tests' server processes make reach mutmut's record.

mutmut (3.8.1) judges a mutant only by the tests its "stats" run saw calling the mutated
function, and it sees only calls made in the test process: each trampoline of a mutated
function calls `record_trampoline_hit` (mutmut/mutation/trampoline.py, the `"stats"` branch),
which adds the function's name to a set of that process (mutmut/stats.py, `state()._stats`),
and mutmut's pytest plugin hands that set to the test at its teardown (mutmut/runners/
harness.py, `StatsCollector.pytest_runtest_teardown`). Our server answers queries in other
processes: the query workers `server.pool` forks, and `civicgraph serve` (gunicorn) with its
own workers and theirs. Their calls were lost, so the functions they run had "no tests" and
every mutant in them counted as a survivor, whatever the tests checked.

Switching a mutant on needs no help: a trampoline reads the mutant's name from the environment
(`MUTANT_UNDER_TEST`, mutmut/mutation/trampoline.py `get_mutant_under_test`), which forked and
started processes inherit. So the server is the real one in every phase; this module only
carries the stats run's records home:

- `install(path)`, in the test process and in `civicgraph serve` (tests/live.py starts it
  through `SERVE_BOOTSTRAP` in this mode), replaces the trampolines' `record_trampoline_hit`
  with one that appends the function's name (and its caller, for mutmut's dependency record)
  to the file `path` with one `write`, before the function runs. Forked processes inherit it.
- `replay()`, in the test process at each test's teardown and before mutmut's own hook (see
  tests/conftest.py), reads the lines added since and hands each to mutmut's own
  `record_trampoline_hit`, as if the call had been made in the test process.

A call is written before its function returns, so before the response that test waits for:
each call is credited to the test that caused it. `CIVICGRAPH_TEST_MUTMUT_HITS` (set by
tools/mutate.py, never by the tests) names the file and turns the mode on; without it nothing
here runs, and `make test` starts and checks the server exactly as before.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

ENV = "CIVICGRAPH_TEST_MUTMUT_HITS"

# `civicgraph serve`'s command in this mode: `python -c SERVE_BOOTSTRAP HITS serve --build …`
# installs the recorder, then runs graph.cli as `python -m graph.cli serve --build …` would.
SERVE_BOOTSTRAP = (
    "import runpy, sys; "
    f"sys.path.insert(1, {str(Path(__file__).resolve().parent)!r}); "
    "import mutmut_bridge; mutmut_bridge.install(sys.argv.pop(1)); "
    "runpy.run_module('graph.cli', run_name='__main__', alter_sys=True)"
)


class _Recorder:
    """Where this process's trampoline hits go, and how far the test process has read them."""

    def __init__(self, path: str, original: Callable[..., None]) -> None:
        self.path = Path(path)
        self.original = original  # mutmut's own record_trampoline_hit
        self.fd = -1
        self.pid = -1
        self.offset = 0

    def write(self, name: str, caller: str | None = None) -> None:
        if self.pid != os.getpid():  # the first call here, or in a fork of a process that wrote
            self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            self.pid = os.getpid()
        os.write(self.fd, f"{name}\t{caller or ''}\n".encode())  # one write: lines never mix


_recorder: _Recorder | None = None


def hits_file() -> str | None:
    """The file named by the mode's environment variable, or None outside the mode."""
    return os.environ.get(ENV) or None


def install(path: str) -> None:
    """Send this process's (and its forks') trampoline hits to the file `path`."""
    global _recorder
    from mutmut.mutation import trampoline

    if _recorder is None:
        current = trampoline.record_trampoline_hit
        installed = getattr(current, "__self__", None)  # this module, imported before
        if installed is not None and hasattr(installed, "original"):
            _recorder = installed
            return
        _recorder = _Recorder(path, current)
        trampoline.record_trampoline_hit = _recorder.write


def start_reading() -> None:
    """Skip what an earlier session wrote: only this session's calls are replayed."""
    assert _recorder is not None, "install() first"
    _recorder.offset = _recorder.path.stat().st_size if _recorder.path.exists() else 0


def replay() -> None:
    """Hand mutmut the calls written since the last replay, as if made in this process."""
    assert _recorder is not None, "install() first"
    if not _recorder.path.exists():
        return
    with _recorder.path.open("rb") as handle:
        handle.seek(_recorder.offset)
        data = handle.read()
    complete = data[: data.rfind(b"\n") + 1]  # a line is written whole, but be sure
    _recorder.offset += len(complete)
    for line in set(complete.decode().splitlines()):  # mutmut keeps sets: once is enough
        name, _, caller = line.partition("\t")
        _recorder.original(name, caller or None)
