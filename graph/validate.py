"""SHACL validation with pySHACL: violations fail the build, warnings are reported."""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import re
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.compare import to_canonical_graph
from rdflib.namespace import SH
from rdflib.term import Node

from graph.errors import BuildError, ShapeViolation
from graph.progress import Progress
from graph.serialise import nt_lines, read_nt_text
from graph.shacl import engine_for

log = logging.getLogger("civicgraph.validate")
Triple = tuple[Node, Node, Node]


class ValidationStopped(BuildError):
    """The process validating the graph ended without a result (killed, out of memory)."""


@dataclass(frozen=True)
class Finding:
    """One SHACL result, in words."""

    severity: str
    focus: str
    shape: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.severity}: {self.focus}{where} — {self.message} (shape {self.shape})"


def _text(graph: Graph, node: Node | None) -> str:
    if node is None:
        return ""
    return node.n3(graph.namespace_manager)


def _shape_name(shapes: Graph, shape: Node | None) -> str:
    """A readable name for a shape; an anonymous property shape is named by its node shape."""
    if isinstance(shape, BNode):
        parent = shapes.value(predicate=SH.property, object=shape)
        path = shapes.value(shape, SH.path)
        if parent is not None:
            return f"{_text(shapes, parent)} on {_text(shapes, path)}"
    return _text(shapes, shape)


def findings_of(data: Graph, shapes: Graph) -> list[Finding]:
    """Every SHACL result of `data` against `shapes`, in words, sorted."""
    # inplace: the shapes have no rules and there is no inference, so nothing is written to
    # `data`, and pySHACL's copy of it (a quarter of the time) is skipped.
    from pyshacl import validate  # here: its import is slow, and graph.shacl's engine is used

    _, report, _ = validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True,
        inplace=True,
    )  # fmt: skip
    assert isinstance(report, Graph)
    findings: list[Finding] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        findings.append(
            Finding(
                severity=str(severity).rsplit("#", 1)[-1],
                focus=_text(data, report.value(result, SH.focusNode)),
                shape=_shape_name(shapes, report.value(result, SH.sourceShape)),
                path=_text(data, report.value(result, SH.resultPath)),
                message=str(report.value(result, SH.resultMessage) or ""),
            )
        )
    findings.sort(key=lambda f: (f.severity, f.focus, f.path, f.message))
    return findings


def judge(findings: list[Finding], stage: str) -> list[Finding]:
    """Raise ShapeViolation naming the first violations, if any; else return the warnings."""
    findings = sorted(findings, key=lambda f: (f.severity, f.focus, f.path, f.message))
    violations = [f for f in findings if f.severity == "Violation"]
    if violations:
        lines = "\n".join(f"  {v}" for v in violations[:50])
        more = f"\n  … and {len(violations) - 50} more" if len(violations) > 50 else ""
        raise ShapeViolation(
            f"SHACL validation of the {stage} found {len(violations)} violation(s):\n{lines}{more}"
        )
    return [f for f in findings if f.severity != "Violation"]


def check_shapes(data: Graph, shapes: Graph, stage: str) -> list[Finding]:
    """Validate `data` against `shapes`; raise ShapeViolation on violations, return warnings."""
    return judge(findings_of(data, shapes), stage)


# -- validating a large graph in parts ------------------------------------------------------
#
# Every shape here reaches its focus nodes by sh:targetClass or sh:targetSubjectsOf and looks
# only at the focus node's own values (simple paths), at the rdf:type of the values of the
# paths that carry sh:class (directly or in sh:qualifiedValueShape), and at the ontology's
# rdfs:subClassOf. So the results for a set of subjects follow from a part of the graph: their
# own triples, the types of those values, and every rdfs:subClassOf triple. The graph is cut
# into such parts (an article's sentences, mentions and facts together; what several articles
# share in a few more), each part is validated on its own (in parallel, and only once for the
# same content: results are cached by a hash of the part), and a result counts only for a
# focus node that is one of the part's own subjects. tests/test_validate.py holds the result
# to plain pySHACL on the whole graph.

