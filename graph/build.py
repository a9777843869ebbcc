"""The build: ontology + curated + extracted → SHACL → OWL 2 RL → SHACL → the build folder.

The build is a pure function of its inputs: the same inputs give the same bytes in every RDF
file and in the manifest. Output goes to a fresh folder and is switched in with one atomic
rename of a symbolic link, so a failed build leaves the previous output untouched.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import compress
from operator import itemgetter
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import DCTERMS, PROV, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from graph import __version__, gz, serialise
from graph import namespaces as namespaces_module
from graph.corpus import Article, read_corpus
from graph.errors import BuildError, CuratedError
from graph.extract import build_gazetteer, extract_articles
from graph.gz import Digests, write_gzip, write_gzip_of_pieces
from graph.iri import slugify
from graph.leftout import ROUNDS, LeaveOut, LeftOut, Screen, without
from graph.namespaces import (
    CIV,
    DCAT,
    DEFAULT_BASE,
    PREFIXES,
    SCHEMA,
    SD,
    VOID,
    graph_file,
    graph_iri,
)
from graph.oxstore import write_store
from graph.progress import Progress
from graph.queries import SavedQuery, load_queries, parse_key
from graph.reason import Engine, inferred_triples, resolve
from graph.settings import Settings
from graph.validate import Finding, Validation
from graph.workers import start_worker_server

log = logging.getLogger("civicgraph.build")

LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
THREADS = min(4, os.cpu_count() or 1)  # for compressing and hashing files
QUEUED_TEXT = 1 << 28  # characters of N-Triples given to the workers and not yet taken
Triple = tuple[Node, Node, Node]


@dataclass
class NamedGraph:
    """One named graph of the dataset and what it was derived from."""

    iri: URIRef
    kind: str
    graph: Graph | set[Triple]  # a set for an article's graph: faster to make than a Graph
    derived_from: URIRef | None = None
    title: str = ""
    lines: list[str] | None = None  # its N-Triples lines (serialise.nt_lines), when known
    lines_sha256: str | None = None  # with the sha256 of their text, when known


@dataclass
class BuildResult:
    """What a build wrote and what it noticed."""

    path: Path
    manifest: dict[str, object]
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def new_graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def rebase(graph: Graph, base: str) -> Graph:
    """Rewrite instance and graph IRIs written against the default base to `base`."""
    if base == DEFAULT_BASE:
        return graph
    prefixes = (DEFAULT_BASE + "id/", DEFAULT_BASE + "graph/")

    def move(term: object) -> object:
        if isinstance(term, URIRef) and str(term).startswith(prefixes):
            return URIRef(base + str(term)[len(DEFAULT_BASE) :])
        return term

    out = new_graph()
    for s, p, o in graph:
        out.add((move(s), move(p), move(o)))  # type: ignore[arg-type]
    return out


def load_turtle(path: Path, base: str = DEFAULT_BASE) -> Graph:
    """Parse a hand-written Turtle file; a parse error names the file and the parser's message."""
    graph = new_graph()
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError:
        raise CuratedError(f"{path}: no such file") from None
    except Exception as exc:  # rdflib raises several unrelated types for bad Turtle
        raise CuratedError(f"{path}: invalid Turtle: {exc}") from None
    return rebase(graph, base)


def read_curated(folder: Path, base: str, articles: Iterable[Article]) -> list[NamedGraph]:
    """One named graph per curated file, each tied to the article or reference it rests on."""
    slugs = {a.slug for a in articles}
    graphs = []
    for path in sorted(folder.glob("*.ttl")):
        stem = path.stem
        if slugify(stem) != stem:
            raise CuratedError(
                f"{path}: a curated file name must be a slug, e.g. {slugify(stem)}.ttl"
            )
        graph = load_turtle(path, base)
        if not len(graph):  # comments only (`civicgraph init`'s example): nothing to say yet
            log.info("%s: no triples yet, left out", path.name)
            continue
        if stem in slugs:
            source = URIRef(f"{base}id/article/{stem}")
        else:
            source = URIRef(f"{base}id/source/{stem}")
            if (source, RDF.type, CIV.Source) not in graph:
                raise CuratedError(
                    f"{path}: not named after an article, so it must describe its source as "
                    f"<{source}> a civ:Source"
                )
        graphs.append(
            NamedGraph(
                graph_iri(base, "curated", stem), "curated", graph, source, f"curated: {stem}"
            )
        )
    return graphs


def load_queries_kept(folder: Path, kept: Path) -> list[SavedQuery]:
    """`load_queries`, with what rdflib parsed before kept in the file `kept` (the queries'
    text hashes and forms): a query whose text was parsed in an earlier build is not parsed
    again. The file is an aid: unreadable, it is ignored; unwritable, it is left as it is."""
    try:
        parsed = json.loads(kept.read_text(encoding="utf-8"))
        if not isinstance(parsed, dict):
            parsed = {}
    except (OSError, ValueError):
        parsed = {}
    before = dict(parsed)
    queries = load_queries(folder, parsed)
    keys = {parse_key(q.text) for q in queries}
    now = {k: v for k, v in parsed.items() if k in keys}  # only the queries there are now
    if now != before:
        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        except OSError as exc:
            log.warning("cannot keep the saved queries' parses in %s: %s", kept, exc)
    return queries


