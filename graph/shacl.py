"""A SHACL Core engine for the plain shapes civicgraph writes, with pySHACL as its reference.

pySHACL builds its constraint objects again for every shape it evaluates and walks rdflib's
store for every value; on a graph of millions of triples that is most of a build. The shapes
in ontology/shapes.ttl use a small part of SHACL Core (class and subjects-of targets, simple
paths, counts, datatypes, classes, node kinds, patterns, sh:in, sh:minInclusive, sh:node,
sh:or, a qualified minimum count and the lessThan pairs), and every result they can give
carries the shape's own sh:message. For such shapes this module gives the same results as
pySHACL (tests/test_shacl.py holds it to pySHACL on the corpus, generated articles and
randomly damaged graphs) by reading the graph once into dictionaries. `compile_shapes` returns
None for shapes that use anything else; then pySHACL validates.

The rules follow pySHACL 0.40's own reading of SHACL where the recommendation leaves room:
a value's type is checked through rdfs:subClassOf in the data graph, a pattern matches
anywhere in the string, literals are ordered by pySHACL's compare_literal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cached_property

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

Triple = tuple[Node, Node, Node]

# Parameters this engine reads; any other sh: predicate in the shapes sends them to pySHACL.
_SUPPORTED = {
    SH.targetClass, SH.targetSubjectsOf, SH.property, SH.path, SH.minCount, SH.maxCount,
    SH.datatype, SH["class"], SH.node, SH.pattern, SH.nodeKind, SH.minInclusive, SH["in"],
    SH["or"], SH.qualifiedValueShape, SH.qualifiedMinCount, SH.lessThan, SH.lessThanOrEquals,
    SH.severity, SH.message,
}  # fmt: skip
_SINGLE = (SH.path, SH.minCount, SH.maxCount, SH.datatype, SH.nodeKind, SH.minInclusive,
           SH.qualifiedValueShape, SH.qualifiedMinCount, SH.severity, SH.message)  # fmt: skip
_KINDS: dict[Node, tuple[type, ...]] = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}
_VALUE_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


class Unsupported(Exception):
    """The shapes use something this engine does not implement."""


@dataclass(eq=False)
class Shape:
    """One shape's parameters, as this engine reads them."""

    node: Node
    path: URIRef | None = None
    severity: Node = SH.Violation
    message: str = ""
    min_count: int | None = None
    max_count: int | None = None
    datatype: Node | None = None
    classes: list[Node] = field(default_factory=list)
    node_kind: tuple[type, ...] | None = None
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    min_inclusive: Literal | None = None
    allowed: list[frozenset[Node]] = field(default_factory=list)
    nodes: list[Shape] = field(default_factory=list)
    ors: list[list[Shape]] = field(default_factory=list)
    qualified: Shape | None = None
    qualified_min: int | None = None
    less_than: list[Node] = field(default_factory=list)
    less_or_equal: list[Node] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    target_classes: list[Node] = field(default_factory=list)
    target_subjects_of: list[Node] = field(default_factory=list)

    @cached_property
    def value_type(self) -> type | tuple[type, ...] | None:
        """The Python type of the values of the shape's datatype, if _VALUE_TYPES has it."""
        return None if self.datatype is None else _VALUE_TYPES.get(self.datatype)

    @cached_property
    def checks_values(self) -> bool:
        """Whether the shape has a constraint on each value (`Engine._value_failures`)."""
        return bool(
            self.datatype is not None or self.classes or self.node_kind is not None
            or self.patterns or self.min_inclusive is not None or self.allowed or self.ors
        )  # fmt: skip


# (source shape, focus node, path) of one validation result
Result = tuple[Shape, Node, URIRef | None]