_ARTICLE = re.compile(r"/id/article/([^/]+)")
SHARED_PARTS = 16
BATCH_TRIPLES = 25_000  # triples per pySHACL run: enough to spread its fixed cost
PARALLEL_FROM = 60_000  # triples to validate before a second process pays off


# What makes a part's results depend on more than the part: a shape this cut cannot follow.
_BEYOND = {
    SH.closed, SH.targetNode, SH.targetObjectsOf, SH.target, SH.sparql, SH.rule, SH.js,
    SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath,
}  # fmt: skip
_PAIRS = (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals)
_ON_VALUES = (SH.node, SH.qualifiedValueShape, SH["not"])
_LISTS = (SH["or"], SH["and"], SH.xone)


@dataclass(frozen=True)
class Reach:
    """What the shapes can look at: the predicates of a focus node they read, the classes
    they target or require, and the paths whose values' types they check."""

    predicates: frozenset[Node]
    classes: frozenset[Node]
    typed: frozenset[Node]


def _value_shapes(shapes: Graph, shape: Node) -> set[Node]:
    """The shapes a property shape applies to each of its values (sh:node, sh:or, …)."""
    found: set[Node] = set()
    todo = [shape]
    while todo:
        current = todo.pop()
        nested = [o for p in _ON_VALUES for o in shapes.objects(current, p)]
        for p in _LISTS:
            for head in shapes.objects(current, p):
                nested.extend(Collection(shapes, head))
        for node in nested:
            if node not in found:
                found.add(node)
                todo.append(node)
    return found


def reach(shapes: Graph) -> Reach | None:
    """What `shapes` can look at, or None when a shape looks further than its focus node's own
    values and their types (then only the whole graph gives its results)."""
    if any(True for p in _BEYOND for _ in shapes.triples((None, p, None))):
        return None
    predicates: set[Node] = set()
    for path in shapes.objects(None, SH.path):
        if not isinstance(path, URIRef):
            return None  # a sequence path reaches other nodes' values
        predicates.add(path)
    for p in (SH.targetSubjectsOf, *_PAIRS):
        predicates.update(shapes.objects(None, p))
    classes = set(shapes.objects(None, SH.targetClass)) | set(shapes.objects(None, SH["class"]))
    typed: set[Node] = set()
    for shape, path in shapes.subject_objects(SH.path):
        for nested in _value_shapes(shapes, shape):
            if (nested, SH.path, None) in shapes or (nested, SH.property, None) in shapes:
                return None  # a value's own properties
            if (nested, SH["class"], None) in shapes:
                typed.add(path)
        if (shape, SH["class"], None) in shapes:
            typed.add(path)
    return Reach(frozenset(predicates), frozenset(classes), frozenset(typed))


def _bindings(graph: Graph) -> list[tuple[str, str]]:
    return [(prefix, str(namespace)) for prefix, namespace in graph.namespaces()]


def _graph(bindings: list[tuple[str, str]], text: str) -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in bindings:
        graph.bind(prefix, namespace, override=True, replace=True)
    if text:
        for triple in read_nt_text(text):
            graph.add(triple)
    return graph


@dataclass(frozen=True)
class _Batch:
    """Parts to validate in one pySHACL run: (name, own lines) of each, and the context."""

    parts: list[tuple[str, str]]
    context: str
    data_bindings: list[tuple[str, str]]


_SHAPES: Graph | None = None


def _init_worker(bindings: list[tuple[str, str]], shapes_text: str) -> None:
    global _SHAPES  # parsed once per worker process
    _SHAPES = _graph(bindings, shapes_text)


def _run_batch(batch: _Batch) -> list[tuple[str, list[Finding]]]:
    """Each part's own results: those whose focus node is one of its subjects."""
    assert _SHAPES is not None, "worker not initialised"
    data = _graph(batch.data_bindings, batch.context)
    subjects: list[set[Node]] = []
    for _, own in batch.parts:
        triples = read_nt_text(own)
        subjects.append({t[0] for t in triples})
        for triple in triples:
            data.add(triple)
    found = findings_of(data, _SHAPES)
    results = []
    for (name, _), mine in zip(batch.parts, subjects, strict=True):
        focus = {_text(data, s) for s in mine}
        results.append((name, [f for f in found if f.focus in focus]))
    return results


