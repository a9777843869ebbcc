"""Scoring extraction against hand-written gold facts: precision, recall and F1 per fact type.

Predictions are read back from the triples the extractor writes into each article's graph
(with the curated graph for the types of known things), so what is scored is what the
dataset holds. Strict matching compares IRIs; relaxed matching compares normalised names,
offices, date prefixes and overlapping spans.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz
from rdflib import RDF, RDFS, Graph, URIRef

from graph.corpus import Article, read_corpus
from graph.errors import CivicgraphError
from graph.extract import extract_articles
from graph.extraction.gazetteer import build_gazetteer, org_key
from graph.iri import normalise_quote
from graph.namespaces import CIV, NIF

FACT_TYPES = (
    "persons", "organizations", "jurisdictions", "statutes", "posts", "parties",
    "letters", "events", "quotes",
)  # fmt: skip
ORG_CLASSES = {"Organization", "GovernmentBody", "NewsOutlet", "PoliticalParty"}
PLACE_CLASSES = {"Jurisdiction", "Country", "State", "County", "City"}
EVENT_CLASSES = {
    "Meeting", "Boycott", "Demand", "Threat", "StatementEvent", "PressConference", "Tweet",
    "Lawsuit", "CourtRuling", "ExecutiveOrder", "Review",
}  # fmt: skip


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    strict: dict[str, Score] = field(default_factory=lambda: {t: Score() for t in FACT_TYPES})
    relaxed: dict[str, Score] = field(default_factory=lambda: {t: Score() for t in FACT_TYPES})
    linked: int = 0
    linkable: int = 0
    misses: list[str] = field(default_factory=list)
    # a letter's recipients one by one: (sender, date, recipient) in gold and graph
    recipients: Score = field(default_factory=Score)
    # the sentence a reader is shown for a fact: right / checked (gold `evidence` lists)
    evidence_right: int = 0
    evidence_checked: int = 0
    # each gold entity's IRIs in the graph, across articles: more than one is a split
    seen_as: dict[str, set[str]] = field(default_factory=dict)
    # each graph IRI's gold entities: more than one is a merge
    stands_for: dict[str, set[str]] = field(default_factory=dict)

    @property
    def splits(self) -> list[str]:
        return sorted(g for g, iris in self.seen_as.items() if len(iris) > 1)

    @property
    def merges(self) -> list[str]:
        return sorted(p for p, golds in self.stands_for.items() if len(golds) > 1)

    @property
    def evidence_accuracy(self) -> float:
        return self.evidence_right / self.evidence_checked if self.evidence_checked else 1.0

    @property
    def linking_accuracy(self) -> float:
        return self.linked / self.linkable if self.linkable else 1.0

    def table(self) -> str:
        lines = [
            f"{'fact type':<14} {'strict P':>8} {'R':>6} {'F1':>6}   {'relaxed P':>9} {'R':>6} {'F1':>6}   {'gold':>5}",
        ]
        for t in FACT_TYPES:
            s, r = self.strict[t], self.relaxed[t]
            lines.append(
                f"{t:<14} {s.precision:8.3f} {s.recall:6.3f} {s.f1:6.3f}   "
                f"{r.precision:9.3f} {r.recall:6.3f} {r.f1:6.3f}   {s.tp + s.fn:5d}"
            )
        r = self.recipients
        lines.append(
            f"{'recipients':<14} {r.precision:8.3f} {r.recall:6.3f} {r.f1:6.3f}   "
            f"{'(each letter recipient: sender, date, recipient)':>28}   {r.tp + r.fn:5d}"
        )
        lines.append(
            f"entity linking accuracy: {self.linking_accuracy:.3f} ({self.linked}/{self.linkable}"
            ", every gold entity; one not found counts as not linked)"
        )
        lines.append(
            f"evidence right: {self.evidence_accuracy:.3f} "
            f"({self.evidence_right}/{self.evidence_checked} facts found that the gold gives a "
            "sentence for)"
        )
        lines.append(
            f"identity: {len(self.splits)} gold entities split into several IRIs"
            + (f" ({', '.join(self.splits)})" if self.splits else "")
            + f", {len(self.merges)} IRIs standing for several gold entities"
            + (f" ({', '.join(self.merges)})" if self.merges else "")
        )
        return "\n".join(lines)


def match(
    gold: list[Any], predicted: list[Any], same: Callable[[Any, Any], bool]
) -> tuple[Score, list[Any], list[Any]]:
    """A maximum one-to-one matching of gold and predicted facts (Kuhn's augmenting paths).

    Returns the score and the unmatched gold facts and predictions.
    """
    fits = [[j for j, p in enumerate(predicted) if same(g, p)] for g in gold]
    owner: dict[int, int] = {}  # predicted index → gold index

    def augment(i: int, seen: set[int]) -> bool:
        for j in fits[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        augment(i, set())
    matched_gold = set(owner.values())
    missed = [g for i, g in enumerate(gold) if i not in matched_gold]
    extra = [p for j, p in enumerate(predicted) if j not in owner]
    return Score(len(owner), len(extra), len(missed)), missed, extra


def _path(term: object) -> str:
    return str(term).split("/id/", 1)[-1]


def _local(term: object) -> str:
    return str(term).rsplit("#", 1)[-1]


def _norm(text: str) -> str:
    return normalise_quote(text)


def _date_ok(gold: str | None, pred: str | None) -> bool:
    if not gold or not pred:
        return gold == pred
    return gold.startswith(pred) or pred.startswith(gold)


class Predictions:
    """The facts of one article, read from its graph."""

    def __init__(self, article: Graph, known: Graph, text: str) -> None:
        self.g = article
        self.known = known
        self.text = text

    def classes(self, thing: URIRef) -> set[str]:
        return {
            _local(c)
            for c in (*self.g.objects(thing, RDF.type), *self.known.objects(thing, RDF.type))
        }

    def label(self, thing: URIRef) -> str:
        return str(
            self.g.value(thing, RDFS.label) or self.known.value(thing, RDFS.label) or _path(thing)
        )

    def denoted(self) -> set[URIRef]:
        return {o for o in self.g.objects(None, CIV.denotes) if isinstance(o, URIRef)}

    def things(self, classes: set[str]) -> list[dict[str, Any]]:
        out = []
        for thing in sorted(self.denoted()):
            kinds = self.classes(thing) & classes
            if kinds:
                state = None
                for place in (
                    *self.g.objects(thing, CIV.locatedIn),
                    *self.known.objects(thing, CIV.locatedIn),
                ):
                    if isinstance(place, URIRef) and "State" in self.classes(place):
                        state = _path(place)
                out.append(
                    {"iri": _path(thing), "name": self.label(thing), "kinds": kinds, "state": state}
                )
        return out

    def sentence_text(self, sentence: Any) -> str:
        return str(self.g.value(sentence, NIF.anchorOf) or "")

    def evidence_for(self, fact: str, key: str) -> list[str]:
        """The sentences the graph shows for a fact the gold names by `key`: a quotation's
        words, a person's IRI path, a letter's or event's text in the article."""
        if fact == "person":
            iri = next((t for t in self.denoted() if _path(t) == key), None)
            if iri is None:
                return []
            return [
                self.sentence_text(self.g.value(m, CIV.inSentence))
                for m in self.g.subjects(CIV.denotes, iri)
            ]
        if fact == "quote":
            start = self.text.find(key)
            out = []
            for mention, statement in self.g.subject_objects(CIV.denotes):
                if self.g.value(statement, CIV.speaker) is None:
                    continue
                begin = int(str(self.g.value(mention, NIF.beginIndex)))
                end = int(str(self.g.value(mention, NIF.endIndex)))
                if start >= 0 and begin < start + len(key) and start < end:
                    out += [self.sentence_text(s) for s in self.g.objects(statement, CIV.evidence)]
            return out
        kind = CIV.Letter if fact == "letter" else None
        out = []
        for node in {s for s in self.g.subjects(CIV.evidence, None) if isinstance(s, URIRef)}:
            is_letter = (node, RDF.type, CIV.Letter) in self.g
            if (kind is not None) != is_letter or not self.classes(node) - {"Quotation"}:
                continue
            texts = [self.sentence_text(s) for s in self.g.objects(node, CIV.evidence)]
            if any(_norm(key)[:60] in _norm(t) or _norm(t) in _norm(key) for t in texts if t):
                out += texts
        return out

    def posts(self) -> list[dict[str, Any]]:
        return [
            {
                "person": _path(self.g.value(t, CIV.holder)),
                "post": _path(self.g.value(t, CIV.post)),
                "office": str(
                    self.g.value(self.g.value(t, CIV.post), CIV.officeTitle)
                    or self.known.value(self.g.value(t, CIV.post), CIV.officeTitle)
                    or ""
                ),
            }
            for t in self.g.subjects(RDF.type, CIV.Tenure)
        ]

    def parties(self) -> list[dict[str, Any]]:
        return [
            {"person": _path(s), "party": _path(o)}
            for s, o in self.g.subject_objects(CIV.partyAffiliation)
        ]

    def letters(self) -> list[dict[str, Any]]:
        rounds: dict[tuple[str, str | None], dict[str, Any]] = {}
        for letter in self.g.subjects(RDF.type, CIV.Letter):
            date = self.g.value(letter, CIV.onDate)
            key = (_path(self.g.value(letter, CIV.sender)), str(date) if date else None)
            entry = rounds.setdefault(
                key, {"sender": key[0], "date": key[1], "recipients": set(), "statute": None}
            )
            entry["recipients"] |= {_path(r) for r in self.g.objects(letter, CIV.recipient)}
            statute = self.g.value(letter, CIV.concernsStatute)
            entry["statute"] = entry["statute"] or (_path(statute) if statute else None)
        return list(rounds.values())

    def events(self) -> list[dict[str, Any]]:
        out = []
        for event in {e for e in self.g.subjects(CIV.claimedBy, None) if isinstance(e, URIRef)}:
            kinds = self.classes(event) & EVENT_CLASSES
            if not kinds or (event, RDF.type, CIV.Letter) in self.g:
                continue
            date = self.g.value(event, CIV.onDate)
            participants = {
                (role, _path(o))
                for role in ("agent", "target", "attendee", "boycotter")
                for o in self.g.objects(event, CIV[role])
            }
            out.append(
                {
                    "type": sorted(kinds)[0],
                    "date": str(date) if date else None,
                    "participants": participants,
                }
            )
        return out

    def quotes(self) -> list[dict[str, Any]]:
        parts = []
        for mention, statement in self.g.subject_objects(CIV.denotes):
            speaker = self.g.value(statement, CIV.speaker)
            if speaker is None:
                continue
            begin = int(str(self.g.value(mention, NIF.beginIndex)))
            end = int(str(self.g.value(mention, NIF.endIndex)))
            parts.append((begin, end, _path(speaker)))
        parts.sort()
        merged: list[list[Any]] = []
        for begin, end, who in parts:
            if merged and merged[-1][2] == who and not self.text[merged[-1][1] : begin].strip():
                merged[-1][1] = end
            else:
                merged.append([begin, end, who])
        return [{"start": b, "end": e, "text": self.text[b:e], "speaker": s} for b, e, s in merged]


def _same_name(a: str, b: str) -> bool:
    return _norm(a) == _norm(b) or fuzz.ratio(_norm(a), _norm(b)) >= 85


def _same_round(g: dict[str, Any], p: dict[str, Any]) -> bool:
    return bool(g["sender"] == p["sender"] and _date_ok(g["date"], p["date"]))


def score_article(
    gold: dict[str, Any],
    pred: Predictions,
    report: Report,
    slug: str,
    rounds: set[tuple[str, str]] = frozenset(),  # type: ignore[assignment]
) -> None:
    """Add one article's scores to the report. `rounds`: (sender, date) of every letter the
    dataset names a recipient of."""

    def record(
        kind: str,
        strict: tuple[Score, list[Any], list[Any]],
        relaxed: tuple[Score, list[Any], list[Any]],
    ) -> None:
        report.strict[kind].add(strict[0])
        report.relaxed[kind].add(relaxed[0])
        for label, result in (("strict", strict), ("relaxed", relaxed)):
            for g in result[1]:
                report.misses.append(f"{slug} {kind} {label} missed: {_brief(g)}")
            for p in result[2]:
                report.misses.append(f"{slug} {kind} {label} extra: {_brief(p)}")

    persons = pred.things({"Person"})
    record("persons", match(gold["persons"], persons, lambda g, p: g["iri"] == p["iri"]),
           match(gold["persons"], persons, lambda g, p: g["iri"] == p["iri"] or _same_name(g["name"], p["name"])))  # fmt: skip
    orgs = pred.things(ORG_CLASSES)
    record("organizations", match(gold["organizations"], orgs, lambda g, p: g["iri"] == p["iri"]),
           match(gold["organizations"], orgs, lambda g, p: g["iri"] == p["iri"] or org_key(g["name"]) == org_key(p["name"])))  # fmt: skip
    places = pred.things(PLACE_CLASSES)
    record(
        "jurisdictions",
        match(gold["jurisdictions"], places, lambda g, p: g["iri"] == p["iri"] and set(g["kinds"]) <= p["kinds"] and g.get("state") == p["state"]),
        match(gold["jurisdictions"], places, lambda g, p: g["iri"] == p["iri"] or _same_name(g["name"], p["name"])),
    )  # fmt: skip
    statutes = pred.things({"Statute"})
    record("statutes", match(gold["statutes"], statutes, lambda g, p: g["iri"] == p["iri"]),
           match(gold["statutes"], statutes, lambda g, p: g["iri"].rsplit("/", 1)[-1] == p["iri"].rsplit("/", 1)[-1]))  # fmt: skip
    posts = pred.posts()
    record("posts", match(gold["posts"], posts, lambda g, p: (g["person"], g["post"]) == (p["person"], p["post"])),
           match(gold["posts"], posts, lambda g, p: g["person"] == p["person"] and _norm(g["office"]) == _norm(p["office"])))  # fmt: skip
    parties = pred.parties()
    same_party = lambda g, p: (g["person"], g["party"]) == (p["person"], p["party"])  # noqa: E731
    record(
        "parties",
        match(gold["parties"], parties, same_party),
        match(gold["parties"], parties, same_party),
    )
    letters = pred.letters()

    def letters_relaxed(g: dict[str, Any], p: dict[str, Any]) -> bool:
        gr, pr = set(g["recipients"]), p["recipients"]
        overlap = len(gr & pr) / len(gr | pr) if gr | pr else 1.0
        return _date_ok(g["date"], p["date"]) and overlap >= 0.5

    # A round the article tells of without naming recipients is the round whose letters the
    # dataset names (another article's, or the curated graph's): the graph holds those letters,
    # not one more "to recipients not named" beside them.
    told = [
        g for g in gold["letters"]
        if not g["recipients"] and not any(_same_round(g, p) and g["date"] == p["date"] for p in letters)
        and any(s == g["sender"] and _date_ok(g["date"], d) for s, d in rounds)
    ]  # fmt: skip
    gold_letters = [g for g in gold["letters"] if g not in told]
    strict_letters = match(
        gold_letters,
        letters,
        lambda g, p: (
            g["sender"] == p["sender"]
            and g["date"] == p["date"]
            and set(g["recipients"]) == p["recipients"]
            and g.get("statute") == p["statute"]
        ),
    )
    relaxed_letters = match(gold_letters, letters, letters_relaxed)
    for result in (strict_letters, relaxed_letters):
        result[0].tp += len(told)
    record("letters", strict_letters, relaxed_letters)  # fmt: skip
    events = pred.events()

    def parts(g: dict[str, Any]) -> set[tuple[str, str]]:
        return {(x["role"], x["iri"]) for x in g["participants"]}

    record(
        "events",
        match(gold["events"], events, lambda g, p: g["type"] == p["type"] and g["date"] == p["date"] and parts(g) == p["participants"]),
        match(gold["events"], events, lambda g, p: g["type"] == p["type"] and _date_ok(g["date"], p["date"]) and (bool(parts(g) & p["participants"]) or (not parts(g) and not p["participants"]) or not parts(g) or not p["participants"])),
    )  # fmt: skip
    text = pred.text
    gold_quotes = []
    for q in gold["quotes"]:
        if q.get("speaker"):
            start = text.find(q["text"])
            gold_quotes.append({**q, "start": start, "end": start + len(q["text"])})
    quotes = pred.quotes()

    def overlap(g: dict[str, Any], p: dict[str, Any]) -> bool:
        shared = min(g["end"], p["end"]) - max(g["start"], p["start"])
        return g["speaker"] == p["speaker"] and shared >= 0.5 * (g["end"] - g["start"])

    record(
        "quotes",
        match(
            gold_quotes,
            quotes,
            lambda g, p: g["speaker"] == p["speaker"] and _norm(g["text"]) == _norm(p["text"]),
        ),
        match(gold_quotes, quotes, overlap),
    )
    for kind, predicted in (
        ("persons", persons),
        ("organizations", orgs),
        ("jurisdictions", places),
    ):
        for g in gold[kind]:
            named = [
                p for p in predicted if _same_name(g["name"], p["name"]) or g["iri"] == p["iri"]
            ]
            report.linkable += 1  # a gold entity the graph does not find is not linked
            report.linked += any(p["iri"] == g["iri"] for p in named)
            golds = {other["iri"] for other in gold[kind]}
            for p in named:  # identity: the same IRI, or the same name on an IRI of no other
                if g["iri"] == p["iri"] or (
                    _norm(g["name"]) == _norm(p["name"]) and p["iri"] not in golds
                ):
                    report.seen_as.setdefault(g["iri"], set()).add(p["iri"])
                    report.stands_for.setdefault(p["iri"], set()).add(g["iri"])
    score_recipients(gold["letters"], letters, report, slug)
    score_evidence(gold.get("evidence", []), pred, report, slug)


def score_recipients(
    gold: list[dict[str, Any]], letters: list[dict[str, Any]], report: Report, slug: str
) -> None:
    """Each recipient of each letter, found or not: (sender, date, recipient)."""
    wanted = {(g["sender"], g["date"], r) for g in gold for r in g["recipients"]}
    found = {(p["sender"], p["date"], r) for p in letters for r in p["recipients"]}
    score = Score(len(wanted & found), len(found - wanted), len(wanted - found))
    report.recipients.add(score)
    for item in sorted(wanted - found):
        report.misses.append(f"{slug} recipients missed: {item}")
    for item in sorted(found - wanted):
        report.misses.append(f"{slug} recipients extra: {item}")


def score_evidence(
    gold: list[dict[str, Any]], pred: Predictions, report: Report, slug: str
) -> None:
    """Whether the sentence a reader is shown for a fact is the gold's sentence for it: a
    quotation's statement, a person's mention, a letter's or event's evidence."""
    for item in gold:
        sentence = _norm(item["sentence"])
        shown = {_norm(s) for s in pred.evidence_for(item["fact"], item["key"])}
        if not shown:
            continue  # the fact is not in the graph: recall's loss, not a wrong sentence
        report.evidence_checked += 1
        if any(sentence == s or sentence in s or s in sentence for s in shown if s):
            report.evidence_right += 1
        else:
            report.misses.append(
                f"{slug} evidence wrong for {item['fact']} {str(item['key'])[:50]!r}: "
                f"shown {sorted(shown)[:2]}"
            )


def _brief(item: Any) -> str:
    if isinstance(item, dict):
        return json.dumps(
            {
                k: (sorted(v) if isinstance(v, set) else v)
                for k, v in item.items()
                if k not in ("text", "note", "start", "end") or (k == "text" and len(str(v)) < 60)
            },
            ensure_ascii=False,
        )[:220]
    return str(item)


def evaluate(
    corpus: Path,
    gold_dir: Path,
    curated: Graph,
    ontology: Graph,
    base: str,
    jobs: int | None = None,
) -> Report:
    """Extract every article of `corpus` that has a gold file and score it (`jobs`: as for
    `extract_articles`; 1 extracts in this process)."""
    articles: list[Article] = [
        a for a in read_corpus(corpus) if (gold_dir / f"{a.slug}.json").exists()
    ]
    if not articles:
        raise CivicgraphError(f"no article in {corpus} has a gold file in {gold_dir}")
    extracted = extract_articles(articles, build_gazetteer(curated, ontology), base, jobs=jobs)
    known = Graph()
    for triple in curated:
        known.add(triple)
    for triple in ontology:
        known.add(triple)
    report = Report()
    rounds: set[tuple[str, str]] = set()
    everything = Graph()
    for triples in extracted.values():
        for triple in triples:
            everything.add(triple)
    for source in (everything, known):
        for letter in source.subjects(RDF.type, CIV.Letter):
            sender, date = source.value(letter, CIV.sender), source.value(letter, CIV.onDate)
            if sender is not None and date is not None and source.value(letter, CIV.recipient):
                rounds.add((_path(sender), str(date)))
    for article in articles:
        gold = json.loads((gold_dir / f"{article.slug}.json").read_text(encoding="utf-8"))
        graph = Graph()
        for triple in extracted[article.slug]:
            graph.add(triple)
        score_article(gold, Predictions(graph, known, article.text), report, article.slug, rounds)
    return report


def load_inputs(curated_dir: Path, ontology_dir: Path, base: str) -> tuple[Graph, Graph]:
    from graph.build import load_turtle, union

    ontology = load_turtle(ontology_dir / "civic.ttl")
    curated = union(load_turtle(p, base) for p in sorted(curated_dir.glob("*.ttl")))
    return curated, ontology


def lines(items: Iterable[str]) -> str:
    return "\n".join(items)