class _Reader:
    """Reads the shapes graph into Shape objects, refusing what the engine cannot do."""

    def __init__(self, shapes: Graph) -> None:
        self.graph = shapes
        self.read: dict[Node, Shape] = {}
        self.reading: set[Node] = set()

    def one(self, node: Node, p: Node) -> Node | None:
        values = list(self.graph.objects(node, p))
        if len(values) > 1:
            raise Unsupported(f"{node} has {len(values)} values of {p}")
        return values[0] if values else None

    def integer(self, node: Node, p: Node) -> int | None:
        value = self.one(node, p)
        if value is None:
            return None
        if not isinstance(value, Literal) or not isinstance(value.value, int):
            raise Unsupported(f"{p} of {node} is not an integer")
        return int(value.value)

    def shape(self, node: Node) -> Shape:
        if node in self.read:
            return self.read[node]
        if node in self.reading:
            raise Unsupported(f"{node} refers to itself")
        self.reading.add(node)
        shape = self._shape(node)
        self.reading.discard(node)
        self.read[node] = shape
        return shape

    def _shape(self, node: Node) -> Shape:
        g = self.graph
        path = self.one(node, SH.path)
        if path is not None and not isinstance(path, URIRef):
            raise Unsupported(f"{node} has a path that is not one predicate")
        message = self.one(node, SH.message)
        shape = Shape(
            node,
            path=path,
            severity=self.one(node, SH.severity) or SH.Violation,
            message=str(message) if message is not None else "",
            min_count=self.integer(node, SH.minCount),
            max_count=self.integer(node, SH.maxCount),
            datatype=self.one(node, SH.datatype),
            classes=list(g.objects(node, SH["class"])),
            min_inclusive=self._literal(node, SH.minInclusive),
            less_than=list(g.objects(node, SH.lessThan)),
            less_or_equal=list(g.objects(node, SH.lessThanOrEquals)),
            target_classes=list(g.objects(node, SH.targetClass)),
            target_subjects_of=list(g.objects(node, SH.targetSubjectsOf)),
        )
        kind = self.one(node, SH.nodeKind)
        if kind is not None:
            if kind not in _KINDS:
                raise Unsupported(f"unknown node kind {kind}")
            shape.node_kind = _KINDS[kind]
        for pattern in g.objects(node, SH.pattern):
            if not isinstance(pattern, Literal):
                raise Unsupported(f"a pattern of {node} is not a literal")
            text = (
                str(pattern.value)
                if pattern.value is not None and len(pattern.value) > 1
                else str(pattern)
            )
            shape.patterns.append(re.compile(text))
        shape.allowed = [frozenset(Collection(g, head)) for head in g.objects(node, SH["in"])]
        shape.nodes = [self.shape(n) for n in g.objects(node, SH.node)]
        shape.ors = [
            [self.shape(n) for n in Collection(g, head)] for head in g.objects(node, SH["or"])
        ]
        qualified = self.one(node, SH.qualifiedValueShape)
        if qualified is not None:
            shape.qualified = self.shape(qualified)
            shape.qualified_min = self.integer(node, SH.qualifiedMinCount)
            if shape.qualified_min is None:
                raise Unsupported(f"{node} has a qualified shape without sh:qualifiedMinCount")
        shape.properties = [self.shape(n) for n in g.objects(node, SH.property)]
        if path is None and (
            shape.min_count is not None or shape.max_count is not None or shape.qualified
            or shape.less_than or shape.less_or_equal
        ):  # fmt: skip
            raise Unsupported(f"{node} counts or compares values but has no path")
        if path is not None and shape.properties:
            raise Unsupported(f"{node} is a property shape with property shapes of its own")
        value_shapes = [*shape.nodes, *(s for group in shape.ors for s in group)]
        if shape.qualified is not None:
            value_shapes.append(shape.qualified)
        for nested in value_shapes:
            # pySHACL lets a value conform to a shape whose results are all warnings (with
            # allow_warnings), which this engine does not follow
            if _severities(nested) != {SH.Violation}:
                raise Unsupported(f"{nested.node} is used as a value shape with a severity")
        return shape

    def _literal(self, node: Node, p: Node) -> Literal | None:
        value = self.one(node, p)
        if value is not None and not isinstance(value, Literal):
            raise Unsupported(f"{p} of {node} is not a literal")
        return value


