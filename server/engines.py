"""The query engines under the endpoint: one per `CIVICGRAPH_STORE` setting.

Every engine offers the same two things:

- `dataset`: the build as an rdflib `Dataset`, whose default graph is the union of the named
  graphs. The pages, downloads and the server's own small queries read the graph through it
  (rdflib stays the API), whatever holds the triples underneath.
- `evaluate(prepared, request, row_cap, fmt)`: one checked, read-only query
  (`server.query.prepare_query` has parsed `request.text` and refused what must be refused),
  with the request's protocol dataset and bound values, answered by the store's own engine as
  an `Outcome` (rdflib terms, or the body already written in `fmt` where the engine can).
  Where the engine says `store_parses`, a plain query comes unread (`prepared.query` is None,
  `prepared.head` says what the server read of it: `server.sparqltext.plain_head`), and the
  engine raises `UnreadRefused` where its store's parser refuses it.

The engines:

- `memory`: rdflib's in-memory store and its SPARQL engine, loaded from `dataset.trig`.
- `oxigraph`: the build's on-disk pyoxigraph store (`graph.oxstore`), opened read-only by each
  process that reads it. Its default graph holds the union of the named graphs, written by the
  build, so a query without FROM sees every triple once, as in the `memory` engine.
- `sparql+URL`: any SPARQL 1.1 endpoint (Virtuoso, Fuseki, GraphDB, an Oxigraph server…) holding
  the published build (`civicgraph publish`), asked through SPARQLWrapper.

DESCRIBE is defined once for all of them (`describe`): the concise bounded description of each
resource named or matched, read through the rdflib API, so that every store answers alike.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph
from rdflib import XSD, BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Prologue, Query
from rdflib.plugins.stores.memory import Memory
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.store import Store
from rdflib.term import Identifier, Node

from graph.namespaces import PREFIXES
from graph.oxstore import open_read_only
from server.errors import MalformedQuery, QueryError, ServerStartError
from server.sparqltext import first_mention, project_parameters, substitute_terms

RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
XSD_STRING = str(XSD.string)
# Graph formats Oxigraph writes itself (with the project's prefixes, as rdflib would).
NATIVE_GRAPH_FORMATS = {
    "turtle": pyoxigraph.RdfFormat.TURTLE,
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
}
OXIGRAPH_PREFIXES = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


# The prefixes rdflib's parser knows without a PREFIX line: the endpoint accepts them, so every
# engine must (Oxigraph knows none by itself).
RDFLIB_PREFIXES: dict[str, str] = {
    prefix: str(namespace) for prefix, namespace in Prologue().namespace_manager.namespaces()
}


def with_prefixes(graph: Graph) -> Graph:
    """`graph`, with the project's prefixes bound for its serialisations."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, replace=True)
    return graph


class Engine(Protocol):
    """What the server needs from a store (see the module's docstring)."""

    name: str
    # True where the store parses the query text itself: a query the server need not read is
    # then not parsed by rdflib at all (`server.query.prepare_request`).
    store_parses: bool
    # The service's base IRI (the dataset's base): a query's relative IRIs resolve against it.
    base: str

    @property
    def dataset(self) -> Dataset: ...

    def evaluate(
        self,
        prepared: Any,
        request: Any,
        row_cap: int,
        fmt: str = "",
    ) -> Any: ...

    def close(self) -> None: ...


# --- DESCRIBE, once for every store ----------------------------------------------------------


def concise_bounded_description(
    statements: Callable[[Any], Iterable[tuple[Any, Any, Any]]],
    resources: Iterable[Any],
    is_blank: Callable[[Any], bool],
) -> list[tuple[Any, Any, Any]]:
    """The CBD of each resource: its statements, and recursively those of its blank-node objects.

    The one definition of DESCRIBE for every store: `statements(subject)` gives the triples a
    subject has in the store's default graph (the union), whatever the store's own terms.
    (Rules 1 and 2 of the W3C member submission; the build makes no reified statements, so rule
    3 would add nothing and would cost a lookup per statement on a remote store.)
    """
    out: list[tuple[Any, Any, Any]] = []
    pending: list[Any] = list(resources)
    seen: set[Any] = set()
    while pending:
        subject = pending.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for triple in statements(subject):
            out.append(triple)
            if is_blank(triple[2]):
                pending.append(triple[2])
    return out


def rdflib_statements(dataset: Dataset | Graph) -> Callable[[Any], Iterable[Any]]:
    return lambda subject: dataset.triples((subject, None, None))


