"""One settings object: defaults ← config file ← CIVICGRAPH_* environment ← CLI flags.

Every setting is declared once here with its default and help text; `civicgraph settings`
prints each value with the source it came from.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import SettingsError
from graph.namespaces import DEFAULT_BASE

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE_NAME = "civicgraph.toml"


_NOT_IN_AN_IRI = frozenset('<>"{}|^`\\')  # RFC 3987: never in an IRI, nor spaces and controls


def _base(value: str) -> str:
    if not value.startswith(("http://", "https://")) or any(
        c in _NOT_IN_AN_IRI or ord(c) <= 0x20 for c in value
    ):
        raise SettingsError(f"base must be an http(s) IRI, not {value!r}")
    return value if value.endswith("/") else value + "/"


def _path(value: str) -> str:
    return str(Path(value).expanduser())


def _port(value: str) -> int:
    port = int(value)
    if not 0 <= port <= 65535:
        raise SettingsError(f"port must be 0..65535, not {port}")
    return port


def _positive_float(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise SettingsError(f"must be positive, not {value}")
    return number


def _positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise SettingsError(f"must be positive, not {value}")
    return number


def _store(value: str) -> str:
    if value not in ("memory", "oxigraph") and not value.startswith("sparql+"):
        raise SettingsError(f"store must be 'oxigraph', 'memory' or 'sparql+URL', not {value!r}")
    return value


@dataclass(frozen=True)
class Setting:
    """One declared setting."""

    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str


SETTINGS: tuple[Setting, ...] = (
    Setting("base", DEFAULT_BASE, "canonical IRI base of the dataset's things and graphs", _base),
    Setting(
        "corpus",
        str(PROJECT_ROOT / "corpus"),
        "folder of articles (NAME.txt + NAME.meta.json)",
        _path,
    ),
    Setting(
        "ontology", str(PROJECT_ROOT / "ontology"), "folder with civic.ttl and shapes.ttl", _path
    ),
    Setting(
        "curated",
        str(PROJECT_ROOT / "graph" / "curated"),
        "folder of curated Turtle, one file per source",
        _path,
    ),
    Setting(
        "queries", str(PROJECT_ROOT / "queries"), "folder of saved SPARQL queries (*.rq)", _path
    ),
    Setting(
        "build",
        str(PROJECT_ROOT / "build"),
        "build folder: written by `build`, served by `serve`",
        _path,
    ),
    Setting("host", "127.0.0.1", "address the server listens on"),
    Setting("port", 8000, "port the server listens on", _port),
    Setting(
        "store",
        "oxigraph",
        "query engine: 'oxigraph' (the build's on-disk store), 'memory' (rdflib) or 'sparql+URL'",
        _store,
    ),
    Setting("query_timeout", 10.0, "seconds an ad-hoc query may run", _positive_float),
    Setting(
        "request_timeout",
        10.0,
        "seconds a request may take to arrive, head and body (then 408 and the connection closed)",
        _positive_float,
    ),
    Setting(
        "row_cap",
        10000,
        "most rows a SELECT returns; truncation is stated",
        _positive_int,
    ),
    Setting(
        "query_workers",
        3,
        "query worker processes per server process (killed and replaced when a query overruns)",
        _positive_int,
    ),
    Setting(
        "query_memory_mb",
        2048,
        "MiB of memory each query worker may add before its query is stopped",
        _positive_int,
    ),
    Setting("workers", 1, "gunicorn worker processes", _positive_int),
    Setting(
        "threads", 8, "threads per gunicorn worker (slow clients don't block others)", _positive_int
    ),
    Setting("endpoint", "http://127.0.0.1:8000/sparql", "SPARQL endpoint `civicgraph query` asks"),
)
_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """The resolved settings; `sources` tells where each value came from."""

    values: Mapping[str, Any]
    sources: Mapping[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def build_dir(self) -> Path:
        return Path(self.values["build"])

    def replace(self, **overrides: Any) -> Settings:
        """A copy with some values replaced (parsed like CLI values when given as strings)."""
        return _merge(self, overrides, "override")


def _merge(settings: Settings, raw: Mapping[str, Any], source: str) -> Settings:
    values = dict(settings.values)
    sources = dict(settings.sources)
    for name, value in raw.items():
        if value is None:
            continue
        setting = _BY_NAME.get(name)
        if setting is None:
            raise SettingsError(f"unknown setting {name!r} (from {source})")
        try:
            values[name] = setting.parse(str(value)) if not isinstance(value, bool) else value
        except (ValueError, SettingsError) as exc:
            raise SettingsError(f"setting {name} from {source}: {exc}") from None
        sources[name] = source
    return Settings(values, sources)


def load_settings(
    cli: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Resolve every setting: defaults ← config file ← environment ← CLI flags."""
    environ = os.environ if environ is None else environ
    settings = Settings(
        {s.name: s.default for s in SETTINGS}, {s.name: "default" for s in SETTINGS}
    )
    if config_file is None:
        named = environ.get("CIVICGRAPH_CONFIG")
        config_file = Path(named) if named else Path.cwd() / CONFIG_FILE_NAME
        if not named and not config_file.exists():
            config_file = None
    if config_file is not None:
        try:
            data = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"config file {config_file}: {exc}") from None
        folder = config_file.resolve().parent
        data = {  # a relative folder in the file is relative to the file's own folder
            name: str(folder / Path(value).expanduser())
            if name in _BY_NAME and _BY_NAME[name].parse is _path and isinstance(value, str)
            else value
            for name, value in data.items()
        }
        settings = _merge(settings, data, f"config file {config_file}")
    env_values = {
        s.name: environ[f"CIVICGRAPH_{s.name.upper()}"]
        for s in SETTINGS
        if f"CIVICGRAPH_{s.name.upper()}" in environ
    }
    settings = _merge(settings, env_values, "environment")
    return _merge(settings, dict(cli or {}), "command line")


def describe(settings: Settings) -> list[tuple[str, str, str, str]]:
    """(name, value, source, help) for every setting, in declaration order."""
    return [
        (s.name, str(settings.values[s.name]), settings.sources[s.name], s.help) for s in SETTINGS
    ]
