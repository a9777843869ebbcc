"""Extraction behaviours a mutation study left unpinned (a small plausible bug in each changed
no asserted triple), each on the smallest fictional article or call that needs it and on a near
miss, in the style of tests/test_rules.py, whose helpers build and extract the articles. Every
name is invented; places are real states or come from the curated geography.

A row marked xfail(strict) is a behaviour that is wrong today: it says what the extractor
should give, and turns into a failure (to be unmarked) the day the extractor gives it."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from test_rules import ID, article, extract, letters_of

from graph.build import load_turtle
from graph.extraction.dates import resolve_dates
from graph.extraction.statutes import find_citations
from graph.namespaces import CIV, DEFAULT_BASE, NIF
from graph.settings import PROJECT_ROOT

WRONG = "wrong today: "


def wrong(why: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, raises=AssertionError, reason=WRONG + why)


@cache
def geography() -> Graph:
    return load_turtle(PROJECT_ROOT / "graph" / "curated" / "us-geography.ttl", DEFAULT_BASE)


def turtle(text: str) -> Graph:
    """A small curated graph of the test's own."""
    graph = Graph()
    graph.parse(
        data="@base <https://kg.example.org/id/> .\n"
        "@prefix civ: <https://kg.example.org/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n" + text,
        format="turtle",
    )
    return graph


def one(text: str, curated: Graph | None = None, published: dt.date = dt.date(2020, 5, 6)) -> Graph:
    """The graph of one article: a headline, a blank line, the text (published on a
    Wednesday unless told)."""
    return extract(article("a", text, published), curated=curated)["a"]


def denoted_by(graph: Graph, words: str) -> set[str]:
    """What every mention with exactly these words denotes."""
    return {
        str(graph.value(m, CIV.denotes)).removeprefix(ID)
        for m in graph.subjects(NIF.anchorOf, Literal(words))
        if (m, RDF.type, CIV.Mention) in graph
    }


def persons(graph: Graph) -> set[str]:
    return {
        p
        for p in (str(o).removeprefix(ID) for o in graph.objects(None, CIV.denotes))
        if p.startswith("person/")
    }


# --- 1. which mention of a quotation's subject is its speaker --------------------------------

QUOTE = "“We will not pay for the new road.”"


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        pytest.param(
            f"Ashmont Mayor Tamsin Okoro, who met Gov. Orlen Vasquez-Tam on Monday, said: {QUOTE}",
            "person/tamsin-okoro",
            id="the-subject-not-a-name-in-its-relative-clause",
        ),
        pytest.param(
            f"Gov. Orlen Vasquez-Tam, who met Ashmont Mayor Tamsin Okoro on Monday, said: {QUOTE}",
            "person/orlen-vasquez-tam",
            id="the-subject-not-a-name-in-its-relative-clause, near miss: the governor speaks",
        ),
        pytest.param(
            f"{QUOTE[:-2]},” said Tamsin Okoro, a spokeswoman for Gov. Orlen Vasquez-Tam.",
            "person/tamsin-okoro",
            id="said-x-comma-a-title-of-another-is-x",
        ),
        pytest.param(
            f"Gov. Orlen Vasquez-Tam's spokeswoman, Tamsin Okoro, said: {QUOTE}",
            "person/tamsin-okoro",
            id="a-possessor-before-the-speakers-title-is-not-the-speaker",
        ),
        pytest.param(
            f"The spokeswoman for Gov. Orlen Vasquez-Tam, Tamsin Okoro, said: {QUOTE}",
            "person/tamsin-okoro",
            id="the-name-after-a-title-for-another-is-the-speaker",
        ),
        pytest.param(
            f"{QUOTE[:-2]},” Gov. Orlen Vasquez-Tam's spokeswoman, Tamsin Okoro, said.",
            "person/tamsin-okoro",
            id="a-possessor-before-the-speakers-title, after the quotation",
        ),
        pytest.param(
            f"Tamsin Okoro of the Quillby Water Authority said: {QUOTE}",
            "person/tamsin-okoro",
            id="a-person-of-a-body-is-the-speaker-not-the-body",
        ),
        pytest.param(
            f"After meeting Gov. Orlen Vasquez-Tam on Monday, Mayor Tamsin Okoro said: {QUOTE}",
            "person/tamsin-okoro",
            id="a-name-in-an-opening-phrase-is-not-the-speaker",
        ),
        pytest.param(
            f"Gov. Orlen Vasquez-Tam met Mayor Tamsin Okoro on Monday, and she said: {QUOTE}",
            "person/tamsin-okoro",
            id="she-is-the-person-named-last",
        ),
        pytest.param(
            "Ashmont sued the U.S. Department of Orchards on Monday. An Orchards Department"
            " spokesman said the department would “vigorously defend” the rules.",
            None,
            id="an-unnamed-spokesman-of-a-body-is-no-speaker",
        ),
        pytest.param(
            "Ashmont sued the U.S. Department of Orchards on Monday. An Orchards Department"
            " spokesman, Tamsin Okoro, said the department would “vigorously defend” the rules.",
            "person/tamsin-okoro",
            id="an-unnamed-spokesman-of-a-body, near miss: the spokesman named",
        ),
    ],
)
def test_quotation_speaker(sentence: str, speaker: str | None) -> None:
    # a sentence before: the headline is no part of the quotation's sentence
    graph = one("Road plan rejected\n\nThe council met again. " + sentence + "\n", geography())
    speakers = {
        str(graph.value(q, CIV.speaker)).removeprefix(ID)
        for q in graph.subjects(RDF.type, CIV.Quotation)
    }
    assert speakers == ({speaker} if speaker else set()), speakers