def described_resources(
    dataset: Dataset, query: Any, bindings: Mapping[str, Identifier] | None = None
) -> list[Node]:
    """What a DESCRIBE query describes: the IRIs it names and every term its WHERE binds.

    The WHERE clause is evaluated through the rdflib API over `dataset` (so over whichever store
    holds it), with the query's dataset (FROM…) and modifiers.
    """
    algebra = query.algebra
    resources: set[Node] = {term for term in algebra.PV if isinstance(term, URIRef)}
    if algebra.p is not None:
        select = CompValue(
            "SelectQuery",
            p=algebra.p,
            PV=[v for v in algebra.PV if isinstance(v, Variable)],
            datasetClause=algebra.datasetClause,
        )
        result = evalQuery(dataset, Query(query.prologue, select), dict(bindings or {}))
        for solution in result["bindings"]:
            resources.update(solution.values())
    return sorted((r for r in resources if isinstance(r, URIRef | BNode)), key=str)


def describe(
    dataset: Dataset, query: Any, bindings: Mapping[str, Identifier] | None = None
) -> Graph:
    """A DESCRIBE query's answer, read through the rdflib API."""
    graph = Graph()
    resources = described_resources(dataset, query, bindings)
    for triple in concise_bounded_description(
        rdflib_statements(dataset), resources, lambda term: isinstance(term, BNode)
    ):
        graph.add(triple)
    with_prefixes(graph)
    return graph


# --- memory ----------------------------------------------------------------------------------


def load_trig(path: Path, store: Memory | None = None) -> Dataset:
    """Parse `dataset.trig` into a Dataset whose default graph is the union of its named graphs."""
    dataset = Dataset(store=store if store is not None else Memory(), default_union=True)
    try:
        dataset.parse(path, format="trig")
    except Exception as exc:  # rdflib's parsers raise many types; any of them means "unusable"
        raise ServerStartError(f"cannot parse {path}: {exc}") from None
    return dataset


# --- oxigraph --------------------------------------------------------------------------------


def to_rdflib(term: Any) -> Identifier:
    """A pyoxigraph term as the rdflib term the rest of the server uses."""
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == str(XSD.string):  # RDF 1.1's simple literal, as rdflib parses one
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise QueryError(f"the store returned a term the server cannot represent: {term!r}")


def to_oxigraph(term: Node) -> Any:
    """An rdflib term as a pyoxigraph term (for saved queries' parameter values)."""
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype and str(term.datatype) != RDF_LANG_STRING:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
        return pyoxigraph.Literal(str(term))
    raise QueryError(f"cannot bind {term!r}")


class UnreadRefused(Exception):
    """The store's parser refused a query rdflib's parser has not read (see `prepare_request`)."""


# The kind of answer Oxigraph gives for each query form the server may leave to its parser.
_ANSWER_TYPES: dict[str, type] = {
    "SELECT": pyoxigraph.QuerySolutions,
    "ASK": pyoxigraph.QueryBoolean,
    "CONSTRUCT": pyoxigraph.QueryTriples,
}


