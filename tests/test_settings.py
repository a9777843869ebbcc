"""Settings: defaults ← config file ← environment ← CLI, each documented."""

from pathlib import Path

import pytest

from graph.cli import main
from graph.errors import SettingsError
from graph.settings import SETTINGS, describe, load_settings


def test_precedence_default_config_environment_cli(tmp_path: Path) -> None:
    config = tmp_path / "civicgraph.toml"
    config.write_text('port = 9001\nhost = "0.0.0.0"\nrow_cap = 50\n', encoding="utf-8")
    settings = load_settings(
        {"port": "9003"},
        environ={"CIVICGRAPH_PORT": "9002", "CIVICGRAPH_HOST": "127.0.0.2"},
        config_file=config,
    )
    assert settings.port == 9003 and settings.sources["port"] == "command line"
    assert settings.host == "127.0.0.2" and settings.sources["host"] == "environment"
    assert settings.row_cap == 50 and settings.sources["row_cap"].startswith("config file")
    assert settings.query_timeout == 10.0 and settings.sources["query_timeout"] == "default"


def test_base_gets_a_trailing_slash_and_bad_values_are_named() -> None:
    assert load_settings(environ={"CIVICGRAPH_BASE": "https://data.example.com"}).base == (
        "https://data.example.com/"
    )
    with pytest.raises(SettingsError, match="port"):
        load_settings({"port": "99999"}, environ={})
    with pytest.raises(SettingsError, match="unknown setting"):
        load_settings({"colour": "red"}, environ={})


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert setting.help
        assert f"CIVICGRAPH_{setting.name.upper()}" in readme, setting.name


def test_settings_command_prints_value_and_source(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CIVICGRAPH_ROW_CAP", "77")
    assert main(["settings"]) == 0
    out = capsys.readouterr().out
    assert "row_cap" in out and "77" in out and "[environment]" in out
    assert len(out.splitlines()) == len(describe(load_settings()))
