"""The loaded build: manifest, the query engine of the chosen store, and the answers given.

`LoadedBuild` is created once per app from `settings.build_dir` and owns everything the views
read (the engine's rdflib `dataset`, the graphs, the downloads); nothing is parsed per request. It also owns the pool of query worker processes that answer
ad-hoc SPARQL (`server.pool`); `run_with_time_limit` is for the server's own small queries.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from rdflib import Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.stores.memory import Memory

from graph.namespaces import DEFAULT_BASE
from graph.publish import union_graph_iri
from graph.settings import Settings
from server.engines import Engine, MemoryEngine, OxigraphEngine, RemoteEngine
from server.errors import QueryTimeout, ServerStartError
from server.pool import QueryPool

REQUIRED_FILES = ("manifest.json", "dataset.trig")
T = TypeVar("T")

_DATASET_TITLE = prepareQuery(
    """
    PREFIX void: <http://rdfs.org/ns/void#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?title ?description WHERE {
      ?dataset a void:Dataset .
      FILTER NOT EXISTS { ?parent void:subset ?dataset }
      OPTIONAL { ?dataset dcterms:title ?title }
      OPTIONAL { ?dataset dcterms:description ?description }
    } ORDER BY DESC(BOUND(?title)) ?dataset
    LIMIT 1
    """
)


class DeadlineMemory(Memory):
    """rdflib's in-memory store that stops a query which has run past its thread's deadline.

    Only threads inside `deadline()` are checked, so loading and other readers are unaffected.
    Evaluation in rdflib reads the store at every triple pattern (and every join step), so an
    overdue query raises `QueryTimeout` soon after its time is up instead of running on.
    """

    CHECK_EVERY = 256

    def __init__(self) -> None:
        super().__init__()
        self._local = threading.local()

    @contextmanager
    def deadline(self, seconds: float) -> Iterator[None]:
        """Within this block, reads in the current thread fail once `seconds` have passed."""
        self._local.deadline = time.monotonic() + seconds
        self._local.seconds = seconds
        try:
            yield
        finally:
            self._local.deadline = None

    def _check_deadline(self) -> None:
        deadline = getattr(self._local, "deadline", None)
        if deadline is not None and time.monotonic() > deadline:
            raise QueryTimeout(_timeout_message(self._local.seconds))

    def triples(self, triple_pattern: Any, context: Any = None) -> Generator[Any, None, None]:
        self._check_deadline()
        for count, item in enumerate(super().triples(triple_pattern, context), start=1):
            if count % self.CHECK_EVERY == 0:
                self._check_deadline()
            yield item


def _timeout_message(seconds: float) -> str:
    return f"the query ran longer than the time limit of {seconds:g} s"


@dataclass(frozen=True)
class GraphEntry:
    """One named graph as the manifest lists it."""

    iri: str
    kind: str
    file: str
    triples: int
    derived_from: str | None


def read_manifest(build_dir: Path) -> dict[str, Any]:
    """Read and check `manifest.json`, or raise `ServerStartError` naming the file."""
    for name in REQUIRED_FILES:
        if not (build_dir / name).is_file():
            raise ServerStartError(f"cannot serve {build_dir}: {build_dir / name} is missing")
    path = build_dir / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ServerStartError(f"cannot read {path}: {exc}") from None
    problem = _manifest_problem(manifest)
    if problem:
        raise ServerStartError(f"cannot serve {path}: {problem}")
    problem = _files_problem(build_dir, manifest)
    if problem:
        raise ServerStartError(f"cannot serve {build_dir}: {problem}")
    return manifest


def _files_problem(build_dir: Path, manifest: dict[str, Any]) -> str | None:
    """The first file the manifest lists that is missing, truncated or changed, if any.

    A build is published whole by one rename, so a mismatch means a copy went wrong, a disk
    failed or someone edited the folder: the server would serve what the manifest disowns.
    """
    listed: dict[str, Any] = dict(manifest.get("files", {}))
    for entry in manifest["graphs"]:
        if entry.get("file"):
            listed.setdefault(str(entry["file"]), {})
    for name, info in sorted(listed.items()):
        path = build_dir / name
        if Path(name).is_absolute() or ".." in Path(name).parts:
            return f"the manifest lists {name!r}, which is outside the build folder"
        if not path.is_file():
            return f"{path} is missing (manifest.json lists it)"
        if not isinstance(info, dict):
            return f"manifest.json's entry for {name} is not an object"
        size = path.stat().st_size
        if isinstance(info.get("bytes"), int) and size != info["bytes"]:
            return (
                f"{path} has {size} bytes, manifest.json says {info['bytes']} "
                "(truncated or changed since the build)"
            )
        if "sha256" in info:
            digest = _sha256(path)
            if digest != info["sha256"]:
                return (
                    f"{path}: its sha256 {digest[:16]}… does not match manifest.json's "
                    f"{str(info['sha256'])[:16]}… (changed since the build)"
                )
    return None


# Files this process has hashed, by what the kernel says of them (a change to a file changes
# its ctime). `civicgraph serve` checks the build before gunicorn forks the workers, which
# inherit this and so do not read gigabytes again; a SIGHUP's new build is hashed afresh.
_HASHED: dict[tuple[int, ...], str] = {}


def _sha256(path: Path) -> str:
    info = path.stat()
    key = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    digest = _HASHED.get(key)
    if digest is None:
        with open(path, "rb") as source:  # read in chunks: a dump may be gigabytes
            digest = _HASHED[key] = hashlib.file_digest(source, "sha256").hexdigest()
    return digest


def _manifest_problem(manifest: Any) -> str | None:
    if not isinstance(manifest, dict):
        return "not a JSON object"
    graphs = manifest.get("graphs")
    if not isinstance(graphs, list):
        return "'graphs' is not a list"
    for entry in graphs:
        if not isinstance(entry, dict) or not isinstance(entry.get("iri"), str):
            return f"a 'graphs' entry has no 'iri': {entry!r}"
        if not isinstance(entry.get("triples", 0), int):
            return f"graph {entry['iri']} has a non-integer triple count"
    for key in ("files", "classes"):
        if not isinstance(manifest.get(key, {}), dict):
            return f"'{key}' is not an object"
    return None


def check_store(settings: Settings, manifest: dict[str, Any]) -> None:
    """Before any worker starts: the store the settings name is there and whole.

    (The memory store's `dataset.trig` is vouched for by the manifest's hash and parsed by each
    worker; parsing it here too would double the start-up time.)
    """
    kind = str(settings.store)
    if kind == "oxigraph":
        engine = oxigraph_engine(settings.build_dir.resolve(), manifest)
        engine.check()
        engine.close()


def oxigraph_engine(build_dir: Path, manifest: dict[str, Any]) -> OxigraphEngine:
    """The build's Oxigraph store as the manifest describes it (not opened yet)."""
    entry = dict(manifest.get("stores", {})).get("oxigraph")
    if not isinstance(entry, dict):
        raise ServerStartError(
            f"cannot serve {build_dir} with the oxigraph store: manifest.json lists no store "
            "(built by an older version? rebuild with `civicgraph build`, or set "
            "CIVICGRAPH_STORE=memory)"
        )
    quads = entry.get("quads")
    return OxigraphEngine(
        build_dir / str(entry.get("path", "oxigraph")),
        quads if isinstance(quads, int) else None,
        base=service_base(manifest),
    )