def describe_queries(base: str, queries: list[SavedQuery]) -> Iterable[tuple[Node, Node, Node]]:
    """Each saved query's own IRI and description, for the meta graph."""
    for query in queries:
        node = URIRef(f"{base}id/query/{query.name}")
        yield (node, RDF.type, CIV.SavedQuery)
        yield (node, RDFS.label, Literal(query.summary, lang="en"))
        if query.description:
            yield (node, RDFS.comment, Literal(query.description, lang="en"))
        for tag in query.tags:
            yield (node, SCHEMA.keywords, Literal(tag))
        yield (node, CIV.view, Literal(query.view))
        for parameter in query.parameters:
            yield (node, CIV.parameter, Literal(parameter.name))
        yield (node, CIV.queryText, Literal(query.text))
        yield (node, SCHEMA.url, URIRef(f"{base}queries/{query.name}"))


def union(graphs: Iterable[Iterable[Triple]]) -> Graph:
    out = new_graph()
    for graph in graphs:
        for triple in graph:
            out.add(triple)
    return out


# The whole-dataset dumps and their media types (each also has a `.gz` copy).
DUMPS = {
    "dataset.trig": "application/trig",
    "dataset.nq": "application/n-quads",
    "graph.ttl": "text/turtle",
    "graph.nt": "application/n-triples",
    "graph.jsonld": "application/ld+json",
}


def _describe_distribution(meta: set[Triple], dataset: URIRef, url: str, media_type: str) -> None:
    """A DCAT distribution: the download at `url`, named by its own URL."""
    distribution = URIRef(url)
    meta.add((dataset, DCAT.distribution, distribution))
    meta.add((distribution, RDF.type, DCAT.Distribution))
    meta.add((distribution, DCAT.downloadURL, distribution))
    meta.add(
        (
            distribution,
            DCAT.mediaType,
            URIRef("https://www.iana.org/assignments/media-types/" + media_type),
        )
    )
    meta.add((distribution, DCTERMS.license, LICENSE))


def describe_dataset(
    base: str, graphs: list[NamedGraph], data: set[Triple], articles: list[Article]
) -> set[Triple]:
    """The meta graph: VoID/DCAT description of the dataset and of each named graph (a set of
    triples: adding one to an rdflib Graph costs tens of microseconds, and this has thousands)."""
    meta: set[Triple] = set()
    dataset = URIRef(base + "dataset")
    meta.add((dataset, RDF.type, VOID.Dataset))
    meta.add((dataset, RDF.type, URIRef("http://www.w3.org/ns/dcat#Dataset")))
    meta.add(
        (
            dataset,
            DCTERMS.title,
            Literal("civicgraph: DOJ sanctuary-city letters of January 2018", lang="en"),
        )
    )
    meta.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "A knowledge graph of news reports on the US Justice Department's January 2018 "
                "letters to 23 jurisdictions and the mayors' boycott of a White House meeting: "
                "curated facts with their sources, facts extracted from each article with the "
                "sentence that supports them, and what OWL reasoning adds.",
                lang="en",
            ),
        )
    )
    meta.add((dataset, DCTERMS.license, LICENSE))
    endpoint = URIRef(base + "sparql")
    meta.add((dataset, VOID.sparqlEndpoint, endpoint))
    meta.add((dataset, DCAT.accessService, endpoint))
    meta.add((endpoint, RDF.type, DCAT.DataService))
    meta.add((endpoint, DCAT.endpointURL, endpoint))
    meta.add((endpoint, DCAT.servesDataset, dataset))
    meta.add((dataset, DCAT.landingPage, URIRef(base)))
    meta.add((dataset, VOID.uriSpace, Literal(base + "id/")))
    meta.add((dataset, VOID.vocabulary, URIRef(str(CIV)[:-1])))
    for dump, media_type in DUMPS.items():
        meta.add((dataset, VOID.dataDump, URIRef(base + "download/" + dump)))
        _describe_distribution(meta, dataset, base + "download/" + dump, media_type)
    for named in graphs:
        dump = base + "download/" + graph_file(str(named.iri), base)
        meta.add((named.iri, VOID.dataDump, URIRef(dump)))
        _describe_distribution(meta, named.iri, dump, "text/turtle")
    # map, itemgetter and compress: no Python code runs per triple
    subjects = set(map(itemgetter(0), data))
    properties = set(map(itemgetter(1), data))
    typing = {p for p in properties if p == RDF.type}
    typed = map(typing.__contains__, map(itemgetter(1), data))  # the set unchanged: same order
    classes = set(map(itemgetter(2), compress(data, typed)))
    entities = {s for s in subjects if isinstance(s, URIRef) and s.startswith(base + "id/")}
    for term, count in (
        (VOID.triples, len(data)),
        (VOID.classes, len(classes)),
        (VOID.properties, len(properties)),
        (VOID.entities, len(entities)),
    ):
        meta.add((dataset, term, Literal(count, datatype=XSD.integer)))
    for article in articles:
        meta.add((dataset, DCTERMS.source, URIRef(f"{base}id/article/{article.slug}")))
    for named in graphs:
        if named.derived_from is not None and str(named.derived_from).startswith(
            f"{base}id/source/"
        ):
            meta.add((dataset, DCTERMS.source, named.derived_from))
    for named in graphs:
        meta.add((dataset, VOID.subset, named.iri))
        meta.add((named.iri, RDF.type, SD.NamedGraph))
        meta.add((named.iri, RDF.type, VOID.Dataset))
        meta.add((named.iri, RDFS.label, Literal(named.title, lang="en")))
        meta.add((named.iri, DCTERMS.type, Literal(named.kind)))
        meta.add((named.iri, VOID.triples, Literal(len(named.graph), datatype=XSD.integer)))
        if named.derived_from is not None:
            meta.add((named.iri, PROV.wasDerivedFrom, named.derived_from))
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        when = dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None).isoformat()
        meta.add((dataset, PROV.generatedAtTime, Literal(when, datatype=XSD.dateTime)))
    meta.add((dataset, PROV.wasGeneratedBy, URIRef(f"{base}id/method/civicgraph-build")))
    meta.add((URIRef(f"{base}id/method/civicgraph-build"), RDF.type, PROV.SoftwareAgent))
    meta.add(
        (
            URIRef(f"{base}id/method/civicgraph-build"),
            RDFS.label,
            Literal(f"civicgraph {__version__}", lang="en"),
        )
    )
    return meta


