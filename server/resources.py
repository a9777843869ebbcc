"""What the linked-data pages show, read from the loaded build's Dataset.

`LinkedData` is made once per app from the `LoadedBuild` (labels and counts are gathered then);
every method reads the in-memory Dataset through rdflib's triple-pattern API or a prepared query
with bound values, never query text built from input. Nothing here knows about Flask: IRIs stay
canonical, and the web layer maps them to the server's own origin.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from rdflib import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from graph.namespaces import CIV, NIF, ONTOLOGY_IRI, PREFIXES, SCHEMA, VOID
from server.engines import concise_bounded_description, rdflib_statements
from server.store import LoadedBuild

PAGE_SIZE = 50
SEARCH_LIMIT = 100
MAX_SEARCH_LENGTH = 200

# Where a label comes from, best first.
_LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, SCHEMA.headline, DCTERMS.title, NIF.anchorOf)
_DESCRIPTION_PROPERTIES = (RDFS.comment, DCTERMS.description, SCHEMA.description)
# Properties whose objects are identifiers elsewhere on the web.
_EXTERNAL_PROPERTIES = (
    SKOS.exactMatch,
    SKOS.closeMatch,
    RDFS.seeAlso,
    SCHEMA.url,
    SCHEMA.sameAs,
    OWL.sameAs,
)
# Properties about the extraction itself, whose values need no supporting sentence.
_NO_EVIDENCE = (CIV.evidence, CIV.extractedBy)
_ONTOLOGY_RELATIONS = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.inverseOf,
    OWL.disjointWith,
    OWL.propertyChainAxiom,
    RDFS.domain,
    RDFS.range,
)
_TERM_KINDS = (
    (OWL.Class, "class"),
    (OWL.ObjectProperty, "object property"),
    (OWL.DatatypeProperty, "datatype property"),
    (OWL.AnnotationProperty, "annotation property"),
    (RDF.Property, "property"),
)

_SEARCH = prepareQuery(
    """
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX civ: <https://kg.example.org/ontology#>
    PREFIX schema: <https://schema.org/>
    SELECT DISTINCT ?thing WHERE {
      ?thing rdfs:label|skos:prefLabel|skos:altLabel|civ:alias|schema:headline ?name .
      FILTER(isIRI(?thing) && CONTAINS(LCASE(STR(?name)), LCASE(STR(?needle))))
    }
    """
)


def local_name(iri: str) -> str:
    """The last segment of an IRI: after `#`, else after the last `/`."""
    for separator in ("#", "/"):
        if separator in iri:
            tail = iri.rsplit(separator, 1)[1]
            if tail:
                return tail
    return iri


def humanise(name: str) -> str:
    """`beginIndex` → "begin index", `datePublished` → "date published"."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").lower()


def compact(iri: str) -> str:
    """`civ:Person` for an IRI in one of the project's namespaces; anything else unchanged."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _int(value: Node | None) -> int | None:
    if isinstance(value, Literal):
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    return None


def page_of(items: list[Any], page: int, size: int = PAGE_SIZE) -> tuple[list[Any], int]:
    """The items on 1-based `page` and the number of pages (at least 1); `ValueError` if past it."""
    pages = max(1, -(-len(items) // size))
    if not 1 <= page <= pages:
        raise ValueError(f"there is no page {page}; pages run from 1 to {pages}")
    return items[(page - 1) * size : page * size], pages


@dataclass(frozen=True)
class Span:
    """A stretch of an article's text, by character offsets into its full text."""

    article: URIRef
    slug: str
    begin: int
    end: int
    text: str
    node: URIRef | None = None  # the sentence or mention it describes
    mark: tuple[int, int] | None = None  # a part of `text` to highlight, relative offsets

    @property
    def fragment(self) -> str:
        """The RFC 5147 fragment of this span, also the id of its element in the article view."""
        return f"char={self.begin},{self.end}"

    @property
    def marked_fragment(self) -> str:
        """The fragment of the marked part (a mention), else of the whole span."""
        if self.mark is None:
            return self.fragment
        return f"char={self.begin + self.mark[0]},{self.begin + self.mark[1]}"

    @property
    def before(self) -> str:
        return self.text[: self.mark[0]] if self.mark else self.text

    @property
    def marked(self) -> str:
        return self.text[self.mark[0] : self.mark[1]] if self.mark else ""

    @property
    def after(self) -> str:
        return self.text[self.mark[1] :] if self.mark else ""