class OxigraphReader(Store):
    """A read-only rdflib store over a pyoxigraph store: what the pages read the graph through.

    rdflib's `Dataset` API (triples, quads, contexts) on top; the terms come back as rdflib
    parses them (a simple literal stays simple, not `^^xsd:string`). Queries given to
    `Dataset.query` are left to rdflib's engine (the endpoint asks the store itself).
    """

    context_aware = True
    graph_aware = True
    formula_aware = False
    transaction_aware = False

    def __init__(self, store: Any) -> None:
        super().__init__()
        self.inner = store
        self._namespaces: dict[str, URIRef] = {}  # prefix bindings, kept as rdflib's Memory does
        self._prefixes: dict[URIRef, str] = {}

    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        bound = self._prefixes.get(namespace)
        if bound is not None and not override and bound != prefix:
            return
        old = self._namespaces.pop(prefix, None)
        if old is not None:
            self._prefixes.pop(old, None)
        self._prefixes.pop(namespace, None)
        self._namespaces[prefix] = namespace
        self._prefixes[namespace] = prefix

    def namespace(self, prefix: str) -> URIRef | None:
        return self._namespaces.get(prefix)

    def prefix(self, namespace: URIRef) -> str | None:
        return self._prefixes.get(namespace)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        yield from list(self._namespaces.items())

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        subject, predicate, _ = triple_pattern
        if isinstance(subject, Literal) or isinstance(predicate, Literal | BNode):
            return  # no triple has such a subject or predicate
        try:
            graph_name = _graph_name(context)
            pattern = [None if t is None else to_oxigraph(t) for t in triple_pattern]
        except (ValueError, QueryError):  # a term Oxigraph cannot hold is in no triple
            return
        for quad in self.inner.quads_for_pattern(*pattern, graph_name):
            triple = (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
            yield triple, iter((self._context(quad.graph_name),))

    def _context(self, graph_name: Any) -> Graph:
        if isinstance(graph_name, pyoxigraph.DefaultGraph):
            return Graph(store=self, identifier=DATASET_DEFAULT_GRAPH_ID)
        return Graph(store=self, identifier=to_rdflib(graph_name))

    def contexts(self, triple: Any = None) -> Generator[Graph, None, None]:
        if triple is None:
            for name in self.inner.named_graphs():
                yield self._context(name)
            return
        for _, contexts in self.triples(triple):
            yield from contexts

    def __len__(self, context: Any = None) -> int:
        graph_name = _graph_name(context)
        return sum(1 for _ in self.inner.quads_for_pattern(None, None, None, graph_name))

    def add(self, *args: Any, **kwargs: Any) -> None:
        raise PermissionError("the build's store is read-only")

    def remove(self, *args: Any, **kwargs: Any) -> None:
        raise PermissionError("the build's store is read-only")


def _graph_name(context: Any) -> Any:
    """The pyoxigraph graph name for an rdflib context (None: every graph)."""
    if context is None:
        return None
    identifier = getattr(context, "identifier", context)
    if identifier == DATASET_DEFAULT_GRAPH_ID:
        return pyoxigraph.DefaultGraph()
    return to_oxigraph(identifier)


class OxigraphEngine:
    """The build's pyoxigraph store, opened read-only once per process (forked workers too)."""

    name = "oxigraph"
    store_parses = True

    def __init__(self, path: Path, expected_quads: int | None = None, base: str = "") -> None:
        self.path = path
        self.base = base
        self.expected_quads = expected_quads
        self._lock = threading.Lock()
        self._opened: tuple[int, Any, Dataset] | None = None
        if not (path / "CURRENT").is_file():
            raise ServerStartError(
                f"cannot serve from the oxigraph store: {path} is missing or not a store "
                "(rebuild with `civicgraph build`, or set CIVICGRAPH_STORE=memory)"
            )

    def _open(self) -> tuple[Any, Dataset]:
        # A handle opened before a fork is not used after it: each process opens its own.
        with self._lock:
            if self._opened is None or self._opened[0] != os.getpid():
                try:
                    store = open_read_only(self.path)
                except OSError as exc:
                    raise ServerStartError(f"cannot open {self.path}: {exc}") from None
                dataset = Dataset(store=OxigraphReader(store), default_union=False)
                self._opened = (os.getpid(), store, dataset)
            return self._opened[1], self._opened[2]

    @property
    def store(self) -> Any:
        return self._open()[0]

    @property
    def dataset(self) -> Dataset:
        return self._open()[1]

    def check(self) -> None:
        """Refuse to serve a store whose content is not what the build wrote."""
        if self.expected_quads is None:
            return
        quads = len(self.store)
        if quads != self.expected_quads:
            raise ServerStartError(
                f"cannot serve {self.path}: it holds {quads} quads, manifest.json says "
                f"{self.expected_quads} (a partial or changed store; rebuild)"
            )

    def evaluate(
        self,
        prepared: Any,
        request: Any,
        row_cap: int,
        fmt: str = "",
    ) -> Any:
        from server.query import Outcome

        text = request.text
        bindings = dict(request.bindings) or None
        default_graphs, named_graphs = request.default_graphs, request.named_graphs
        if prepared.form == "DESCRIBE":
            return self._describe(prepared, bindings, fmt)
        options: dict[str, Any] = {"prefixes": RDFLIB_PREFIXES}
        if self.base:
            options["base_iri"] = self.base
        unread = prepared.query is None
        variables = [] if unread else [Variable(v) for v in prepared.query.algebra.get("PV") or ()]
        if bindings and prepared.form == "SELECT":
            text = project_parameters(text, tuple(bindings))
        if default_graphs or named_graphs:
            options["default_graph"] = [pyoxigraph.NamedNode(g) for g in default_graphs]
            options["named_graphs"] = [pyoxigraph.NamedNode(g) for g in named_graphs]
        try:
            if bindings:
                options["substitutions"] = {
                    pyoxigraph.Variable(name): to_oxigraph(value)
                    for name, value in bindings.items()
                }
            result = self.store.query(text, **options)
            if unread and not isinstance(result, _ANSWER_TYPES[prepared.form]):
                raise UnreadRefused(prepared.form)
            if prepared.form == "ASK":
                return Outcome("ASK", answer=bool(result))
            if prepared.form == "SELECT":
                if not variables:
                    variables = [Variable(v.value) for v in result.variables]
                    if unread and prepared.head.star:  # Oxigraph lists them in alphabetical order
                        variables.sort(key=lambda v: first_mention(text, v))
                solutions = list(itertools.islice(result, row_cap + 1))
                truncated = len(solutions) > row_cap
                del solutions[row_cap:]
                if fmt == "json":  # the usual case, written straight from Oxigraph's terms
                    names = [v.value for v in result.variables]
                    body = _json_solutions(variables, names, solutions)
                    return Outcome("SELECT", variables=variables, truncated=truncated, body=body)
                rows = [_row(variables, solution) for solution in solutions]
                return Outcome("SELECT", variables=variables, rows=rows, truncated=truncated)
            if fmt in NATIVE_GRAPH_FORMATS:
                written = pyoxigraph.serialize(
                    result, format=NATIVE_GRAPH_FORMATS[fmt], prefixes=OXIGRAPH_PREFIXES
                )
                return Outcome(prepared.form, body=written or b"")
            graph = Graph()
            for triple in result:
                graph.add(
                    (
                        to_rdflib(triple.subject),
                        to_rdflib(triple.predicate),
                        to_rdflib(triple.object),
                    )
                )
        except SyntaxError as exc:  # what rdflib's parser let through and Oxigraph's did not
            if unread:
                raise UnreadRefused(str(exc)) from None
            raise MalformedQuery(f"the store's parser refused the query: {exc}") from None
        except (OSError, ValueError, TypeError, RuntimeError) as exc:
            raise QueryError(f"the query cannot be evaluated: {exc}") from None
        with_prefixes(graph)
        return Outcome(prepared.form, graph=graph)

    def _describe(self, prepared: Any, bindings: Mapping[str, Identifier] | None, fmt: str) -> Any:
        """DESCRIBE as everywhere (`concise_bounded_description`), read from Oxigraph directly."""
        from server.query import Outcome

        store = self.store
        default = pyoxigraph.DefaultGraph()
        named = (
            [URIRef(iri) for iri in prepared.head.described]
            if prepared.query is None  # DESCRIBE of IRIs only, read by `plain_head`
            else described_resources(self.dataset, prepared.query, bindings)
        )
        resources = []
        for term in named:
            try:
                resources.append(to_oxigraph(term))
            except ValueError:  # an IRI Oxigraph cannot hold is in no triple: none described
                continue
        triples = concise_bounded_description(
            lambda subject: (
                (q.subject, q.predicate, q.object)
                for q in store.quads_for_pattern(subject, None, None, default)
            ),
            resources,
            lambda term: isinstance(term, pyoxigraph.BlankNode),
        )
        if fmt in NATIVE_GRAPH_FORMATS:
            written = pyoxigraph.serialize(
                [pyoxigraph.Triple(*t) for t in triples],
                format=NATIVE_GRAPH_FORMATS[fmt],
                prefixes=OXIGRAPH_PREFIXES,
            )
            return Outcome("DESCRIBE", body=written or b"")
        graph = Graph()
        for s, p, o in triples:
            graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
        with_prefixes(graph)
        return Outcome("DESCRIBE", graph=graph)

    def close(self) -> None:
        self._opened = None


def _row(variables: list[Variable], solution: Any) -> dict[Variable, Identifier]:
    row: dict[Variable, Identifier] = {}
    for variable in variables:
        value = solution[str(variable)]
        if value is not None:
            row[variable] = to_rdflib(value)
    return row


_ESCAPE: Callable[[str], str] = json.encoder.encode_basestring


def _json_term(term: Any) -> str:
    """One term of SPARQL 1.1 Query Results JSON, as JSON text."""
    if isinstance(term, pyoxigraph.NamedNode):
        return '{"type":"uri","value":' + _ESCAPE(term.value) + "}"
    if isinstance(term, pyoxigraph.BlankNode):
        return '{"type":"bnode","value":' + _ESCAPE(term.value) + "}"
    if isinstance(term, pyoxigraph.Literal):
        text = '{"type":"literal","value":' + _ESCAPE(term.value)
        if term.language:
            return text + ',"xml:lang":' + _ESCAPE(term.language) + "}"
        datatype = term.datatype.value
        if datatype != XSD_STRING:
            return text + ',"datatype":' + _ESCAPE(datatype) + "}"
        return text + "}"
    raise QueryError(f"the store returned a term the server cannot represent: {term!r}")


def _json_solutions(
    variables: list[Variable], result_variables: list[str], solutions: list[Any]
) -> bytes:
    """SPARQL 1.1 Query Results JSON, from Oxigraph's solutions (no rdflib terms are made).

    Written piece by piece with the json module's own string escaper: a result is mostly the
    same few IRIs again and again, and building a dict per row would cost more than the query.
    """
    names = [str(v) for v in variables]
    columns = [(result_variables.index(name), _ESCAPE(name) + ":") for name in names]
    seen: dict[Any, str] = {}
    rows = []
    for solution in solutions:
        cells = []
        for index, key in columns:
            value = solution[index]
            if value is None:
                continue
            text = seen.get(value)
            if text is None:
                text = seen[value] = _json_term(value)
            cells.append(key + text)
        rows.append("{" + ",".join(cells) + "}")
    head = '{"head":{"vars":[' + ",".join(_ESCAPE(n) for n in names) + "]},"
    return (head + '"results":{"bindings":[' + ",".join(rows) + "]}}").encode("utf-8")


class MemoryEngine:
    """rdflib's in-memory store and SPARQL engine, loaded from `dataset.trig` (before any fork)."""

    name = "memory"
    store_parses = False

    def __init__(self, trig: Path, store: Memory, base: str = "") -> None:
        self.store = store
        self.base = base  # rdflib's parser resolved the query's relative IRIs against it
        self._dataset = load_trig(trig, store)

    @property
    def dataset(self) -> Dataset:
        return self._dataset

    def evaluate(
        self,
        prepared: Any,
        request: Any,
        row_cap: int,
        fmt: str = "",
    ) -> Any:
        # rdflib's engine reads the protocol's dataset from the prepared algebra (prepare_query
        # put default-graph-uri and named-graph-uri there), so the text and graphs are not needed.
        from server.query import Outcome, evaluate_query

        bindings = dict(request.bindings) or None

        if prepared.form == "DESCRIBE":
            return Outcome("DESCRIBE", graph=describe(self._dataset, prepared.query, bindings))
        return evaluate_query(self._dataset, prepared, row_cap, bindings)

    def close(self) -> None:
        pass


# --- sparql+URL ------------------------------------------------------------------------------


def from_json_term(term: Mapping[str, str]) -> Identifier:
    """A term of a SPARQL JSON result as rdflib's."""
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    language = term.get("xml:lang")
    datatype = term.get("datatype")
    if language:
        return Literal(value, lang=language)
    if datatype and datatype != str(XSD.string):
        return Literal(value, datatype=URIRef(datatype))
    return Literal(value)


class _RemoteReader(SPARQLStore):
    """rdflib's SPARQLStore, leaving prepared queries to rdflib's engine (it takes text only)."""

    def query(self, query: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(query, str):
            raise NotImplementedError  # rdflib's Graph.query then evaluates it itself
        return super().query(query, *args, **kwargs)

    def triples(self, spo: Any, context: Any = None) -> Any:
        """With no context: every graph's matching triples, each with its graph (for quads)."""
        if context is not None:
            return super().triples(spo, context)
        pattern = " ".join(
            "?" + n if t is None else t.n3() for n, t in zip("spo", spo, strict=True)
        )
        text = f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ {pattern} }} }}"
        return self._with_graphs(spo, super().query(text))

    def _with_graphs(self, spo: Any, result: Any) -> Iterator[Any]:
        for row in result:
            triple = tuple(
                row.get(n, t) if t is None else t for n, t in zip("spo", spo, strict=True)
            )
            yield triple, iter((Graph(store=self, identifier=row["g"]),))