@pytest.mark.parametrize(
    "headline",
    [
        pytest.param("Mayor speaks"),
        pytest.param("Road plan rejected"),
    ],
)
def test_the_headline_is_no_part_of_the_first_sentences_speaker(headline: str) -> None:
    """The same sentence as a row above, the first of the body: the model parses the headline
    and the sentence as one, so the quotation's verb and subject are looked for in both."""
    sentence = f"Gov. Orlen Vasquez-Tam's spokeswoman, Tamsin Okoro, said: {QUOTE}"
    graph = one(f"{headline}\n\n{sentence}\n", geography())
    speakers = {
        str(graph.value(q, CIV.speaker)).removeprefix(ID)
        for q in graph.subjects(RDF.type, CIV.Quotation)
    }
    assert speakers == {"person/tamsin-okoro"}, speakers


# --- 2. a misspelt name linked to a curated person by fuzzy matching ---------------------------

ONE_OKORO = '<person/tamsin-okoro> a civ:Person ; rdfs:label "Tamsin Okoro"@en .\n'
TWO_OKOROS = ONE_OKORO + '<person/bram-okoro> a civ:Person ; rdfs:label "Bram Okoro"@en .\n'


@pytest.mark.parametrize(
    ("name", "person"),
    [
        pytest.param("Tamsin Okoru", "person/tamsin-okoro", id="one-letter-off-is-the-person"),
        pytest.param(  # ratio 80 < 85, the same first name and first three letters
            "Tamsin Okosun", "person/tamsin-okosun", id="one-letter-off, near miss: too far off"
        ),
        pytest.param(  # ratio 92, but the surname starts otherwise
            "Tamsin Ekoro", "person/tamsin-ekoro", id="one-letter-off, near miss: another initial"
        ),
        pytest.param(  # ratio 92, but another first name
            "Tamsen Okoro",
            "person/tamsen-okoro",
            id="one-letter-off, near miss: another first name",
        ),
    ],
)
def test_a_misspelt_person_links_by_fuzzy_matching(name: str, person: str) -> None:
    # the curated person has a label and no alias: only fuzzy matching can link the name
    text = (
        f"Road plan rejected\n\n{name} said on Monday that the county would not pay for the road.\n"
    )
    graph = one(text, turtle(ONE_OKORO))
    assert denoted_by(graph, name) == {person}, persons(graph)