@dataclass(frozen=True)
class Statement:
    """One value of a property, with the named graphs that hold the triple."""

    term: Node
    graphs: tuple[URIRef, ...]
    inferred: bool
    evidence: tuple[Span, ...] = ()


@dataclass
class PropertyGroup:
    """The values of one property, in one direction."""

    predicate: URIRef
    label: str
    statements: list[Statement] = field(default_factory=list)
    total: int = 0


@dataclass
class Description:
    """Everything the resource page shows about one IRI."""

    iri: URIRef
    label: str
    types: list[Statement]
    descriptions: list[Literal]
    outgoing: list[PropertyGroup]
    incoming: list[PropertyGroup]
    incoming_total: int
    incoming_page: int
    incoming_pages: int
    evidence: list[Span]
    mentions: list[Span]
    external: list[tuple[URIRef, URIRef]]
    graphs: list[URIRef]
    article: URIRef | None = None  # the article a sentence or mention lies in, or the article
    span: Span | None = None  # a sentence's own text


@dataclass(frozen=True)
class Part:
    """A piece of a block: plain text, or a mention and what it denotes."""

    text: str
    begin: int
    end: int
    mention: URIRef | None = None
    denotes: Node | None = None

    @property
    def fragment(self) -> str:
        return f"char={self.begin},{self.end}"


@dataclass(frozen=True)
class Block:
    """A sentence of an article (or text between sentences), cut into plain and mention parts."""

    sentence: URIRef | None
    begin: int
    end: int
    parts: tuple[Part, ...]

    @property
    def fragment(self) -> str:
        return f"char={self.begin},{self.end}"


@dataclass
class Fact:
    """A fact node and what one graph says about it."""

    node: URIRef
    label: str
    types: list[URIRef]
    statements: list[tuple[URIRef, Node]]
    evidence: list[Span]


@dataclass
class ArticleView:
    """An article: its text with mentions, its metadata, and the facts drawn from it."""

    iri: URIRef
    slug: str
    title: str
    blocks: list[Block]
    metadata: list[tuple[URIRef, list[Node]]]
    extracted: list[Fact]
    curated: list[Fact]
    mentioned: list[tuple[Node, int]]
    graphs: list[URIRef]
    mention_count: int
    sentence_count: int


@dataclass
class OntologyTerm:
    """One term of the ontology as its HTML document shows it."""

    iri: URIRef
    name: str
    kind: str
    label: str
    comment: str
    relations: list[tuple[URIRef, list[Node]]]
    characteristics: list[URIRef]
    subterms: list[URIRef]
    count: int | None


