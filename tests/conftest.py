"""Shared fixtures: one real build of the project's corpus per test session."""

from __future__ import annotations

import os
from pathlib import Path

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