# --- 3. a lone surname two known people share --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "curated", "okoro"),
    [
        pytest.param(
            "Tamsin Okoro opened the hearing on Monday. “We will not pay,” Okoro said.",
            TWO_OKOROS,
            {"person/tamsin-okoro"},
            id="the-one-named-in-full-is-the-surname",
        ),
        pytest.param(
            "Bram Okoro opened the hearing on Monday. “We will not pay,” Okoro said.",
            TWO_OKOROS,
            {"person/bram-okoro"},
            id="the-one-named-in-full-is-the-surname, the other one",
        ),
        pytest.param(
            "The hearing opened on Monday. “We will not pay,” Okoro said.",
            TWO_OKOROS,
            set(),
            id="the-one-named-in-full, near miss: neither named, neither linked",
        ),
        pytest.param(
            "The hearing opened on Monday. “We will not pay,” Okoro said.",
            ONE_OKORO,
            {"person/tamsin-okoro"},
            id="the-one-named-in-full, near miss: one known person of that surname",
        ),
        pytest.param(
            "Tamsin Okoro opened the hearing on Monday. Later, Okoro said the county would not pay.",
            TWO_OKOROS,
            {"person/tamsin-okoro"},
            id="the-one-named-in-full-is-the-surname, where the model reads a place",
        ),
    ],
)
def test_a_lone_surname_of_two_known_people(text: str, curated: str, okoro: set[str]) -> None:
    graph = one("Road plan rejected\n\n" + text + "\n", turtle(curated))
    assert denoted_by(graph, "Okoro") == okoro, persons(graph)


# --- 4. relative dates on the article's own weekday, and around it ----------------------------

WEDNESDAY = dt.date(2020, 5, 6)


@pytest.mark.parametrize(
    ("words", "published", "expected"),
    [
        pytest.param("They met last Wednesday.", WEDNESDAY, ["2020-04-29"], id="last-wednesday-on-a-wednesday"),
        pytest.param("They will meet next Wednesday.", WEDNESDAY, ["2020-05-13"], id="next-wednesday-on-a-wednesday"),
        pytest.param("They met Wednesday.", WEDNESDAY, ["2020-05-06"], id="wednesday-on-a-wednesday-is-that-day"),
        pytest.param("They meet this Wednesday.", WEDNESDAY, ["2020-05-06"], id="this-wednesday-on-a-wednesday"),
        pytest.param("They met last Thursday.", WEDNESDAY, ["2020-04-30"], id="last-thursday-on-a-wednesday"),
        pytest.param("They will meet next Thursday.", WEDNESDAY, ["2020-05-07"], id="next-thursday-on-a-wednesday"),
        pytest.param("They will vote tomorrow.", WEDNESDAY, ["2020-05-07"], id="tomorrow"),
        pytest.param("They will vote tomorrow.", dt.date(2019, 12, 31), ["2020-01-01"], id="tomorrow-on-new-years-eve"),
        pytest.param("They voted yesterday.", WEDNESDAY, ["2020-05-05"], id="yesterday"),
        pytest.param("They voted yesterday.", dt.date(2020, 1, 1), ["2019-12-31"], id="yesterday-on-new-years-day"),
        pytest.param("The letters went out in March.", dt.date(2020, 1, 15), ["2019-03"], id="in-march-in-a-january-story"),
        pytest.param("The letters went out in March.", dt.date(2020, 11, 15), ["2020-03"], id="in-march-in-a-november-story"),
        pytest.param("The letters went out in March.", dt.date(2020, 3, 15), ["2020-03"], id="in-march-in-a-march-story"),
        pytest.param("Last year, the council voted.", WEDNESDAY, ["2019"], id="last-year"),
        pytest.param("Last year, the council voted.", dt.date(2020, 1, 1), ["2019"], id="last-year-on-new-years-day"),
    ],
)  # fmt: skip
def test_relative_dates_around_the_articles_day(
    words: str, published: dt.date, expected: list[str]
) -> None:
    assert resolve_dates(words, published) == expected