def write_file(folder: Path, name: str, content: str | bytes) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes."""
    with open(path, "rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()


def file_digests(folder: Path, known: dict[str, str] | None = None) -> dict[str, dict[str, object]]:
    """Size and sha256 of every file under `folder`, by relative path, in path order; the
    sha256 of a file in `known` (by relative path) is taken from there, not read again."""
    known = known or {}

    def digest(path: Path) -> tuple[str, dict[str, object]]:
        name = path.relative_to(folder).as_posix()
        sha256 = known.get(name)
        return name, {
            "sha256": file_sha256(path) if sha256 is None else sha256,
            "bytes": path.stat().st_size,
        }

    paths = sorted(p for p in folder.rglob("*") if p.is_file())
    with ThreadPoolExecutor(THREADS) as pool:  # hashlib and zlib let other threads run
        return dict(pool.map(digest, paths))


def _writer() -> str:
    """What the bytes of a graph's files depend on besides its triples: this code's writers
    and pyoxigraph's. A graph file of the last build is reused only when this is the same."""
    code = hashlib.sha256()
    for module in (serialise, namespaces_module, gz):
        code.update(Path(str(module.__file__)).read_bytes())
    return f"{code.hexdigest()[:16]} pyoxigraph {pyoxigraph.__version__}"


class Stamps:
    """What each file of the last build was when the build ended (inode, size, time of last
    change) with the sha256 the build recorded for it, kept in the build's cache: a rebuild
    takes a file that is still so as checked instead of reading it again, as git's index does.
    A file changed later has a later time, unless its time was within a clock tick of the
    record: a file whose time is not 0.1 s older than the record is read again anyway."""

    def __init__(self, record: Path, folder: Path | None) -> None:
        self.files: dict[str, list[int | str]] = {}
        self.at = 0
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
            if folder is not None and data["folder"] == str(folder.resolve()):
                self.files, self.at = data["files"], int(data["at"])
        except (OSError, ValueError, KeyError, TypeError):
            pass

    def same(self, folder: Path, name: str, sha256: object) -> bool:
        """Whether `folder / name` is as it was when it had this sha256."""
        try:
            now = os.stat(folder / name)
        except OSError:
            return False
        return (
            self.files.get(name) == [now.st_ino, now.st_size, now.st_mtime_ns, sha256]
            and now.st_mtime_ns < self.at - 100_000_000
        )

    def intact(self, folder: Path, name: str, sha256: object) -> bool:
        """Whether `folder / name` has this sha256: by its stamp, else read and hashed."""
        if self.same(folder, name, sha256):
            return True
        try:
            return file_sha256(folder / name) == sha256
        except OSError:  # gone or unreadable
            return False

    @staticmethod
    def write(record: Path, folder: Path, files: dict[str, dict[str, object]]) -> None:
        """Record the files of a finished build (`files`: the manifest's, with their sha256)."""
        stamps: dict[str, list[object]] = {}
        try:  # (the build is in place: a failure here must not fail it)
            for name, info in files.items():
                now = os.stat(folder / name)
                stamps[name] = [now.st_ino, now.st_size, now.st_mtime_ns, info["sha256"]]
            data = {"folder": str(folder.resolve()), "at": time.time_ns(), "files": stamps}
            record.parent.mkdir(parents=True, exist_ok=True)
            partial = record.with_suffix(".part")
            partial.write_text(json.dumps(data), encoding="utf-8")
            os.replace(partial, record)
        except OSError as exc:  # the cache is an aid
            log.warning("cannot keep the build's file stamps in %s: %s", record, exc)


