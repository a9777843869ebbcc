"""The facts a reader sees of the five articles: each defect once found there, held absent.

Each test reads the built dataset (the project's own build of corpus/ and the curated graph)
the way the pages and queries do; the gold (tests/gold) says what the articles say.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Dataset, URIRef

from graph.extract import same_statement
from graph.iri import normalise_quote
from graph.namespaces import CIV, DEFAULT_BASE, NIF
from graph.settings import PROJECT_ROOT

ID = DEFAULT_BASE + "id/"
ARTICLE_GRAPH = DEFAULT_BASE + "graph/article/"


@pytest.fixture(scope="module")
def data(build_dir: Path) -> Dataset:
    dataset = Dataset(default_union=True)
    dataset.parse(build_dir / "dataset.trig", format="trig")
    return dataset


def anchor(data: Dataset, node: object) -> str:
    return str(data.value(node, NIF.anchorOf))  # type: ignore[arg-type]


def extracted(data: Dataset, cls: URIRef) -> set[URIRef]:
    """Things of a class that an article graph states."""
    found: set[URIRef] = set()
    for graph in data.graphs():
        if str(graph.identifier).startswith(ARTICLE_GRAPH):
            found |= {s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef)}
    return found


def span(data: Dataset, node: object) -> tuple[object, int, int]:
    return (
        data.value(node, NIF.referenceContext),  # type: ignore[arg-type]
        int(data.value(node, NIF.beginIndex)),  # type: ignore[arg-type]
        int(data.value(node, NIF.endIndex)),  # type: ignore[arg-type]
    )


def test_a_statements_evidence_holds_its_words(data: Dataset) -> None:
    """Evidence is the sentence with the quoted words, not the sentence before."""
    for statement in extracted(data, CIV.Quotation):
        held = [span(data, s) for s in data.objects(statement, CIV.evidence)]
        words = [span(data, m) for m in data.subjects(CIV.denotes, statement)]
        assert held, statement
        for article, begin, end in held:  # each evidence sentence holds some of its words
            assert any(a == article and b < end and begin < e for a, b, e in words), statement
    attack = [
        s
        for s in extracted(data, CIV.Quotation)
        if "attack on everyone" in str(data.value(s, CIV.quotedText))
    ]
    assert attack
    for statement in attack:  # the sentence with these words is among its evidence
        held = [anchor(data, sentence) for sentence in data.objects(statement, CIV.evidence)]
        assert any("attack on everyone" in text for text in held), held


def test_a_letters_evidence_is_no_question_and_no_stray_sentence(data: Dataset) -> None:
    for letter in extracted(data, CIV.Letter):
        for sentence in data.objects(letter, CIV.evidence):
            text = anchor(data, sentence)
            assert not text.rstrip("”\"’' ").endswith("?"), (letter, text)
            assert "never organized" not in text, (letter, text)
    chicago = URIRef(ID + "letter/2018-01-24/doj-to-chicago-il")
    texts = {anchor(data, s) for s in data.objects(chicago, CIV.evidence)}
    assert any("Chicago" in t for t in texts), texts


def gold_quotes() -> dict[str, list[str]]:
    """Each speaker's quotations in the five articles' gold, normalised."""
    out: dict[str, list[str]] = {}
    for path in sorted((PROJECT_ROOT / "tests" / "gold").glob("*.json")):
        for quote in json.loads(path.read_text(encoding="utf-8"))["quotes"]:
            if quote.get("speaker"):
                out.setdefault(quote["speaker"], []).append(normalise_quote(quote["text"]))
    return out


def clusters(texts: list[str]) -> int:
    """How many statements a speaker's quotations are: a shorter wording that is part of a
    longer one (or nearly the same) is that one."""
    heads: list[str] = []
    for text in sorted(set(texts), key=len, reverse=True):
        if not any(same_statement(text, head) for head in heads):
            heads.append(text)
    return len(heads)


@pytest.mark.parametrize(
    "speaker", ["person/jeff-sessions", "person/mitch-landrieu", "person/bill-de-blasio"]
)
def test_one_quotation_is_one_statement(data: Dataset, speaker: str) -> None:
    """Fragments and other wordings of one quotation are one statement, not several."""
    said = {
        s
        for s in extracted(data, CIV.Quotation)
        if data.value(s, CIV.speaker) == URIRef(ID + speaker)
    }
    assert len(said) == clusters(gold_quotes()[speaker])
    for statement in said:  # one text each: queries show a statement once
        assert len(set(data.objects(statement, CIV.quotedText))) == 1


def test_the_sentence_five_articles_quote_is_reported_five_times(data: Dataset) -> None:
    (statement,) = [
        s
        for s in extracted(data, CIV.Quotation)
        if "Protecting criminal aliens" in str(data.value(s, CIV.quotedText))
    ]
    assert len(set(data.objects(statement, CIV.reportedIn))) == 5


def test_no_event_twice(data: Dataset) -> None:
    """The 24 January boycott is not again a boycott of 25 January; an extracted event of a
    kind and day the curated graph has an event of is that curated event (its IRI)."""
    for event in data.subjects(CIV.onDate, None):
        assert not str(data.value(event, CIV.onDate)).startswith("2018-01-25"), event
    curated: dict[tuple[object, str], set[object]] = {}
    for graph in data.graphs():
        if "/graph/curated/" in str(graph.identifier):
            for event, date in graph.subject_objects(CIV.onDate):
                for kind in graph.objects(event, RDF.type):
                    curated.setdefault((kind, str(date)), set()).add(event)
    checked = 0
    for graph in data.graphs():
        if not str(graph.identifier).startswith(ARTICLE_GRAPH):
            continue
        for event, date in graph.subject_objects(CIV.onDate):
            for kind in graph.objects(event, RDF.type):
                same_day = curated.get((kind, str(date)))
                if same_day and kind in (CIV.Threat, CIV.Boycott, CIV.Demand, CIV.Meeting):
                    checked += 1
                    assert event in same_day, (event, same_day)
    assert checked >= 3


def test_targets_are_targets(data: Dataset) -> None:
    """No jurisdiction is the agent of a demand or threat; the super-property reads as such."""
    for kind in (CIV.Demand, CIV.Threat):
        for event in data.subjects(RDF.type, kind):
            for agent in data.objects(event, CIV.agent):
                assert (agent, RDF.type, CIV.Jurisdiction) not in data, (event, agent)
    assert str(data.value(CIV.hasActor, RDFS.label)) == "participant"


def test_no_phantom_letters(data: Dataset) -> None:
    letters = {str(s) for s in data.subjects(RDF.type, CIV.Letter)}
    assert len(letters) >= 23
    assert not [letter for letter in letters if "unnamed-recipients" in letter]


def test_sentences_are_sentences(data: Dataset) -> None:
    found = [anchor(data, s) for s in data.subjects(RDF.type, CIV.Sentence)]
    assert found
    for text in found:
        assert not re.search(r"(?:^|\s)(?:Atty|Gen|Gov|Sen|Rep)\.$", text), text
        assert "pictured above" not in text and "Getty Images" not in text, text


def test_labels_are_for_a_reader(data: Dataset) -> None:
    for thing, label in data.subject_objects(RDFS.label):
        if not str(thing).startswith(ID):
            continue
        text = str(label)
        assert not re.fullmatch(r"[a-z0-9-]+", text), (thing, text)  # a slug
        assert "characters" not in text, (thing, text)
        assert not re.search(r"\b(?:StatementEvent|PressConference|CourtRuling)\b", text)
        if (thing, RDF.type, CIV.Letter) in data:
            assert not re.search(r"\d{4}-\d{2}", text), text  # a date as a reader writes it