class LinkedData:
    """Read-only views of the loaded build for the linked-data pages."""

    def __init__(self, build: LoadedBuild) -> None:
        self.build = build
        self.dataset = build.dataset
        self.base = str(build.manifest.get("base") or "https://kg.example.org/")
        self.id_prefix = self.base + "id/"
        self.graph_prefix = self.base + "graph/"
        self.inferred_graph = URIRef(self.graph_prefix + "inferred")
        self.ontology_graph = URIRef(self.graph_prefix + "ontology")
        self.meta_graph = URIRef(self.graph_prefix + "meta")
        self.graph_entries = {URIRef(g.iri): g for g in build.graphs}
        self.labels = self._gather_labels()
        self.property_counts: Counter[URIRef] = Counter()
        self.class_counts: Counter[URIRef] = Counter()
        for _, p, o in self.dataset.triples((None, None, None)):
            self.property_counts[p] += 1  # type: ignore[index]
            if p == RDF.type and isinstance(o, URIRef):
                self.class_counts[o] += 1
        self.dataset_iri = self._find_dataset_iri()
        self.modified = self._find_modified()
        self.articles = sorted(
            (a for a in set(self.dataset.subjects(RDF.type, CIV.NewsArticle)) if self._is_id(a)),
            key=self.sort_key,
        )

    def named(self, iri: URIRef) -> Graph:
        """One named graph of the dataset, read in place (Dataset.graph would add a missing one)."""
        return Graph(store=self.dataset.store, identifier=iri)

    def _find_dataset_iri(self) -> URIRef | None:
        meta = self.named(self.meta_graph)
        candidates = sorted(
            (
                d
                for d in set(meta.subjects(RDF.type, VOID.Dataset))
                if isinstance(d, URIRef) and (None, VOID.subset, d) not in meta
            ),
            key=lambda d: (d != URIRef(self.base + "dataset"), str(d)),
        )
        return candidates[0] if candidates else None

    def _find_modified(self) -> dt.datetime:
        """When the build was made: its stated time (SOURCE_DATE_EPOCH at build time), else the
        manifest's modification time, read once here so every response agrees."""
        if self.dataset_iri is not None:
            stated = self.named(self.meta_graph).value(self.dataset_iri, PROV.generatedAtTime)
            if isinstance(stated, Literal) and isinstance(stated.toPython(), dt.datetime):
                when: dt.datetime = stated.toPython()
                return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
        mtime = (self.build.build_dir / "manifest.json").stat().st_mtime
        return dt.datetime.fromtimestamp(int(mtime), dt.UTC)

    # --- names and labels ------------------------------------------------------------------

    def _is_id(self, node: object) -> bool:
        return isinstance(node, URIRef) and str(node).startswith(self.id_prefix)

    def _gather_labels(self) -> dict[Node, str]:
        labels: dict[Node, tuple[int, int, str]] = {}
        for rank, prop in enumerate(_LABEL_PROPERTIES):
            for s, o in self.dataset.subject_objects(prop):
                if not isinstance(o, Literal):
                    continue
                # English or untagged first; among equals the smallest text, so it is stable.
                lang_rank = 0 if o.language in (None, "en") else 1
                candidate = (rank, lang_rank, str(o))
                if s not in labels or candidate < labels[s]:
                    labels[s] = candidate
        found = {s: text for s, (_, _, text) in labels.items()}
        for entry in self.build.manifest.get("graphs", []):
            title = entry.get("title") if isinstance(entry, dict) else None
            if title and URIRef(str(entry["iri"])) not in found:
                found[URIRef(str(entry["iri"]))] = str(title)
        # A mention or sentence is named by its words and the article it is in (for a reader:
        # no offsets; the link to it carries those).
        for kind, name in ((CIV.Mention, "mention"), (CIV.Sentence, "sentence")):
            for node in set(self.dataset.subjects(RDF.type, kind)):
                words = found.get(node, "")
                if len(words) > 60:
                    words = words[:60].rsplit(" ", 1)[0] + "…"
                article = self.dataset.value(node, NIF.referenceContext)
                title = found.get(article, "") if article is not None else ""
                if len(title) > 50:
                    title = title[:50].rsplit(" ", 1)[0] + "…"
                found[node] = f"“{words}” in {title}" if title else f"“{words}” ({name})"
        return found

    def label(self, node: Node) -> str:
        """A human name for a term: its label, else a readable form of its IRI."""
        found = self.labels.get(node)
        if found is not None:
            return found if len(found) <= 120 else found[:117] + "…"
        if isinstance(node, Literal):
            return str(node)
        text = str(node)
        if text.startswith(self.id_prefix):
            return text[len(self.id_prefix) :]
        if text.startswith(self.graph_prefix):
            return "graph " + text[len(self.graph_prefix) :]
        return compact(text) if compact(text) != text else local_name(text)

    def graph_name(self, graph: Node) -> str:
        """A named graph's short name: `inferred`, `curated/us-code`, `article/{slug}`."""
        text = str(graph)
        return text[len(self.graph_prefix) :] if text.startswith(self.graph_prefix) else text

    def property_label(self, predicate: Node) -> str:
        """An ontology label for a property, else its local name made readable."""
        found = self.labels.get(predicate)
        return found if found else humanise(local_name(str(predicate)))

    def sort_key(self, node: Node) -> tuple[str, str]:
        return (self.label(node).casefold(), str(node))

    # --- existence and the resource's own triples --------------------------------------------

    def iri_for_path(self, path: str) -> URIRef:
        """The canonical IRI of a path below `/id/`."""
        return URIRef(self.id_prefix + path)

    def exists(self, iri: URIRef) -> bool:
        """Whether the dataset says anything about or points at `iri`."""
        for _ in self.dataset.triples((iri, None, None)):
            return True
        for _ in self.dataset.triples((None, None, iri)):
            return True
        return False

    def _quads(self, pattern: tuple[Any, Any, Any]) -> dict[tuple[Node, Node, Node], set[URIRef]]:
        """The triples matching `pattern`, each with the named graphs that hold it."""
        found: dict[tuple[Node, Node, Node], set[URIRef]] = defaultdict(set)
        for s, p, o, g in self.dataset.quads((*pattern, None)):
            name = g if isinstance(g, URIRef) else URIRef(str(g))
            if name in self.build.graph_iris:  # not a store's own union default graph
                found[(s, p, o)].add(name)
        return found

    def _statement(
        self, term: Node, graphs: set[URIRef], evidence: Iterable[Span] = ()
    ) -> Statement:
        ordered = tuple(sorted(graphs, key=str))
        inferred = bool(ordered) and all(g == self.inferred_graph for g in ordered)
        return Statement(term, ordered, inferred, tuple(evidence))

    def data_graph(self, iri: URIRef) -> Graph:
        """The resource's data document: its triples out (with their blank nodes) and in."""
        out = Graph(bind_namespaces="none")
        for prefix, namespace in PREFIXES.items():
            out.bind(prefix, namespace)
        for triple in concise_bounded_description(
            rdflib_statements(self.dataset), [iri], lambda term: isinstance(term, BNode)
        ):
            out.add(triple)
        for s, p, o in self.dataset.triples((None, None, iri)):
            out.add((s, p, o))
        return out

    def describe(self, iri: URIRef, incoming_page: int = 1) -> Description:
        """The resource page's content; `ValueError` if `incoming_page` is out of range."""
        outgoing = self._quads((iri, None, None))
        evidence = self.evidence_of(iri)
        types: list[Statement] = []
        descriptions: list[Literal] = []
        external: list[tuple[URIRef, URIRef]] = []
        groups: dict[Node, PropertyGroup] = {}
        graphs: set[URIRef] = set()
        for (_, p, o), in_graphs in outgoing.items():
            graphs |= in_graphs
            if p == RDF.type:
                types.append(self._statement(o, in_graphs))
                continue
            if p in _DESCRIPTION_PROPERTIES and isinstance(o, Literal):
                descriptions.append(o)
            if (
                p in _EXTERNAL_PROPERTIES
                and isinstance(o, URIRef)
                and str(o).startswith(("http://", "https://"))
                and not self.is_local(o)
            ):
                external.append((URIRef(str(p)), o))
            supported = [
                span
                for span in evidence
                if self.article_graph_of(span.article) in in_graphs
                and p not in (*_LABEL_PROPERTIES, *_DESCRIPTION_PROPERTIES, *_NO_EVIDENCE)
            ]
            group = groups.get(p)
            if group is None:
                group = groups[p] = PropertyGroup(URIRef(str(p)), self.property_label(p))
            group.statements.append(self._statement(o, in_graphs, supported))
        for group in groups.values():
            group.statements.sort(key=lambda st: self._value_key(st.term))
            group.total = len(group.statements)
        incoming_all = sorted(
            ((p, s, in_graphs) for (s, p, _), in_graphs in self._quads((None, None, iri)).items()),
            key=lambda item: (
                self.property_label(item[0]).casefold(),
                str(item[0]),
                *self.sort_key(item[1]),
            ),
        )
        totals = Counter(p for p, _, _ in incoming_all)
        shown, pages = page_of(incoming_all, incoming_page)
        incoming: dict[Node, PropertyGroup] = {}
        for p, s, in_graphs in shown:
            group = incoming.get(p)
            if group is None:
                group = incoming[p] = PropertyGroup(
                    URIRef(str(p)), self.property_label(p), total=totals[p]
                )
            group.statements.append(self._statement(s, in_graphs))
        return Description(
            iri=iri,
            label=self.label(iri),
            types=sorted(types, key=lambda st: self.sort_key(st.term)),
            descriptions=descriptions,
            outgoing=sorted(groups.values(), key=self._group_key),
            incoming=list(incoming.values()),
            incoming_total=len(incoming_all),
            incoming_page=incoming_page,
            incoming_pages=pages,
            evidence=evidence,
            mentions=self.mentions_of(iri),
            external=sorted(external, key=lambda pair: (str(pair[0]), str(pair[1]))),
            graphs=sorted(graphs, key=str),
            article=self.article_of(iri),
            span=self.span_of(iri) if (iri, RDF.type, CIV.Sentence) in self.dataset else None,
        )

    def _value_key(self, term: Node) -> tuple[int, str, str]:
        if isinstance(term, Literal):
            return (1, str(term), term.language or str(term.datatype or ""))
        return (0, *self.sort_key(term))

    def _group_key(self, group: PropertyGroup) -> tuple[int, str, str]:
        # Names and descriptions first, then the rest by label (and IRI: two may share a label).
        first = group.predicate in _LABEL_PROPERTIES or group.predicate in _DESCRIPTION_PROPERTIES
        return (0 if first else 1, group.label.casefold(), str(group.predicate))

    def is_local(self, iri: URIRef) -> bool:
        text = str(iri)
        return text.startswith(self.base) or text.startswith(ONTOLOGY_IRI)

    # --- evidence ----------------------------------------------------------------------------

    def article_graph_of(self, article: URIRef) -> URIRef:
        slug = str(article)[len(self.id_prefix + "article/") :]
        return URIRef(self.graph_prefix + "article/" + slug)

    def article_of(self, iri: URIRef) -> URIRef | None:
        """The article a sentence or mention lies in (or the article itself)."""
        if (iri, RDF.type, CIV.NewsArticle) in self.dataset:
            return iri
        context = self.dataset.value(iri, NIF.referenceContext)
        return context if isinstance(context, URIRef) else None

    def span_of(self, node: Node, mark: Node | None = None) -> Span | None:
        """The text of a sentence or mention node, optionally with a mention inside it marked."""
        if not isinstance(node, URIRef):
            return None
        article = self.article_of(node)
        begin = _int(self.dataset.value(node, NIF.beginIndex))
        end = _int(self.dataset.value(node, NIF.endIndex))
        if article is None or begin is None or end is None or not 0 <= begin <= end:
            return None
        text = self.dataset.value(node, NIF.anchorOf)
        if not isinstance(text, Literal):
            full = self.dataset.value(article, CIV.fullText)
            text = Literal(str(full)[begin:end]) if isinstance(full, Literal) else Literal("")
        marked: tuple[int, int] | None = None
        if mark is not None:
            m_begin = _int(self.dataset.value(mark, NIF.beginIndex))
            m_end = _int(self.dataset.value(mark, NIF.endIndex))
            if m_begin is not None and m_end is not None and begin <= m_begin <= m_end <= end:
                marked = (m_begin - begin, m_end - begin)
        slug = str(article)[len(self.id_prefix + "article/") :]
        return Span(article, slug, begin, end, str(text), node, marked)

    def evidence_of(self, iri: URIRef) -> list[Span]:
        """The sentences that support a fact node (civ:evidence), in article order."""
        spans = [self.span_of(s) for s in set(self.dataset.objects(iri, CIV.evidence))]
        return sorted((s for s in spans if s), key=lambda s: (s.slug, s.begin, s.end))

    def mentions_of(self, iri: URIRef) -> list[Span]:
        """Where the articles mention `iri` (or, for a mention, the mention itself), in context."""
        mentions: set[Node] = set(self.dataset.subjects(CIV.denotes, iri))
        if (iri, RDF.type, CIV.Mention) in self.dataset:
            mentions.add(iri)
        spans = []
        for mention in mentions:
            sentence = self.dataset.value(mention, CIV.inSentence)
            span = self.span_of(sentence, mark=mention) if sentence is not None else None
            if span is None:
                span = self.span_of(mention, mark=None)
            if span is not None:
                spans.append(replace(span, node=URIRef(str(mention))))
        return sorted(spans, key=lambda s: (s.slug, s.begin, s.mark or (0, 0)))

    # --- articles ----------------------------------------------------------------------------

    def article(self, slug: str) -> ArticleView | None:
        """The article view for `slug`, or None if there is no such article."""
        iri = URIRef(self.id_prefix + "article/" + slug)
        if (iri, RDF.type, CIV.NewsArticle) not in self.dataset:
            return None
        full = self.dataset.value(iri, CIV.fullText)
        text = str(full) if isinstance(full, Literal) else ""
        sentences: list[tuple[int, int, URIRef]] = []
        mentions: list[tuple[int, int, URIRef, Node | None]] = []
        for node in set(self.dataset.subjects(NIF.referenceContext, iri)):
            if not isinstance(node, URIRef):
                continue
            begin = _int(self.dataset.value(node, NIF.beginIndex))
            end = _int(self.dataset.value(node, NIF.endIndex))
            if begin is None or end is None or not 0 <= begin < end <= len(text):
                continue
            if (node, RDF.type, CIV.Sentence) in self.dataset:
                sentences.append((begin, end, node))
            elif (node, RDF.type, CIV.Mention) in self.dataset:
                mentions.append((begin, end, node, self.dataset.value(node, CIV.denotes)))
        mentioned = Counter(target for *_, target in mentions if target is not None)
        extracted_graph = URIRef(self.graph_prefix + "article/" + slug)
        curated_graph = URIRef(self.graph_prefix + "curated/" + slug)
        metadata: dict[URIRef, list[Node]] = defaultdict(list)
        for p, o in self.dataset.predicate_objects(iri):
            if (
                p not in (CIV.fullText, NIF.isString, RDF.type)
                and o not in metadata[URIRef(str(p))]
            ):
                metadata[URIRef(str(p))].append(o)
        return ArticleView(
            iri=iri,
            slug=slug,
            title=self.label(iri),
            blocks=segment(text, sentences, mentions),
            metadata=sorted(
                ((p, sorted(v, key=self._value_key)) for p, v in metadata.items()),
                key=lambda item: self.property_label(item[0]).casefold(),
            ),
            extracted=self.facts_in(extracted_graph, article=iri),
            curated=self.facts_in(curated_graph, article=iri),
            mentioned=sorted(
                mentioned.items(), key=lambda item: (-item[1], *self.sort_key(item[0]))
            ),
            graphs=[g for g in (extracted_graph, curated_graph) if g in self.graph_entries],
            mention_count=len(mentions),
            sentence_count=len(sentences),
        )

    def facts_in(self, graph_iri: URIRef, article: URIRef) -> list[Fact]:
        """The things one graph says about, other than the article's own text structure."""
        if graph_iri not in self.graph_entries:
            return []
        graph = self.named(graph_iri)
        skip_types = {CIV.Mention, CIV.Sentence, CIV.NewsArticle, CIV.ExtractionMethod}
        facts = []
        for node in set(graph.subjects()):
            if not isinstance(node, URIRef) or node == article:
                continue
            types = sorted(
                {t for t in graph.objects(node, RDF.type) if isinstance(t, URIRef)}, key=str
            )
            if skip_types & set(types):
                continue
            statements = sorted(
                (
                    (URIRef(str(p)), o)
                    for p, o in graph.predicate_objects(node)
                    if p not in (RDF.type, RDFS.label, CIV.evidence)
                ),
                key=lambda item: (
                    self.property_label(item[0]).casefold(),
                    *self._value_key(item[1]),
                ),
            )
            evidence = [span for span in self.evidence_of(node) if span.article == article]
            facts.append(Fact(node, self.label(node), types, statements, evidence))
        return sorted(facts, key=lambda fact: self.sort_key(fact.node))

    # --- lists, graphs, search -------------------------------------------------------------------

    def instances(self, cls: URIRef) -> list[Node]:
        """Every instance of a class (asserted or inferred), by label."""
        return sorted(set(self.dataset.subjects(RDF.type, cls)), key=self.sort_key)

    def graph_subjects(self, graph_iri: URIRef) -> list[Node]:
        """The IRIs a named graph says something about, by label."""
        graph = self.named(graph_iri)
        return sorted({s for s in graph.subjects() if isinstance(s, URIRef)}, key=self.sort_key)

    def search(self, needle: str) -> list[Node]:
        """Things whose label, alias or headline contains `needle` (case-insensitive), by label.

        One prepared query with the text bound as a value: it is never part of the query text.
        The query is one pass over the labels, so it needs no time limit of its own.
        """
        rows = self.dataset.query(_SEARCH, initBindings={"needle": Literal(needle)})
        found = {row[0] for row in rows}  # type: ignore[index]
        return sorted(found, key=self.sort_key)

    # --- the ontology ------------------------------------------------------------------------

    def ontology_terms(self) -> list[OntologyTerm]:
        """Every term of the project's ontology namespace, classes first, then properties."""
        graph = self.named(self.ontology_graph)
        namespace = str(CIV)
        terms = []
        for subject in {s for s in graph.subjects() if str(s).startswith(namespace)}:
            iri = URIRef(str(subject))
            kinds = set(graph.objects(iri, RDF.type))
            kind = next((name for cls, name in _TERM_KINDS if cls in kinds), "individual")
            relations = []
            for prop in _ONTOLOGY_RELATIONS:
                values = sorted(set(graph.objects(iri, prop)), key=self._value_key)
                if values:
                    relations.append((prop, values))
            characteristics = sorted(
                (
                    URIRef(str(k))
                    for k in kinds
                    if k not in {cls for cls, _ in _TERM_KINDS} and str(k).startswith(str(OWL))
                ),
                key=str,
            )
            if kind == "individual":
                relations.insert(
                    0, (RDF.type, sorted((k for k in kinds if k != OWL.NamedIndividual), key=str))
                )
                characteristics = []
            sub = RDFS.subClassOf if kind == "class" else RDFS.subPropertyOf
            comment = graph.value(iri, RDFS.comment)
            terms.append(
                OntologyTerm(
                    iri=iri,
                    name=str(iri)[len(namespace) :],
                    kind=kind,
                    label=self.label(iri),
                    comment=str(comment) if comment is not None else "",
                    relations=relations,
                    characteristics=characteristics,
                    subterms=sorted(
                        (URIRef(s) for s in graph.subjects(sub, iri) if isinstance(s, URIRef)),
                        key=str,
                    ),
                    count=(
                        self.class_counts.get(iri, 0)
                        if kind == "class"
                        else self.property_counts.get(iri, 0)
                        if "property" in kind
                        else None
                    ),
                )
            )
        order = {name: index for index, (_, name) in enumerate(_TERM_KINDS)}
        return sorted(
            terms, key=lambda t: (order.get(t.kind, len(order)), t.name.casefold(), t.name)
        )

    def ontology_header(self) -> dict[str, Any]:
        """The ontology's own label, comment and version."""
        graph = self.named(self.ontology_graph)
        iri = URIRef(ONTOLOGY_IRI)
        return {
            "iri": iri,
            "label": str(graph.value(iri, RDFS.label) or "ontology"),
            "comment": str(graph.value(iri, RDFS.comment) or ""),
            "version": str(graph.value(iri, OWL.versionInfo) or ""),
            "license": graph.value(iri, DCTERMS.license),
        }

    def list_items(self, node: Node) -> list[Node] | None:
        """The members of an RDF list starting at `node`, or None if it is not one."""
        if not isinstance(node, BNode) or self.dataset.value(node, RDF.first) is None:
            return None
        items: list[Node] = []
        seen: set[Node] = set()
        current: Node | None = node
        while isinstance(current, BNode) and current not in seen:
            seen.add(current)
            first = self.dataset.value(current, RDF.first)
            if first is None:
                return None
            items.append(first)
            current = self.dataset.value(current, RDF.rest)
        return items if current == RDF.nil else None

    def blank_description(self, node: Node) -> list[tuple[URIRef, Node]]:
        """The triples of a blank node, to show it in place."""
        return sorted(
            ((URIRef(str(p)), o) for p, o in self.dataset.predicate_objects(node)),
            key=lambda item: (str(item[0]), str(item[1])),
        )