# --- 5. two statute citations in one sentence: both, in text order ----------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "under Section 1373 of Title 8 and 34 U.S.C. § 10153",
            [("Section 1373 of Title 8", "8", "1373"), ("34 U.S.C. § 10153", "34", "10153")],
            id="two-citations-in-text-order, the later in the earlier-tried form",
        ),
        pytest.param(
            "under 34 U.S.C. § 10153 and 8 U.S.C. § 1373",
            [("34 U.S.C. § 10153", "34", "10153"), ("8 U.S.C. § 1373", "8", "1373")],
            id="two-citations-in-text-order, one form",
        ),
        pytest.param(
            "Section 10153 and 8 USC 1373",
            [("Section 10153", None, "10153"), ("8 USC 1373", "8", "1373")],
            id="two-citations-in-text-order, a bare section first",
        ),
    ],
)
def test_two_statute_citations_in_text_order(
    text: str, expected: list[tuple[str, str | None, str]]
) -> None:
    found = find_citations(text)
    assert [(c.text, c.title, c.section) for c in found] == expected
    assert [text[c.start : c.end] for c in found] == [words for words, _, _ in expected]


# --- 6. a letter's sender ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "sender"),
    [
        pytest.param(
            "The Ashmont Ledger obtained the letters the U.S. Department of Justice sent on Monday to Quillby County demanding jail records.",
            "organization/us-department-of-justice",
            id="the-body-before-the-verb-of-sending-not-the-outlet-before-the-letters",
        ),
        pytest.param(
            "The Ashmont Ledger obtained letters the U.S. Department of Justice sent on Monday to Quillby County demanding jail records.",
            "organization/us-department-of-justice",
            id="the-body-before-the-verb-of-sending, 'obtained letters' with no article",
        ),
        pytest.param(
            "Attorney General Orlen Vasquez-Tam, the Ashmont Tribune reported, sent letters on Monday to Quillby County demanding jail records.",
            "person/orlen-vasquez-tam",
            id="the-outlet-named-between-sender-and-verb-is-no-sender",
        ),
        pytest.param(
            "Attorney General Orlen Vasquez-Tam sent letters on Monday to Quillby County demanding records the Ashmont Water Authority keeps.",
            "person/orlen-vasquez-tam",
            id="a-body-only-mentioned-after-the-verb-is-no-sender",
        ),
        pytest.param(
            "Citing a study by the Ashmont Water Authority, Attorney General Orlen Vasquez-Tam sent letters on Monday to Quillby County demanding jail records.",
            "person/orlen-vasquez-tam",
            id="a-body-only-mentioned-before-the-official-is-no-sender",
        ),
        pytest.param(
            "The Ashmont Water Authority sent letters on Monday to Quillby County demanding jail records.",
            "organization/ashmont-water-authority",
            id="a-body-only-mentioned, near miss: the body sends",
        ),
    ],
)  # fmt: skip
def test_a_letters_sender(sentence: str, sender: str) -> None:
    found = letters_of(one("Records sought\n\n" + sentence + "\n", geography()))
    assert found and {who for who, _ in found.values()} == {sender}, found


# --- 7. recipients belong to their own round ---------------------------------------------------


def by_round(graph: Graph) -> dict[str, set[str]]:
    """Each round's date: the names (path without its kind) of its letters' recipients."""
    out: dict[str, set[str]] = {}
    for key, (_, recipients) in letters_of(graph).items():
        date = str(graph.value(URIRef(key), CIV.onDate))
        out.setdefault(date, set()).update(r.split("/", 1)[1] for r in recipients)
    return out


def demands_by_date(graph: Graph) -> dict[str, set[str]]:
    """Each demand's date: the names of its targets."""
    return {
        str(graph.value(d, CIV.onDate)): {
            str(t).removeprefix(ID).split("/", 1)[1] for t in graph.objects(d, CIV.target)
        }
        for d in graph.subjects(RDF.type, CIV.Demand)
    }


AG = "Attorney General Orlen Vasquez-Tam"
LIST = (
    ":\n\nAshmont County\nBrennock County\nHalvard County\n\nThe counties have 30 days to answer."
)
THE_LIST = {"ashmont-county", "brennock-county", "halvard-county"}