def remote_engine(url: str, timeout: float, manifest: dict[str, Any]) -> RemoteEngine:
    """A SPARQL endpoint holding this build as `civicgraph publish` put it there."""
    return RemoteEngine(
        url,
        timeout,
        union=union_graph_iri(str(manifest.get("base", ""))),
        graphs=[str(g["iri"]) for g in manifest["graphs"]],
        base=service_base(manifest),
    )


def service_base(manifest: dict[str, Any]) -> str:
    """The service's base IRI, against which a query's relative IRIs resolve: the dataset's.

    (`SELECT * { <id/mitch-landrieu> ?p ?o }` then reads the dataset's own thing; and an answer
    does not depend on the host name the server is reached by, so caches and ETags hold.)
    """
    return str(manifest.get("base") or DEFAULT_BASE)


class AnswerCache:
    """The latest deterministic answers of a loaded build, least recently used dropped first.

    Keyed on the whole request (query text, dataset, format, bound values); an answer with a
    volatile function (NOW(), RAND()…) or larger than `body_limit` is not kept.
    """

    def __init__(self, entries: int = 512, body_limit: int = 2 * 1024 * 1024) -> None:
        self.entries = entries
        self.body_limit = body_limit
        self._answers: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: Any, answer: Any) -> None:
        outcome = answer.outcome
        cells = sum(len(row) for row in outcome.rows) if outcome is not None else 0
        if not answer.deterministic or len(answer.body) + 64 * cells > self.body_limit:
            return
        with self._lock:
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.entries:
                self._answers.popitem(last=False)