def segment(
    text: str,
    sentences: list[tuple[int, int, URIRef]],
    mentions: list[tuple[int, int, URIRef, Node | None]],
) -> list[Block]:
    """Cut an article's text into sentence blocks (and the gaps between them) with mention parts.

    Overlapping sentences or mentions keep the first (the longest among those starting together);
    a mention that crosses a block's edge is shown as plain text.
    """
    blocks: list[Block] = []
    position = 0
    for begin, end, sentence in _non_overlapping(sentences):
        if begin > position:
            blocks.append(_block(text, position, begin, None, mentions))
        blocks.append(_block(text, begin, end, sentence, mentions))
        position = end
    if position < len(text):
        blocks.append(_block(text, position, len(text), None, mentions))
    return blocks


def _non_overlapping(spans: Iterable[tuple[int, int, Any]]) -> Iterator[tuple[int, int, Any]]:
    last_end = -1
    for span in sorted(spans, key=lambda s: (s[0], -s[1], str(s[2]))):
        if span[0] >= last_end:
            last_end = span[1]
            yield span


def _block(
    text: str,
    begin: int,
    end: int,
    sentence: URIRef | None,
    mentions: list[tuple[int, int, URIRef, Node | None]],
) -> Block:
    inside = [(b, e, (m, t)) for b, e, m, t in mentions if begin <= b and e <= end]
    parts: list[Part] = []
    position = begin
    for b, e, (mention, target) in _non_overlapping(inside):
        if b > position:
            parts.append(Part(text[position:b], position, b))
        parts.append(Part(text[b:e], b, e, mention, target))
        position = e
    if position < end:
        parts.append(Part(text[position:end], position, end))
    return Block(sentence, begin, end, tuple(parts))