@pytest.mark.parametrize(
    ("text", "rounds"),
    [
        pytest.param(
            f"{AG} sent letters on April 2 to Quillby County asking for jail records. She sent letters on May 4 to Ashmont County asking for budgets.",
            {"2020-04-02": {"quillby-county"}, "2020-05-04": {"ashmont-county"}},
            id="two-rounds-each-with-its-own-recipients",
        ),
        pytest.param(
            f"{AG} sent letters on April 2 to Quillby County asking for jail records. She sent more letters on May 4 asking for budgets.",
            {"2020-04-02": {"quillby-county"}, "2020-05-04": set()},
            id="two-rounds, near miss: the later names none and takes none",
        ),
        pytest.param(
            f"{AG} sent letters on April 2 to Quillby County asking for jail records.\n\nOn Wednesday, she sent letters to three more counties asking for budgets{LIST}",
            {"2020-04-02": {"quillby-county"}, "2020-05-06": THE_LIST},
            id="a-list-after-the-round-of-the-storys-day-is-that-rounds",
        ),
        pytest.param(
            f"{AG} sent letters on April 2 to Quillby County asking for jail records.\n\nOn May 4, she sent letters to three more counties asking for budgets{LIST}",
            {"2020-04-02": {"quillby-county"}, "2020-05-04": THE_LIST},
            id="a-list-after-a-later-round-is-that-rounds",
        ),
    ],
)  # fmt: skip
def test_recipients_belong_to_their_own_round(text: str, rounds: dict[str, set[str]]) -> None:
    graph = one("Records sought\n\n" + text + "\n", geography())
    assert by_round(graph) == rounds, letters_of(graph)
    assert demands_by_date(graph) == rounds  # each round a demand of its own recipients


# --- 8. who an event's agent (boycotter, attendee, plaintiff…) is -----------------------------

ROLES = ("agent", "target", "attendee", "boycotter")


def events_of_kind(graph: Graph, kind: str) -> set[frozenset[tuple[str, str]]]:
    """The participants (role, path) of every event of the kind, dated or not."""
    return {
        frozenset(
            (role, str(p).removeprefix(ID)) for role in ROLES for p in graph.objects(e, CIV[role])
        )
        for e in graph.subjects(RDF.type, CIV[kind])
        if (e, RDF.type, CIV.Letter) not in graph
    }


OKORO, ORLEN, BRAM = "person/tamsin-okoro", "person/orlen-vasquez-tam", "person/bram-halloway"
QWA, AHD = "organization/quillby-water-authority", "organization/ashmont-health-department"
SAID = "Mayor Tamsin Okoro said on Monday that "