class _Collect(logging.Handler):
    """Keeps each record's logger, level and message in a list."""

    def __init__(self, records: list[tuple[str, int, str]]) -> None:
        super().__init__()
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


class Started:
    """A validation running in a forked child process: `result()` waits for it and returns,
    or raises, what `Validation.check` would; `cancel()` stops it."""

    def __init__(self, validation: Validation, data: Graph | set[Triple], stage: str) -> None:
        self.stage = stage
        self.found: list[Finding] | None = None
        self.raw: list[Finding] | None = None
        self.process: Any = None
        if "fork" not in multiprocessing.get_all_start_methods():
            self.raw = validation.findings(data, stage)
            return
        context = multiprocessing.get_context("fork")
        self.receive, send = context.Pipe(duplex=False)

        def child() -> None:
            # The parent's display and streams stay the parent's (another of its threads may
            # hold their locks): log records go back with the result, to be logged there.
            validation.progress = Progress.quiet()
            records: list[tuple[str, int, str]] = []
            root = logging.getLogger()
            root.handlers = [_Collect(records)]
            started = time.perf_counter()
            try:
                result: tuple[str, object] = ("ok", validation.findings(data, stage))
            except BaseException as exc:  # any: the parent raises it
                result = ("error", exc)
            seconds = time.perf_counter() - started
            try:
                send.send((*result, seconds, records))
            except Exception as exc:  # an exception that does not pickle: its words
                failure = BuildError(f"{type(exc).__name__}: {exc}")
                send.send(("error", failure, seconds, records))
            send.close()

        self.process = context.Process(target=child, name=f"validate {stage}", daemon=True)
        self.process.start()
        send.close()

    def result(self, screen: Callable[[list[Finding]], None] | None = None) -> list[Finding]:
        """The warnings; `ShapeViolation` for violations. `screen` sees every finding first
        (and may raise for some of them: the build leaves out extracted facts that way)."""
        if self.found is not None:
            return self.found
        if self.raw is not None:
            return self._judged(self.raw, screen)
        try:
            status, value, seconds, records = self.receive.recv()
        except EOFError:
            self.process.join()
            raise ValidationStopped(
                f"the validation of the {self.stage} stopped (exit code {self.process.exitcode})"
            ) from None
        finally:
            self.receive.close()
        self.process.join()
        for name, level, message in records:
            logging.getLogger(name).log(level, "%s", message)
        log.info("validate %s: %.2f s, alongside the build", self.stage, seconds)
        if status == "error":
            raise value
        return self._judged(value, screen)

    def _judged(
        self, findings: list[Finding], screen: Callable[[list[Finding]], None] | None
    ) -> list[Finding]:
        if screen is not None:
            screen(findings)
        self.found = judge(findings, self.stage)
        return self.found

    def cancel(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.kill()
            self.process.join()


class Validation:
    """Validates large graphs: with graph.shacl's engine when it can read the shapes, else
    with pySHACL in parts, in parallel, with each part's results cached."""

    def __init__(
        self,
        shapes: Graph,
        cache: Path | None = None,
        progress: Progress | None = None,
        jobs: int | None = None,
        prefixes: dict[str, str] | None = None,
        engine: str = "auto",
    ) -> None:
        """`prefixes` name IRIs in the findings of data given as a set of triples (a Graph's
        own bindings are used for a Graph); `engine` is "auto" (graph.shacl's engine where
        the shapes allow, else pySHACL) or "pyshacl"."""
        if engine not in ("auto", "pyshacl"):
            raise ValueError(f"engine must be 'auto' or 'pyshacl', not {engine!r}")
        self.shapes = shapes
        self.engine = engine_for(shapes) if engine == "auto" else None
        self._names: dict[Node, str] = {}
        self.cache = cache
        self.progress = progress or Progress.quiet()
        self.jobs = jobs or os.cpu_count() or 1
        self.prefixes = sorted((prefixes or {}).items())

    # What validating with pySHACL in parts needs, made when it is first needed (a tenth of a
    # second or more, which graph.shacl's engine does without).

    @cached_property
    def reach(self) -> Reach | None:
        return reach(self.shapes)

    @cached_property
    def shapes_text(self) -> str:
        return "".join(nt_lines(self.shapes))

    @cached_property
    def shapes_bindings(self) -> list[tuple[str, str]]:
        return _bindings(self.shapes)

    @cached_property
    def version(self) -> str:
        """What a part's cached results depend on besides its lines: pySHACL and the shapes
        (blank nodes named by content: the same shapes give the same key in every build)."""
        from pyshacl import __version__ as pyshacl_version

        stable = "".join(nt_lines(to_canonical_graph(self.shapes)))
        version = f"{pyshacl_version} {stable} {self.shapes_bindings}"
        return hashlib.sha256(version.encode()).hexdigest()

    def start(self, data: Graph | set[Triple], stage: str) -> Started:
        """`check(data, stage)` begun in a child process, forked so that it reads `data` as
        this process holds it (copy-on-write: nothing is copied but what either changes),
        while this process goes on (and may change `data`). Where there is no fork, `check`
        runs at once."""
        return Started(self, data, stage)

    def parts(self, data: Graph | set[Triple]) -> dict[str, tuple[list[str], list[str]]]:
        """The graph cut into parts: name → (own lines, context lines), each sorted. Only
        triples the shapes can look at are kept: their paths, and the types of the classes
        they target or require (with their subclasses)."""
        if self.reach is None:  # shapes this cut cannot follow: the whole graph in one part
            return {"whole": (nt_lines(data), [])}
        subclass_of, rdf_type = RDFS.subClassOf, RDF.type  # each a new term when named
        context = [t for t in data if t[1] == subclass_of]
        relevant: set[Node] = set(self.reach.classes)
        grew = True
        while grew:  # every subclass, however deep
            more = {s for s, _, o in context if o in relevant and s not in relevant}
            relevant |= more
            grew = bool(more)
        kept = self.reach.predicates
        types: dict[Node, list[Triple]] = {}
        by_subject: dict[Node, list[Triple]] = {}
        for triple in data:
            by_subject.setdefault(triple[0], []).append(triple)
            if triple[1] == rdf_type and triple[2] in relevant:
                types.setdefault(triple[0], []).append(triple)
        parts: dict[str, tuple[list[Triple], list[Triple]]] = {}
        for subject, triples in by_subject.items():
            mine = [t for t in triples if t[1] in kept] + types.get(subject, [])
            if not mine:
                continue
            own, needed = parts.setdefault(self._part_of(subject, triples), ([], []))
            own.extend(mine)
            for _, p, o in mine:
                if p in self.reach.typed:
                    needed.extend(types.get(o, ()))
        return {
            name: (nt_lines(own), nt_lines([*needed, *context]))
            for name, (own, needed) in sorted(parts.items())
        }

    @staticmethod
    def _part_of(subject: Node, triples: list[Triple]) -> str:
        """An article's own nodes, and what only its nodes support, go with the article; the
        nodes of its text (sentences, mentions: IRIs under the article's) in a part of their
        own, which reasoning seldom changes, so the second validation finds it cached."""
        found = _ARTICLE.search(str(subject))
        if found is not None and str(subject)[found.end() :].startswith("/"):
            return "text " + found.group(1)
        if found is None:
            articles = {
                m.group(1)
                for _, _, o in triples
                if isinstance(o, URIRef) and (m := _ARTICLE.search(o)) is not None
            }
            if len(articles) == 1:
                return "article " + articles.pop()
            return f"shared {zlib.crc32(str(subject).encode()) % SHARED_PARTS:02d}"
        return "article " + found.group(1)

    def check(self, data: Graph | set[Triple], stage: str) -> list[Finding]:
        """As `check_shapes(data, shapes, stage)`: raise on violations, return the warnings."""
        return judge(self.findings(data, stage), stage)

    def findings(self, data: Graph | set[Triple], stage: str = "graph") -> list[Finding]:
        """As `findings_of(data, shapes)`: every result, sorted."""
        if self.engine is not None:
            return self._findings_by_engine(data, stage)
        parts = self.parts(data)
        keys = {
            name: hashlib.sha256(
                "".join([self.version, "\0", *own, "\0", *context]).encode()
            ).hexdigest()
            for name, (own, context) in parts.items()
        }
        findings: list[Finding] = []
        todo: list[str] = []
        for name in parts:
            cached = self._cached(keys[name])
            if cached is None:
                todo.append(name)
            else:
                findings.extend(cached)
        log.info("validating %d of %d parts (%d from the cache)", len(todo), len(parts),
                 len(parts) - len(todo))  # fmt: skip
        batches: list[list[str]] = [[]]
        size = 0
        for name in todo:
            if size >= BATCH_TRIPLES:
                batches.append([])
                size = 0
            batches[-1].append(name)
            size += len(parts[name][0])
        batches = [b for b in batches if b]
        bindings = _bindings(data) if isinstance(data, Graph) else self.prefixes
        work = [
            _Batch(
                [(n, "".join(parts[n][0])) for n in names],
                "".join(sorted({line for n in names for line in parts[n][1]})),
                bindings,
            )
            for names in batches
        ]
        total = sum(len(parts[n][0]) for n in todo)
        with self.progress.stage(f"validate {stage}", len(parts)) as step:
            step.advance(len(parts) - len(todo))
            for results in self._run(work, total):
                for name, found in results:
                    findings.extend(found)
                    self._store(keys[name], found)
                step.advance(len(results))
        return sorted(findings, key=lambda f: (f.severity, f.focus, f.path, f.message))

    def _findings_by_engine(self, data: Graph | set[Triple], stage: str) -> list[Finding]:
        assert self.engine is not None
        with self.progress.stage(f"validate {stage}", 1) as step:
            results = self.engine.results(data)
            step.advance(1)
        names = data if isinstance(data, Graph) else _graph(self.prefixes, "")
        log.info("validated %s with graph.shacl: %d results", stage, len(results))
        findings = [
            Finding(
                severity=str(shape.severity).rsplit("#", 1)[-1],
                focus=_text(names, focus),
                shape=self._shape_name(shape.node),
                path=_text(names, path),
                message=shape.message,
            )
            for shape, focus, path in results
        ]
        return sorted(findings, key=lambda f: (f.severity, f.focus, f.path, f.message))

    def _shape_name(self, shape: Node) -> str:
        name = self._names.get(shape)
        if name is None:
            name = self._names[shape] = _shape_name(self.shapes, shape)
        return name

    def _run(self, work: list[_Batch], total: int) -> Iterator[list[tuple[str, list[Finding]]]]:
        if self.jobs <= 1 or total < PARALLEL_FROM or len(work) < 2:
            _init_worker(self.shapes_bindings, self.shapes_text)
            yield from map(_run_batch, work)
            return
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(
            min(self.jobs, len(work)),
            mp_context=context,
            initializer=_init_worker,
            initargs=(self.shapes_bindings, self.shapes_text),
        ) as pool:
            yield from pool.map(_run_batch, work)

    def _cached(self, key: str) -> list[Finding] | None:
        if self.cache is None:
            return None
        path = self.cache / f"{key}.json"
        if not path.exists():
            return None
        return [Finding(**f) for f in json.loads(path.read_text(encoding="utf-8"))]

    def _store(self, key: str, found: list[Finding]) -> None:
        if self.cache is None:
            return
        self.cache.mkdir(parents=True, exist_ok=True)
        path = self.cache / f"{key}.json"
        partial = path.with_suffix(".part")
        partial.write_text(json.dumps([f.__dict__ for f in found]), encoding="utf-8")
        os.replace(partial, path)
