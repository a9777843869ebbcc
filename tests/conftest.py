"""Shared fixtures: one real build of the project's corpus per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.build import build
from graph.settings import Settings, load_settings


@pytest.fixture(scope="session")
def project_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The project's own inputs, building into a temporary folder."""
    out = tmp_path_factory.mktemp("build") / "build"
    return load_settings({"build": str(out)}, environ={})


@pytest.fixture(scope="session")
def build_dir(project_settings: Settings) -> Path:
    """The folder of a real build of the project's corpus (a link to the published version)."""
    build(project_settings)
    return project_settings.build_dir