@pytest.mark.parametrize(
    ("sentence", "kind", "participants"),
    [
        pytest.param("Mayor Tamsin Okoro and Sheriff Bram Halloway boycotted the summit on Monday, Gov. Orlen Vasquez-Tam said.",
                     "Boycott", {("boycotter", OKORO), ("boycotter", BRAM)}, id="boycott: those named before the verb"),
        pytest.param("Gov. Orlen Vasquez-Tam criticized the boycott on Monday.",
                     "Boycott", set(), id="boycott, near miss: 'the boycott' names no boycotter"),
        pytest.param("Gov. Orlen Vasquez-Tam said on Monday that Mayor Tamsin Okoro boycotted the summit.",
                     "Boycott", {("boycotter", OKORO)}, id="boycott, near miss: the one who tells of it",
                     marks=wrong("every person before the verb is a boycotter, the governor too")),
        pytest.param("Sheriff Bram Halloway said on Monday that the governor met with Mayor Tamsin Okoro.",
                     "Meeting", {("attendee", OKORO)}, id="meeting: met with X"),
        pytest.param("Mayor Tamsin Okoro attended Gov. Orlen Vasquez-Tam's meeting on Monday.",
                     "Meeting", {("attendee", OKORO), ("attendee", ORLEN)}, id="meeting, near miss: who attended another's",
                     marks=wrong("only the possessor is an attendee, not the mayor who attended")),
        pytest.param("The Quillby Water Authority sued the Ashmont Health Department on Monday.",
                     "Lawsuit", {("agent", QWA), ("target", AHD)}, id="lawsuit: who sues and whom"),
        pytest.param("The Quillby Water Authority sued the Ashmont Health Department on Monday, according to the Ashmont Tribune.",
                     "Lawsuit", {("agent", QWA), ("target", AHD)}, id="lawsuit, near miss: the outlet after it"),
        pytest.param("According to the Ashmont Tribune, the Quillby Water Authority sued the Ashmont Health Department on Monday.",
                     "Lawsuit", {("agent", QWA), ("target", AHD)}, id="lawsuit, near miss: 'according to the' outlet before it",
                     marks=wrong("_REPORTER reads 16 characters back, one short of 'According to the '")),
        pytest.param("Gov. Orlen Vasquez-Tam said on Monday that the Quillby Water Authority sued the Ashmont Health Department.",
                     "Lawsuit", {("agent", QWA), ("target", AHD)}, id="lawsuit, near miss: the one who tells of it",
                     marks=wrong("every body or person before 'sued' is a plaintiff")),
        pytest.param("The Ashmont Health Department was sued by the Quillby Water Authority on Monday.",
                     "Lawsuit", {("agent", QWA), ("target", AHD)}, id="lawsuit, near miss: sued by",
                     marks=wrong("the passive's subject is taken for the plaintiff")),
        pytest.param("Gov. Orlen Vasquez-Tam threatened on Monday to withhold state money from Ashmont.",
                     "Threat", {("agent", ORLEN), ("target", "jurisdiction/ashmont")}, id="threat: who threatens"),
        pytest.param(SAID + "Gov. Orlen Vasquez-Tam threatened to withhold state money from Ashmont.",
                     "Threat", {("agent", ORLEN), ("target", "jurisdiction/ashmont")}, id="threat, near miss: the one who tells of it"),
        pytest.param("Sheriff Tamsin Okoro demanded the jail records on Monday.",
                     "Demand", {("agent", OKORO)}, id="demand: who demands"),
        pytest.param("Gov. Orlen Vasquez-Tam said on Monday that Sheriff Tamsin Okoro demanded the jail records.",
                     "Demand", {("agent", OKORO)}, id="demand, near miss: the one who tells of it"),
        pytest.param("Gov. Orlen Vasquez-Tam told reporters on Monday that the county would appeal.",
                     "StatementEvent", {("agent", ORLEN)}, id="statement: who told reporters"),
        pytest.param("Mayor Tamsin Okoro said Monday that the county would appeal, and Gov. Orlen Vasquez-Tam told reporters he would not.",
                     "StatementEvent", {("agent", ORLEN)}, id="statement, near miss: one who said, not told reporters"),
        pytest.param("Gov. Orlen Vasquez-Tam held a news conference on Monday.",
                     "PressConference", {("agent", ORLEN)}, id="press-conference: who held it"),
        pytest.param(SAID + "Gov. Orlen Vasquez-Tam held a news conference.",
                     "PressConference", {("agent", ORLEN)}, id="press-conference, near miss: the one who tells of it"),
        pytest.param("Gov. Orlen Vasquez-Tam tweeted about the road on Monday.",
                     "Tweet", {("agent", ORLEN)}, id="tweet: who tweeted"),
        pytest.param(SAID + "Gov. Orlen Vasquez-Tam tweeted about the road.",
                     "Tweet", {("agent", ORLEN)}, id="tweet, near miss: the one who tells of it"),
        pytest.param("Gov. Orlen Vasquez-Tam signed an executive order on Monday.",
                     "ExecutiveOrder", {("agent", ORLEN)}, id="executive-order: who signed it"),
        pytest.param(SAID + "Gov. Orlen Vasquez-Tam signed an executive order.",
                     "ExecutiveOrder", {("agent", ORLEN)}, id="executive-order, near miss: the one who tells of it"),
        pytest.param("The Quillby Water Authority opened an investigation on Monday into the dam.",
                     "Review", {("agent", QWA)}, id="review: who opened it"),
        pytest.param(SAID + "the Quillby Water Authority opened an investigation into the dam.",
                     "Review", {("agent", QWA)}, id="review, near miss: the one who tells of it"),
    ],
)  # fmt: skip
def test_an_events_agent(sentence: str, kind: str, participants: set[tuple[str, str]]) -> None:
    graph = one("Budget fight\n\n" + sentence + "\n", geography())
    assert events_of_kind(graph, kind) == {frozenset(participants)}, events_of_kind(graph, kind)