def _used(shape: Shape) -> list[Shape]:
    """The shapes `shape` applies: its property shapes and its value shapes."""
    used = [*shape.properties, *shape.nodes, *(s for group in shape.ors for s in group)]
    return used if shape.qualified is None else [*used, shape.qualified]


def _reachable(roots: Iterable[Shape], children: Callable[[Shape], list[Shape]]) -> list[Shape]:
    """Every shape reachable from `roots` by `children`, each once."""
    found: dict[Shape, None] = {}  # a Shape is hashed by identity
    todo = list(roots)
    while todo:
        shape = todo.pop()
        if shape not in found:
            found[shape] = None
            todo.extend(children(shape))
    return list(found)


def _severities(shape: Shape) -> set[Node]:
    """The severities of a shape and of every shape it uses."""
    return {each.severity for each in _reachable([shape], _used)}


def compile_shapes(shapes: Graph) -> list[Shape] | None:
    """The shapes with targets, read for this engine; None when pySHACL must validate them."""
    for p in set(shapes.predicates()):
        if isinstance(p, URIRef) and p.startswith(str(SH)) and p not in _SUPPORTED:
            return None
    for kind in (RDFS.Class, OWL.Class):
        if any(
            True for s in shapes.subjects(RDF.type, kind) if (s, RDF.type, SH.NodeShape) in shapes
        ):
            return None  # an implicit class target
    reader = _Reader(shapes)
    roots = {s for p in (SH.targetClass, SH.targetSubjectsOf) for s in shapes.subjects(p, None)}
    try:
        targeted = [reader.shape(node) for node in sorted(roots, key=str)]
    except Unsupported:
        return None
    # every shape whose results are reported says in its own words what is wrong (pySHACL's
    # default messages are not reproduced here)
    if any(not shape.message for shape in _reported(targeted)):
        return None
    return targeted


def _reported(targeted: list[Shape]) -> list[Shape]:
    """The shapes whose results appear in a report: the targeted shapes with constraints of
    their own, their property shapes, and what sh:node reaches from those (pySHACL gives a
    value's results under sh:node as sh:detail, results too)."""
    reached = _reachable(targeted, lambda shape: [*shape.properties, *shape.nodes])
    return [s for s in reached if s.path is not None or _has_own_constraints(s)]


def _has_own_constraints(shape: Shape) -> bool:
    return bool(
        shape.datatype or shape.classes or shape.node_kind or shape.patterns
        or shape.min_inclusive is not None or shape.allowed or shape.nodes or shape.ors
    )  # fmt: skip


class Data:
    """The triples the shapes can read, indexed by predicate and subject."""

    def __init__(self, triples: Iterable[Triple], predicates: set[Node]) -> None:
        self.values: dict[Node, dict[Node, list[Node]]] = {p: {} for p in predicates}
        self.types: dict[Node, set[Node]] = {}
        self.members: dict[Node, list[Node]] = {}  # class → subjects typed with it
        self.subclasses: dict[Node, set[Node]] = {}  # class → its direct subclasses
        self.superclasses: dict[Node, set[Node]] = {}
        values, types = self.values, self.types
        # `in` a set compares terms only when the hash matches; `==` always does (in Python)
        rdf_type, subclass_of = {RDF.type}, {RDFS.subClassOf}
        for s, p, o in triples:
            if p in rdf_type:
                types.setdefault(s, set()).add(o)
                self.members.setdefault(o, []).append(s)
            elif p in subclass_of:
                self.subclasses.setdefault(o, set()).add(s)
                self.superclasses.setdefault(s, set()).add(o)
            by_subject = values.get(p)
            if by_subject is not None:
                by_subject.setdefault(s, []).append(o)
        self._above: dict[Node, frozenset[Node]] = {}
        self._classes: dict[Node, frozenset[Node]] = {}

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        return self.values[predicate].get(subject, [])

    def above(self, cls: Node) -> frozenset[Node]:
        """The class and every class it is a subclass of, by rdfs:subClassOf in the data."""
        found = self._above.get(cls)
        if found is None:
            found = frozenset(_closure(cls, self.superclasses))
            self._above[cls] = found
        return found

    def instances(self, cls: Node) -> set[Node]:
        found: set[Node] = set()
        for each in _closure(cls, self.subclasses):
            found.update(self.members.get(each, ()))
        return found

    def is_a(self, node: Node, cls: Node) -> bool:
        if isinstance(node, Literal):
            return False
        classes = self._classes.get(node)
        if classes is None:  # every class the node is in, by its types and their superclasses
            classes = frozenset().union(*(self.above(t) for t in self.types.get(node, ())))
            self._classes[node] = classes
        return cls in classes


