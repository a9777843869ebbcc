"""Extraction: scored against hand-written gold on the corpus and on unseen-style articles."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from rdflib import RDF, Dataset, URIRef

from graph.evaluate import Report, evaluate, load_inputs
from graph.extraction.dates import resolve_dates
from graph.extraction.statutes import find_citations
from graph.namespaces import CIV, DEFAULT_BASE
from graph.settings import PROJECT_ROOT

ID = DEFAULT_BASE + "id/"


@pytest.fixture(scope="module")
def inputs() -> tuple:  # type: ignore[type-arg]
    return load_inputs(PROJECT_ROOT / "graph" / "curated", PROJECT_ROOT / "ontology", DEFAULT_BASE)


SETS = {  # name: (corpus folder, gold folder)
    "corpus": (PROJECT_ROOT / "corpus", PROJECT_ROOT / "tests" / "gold"),
    "unseen": (PROJECT_ROOT / "tests" / "unseen", PROJECT_ROOT / "tests" / "unseen" / "gold"),
    "unseen2": (PROJECT_ROOT / "tests" / "unseen2", PROJECT_ROOT / "tests" / "unseen2" / "gold"),
    "blind": (PROJECT_ROOT / "tests" / "blind", PROJECT_ROOT / "tests" / "blind" / "gold"),
    "blind2": (PROJECT_ROOT / "tests" / "blind2", PROJECT_ROOT / "tests" / "blind2" / "gold"),
    # held out: scored, never tuned on (their floors guard against breaking what works)
    "blind3": (PROJECT_ROOT / "tests" / "blind3", PROJECT_ROOT / "tests" / "blind3" / "gold"),
    "blind4": (PROJECT_ROOT / "tests" / "blind4", PROJECT_ROOT / "tests" / "blind4" / "gold"),
}
# Strict precision and recall each fact type keeps on each set: what the extractor reaches now,
# less a little, so that a rule that breaks shows (README gives the scores; the targets
# are higher than several of these). A floor only rises.
FLOORS: dict[str, dict[str, tuple[float, float]]] = {
    "corpus": {
        "persons": (1.0, 1.0), "organizations": (0.95, 0.95), "jurisdictions": (0.95, 0.98),
        "statutes": (1.0, 1.0), "posts": (0.98, 0.98), "parties": (1.0, 1.0),
        "letters": (0.98, 0.98), "events": (0.88, 0.84), "quotes": (0.95, 0.9),
        "recipients": (0.98, 0.98),
    },
    "unseen": {
        "persons": (1.0, 1.0), "organizations": (0.98, 0.98), "jurisdictions": (0.94, 0.98),
        "statutes": (1.0, 1.0), "posts": (0.88, 0.8), "parties": (1.0, 1.0),
        "letters": (0.73, 0.73), "events": (0.95, 0.92), "quotes": (0.93, 0.9),
        "recipients": (0.98, 0.9),
    },
    "unseen2": {
        "persons": (1.0, 1.0), "organizations": (0.98, 0.98), "jurisdictions": (0.93, 0.93),
        "statutes": (1.0, 1.0), "posts": (0.9, 0.82), "parties": (1.0, 1.0),
        "letters": (0.85, 0.85), "events": (0.9, 0.9), "quotes": (0.92, 0.8),
        "recipients": (0.95, 0.95),
    },
    "blind": {
        "persons": (0.98, 0.98), "organizations": (0.97, 0.95), "jurisdictions": (0.9, 0.9),
        "statutes": (0.9, 0.9), "posts": (0.92, 0.75), "parties": (1.0, 0.77),
        "letters": (0.9, 0.9), "events": (0.84, 0.82), "quotes": (0.95, 0.9),
        "recipients": (0.95, 0.95),
    },
    "blind2": {
        "persons": (0.98, 0.98), "organizations": (0.98, 0.95), "jurisdictions": (0.89, 0.88),
        "statutes": (0.98, 0.9), "posts": (0.82, 0.67), "parties": (0.98, 0.87),
        "letters": (0.9, 0.9), "events": (0.86, 0.83), "quotes": (0.94, 0.82),
        "recipients": (0.95, 0.95),
    },
    "blind3": {
        "persons": (0.87, 0.91), "organizations": (0.84, 0.68), "jurisdictions": (0.76, 0.8),
        "statutes": (0.73, 0.73), "posts": (0.65, 0.43), "parties": (0.98, 0.79),
        "letters": (0.21, 0.19), "events": (0.44, 0.43), "quotes": (0.88, 0.75),
        "recipients": (0.62, 0.5),
    },
    "blind4": {  # its first score, at commit 9aaa01a
        "persons": (0.96, 0.94), "organizations": (0.8, 0.8), "jurisdictions": (0.85, 0.87),
        "statutes": (0.73, 0.73), "posts": (0.75, 0.57), "parties": (0.98, 0.8),
        "letters": (0.28, 0.33), "events": (0.41, 0.4), "quotes": (0.93, 0.68),
        "recipients": (0.66, 0.47),
    },
}  # fmt: skip
LINKING = {
    "corpus": 0.99,
    "unseen": 0.98,
    "unseen2": 0.95,
    "blind": 0.94,
    "blind2": 0.93,
    "blind3": 0.8,
    "blind4": 0.87,
}


@pytest.fixture(scope="module")
def reports(inputs: tuple) -> dict[str, Report]:  # type: ignore[type-arg]
    return {name: evaluate(c, g, *inputs, DEFAULT_BASE) for name, (c, g) in SETS.items()}


@pytest.fixture(scope="module")
def corpus_report(reports: dict[str, Report]) -> Report:
    return reports["corpus"]


@pytest.mark.parametrize(
    ("name", "kind"), [(name, kind) for name, floors in FLOORS.items() for kind in floors]
)
def test_precision_and_recall_floors(reports: dict[str, Report], name: str, kind: str) -> None:
    report = reports[name]
    score = report.recipients if kind == "recipients" else report.strict[kind]
    precision, recall = FLOORS[name][kind]
    assert score.precision >= precision and score.recall >= recall, report.table()


# The splits, merges and evidence misses the held-out sets show and nobody has fixed (a fix would
# read their misses): known, so that a new one fails, and so that fixing one fails until its
# entry goes.
SPLITS_HELD_OUT = {"blind3": ["jurisdiction/concord-nh"]}
MERGES_HELD_OUT = {"blind4": ["jurisdiction/washington-dc"]}
EVIDENCE_HELD_OUT = {"blind4": 42 / 43}


@pytest.mark.parametrize("name", sorted(SETS))
def test_linking_evidence_and_identity(reports: dict[str, Report], name: str) -> None:
    """Every gold entity counted (one not found is not linked); every fact found with a gold
    sentence shows that sentence; no entity split into several IRIs or merged with another."""
    report = reports[name]
    assert report.linking_accuracy >= LINKING[name], report.table()
    assert report.evidence_accuracy >= EVIDENCE_HELD_OUT.get(name, 1.0), report.table()
    assert report.merges == MERGES_HELD_OUT.get(name, []), report.table()
    assert report.splits == SPLITS_HELD_OUT.get(name, []), report.table()


def test_every_set_is_scored_on_every_fact_type(reports: dict[str, Report]) -> None:
    for name, report in reports.items():
        assert set(FLOORS[name]) == {*report.strict, "recipients"}, name
        assert report.linkable >= 50, name


_SUFFIX = re.compile(r"(?:Jr|Sr)\.?|I{2,3}|IV")


def test_extraction_code_names_nobody_from_the_gold(tmp_path: Path) -> None:
    """The extractor must work on articles it has never seen: no gold name in its code."""
    names: set[str] = set()
    for gold in [
        *PROJECT_ROOT.glob("tests/gold/*.json"),
        *PROJECT_ROOT.glob("tests/*/gold/*.json"),
    ]:
        facts = json.loads(gold.read_text(encoding="utf-8"))
        # a surname, not a generational suffix ("Jr.", "III": words of a general vocabulary)
        names |= {
            next(w for w in reversed(p["name"].split()) if not _SUFFIX.fullmatch(w))
            for p in facts["persons"]
        }
        names |= {j["name"] for j in facts["jurisdictions"] if "State" not in j["kinds"]}
    names -= {"Washington", "Washington, D.C.", "United States"}
    files = [
        PROJECT_ROOT / "graph" / "extract.py",
        *(PROJECT_ROOT / "graph" / "extraction").glob("*.py"),
    ]
    code = "\n".join(p.read_text(encoding="utf-8") for p in files)
    found = sorted(n for n in names if re.search(rf"\b{re.escape(n)}\b", code))
    assert not found


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("threatened Wednesday to subpoena", dt.date(2018, 1, 24), ["2018-01-24"]),
        ("canceled a meeting yesterday", dt.date(2018, 1, 25), ["2018-01-24"]),
        ("sent the letters last April and November", dt.date(2018, 1, 24), ["2017-04", "2017-11"]),
        ("Last year, a series of rulings", dt.date(2018, 1, 24), ["2017"]),
        ("flagged 10 communities in 2016", dt.date(2018, 1, 24), ["2016"]),
        ("told the media in January 2017.", dt.date(2018, 1, 24), ["2017-01"]),
        ("Just last month, the council", dt.date(2018, 1, 24), ["2017-12"]),
        ("sent Tuesday to the county", dt.date(2017, 8, 10), ["2017-08-08"]),
        ("on Wednesday", None, []),
    ],
)
def test_relative_dates_resolve_against_the_article_date(
    text: str, published: dt.date | None, expected: list[str]
) -> None:
    assert resolve_dates(text, published) == expected


@pytest.mark.parametrize(
    ("text", "title", "section"),
    [
        ("compliance with 8 USC 1373, a statute", "8", "1373"),
        ("under 8 U.S.C. § 1373", "8", "1373"),
        ("Title 8, Section 1373 of the code", "8", "1373"),
        ("Section 1373 of Title 8", "8", "1373"),
        ("8 U.S. Code § 1357(g)", "8", "1357(g)"),
        ("can enforce Section 1373, a part", None, "1373"),
    ],
)
def test_statute_citations_in_any_form(text: str, title: str | None, section: str) -> None:
    (citation,) = find_citations(text)
    assert (citation.title, citation.section) == (title, section)


def test_no_citation_no_statute() -> None:
    assert find_citations("The mayor said the city follows the law.") == []


def _dataset(build_dir: Path) -> Dataset:
    dataset = Dataset(default_union=True)
    dataset.parse(build_dir / "dataset.trig", format="trig")
    return dataset


def test_one_statement_reported_by_several_articles(build_dir: Path) -> None:
    """A sentence quoted word for word in four articles, and around a fragment of it in a
    fifth, is one statement with five reports."""
    dataset = _dataset(build_dir)
    rows = list(
        dataset.query(
            """PREFIX civ: <https://kg.example.org/ontology#>
            SELECT ?s (COUNT(DISTINCT ?a) AS ?n) WHERE {
              ?s a civ:Quotation ; civ:speaker ?who ; civ:reportedIn ?a ; civ:quotedText ?t
              FILTER(CONTAINS(LCASE(?t), "defies common sense"))
            } GROUP BY ?s""",
            initBindings={"who": URIRef(ID + "person/jeff-sessions")},
        )
    )
    # the whole sentence in four articles; the fifth paraphrases it around a fragment, which
    # is the same statement
    counts = sorted(int(row[1]) for row in rows)  # type: ignore[index]
    assert counts == [5]


def test_every_extracted_fact_has_its_sentence_and_article(build_dir: Path) -> None:
    dataset = _dataset(build_dir)
    for graph in dataset.graphs():
        if "/graph/article/" not in str(graph.identifier):
            continue
        for cls in (CIV.Tenure, CIV.Letter, CIV.Event, CIV.Boycott, CIV.Meeting):
            for fact in graph.subjects(RDF.type, cls):
                assert graph.value(fact, CIV.evidence) is not None, fact
                assert graph.value(fact, CIV.claimedBy) is not None, fact
        for mention in graph.subjects(RDF.type, CIV.Mention):
            assert graph.value(mention, CIV.inSentence) is not None, mention


def test_a_misspelt_name_links_to_the_right_person(build_dir: Path) -> None:
    dataset = _dataset(build_dir)
    graph = dataset.graph(
        URIRef(DEFAULT_BASE + "graph/article/2018-01-24-doj-demands-papers-mayors-boycott")
    )
    denoted = {
        str(o)
        for s, o in graph.subject_objects(CIV.denotes)
        if "Nielson"
        in str(
            graph.value(
                s, URIRef("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf")
            )
        )
    }
    assert denoted == {ID + "person/kirstjen-nielsen"}


def test_evaluate_command_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    from graph.cli import main

    unseen = PROJECT_ROOT / "tests" / "unseen"
    assert main(["evaluate", "--corpus", str(unseen), "--gold", str(unseen / "gold")]) == 0
    out = capsys.readouterr().out
    assert "quotes" in out and "entity linking accuracy" in out


def test_parallel_extraction_gives_the_same_triples(inputs: tuple) -> None:  # type: ignore[type-arg]
    from graph.corpus import read_corpus
    from graph.extract import extract_articles
    from graph.extraction.gazetteer import build_gazetteer

    articles = read_corpus(PROJECT_ROOT / "corpus")[:3]
    gazetteer = build_gazetteer(*inputs)
    one = extract_articles(articles, gazetteer, DEFAULT_BASE, jobs=1)
    two = extract_articles(articles, gazetteer, DEFAULT_BASE, jobs=2)
    assert {k: set(v) for k, v in one.items()} == {k: set(v) for k, v in two.items()}


def test_letters_say_what_they_demand(build_dir: Path) -> None:
    """(Rounds that follow up earlier rounds: tests/test_rules.py.)"""
    dataset = _dataset(build_dir)
    graph = dataset.graph(
        URIRef(DEFAULT_BASE + "graph/article/2018-01-24-doj-demands-papers-mayors-boycott")
    )
    demands = {str(o) for o in graph.objects(None, CIV.demands)}
    assert any("records showing whether law enforcement officers" in d for d in demands)


def test_events_keep_their_place_and_second_hand_source(build_dir: Path) -> None:
    dataset = _dataset(build_dir)
    graph = dataset.graph(
        URIRef(DEFAULT_BASE + "graph/article/2018-01-25-mayors-boycott-trump-meeting")
    )
    sources = {str(o) for o in graph.objects(None, CIV.claimedBy)}
    assert ID + "organization/the-independent" in sources
    graph = dataset.graph(
        URIRef(DEFAULT_BASE + "graph/article/2018-01-24-washington-times-mayors-cancel-meeting")
    )
    places = {str(o) for o in graph.objects(None, CIV.hasPlace)}
    assert ID + "organization/white-house" in places