# --- 9. the perfect tense: told as done before, not done on the story's day --------------------


def dates_of_kind(graph: Graph, kind: str) -> set[str | None]:
    return {
        str(d) if (d := graph.value(e, CIV.onDate)) is not None else None
        for e in graph.subjects(RDF.type, CIV[kind])
        if (e, RDF.type, CIV.Letter) not in graph
    }


@pytest.mark.parametrize(
    ("sentence", "kind", "dates"),
    [
        pytest.param("Gov. Orlen Vasquez-Tam has threatened to withhold state money from Ashmont.",
                     "Threat", {None}, id="has-threatened-is-undated"),
        pytest.param("Gov. Orlen Vasquez-Tam had repeatedly demanded the jail records.",
                     "Demand", {None}, id="had-demanded-with-an-adverb-is-undated"),
        pytest.param("Gov. Orlen Vasquez-Tam threatened to withhold state money from Ashmont.",
                     "Threat", {"2020-05-06"}, id="has-threatened, near miss: threatened is the story's day"),
        pytest.param("Gov. Orlen Vasquez-Tam had threatened on Monday to withhold state money from Ashmont.",
                     "Threat", {"2020-05-04"}, id="has-threatened, near miss: a perfect the text dates"),
    ],
)  # fmt: skip
def test_the_perfect_tense_gives_no_day(sentence: str, kind: str, dates: set[str | None]) -> None:
    graph = one("Budget fight\n\n" + sentence + "\n", geography())
    assert dates_of_kind(graph, kind) == dates


# --- 10. every mention's anchor is the name it stands for -------------------------------------

ANCHORED = (
    "Records sought\n\n"
    "Gov. Orlen Vasquez-Tam met officials in Washington, DC, on Monday. The Quillby Water "
    "Authority said it would answer. A QWA engineer, Tamsin Okoro, said the county follows "
    "34 U.S.C. § 10153 and the Ashmont Clean Water Act. “We will answer,” said Bram Halloway. "
    "Vasquez-Tam sent letters to Quillby, Ore., and to platforms such as QuillRent and "
    "Ashlease asking for records.\n"
)
# (words, what they denote): each mention's anchor is the name, never the title before it,
# never a character more or less
NAMES = [
    ("Orlen Vasquez-Tam", ORLEN),
    ("Washington", "jurisdiction/washington-dc"),
    ("DC", "jurisdiction/district-of-columbia"),
    ("Quillby Water Authority", QWA),
    ("QWA", QWA),  # an abbreviation of a body named in full
    ("Tamsin Okoro", OKORO),
    ("34 U.S.C. § 10153", "statute/usc/34/10153"),  # a citation
    ("Ashmont Clean Water Act", "statute/ashmont-clean-water-act"),  # a law by its name
    ("Bram Halloway", BRAM),
    ("Vasquez-Tam", ORLEN),  # a surname alone
    ("Quillby", "jurisdiction/quillby-or"),
    ("Ore.", "jurisdiction/oregon"),
    ("QuillRent", "organization/quillrent"),  # names only a run of recipients gives
    ("Ashlease", "organization/ashlease"),
]


def test_every_mentions_anchor_is_the_name_it_stands_for() -> None:
    graph = one(ANCHORED, geography())
    paths = {path for _, path in NAMES}
    found = sorted(
        (str(graph.value(m, NIF.anchorOf)), path)
        for m in graph.subjects(RDF.type, CIV.Mention)
        if (path := str(graph.value(m, CIV.denotes)).removeprefix(ID)) in paths
    )
    assert found == sorted(NAMES)
    # and the offsets cut the same words out of the text
    for m in graph.subjects(RDF.type, CIV.Mention):
        begin, end = (int(str(graph.value(m, i))) for i in (NIF.beginIndex, NIF.endIndex))
        assert ANCHORED[begin:end] == str(graph.value(m, NIF.anchorOf)), m
    # a quotation's mention is its words
    (quotation,) = graph.subjects(RDF.type, CIV.Quotation)
    (mention,) = graph.subjects(CIV.denotes, quotation)
    assert str(graph.value(mention, NIF.anchorOf)) == "We will answer,"