def _closure(start: Node, edges: dict[Node, set[Node]]) -> set[Node]:
    found = {start}
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in found:
                found.add(nxt)
                todo.append(nxt)
    return found


# two IRIs compared as strings, in C (rdflib's == runs Python code)
_SAME: Callable[[object, object], bool] = str.__eq__  # type: ignore[assignment]
# the terms compared with, made once (a Namespace makes a new term each time it is asked)
_LESS_THAN, _LESS_OR_EQUAL = SH.lessThan, SH.lessThanOrEquals
_RDFS_LITERAL, _RDFS_DATATYPE = RDFS.Literal, RDFS.Datatype
_XSD_STRING, _RDF_LANG_STRING = XSD.string, RDF.langString


def _datatype_ok(value: Node, rule: Node, expected: type | tuple[type, ...] | None) -> bool:
    """Whether `value` has the datatype `rule` (whose values are of the Python type
    `expected`, if it is one of _VALUE_TYPES')."""
    if not isinstance(value, Literal):
        return False
    datatype = value.datatype
    if datatype is not None and _SAME(datatype, rule):
        if getattr(value, "ill_typed", None) is True:
            return False
        return expected is None or isinstance(value.value, expected)
    if _SAME(rule, _RDFS_LITERAL):
        return True
    if _SAME(rule, _RDFS_DATATYPE) and datatype:
        return True
    if datatype is None and value.language is None and _SAME(rule, _XSD_STRING):
        return isinstance(value.value, (str, bytes))
    if _SAME(rule, _RDF_LANG_STRING) and value.language:
        return isinstance(value.value, (str, bytes))
    return False


def _string_of(value: Node) -> str:
    if not isinstance(value, Literal) or value.value is None:
        return str(value)
    return str(value.value) if value.datatype in (None, RDF.langString, XSD.string) else str(value)


def _at_least(value: Node, minimum: Literal) -> bool:
    if not isinstance(value, Literal):
        return False
    if type(value.value) is int and type(minimum.value) is int:  # the common case, quickly
        return value.value >= minimum.value
    if isinstance(minimum.value, str) != isinstance(value.value, str):
        return False
    from pyshacl.rdfutil import compare_literal  # here: importing pyshacl takes 0.1 s

    try:
        return compare_literal(value, minimum) >= 0
    except (TypeError, NotImplementedError):
        return False


def _comparable(node: Node, rule: Node) -> tuple[object, bool]:
    if isinstance(node, BNode):
        raise ValueError(f"cannot compare a blank node by {rule}")
    if isinstance(node, URIRef):
        return str(node), True
    if isinstance(node, Literal) and isinstance(node.value, str):
        return node.value, True
    return node, False