def graphs_read(algebra: Any) -> set[Node] | None:
    """The graphs a query names in GRAPH patterns (also inside EXISTS), or None when one is a
    variable: then every named graph may be read."""
    named: set[Node] = set()
    todo = [algebra]
    while todo:
        node = todo.pop()
        if isinstance(node, CompValue):
            if node.name in ("Graph", "GraphGraphPattern"):
                term = node.get("term")
                if isinstance(term, Variable) or term is None:
                    return None
                named.add(term)
            todo.extend(v for k, v in node.items() if k != "_vars")
        elif isinstance(node, (list, tuple)):
            todo.extend(node)
    return named


class RemoteEngine:
    """Any SPARQL 1.1 endpoint holding the published build, asked through SPARQLWrapper."""

    name = "sparql"
    store_parses = False

    def __init__(
        self,
        url: str,
        timeout: float,
        union: str | None = None,
        graphs: Sequence[str] = (),
        base: str = "",
    ) -> None:
        self.url = url
        self.base = base
        self.timeout = timeout
        # A query with no dataset of its own reads the published union as its default graph
        # and the build's graphs as its named graphs: SPARQL's RDF merge, on any store.
        self.union = union
        self.graphs = tuple(graphs)
        self._dataset: Dataset | None = None

    @property
    def dataset(self) -> Dataset:
        if self._dataset is None:
            store = _RemoteReader(query_endpoint=self.url, returnFormat="json")
            self._dataset = Dataset(store=store, default_union=True)
        return self._dataset

    def check(self) -> None:
        """Refuse to start if the endpoint does not answer a query."""
        try:
            self._ask("ASK { }", "ASK")
        except Exception as exc:  # SPARQLWrapper raises many kinds; all mean "not usable"
            raise ServerStartError(
                f"the SPARQL endpoint {self.url} does not answer: {exc}"
            ) from None

    def _ask(
        self,
        text: str,
        form: str,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        fmt: str = "",
    ) -> Any:
        from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

        client = SPARQLWrapper(self.url)
        client.setMethod(POST)
        client.setTimeout(max(1, int(self.timeout)))
        client.setQuery(text)
        for iri in default_graphs:
            client.addParameter("default-graph-uri", iri)
        for iri in named_graphs:
            client.addParameter("named-graph-uri", iri)
        client.setReturnFormat(TURTLE if form in ("CONSTRUCT", "DESCRIBE") else JSON)
        return client.query().convert()

    def evaluate(
        self,
        prepared: Any,
        request: Any,
        row_cap: int,
        fmt: str = "",
    ) -> Any:
        from server.query import Outcome

        text = request.text
        bindings = dict(request.bindings) or None
        default_graphs, named_graphs = request.default_graphs, request.named_graphs
        if prepared.form == "DESCRIBE":
            return Outcome("DESCRIBE", graph=describe(self.dataset, prepared.query, bindings))
        if bindings:  # a saved query's values, as terms (the protocol cannot bind)
            text = substitute_terms(text, {name: term.n3() for name, term in bindings.items()})
            from server.query import prepare_query

            prepare_query(text, base=self.base)  # the same checks: still one read-only query
        own_dataset = default_graphs or named_graphs or prepared.query.algebra.datasetClause
        if self.union is not None and not own_dataset:
            # Only the named graphs a GRAPH pattern can read: a query with none, or with only
            # fixed graph IRIs, needs few (a store limits the parameters of one request, and
            # Virtuoso refuses a hundred; a build of thousands of articles has thousands).
            read = graphs_read(prepared.query.algebra)
            named = self.graphs if read is None else [g for g in self.graphs if URIRef(g) in read]
            default_graphs, named_graphs = (self.union,), named
        if self.base:
            # The remote store resolves relative IRIs against its own base unless told ours; a
            # BASE of the query's own comes after this one and so wins, resolved against it.
            text = f"BASE <{self.base}>\n{text}"
        try:
            answer = self._ask(text, prepared.form, default_graphs, named_graphs)
        except Exception as exc:  # the remote store's refusal or failure, with its message
            raise QueryError(f"the SPARQL store at {self.url} could not answer: {exc}") from None
        if prepared.form == "ASK":
            return Outcome("ASK", answer=bool(answer.get("boolean")))
        if prepared.form == "SELECT":
            variables = [Variable(v) for v in answer["head"].get("vars", [])]
            rows = [
                {Variable(k): from_json_term(v) for k, v in row.items()}
                for row in answer["results"]["bindings"][: row_cap + 1]
            ]
            return Outcome(
                "SELECT",
                variables=variables,
                rows=rows[:row_cap],
                truncated=len(rows) > row_cap,
            )
        graph = Graph()
        graph.parse(data=answer, format="turtle")
        with_prefixes(graph)
        return Outcome(prepared.form, graph=graph)

    def close(self) -> None:
        self._dataset = None