class Reuse:
    """The last build's graph files, for a rebuild: a graph whose N-Triples lines are the same
    is linked (not written again) when its file and `.gz` still have their recorded hashes."""

    def __init__(self, previous: Path | None, writer: str, stamps: Stamps) -> None:
        self.previous = previous
        self.stamps = stamps
        self.graphs: dict[str, str] = {}
        self.files: dict[str, Any] = {}
        self.linked: dict[str, str] = {}  # each file linked, and its sha256 (checked)
        if previous is None:
            return
        try:
            manifest = json.loads((previous / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(manifest, dict) or manifest.get("writer") != writer:
            return
        self.files = manifest.get("files") or {}
        for entry in manifest.get("graphs") or []:
            if isinstance(entry, dict) and entry.get("lines_sha256"):
                self.graphs[str(entry.get("file"))] = str(entry["lines_sha256"])

    def link(self, folder: Path, name: str, lines_sha256: str) -> bool:
        """Link `name` and `name.gz` from the last build into `folder`, if they are the same."""
        if self.previous is None or self.graphs.get(name) != lines_sha256:
            return False
        names = (name, name + ".gz")
        for each in names:
            info = self.files.get(each)
            if not isinstance(info, dict) or not self.stamps.intact(
                self.previous, each, info.get("sha256")
            ):
                return False  # changed, gone or unreadable: written afresh
        for each in names:
            (folder / each).parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(self.previous / each, folder / each)
            except OSError:  # another file system, say
                shutil.copyfile(self.previous / each, folder / each)
            self.linked[each] = str(self.files[each]["sha256"])
        return True


class JsonLdParts:
    """Each graph's JSON-LD (`serialise.jsonld`), from which the union's is composed, kept in
    `folder` (the build's cache) by what its bytes depend on: its N-Triples lines and the
    writer. A part is used only when its bytes still have the hash in its name; one not there
    is written there by a worker process (`submit`); `prune` removes the parts the build did
    not use."""

    def __init__(self, folder: Path, writer: str, submit: Callable[..., Future[Any]]) -> None:
        self.folder = folder
        self.writer = writer
        self.submit = submit
        self.used: set[str] = set()
        try:
            names = os.listdir(folder)
        except OSError:
            names = []
        self.known = {name.split(".")[0]: name for name in names if name.endswith(".jsonld")}

    def request(self, text: str, lines_sha256: str) -> Callable[[], bytes]:
        """A graph's part (from its N-Triples `text`): call the answer for its bytes, read
        from the cache when they are wanted (so that they are held one at a time)."""
        key = self._key(lines_sha256)
        name = self.known.get(key)
        if name is not None and self._intact(name):
            self.used.add(name)
            return lambda: (self.folder / name).read_bytes()
        future = self.submit(serialise.write_jsonld_part, text, self.folder, key)
        return lambda: self._written(future)

    def request_later(self, lines: list[str], lines_sha256: str) -> Callable[[], bytes]:
        """A graph's part that should not be needed (its piece is copied from the last build):
        kept in the cache if it is there, and made in this process only if it is called for."""
        name = self.known.get(self._key(lines_sha256))
        if name is not None:
            self.used.add(name)

        def part() -> bytes:
            kept = self._read(name) if name is not None else None
            return kept if kept is not None else serialise.jsonld(lines)

        return part

    def _key(self, lines_sha256: str) -> str:
        return hashlib.sha256(f"{self.writer} {lines_sha256}".encode()).hexdigest()[:32]

    def _intact(self, name: str) -> bool:
        return self._read(name) is not None

    def _read(self, name: str) -> bytes | None:
        """The part's bytes, if they still have the hash in its name."""
        try:
            part = (self.folder / name).read_bytes()
        except OSError:
            return None
        return part if hashlib.sha256(part).hexdigest()[:16] == name.split(".")[1] else None

    def _written(self, future: Future[tuple[str, bytes | None]]) -> bytes:
        name, part = future.result()
        if part is not None:  # the cache is an aid: the build goes on without it
            log.warning("cannot keep a graph's JSON-LD in %s", self.folder)
            return part
        self.used.add(name)
        return (self.folder / name).read_bytes()

    def prune(self) -> None:
        for name in set(self.known.values()) - self.used:
            (self.folder / name).unlink(missing_ok=True)


# The dumps made of each graph's piece (serialise.py), with what goes before, between and
# after the pieces.
PIECED: dict[str, tuple[bytes, bytes, bytes]] = {
    "dataset.trig": (serialise.prefix_lines(PREFIXES), b"", b""),
    "graph.ttl": (serialise.prefix_lines(PREFIXES), b"", b""),
    "dataset.nq": (b"", b"", b""),
    "graph.jsonld": (b"[", b",", b"]\n"),
}


class LastDumps:
    """The last build's dumps, whose pieces a rebuild copies for the graphs whose N-Triples
    lines did not change (the writer the same): as they are in the file, where its manifest
    places them, once the file is found to have the hash the manifest gives it (checked in a
    thread of `pool`, begun at once)."""

    def __init__(
        self, previous: Path | None, writer: str, pool: ThreadPoolExecutor, stamps: Stamps
    ) -> None:
        self.previous = previous
        self.spans: dict[str, dict[str, tuple[str, int, int]]] = {name: {} for name in PIECED}
        self.intact: dict[str, Future[bool]] = {}
        self.copied = 0
        if previous is None:
            return
        try:
            manifest = json.loads((previous / "manifest.json").read_text(encoding="utf-8"))
            if manifest.get("writer") != writer:
                return
            for entry in manifest["graphs"]:
                for name, (offset, size) in (entry.get("pieces") or {}).items():
                    if name in self.spans:
                        span = (str(entry["lines_sha256"]), int(offset), int(size))
                        self.spans[name][str(entry["iri"])] = span
            files = manifest["files"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.spans = {name: {} for name in PIECED}
            return
        for name in PIECED:
            expected = (files.get(name) or {}).get("sha256")
            self.intact[name] = pool.submit(stamps.intact, previous, name, expected)

    def holds(self, name: str, iri: str, lines_sha256: str) -> bool:
        """Whether the last build's `name` has a piece for the graph with these lines (its
        hash not yet checked: `span` waits for that)."""
        found = self.spans[name].get(iri)
        return found is not None and found[0] == lines_sha256

    def span(self, name: str, iri: str, lines_sha256: str) -> tuple[int, int] | None:
        """Where the last build's `name` holds the piece of the graph with these lines."""
        if not self.holds(name, iri, lines_sha256) or not self.intact[name].result():
            return None
        _, offset, size = self.spans[name][iri]
        return offset, size

    def copy(self, name: str, span: tuple[int, int], out: int) -> bool:
        """Copy the span of the last build's `name` to the end of the file open as `out`."""
        assert self.previous is not None
        offset, size = span
        try:
            with open(self.previous / name, "rb") as source:
                done = 0
                while done < size:  # the kernel copies (on one file system), else read, write
                    try:
                        step = os.copy_file_range(source.fileno(), out, size - done, offset + done)
                    except OSError:
                        step = os.write(out, os.pread(source.fileno(), size - done, offset + done))
                    if step <= 0:
                        return False
                    done += step
        except OSError:
            return False
        self.copied += 1
        return True


def write_dump(
    path: Path,
    pieces: Iterable[tuple[str, str, Callable[[], bytes]]],
    last: LastDumps,
    where: dict[str, dict[str, list[int]]],
) -> list[int]:
    """Write a dump of PIECED: its head, then each graph's piece (iri, lines hash, what makes
    its bytes), copied from the last build's where it can be, then its tail. Records where each
    graph's piece is in `where[iri][name]` ([offset, bytes]); returns the sizes of what was
    written in turn (for graph/gz.py)."""
    head, between, tail = PIECED[path.name]
    sizes: list[int] = []
    position = 0
    with open(path, "wb", buffering=0) as out:
        fd = out.fileno()

        def put(data: bytes) -> None:
            nonlocal position
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            sizes.append(len(data))
            position += len(data)

        put(head)
        first = True
        for iri, lines_sha256, make in pieces:
            span = last.span(path.name, iri, lines_sha256)
            data = make() if span is None else None
            if (span[1] if span is not None else len(data or b"")) == 0:
                where.setdefault(iri, {})[path.name] = [position, 0]  # an empty graph's
                continue
            if between and not first:
                put(between)
            first = False
            start = position
            if span is not None:  # (so no data made)
                if last.copy(path.name, span, fd):
                    sizes.append(span[1])
                    position += span[1]
                else:  # not copied after all (the file went, say): made, the same bytes
                    os.ftruncate(fd, start)
                    os.lseek(fd, start, os.SEEK_SET)
                    data = make()
            if data is not None:
                put(data)
            where.setdefault(iri, {})[path.name] = [start, position - start]
        put(tail)
    return sizes


def write_outputs(
    folder: Path,
    settings: Settings,
    graphs: list[NamedGraph],
    progress: Progress | None = None,
    previous: Path | None = None,
    cache: Path | None = None,
) -> dict[str, object]:
    """Serialise every file of the build folder and return the manifest.

    `previous`, the last build's folder: its file of a graph whose triples did not change is
    reused. `cache`, the build's cache folder: each graph's JSON-LD, the gzip copies' indexes
    and the files' stamps (a temporary one without it)."""
    if cache is None:
        with tempfile.TemporaryDirectory(prefix="civicgraph-jsonld-") as temporary:
            return write_outputs(folder, settings, graphs, progress, previous, Path(temporary))
    base = settings.base
    progress = progress or Progress.quiet()
    writer = _writer()
    stamps = Stamps(cache / "stamps.json", previous)
    reuse = Reuse(previous, writer, stamps)
    checking = ThreadPoolExecutor(len(PIECED))  # the last build's dumps' hashes, meanwhile
    last = LastDumps(previous, writer, checking, stamps)
    names: dict[Node, str] = {}  # each term's N-Triples, written once for every graph
    # Worker processes write each graph's Turtle and JSON-LD (pyoxigraph holds the interpreter
    # while it works) and each file's gzip copy as soon as the file is written, while this
    # process writes the next.
    workers = ProcessPoolExecutor(THREADS, mp_context=multiprocessing.get_context("forkserver"))
    gzipping: set[str] = set()  # files whose gzip copy is made as they are written
    indexes = cache / "gzip"  # where each dump's copy has each chunk's stream (graph/gz.py)
    compressing: list[Future[Digests]] = []
    queued: deque[tuple[Future[Any], int]] = deque()  # jobs given text, and its length
    queued_chars = 0

    def given(job: Callable[..., Any], text: str, *args: object) -> Future[Any]:
        """`job(text, *args)` for a worker, once the text queued for others is below
        QUEUED_TEXT: the workers' queue holds the text until one takes it."""
        nonlocal queued_chars
        while queued and (queued[0][0].done() or queued_chars > QUEUED_TEXT):
            oldest, size = queued.popleft()
            wait([oldest])
            queued_chars -= size
        future = workers.submit(job, text, *args)
        queued.append((future, len(text)))
        queued_chars += len(text)
        return future

    def written(name: str, sizes: list[int]) -> None:
        """`name` is written: its gzip copy, by a worker, of its pieces of `sizes` bytes (each
        graph's, cut smaller where large), most of them taken from the last build's copy."""
        gzipping.add(name)
        last_copy = previous / f"{name}.gz" if previous is not None else None
        compressing.append(
            workers.submit(
                write_gzip_of_pieces, folder / name, sizes, indexes / f"{name}.json", last_copy
            )
        )

    with workers, checking:
        with progress.stage("serialise", len(graphs) + len(DUMPS)) as step:
            lines: dict[URIRef, list[str]] = {}
            lines_sha256: dict[URIRef, str] = {}
            parts = JsonLdParts(cache / "jsonld", writer, given)
            jsonld: dict[URIRef, Callable[[], bytes]] = {}
            where: dict[str, dict[str, list[int]]] = {}  # each graph's place in each dump
            turtles_written: list[Future[Digests]] = []
            prefixes = {name: str(iri) for name, iri in PREFIXES.items()}
            for named in graphs:
                known = named.lines
                lines[named.iri] = (
                    serialise.nt_lines(named.graph, names) if known is None else known
                )
                # the lines' text is made only when it is needed
                text: str | None = None
                if known is not None and named.lines_sha256 is not None:
                    lines_sha256[named.iri] = named.lines_sha256
                else:
                    text = "".join(lines[named.iri])
                    lines_sha256[named.iri] = hashlib.sha256(text.encode("utf-8")).hexdigest()
                name = graph_file(str(named.iri), base)
                if not reuse.link(folder, name, lines_sha256[named.iri]):
                    gzipping.add(name)  # the worker writes the gzip copy too
                    text = "".join(lines[named.iri]) if text is None else text
                    turtles_written.append(
                        given(serialise.write_turtle, text, folder / name, prefixes)
                    )
                if last.holds("graph.jsonld", str(named.iri), lines_sha256[named.iri]):
                    # copied from the last build's graph.jsonld (made here if that fails)
                    jsonld[named.iri] = parts.request_later(
                        lines[named.iri], lines_sha256[named.iri]
                    )
                else:
                    text = "".join(lines[named.iri]) if text is None else text
                    jsonld[named.iri] = parts.request(text, lines_sha256[named.iri])
                del text
                step.advance()
            del names
            everything = serialise.merge_lines(lines.values())
            write_file(folder, "graph.nt", "".join(everything))
            written("graph.nt", [(folder / "graph.nt").stat().st_size])
            step.advance()
            compressing += turtles_written
            for future in turtles_written:
                future.result()

            def turtle_of(named: NamedGraph) -> bytes:
                return (folder / graph_file(str(named.iri), base)).read_bytes()

            # Each dump of the dataset is a head, each graph's piece (copied from the last
            # build's dump for a graph that did not change), and a tail.
            made: dict[str, Callable[[NamedGraph], bytes]] = {
                "dataset.trig": lambda n: serialise.trig_piece(str(n.iri), turtle_of(n)),
                "graph.ttl": lambda n: serialise.turtle_piece(turtle_of(n)),
                "dataset.nq": lambda n: serialise.nquads(str(n.iri), lines[n.iri]).encode(),
                "graph.jsonld": lambda n: serialise.jsonld_piece(jsonld[n.iri]()),
            }
            for name, make in made.items():
                pieces = [(str(n.iri), lines_sha256[n.iri], partial(make, n)) for n in graphs]
                written(name, write_dump(folder / name, pieces, last, where))
                step.advance()
            parts.prune()
            ontology_dir = Path(settings.ontology)
            write_file(folder, "ontology.ttl", (ontology_dir / "civic.ttl").read_bytes())
            write_file(folder, "shapes.ttl", (ontology_dir / "shapes.ttl").read_bytes())
            meta = next(n for n in graphs if n.kind == "meta")
            void = (folder / graph_file(str(meta.iri), base)).read_bytes()  # the meta graph's
            write_file(folder, "void.ttl", void)
        started = time.perf_counter()
        with progress.stage("compress", 1):
            # The hashes of the files the workers read or wrote, and of those linked; waited
            # for first: the folder holds the workers' partial files till then.
            hashed = dict(reuse.linked)

            def take(jobs: Iterable[Future[Digests]]) -> None:
                for job in jobs:
                    for path, sha256 in job.result().items():
                        hashed[Path(path).relative_to(folder).as_posix()] = sha256

            take(compressing)
            rest = sorted(
                p
                for p in folder.rglob("*")
                if p.is_file()
                and p.suffix != ".gz"
                and p.relative_to(folder).as_posix() not in gzipping
                # what was linked from the last build has its copy, which writing would change
                and p.relative_to(folder).as_posix() not in reuse.linked
            )
            take([workers.submit(write_gzip, p) for p in rest])

    # Triples in each RDF file (and its .gz), for the download page.
    triples: dict[str, int] = {graph_file(str(n.iri), base): len(lines[n.iri]) for n in graphs}
    triples |= {
        name: sum(len(v) for v in lines.values()) for name in ("dataset.trig", "dataset.nq")
    }
    triples |= {name: len(everything) for name in ("graph.ttl", "graph.nt", "graph.jsonld")}
    ontology = next((n for n in graphs if n.kind == "ontology"), None)
    if ontology is not None:
        triples["ontology.ttl"] = len(ontology.graph)
    triples["shapes.ttl"] = len(load_turtle(ontology_dir / "shapes.ttl"))
    triples["void.ttl"] = len(meta.graph)
    compressed = time.perf_counter()
    files = file_digests(folder, hashed)
    log.info("compress: %.2f s, hash: %.2f s (%d graph files reused, %d pieces of the dumps "
             "copied)", compressed - started, time.perf_counter() - compressed,
             len(reuse.linked) // 2, last.copied)  # fmt: skip
    for rel, info in files.items():
        count = triples.get(rel.removesuffix(".gz"))
        if count is not None:
            info["triples"] = count
    digest = hashlib.sha256(
        "".join(f"{info['sha256']}  {name}\n" for name, info in files.items()).encode()
    ).hexdigest()
    return {
        "generator": f"civicgraph {__version__}",
        "writer": writer,
        "base": base,
        "dataset_hash": digest,
        "union_triples": len(everything),
        "quads": sum(len(v) for v in lines.values()),
        "graphs": [
            {
                "iri": str(n.iri),
                "kind": n.kind,
                "title": n.title,
                "file": graph_file(str(n.iri), base),
                "triples": len(lines[n.iri]),
                "lines_sha256": lines_sha256[n.iri],
                "pieces": where[str(n.iri)],  # its piece of each dump: offset, bytes
                "derived_from": str(n.derived_from) if n.derived_from else None,
            }
            for n in graphs
        ],
        "classes": dict(sorted(Counter(serialise.rdf_type_objects(everything)).items())),
        "files": files,
    }


def publish(staging: Path, target: Path, digest: str) -> Path:
    """Switch `target` (a symbolic link) to the finished build in one atomic rename."""
    versions = target.parent / f".{target.name}.versions"
    final = versions / digest[:16]
    if final.exists():
        shutil.rmtree(staging)  # the same inputs built before: identical bytes
    else:
        staging.rename(final)
    if target.exists() and not target.is_symlink():
        target.rename(versions / f"previous-{digest[:8]}")  # an old plain folder, kept aside
    previous = target.resolve() if target.is_symlink() else None
    link = versions / f"link-{digest[:16]}"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(os.path.relpath(final, target.parent))
    os.replace(link, target)
    for old in versions.iterdir():
        if (
            old.resolve() not in (final.resolve(), previous)
            and old.is_dir()
            and not old.is_symlink()
        ):
            shutil.rmtree(old, ignore_errors=True)
    return final


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector off for a while. A build makes millions of terms and triples,
    none of them in cycles (reference counting frees them), and the collector would walk them
    all again and again (much of reasoning's time: BENCHMARKS.md, "Build at scale")."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build(
    settings: Settings, progress: Progress | None = None, engine: Engine = "auto"
) -> BuildResult:
    """Run the whole build; raise a BuildError subclass, leaving the last build, on any failure.

    `progress` shows each stage's progress (by default a bar on a terminal, log lines
    elsewhere); `engine` is the OWL 2 RL reasoner (graph/reason.py: each gives the same
    triples; `auto` picks graph/rules.py where it can read the schema).
    """
    start_worker_server()  # it loads spaCy while this process reads the inputs
    left_out: dict[str, LeftOut] = {}
    with cyclic_gc_paused():
        for _ in range(ROUNDS):
            try:
                return _build(settings, progress, engine, left_out)
            except LeaveOut as leave:  # again without them: the caches make it quick
                for item in leave.items:
                    log.warning("%s", item.line())
                    left_out[item.node] = item
    raise BuildError(
        f"extracted facts still break the shapes after leaving out {len(left_out)} of them in "
        f"{ROUNDS} rounds"
    )


def _build(
    settings: Settings,
    progress: Progress | None,
    engine: Engine,
    left_out: dict[str, LeftOut] | None = None,
) -> BuildResult:
    base = settings.base
    progress = progress or Progress()
    seconds: dict[str, float] = {}
    warnings: list[str] = []
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = round(now - clock, 3)
        log.info("%s: %.2f s", stage, now - clock)
        clock = now

    ontology_dir = Path(settings.ontology)
    ontology = load_turtle(ontology_dir / "civic.ttl")
    shapes = load_turtle(ontology_dir / "shapes.ttl")
    articles = read_corpus(Path(settings.corpus))
    for article in articles:
        warnings.extend(article.warnings)
    curated = read_curated(Path(settings.curated), base, articles)
    target = settings.build_dir.absolute()
    cache = target.parent / f".{target.name}.cache"
    queries = load_queries_kept(Path(settings.queries), cache / "queries.json")
    lap("read")

    known = union(c.graph for c in curated)
    inputs = hashlib.sha256()
    for path in [ontology_dir / "civic.ttl", *sorted(Path(settings.curated).glob("*.ttl"))]:
        inputs.update(path.name.encode() + b"\0" + path.read_bytes())
    # an article's lines, as its cache file holds them, and the sha256 of their text
    known_lines: dict[str, tuple[list[str], str]] = {}
    extracted = extract_articles(
        articles,
        build_gazetteer(known, ontology),
        base,
        cache=cache / "extract",
        inputs_digest=inputs.hexdigest(),
        progress=progress,
        lines=known_lines,
    )
    left_out = left_out or {}
    article_graphs = []
    for article in articles:
        iri = graph_iri(base, "article", article.slug)
        triples = set(extracted[article.slug])
        cached: tuple[list[str] | None, str | None] = known_lines.get(article.slug, (None, None))
        leave = {item.node for item in left_out.values() if item.graph == str(iri)}
        if leave:
            triples, cached = without(triples, leave), (None, None)
        graph = NamedGraph(
            iri,
            "article",
            triples,
            URIRef(f"{base}id/article/{article.slug}"),
            f"extracted: {article.title}",
            *cached,
        )
        article_graphs.append(graph)
    screen = Screen(
        {g.iri: g.graph for g in article_graphs},
        (t for c in curated for t in c.graph),
    )
    log.info(
        "extract: %d of %d article graphs with their lines known", len(known_lines), len(articles)
    )
    lap("extract")

    # Blank nodes (OWL lists in the ontology) get content-derived labels, so output is stable.
    ontology_graph = NamedGraph(
        graph_iri(base, "ontology"),
        "ontology",
        to_canonical_graph(ontology),
        URIRef(str(CIV)[:-1]),
        "ontology",
    )
    asserted_graphs = [ontology_graph, *curated, *article_graphs]
    # Sets of triples, not Graphs, from here on: filling and testing a set is many times faster.
    asserted: set[Triple] = set().union(*(g.graph for g in asserted_graphs))
    lap("union")
    # Each validation runs in a process of its own, alongside the rest of the build (the
    # asserted graphs' during reasoning, the closure's while the files are written); both
    # are waited for before the build is put in place.
    validation = Validation(shapes, cache / "shacl", progress, prefixes=PREFIXES)
    validations = [validation.start(asserted, "asserted graphs")]
    try:
        engine = resolve(engine, asserted)
        log.info("reasoning with %s", engine)
        inferred = inferred_triples(asserted, ontology, engine)
        lap("reason")

        closure = asserted  # not needed on its own any more: the inferences go into it
        closure |= inferred
        validations.append(validation.start(closure, "graphs with inferences"))

        graphs = [
            *asserted_graphs,
            NamedGraph(
                graph_iri(base, "inferred"),
                "inferred",
                inferred,
                URIRef(f"{base}id/method/{engine}"),
                f"inferred by OWL 2 RL reasoning ({engine})",
            ),
        ]
        meta = describe_dataset(base, graphs, closure, articles)
        for triple in describe_queries(base, queries):
            meta.add(triple)
        graphs.append(
            NamedGraph(graph_iri(base, "meta"), "meta", meta, None, "dataset description")
        )

        versions = target.parent / f".{target.name}.versions"
        staging: Path | None = None
        try:
            versions.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix="staging-", dir=versions))
            for query in queries:
                write_file(staging, f"queries/{query.name}.rq", query.text.encode("utf-8"))
            # The last build, whose unchanged parts a rebuild reuses (each checked as it is).
            previous = target.resolve() if target.is_symlink() and target.is_dir() else None
            manifest = write_outputs(staging, settings, graphs, progress, previous, cache)
            lap("serialise")
            findings: set[Finding] = set()
            for started in validations:
                findings.update(started.result(screen))
            warnings.extend(str(f) for f in sorted(findings, key=str))
            warnings.extend(item.line() for item in left_out.values())
            manifest["warnings"] = warnings
            manifest["left_out"] = [item.as_json() for item in left_out.values()]
            lap("validate")
            # After the files are hashed: the store is checked by its quad count, not its bytes.
            lines = int(manifest["quads"]) + int(manifest["union_triples"])  # type: ignore[call-overload]
            store = write_store(
                staging, staging / "dataset.nq", staging / "graph.nt", previous, lines,
                manifest["graphs"],  # type: ignore[arg-type]
            )  # fmt: skip
            manifest["stores"] = {"oxigraph": store}
            (staging / "manifest.json").write_text(
                json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
            )
            # The version folder's name: the files' hash and what the store was written as (a new
            # store layout or Oxigraph version is a new folder, never a stale one reused).
            stores = json.dumps(manifest["stores"], sort_keys=True)
            digest = hashlib.sha256(f"{manifest['dataset_hash']} {stores}".encode()).hexdigest()
            lap("store")
            final = publish(staging, target, digest)
            Stamps.write(cache / "stamps.json", final, manifest["files"])  # type: ignore[arg-type]
        except OSError as exc:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            raise BuildError(f"cannot write the build to {target}: {exc}") from None
        except BaseException:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            raise
        for warning in warnings:
            log.warning("%s", warning)
        return BuildResult(final, manifest, warnings, seconds)
    finally:
        for started in validations:
            started.cancel()