class Engine:
    """Validates triples against shapes read by `compile_shapes`."""

    def __init__(self, targeted: list[Shape]) -> None:
        self.targeted = targeted
        predicates: set[Node] = set()
        for shape in _reachable(targeted, _used):
            predicates.update(shape.target_subjects_of, shape.less_than, shape.less_or_equal)
            if shape.path is not None:
                predicates.add(shape.path)
        self.predicates = predicates

    def results(self, triples: Iterable[Triple]) -> list[Result]:
        """Every validation result of the triples: (source shape, focus node, path)."""
        data = Data(triples, self.predicates)
        found: list[Result] = []
        for shape in self.targeted:
            focus: set[Node] = set()
            for cls in shape.target_classes:
                focus |= data.instances(cls)
            for p in shape.target_subjects_of:
                focus.update(data.values[p])
            for node in focus:
                found.extend(self._check(shape, node, data))
        return found

    def _conforms(self, shape: Shape, node: Node, data: Data) -> bool:
        return not self._check(shape, node, data)

    def _check(self, shape: Shape, focus: Node, data: Data) -> list[Result]:
        """The results of `shape` for one focus node (its value nodes: the focus node itself,
        or the values of the shape's path)."""
        path = shape.path
        values = [focus] if path is None else data.objects(focus, path)
        found: list[Result] = []
        hit = (shape, focus, path)
        if shape.min_count is not None and len(values) < shape.min_count:
            found.append(hit)
        if shape.max_count is not None and len(values) > shape.max_count:
            found.append(hit)
        minimum = shape.qualified_min
        if shape.qualified is not None and minimum is not None and (values or minimum >= 1):
            conforming = sum(1 for v in values if self._conforms(shape.qualified, v, data))
            if conforming < minimum:
                found.append(hit)
        for other in shape.less_than:
            found.extend(hit for _ in self._pairs_failing(values, data.objects(focus, other), True))
        for other in shape.less_or_equal:
            found.extend(
                hit for _ in self._pairs_failing(values, data.objects(focus, other), False)
            )
        checks_values = shape.checks_values
        for value in values:
            if checks_values:
                failures = self._value_failures(shape, value, data)
                if failures:
                    found.extend([hit] * failures)
            for nested in shape.nodes:
                # pySHACL reports the value's own results too (as sh:detail, a result too)
                detail = self._check(nested, value, data)
                if detail:
                    found.append(hit)
                    found.extend(detail)
        for prop in shape.properties:
            found.extend(self._check(prop, focus, data))
        return found

    def _value_failures(self, shape: Shape, value: Node, data: Data) -> int:
        """How many of the shape's value constraints `value` fails (one result each)."""
        failures = 0
        if shape.datatype is not None and not _datatype_ok(value, shape.datatype, shape.value_type):
            failures += 1
        if shape.classes:
            failures += sum(1 for cls in shape.classes if not data.is_a(value, cls))
        if shape.node_kind is not None and not isinstance(value, shape.node_kind):
            failures += 1
        if shape.patterns:
            text = None if isinstance(value, BNode) else _string_of(value)
            failures += sum(1 for p in shape.patterns if text is None or p.search(text) is None)
        if shape.min_inclusive is not None and not _at_least(value, shape.min_inclusive):
            failures += 1
        if shape.allowed:
            failures += sum(1 for allowed in shape.allowed if value not in allowed)
        for group in shape.ors:
            if not any(self._conforms(member, value, data) for member in group):
                failures += 1
        return failures

    @staticmethod
    def _pairs_failing(values: list[Node], others: list[Node], strict: bool) -> Iterable[None]:
        rule = _LESS_THAN if strict else _LESS_OR_EQUAL
        for value in values:
            left, left_is_string = _comparable(value, rule)
            for other in others:
                right, right_is_string = _comparable(other, rule)
                if left_is_string != right_is_string or not (
                    left < right if strict else left <= right  # type: ignore[operator]
                ):
                    yield None


def engine_for(shapes: Graph) -> Engine | None:
    """An engine for the shapes, or None when they need pySHACL."""
    targeted = compile_shapes(shapes)
    return None if targeted is None else Engine(targeted)


Render = Callable[[Node], str]