class LoadedBuild:
    """Everything the server reads: the settings, the manifest and the parsed dataset."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # The version `build` points to now, once: a rebuild switches the link, and this server
        # goes on serving the build it loaded (files too) until it is reloaded (SIGHUP).
        self.build_dir = settings.build_dir.resolve()
        self.manifest = read_manifest(self.build_dir)
        self.engine = self._open_engine()
        # Forked once the memory engine's dataset is loaded (its pages are then shared), and
        # before this process opens an on-disk store (each worker opens its own).
        self.pool = self._start_pool()
        self.dataset = self.engine.dataset
        if isinstance(self.engine, OxigraphEngine):
            self.engine.check()
        self.graphs = tuple(
            GraphEntry(
                iri=str(entry["iri"]),
                kind=str(entry.get("kind", "")),
                file=str(entry.get("file", "")),
                triples=int(entry.get("triples", 0)),
                derived_from=entry.get("derived_from"),
            )
            for entry in self.manifest["graphs"]
        )
        self.graph_iris = frozenset(URIRef(g.iri) for g in self.graphs)
        self.classes: dict[str, int] = dict(self.manifest.get("classes", {}))
        files = dict(self.manifest.get("files", {}))
        graph_files = {g.file for g in self.graphs if g.file}
        # The manifest cannot list its own hash, so it is named here.
        self.downloads = frozenset(files) | graph_files | {"manifest.json"}
        self.file_hashes = {
            name: str(info["sha256"])
            for name, info in files.items()
            if isinstance(info, dict) and "sha256" in info
        }
        manifest_bytes = (self.build_dir / "manifest.json").read_bytes()
        self.file_hashes["manifest.json"] = hashlib.sha256(manifest_bytes).hexdigest()
        # The manifest names the sha256 of every file, so its own hash stands for the whole build.
        self.content_hash = self.file_hashes["manifest.json"]
        self.title, self.description = self._describe()
        self.answers = AnswerCache()

    def _open_engine(self) -> Engine:
        kind = str(self.settings.store)
        if kind == "memory":
            self.store = DeadlineMemory()
            return MemoryEngine(
                self.build_dir / "dataset.trig", self.store, base=service_base(self.manifest)
            )
        if kind == "oxigraph":
            return oxigraph_engine(self.build_dir, self.manifest)
        if kind.startswith("sparql+"):
            remote = remote_engine(
                kind.removeprefix("sparql+"), float(self.settings.query_timeout), self.manifest
            )
            remote.check()
            return remote
        raise ServerStartError(f"store {kind!r} is not supported")

    def _start_pool(self) -> QueryPool:
        """The ad-hoc query workers, forked now that the dataset is loaded (pages are shared)."""
        from server.query import answer

        handler = functools.partial(answer, self.engine, int(self.settings.row_cap))
        return QueryPool(
            handler,
            size=int(self.settings.query_workers),
            memory_mb=int(self.settings.query_memory_mb),
        )

    def close(self) -> None:
        """Stop the query workers (they also stop by themselves when this process ends)."""
        self.pool.close()
        self.engine.close()

    def _describe(self) -> tuple[str, str | None]:
        for row in self.dataset.query(_DATASET_TITLE):
            title, description = row  # type: ignore[misc]
            return (
                str(title) if isinstance(title, Literal) else "civicgraph",
                str(description) if isinstance(description, Literal) else None,
            )
        return "civicgraph", None

    def _deadline(self, seconds: float) -> contextlib.AbstractContextManager[None]:
        """Reads through rdflib's memory store stop at the deadline; other engines are quick."""
        store = getattr(self, "store", None)
        if isinstance(store, DeadlineMemory):
            return store.deadline(seconds)
        return contextlib.nullcontext()

    def run_with_time_limit(self, work: Callable[[], T]) -> T:
        """Run `work` in its own thread under the query time limit; `QueryTimeout` if it overruns.

        The answer comes on time even when `work` does not notice its deadline (rdflib sorting a
        large list, say); the store's deadline makes the abandoned thread stop at its next read.
        """
        seconds = float(self.settings.query_timeout)
        outcome: dict[str, Any] = {}

        def target() -> None:
            with self._deadline(seconds):
                try:
                    outcome["value"] = work()
                except BaseException as exc:  # handed to the request thread and raised there
                    outcome["error"] = exc

        thread = threading.Thread(target=target, name="civicgraph-query", daemon=True)
        thread.start()
        thread.join(seconds)
        if thread.is_alive():
            raise QueryTimeout(_timeout_message(seconds))
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]
