"""Shared fixtures: one real build of the project's corpus per test session."""

from __future__ import annotations

import os
from pathlib import Path

import mutmut_bridge
import pytest
from live import locked, shared_folder

from graph.build import build
from graph.settings import Settings, load_settings


@pytest.fixture(scope="session")
def project_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The project's own inputs, building into a temporary folder (one for all the workers
    when pytest-xdist runs the tests in several: the build is made once, then only read)."""
    out = shared_folder(tmp_path_factory) / "corpus-build" / "build"
    return load_settings({"build": str(out)}, environ={})


@pytest.fixture(scope="session")
def build_dir(project_settings: Settings) -> Path:
    """The folder of a real build of the project's corpus (a link to the published version).

    `CIVICGRAPH_TEST_BUILD` names a build made before (by `make mutate`, which builds once with
    the unmutated code for every mutant's test run); the tests never set it."""
    if made := os.environ.get("CIVICGRAPH_TEST_BUILD"):
        return Path(made)
    folder = project_settings.build_dir.parent
    folder.mkdir(parents=True, exist_ok=True)
    with locked(folder / "lock"):
        if not (folder / "done").exists():
            build(project_settings)
            (folder / "done").touch()
    return project_settings.build_dir


# The files that take longest, longest first: pytest-xdist (--dist loadfile) hands each worker
# the next file in collection order as it finishes one, so these go first and the run does not
# end with one worker busy on a long file while the other waits. Measured with --durations=0;
# a file not listed keeps its place after these.
LONGEST_FIRST = (
    "test_build.py",
    "test_linked_data.py",
    "test_sparql_protocol.py",
    "test_slow_clients.py",  # mostly waiting: started early, it overlaps the others' work
    "test_faults.py",
    "test_publish.py",
    "test_reason.py",
    "test_browser.py",
    "test_shacl.py",
    "test_saved_queries.py",
    "test_server.py",
    "test_left_out.py",
    "test_remote_store.py",
    "test_store_parity.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: order kept within


# Under `make mutate` (tools/mutate.py sets CIVICGRAPH_TEST_MUTMUT_HITS): the calls of mutated
# functions made in the server's processes are credited to the test that caused them, before
# mutmut's own teardown hook reads its record (tests/mutmut_bridge.py says why and how).
if _hits := mutmut_bridge.hits_file():
    mutmut_bridge.install(_hits)

    def pytest_sessionstart(session: pytest.Session) -> None:
        mutmut_bridge.start_reading()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_teardown(item: pytest.Item) -> None:
        mutmut_bridge.replay()
