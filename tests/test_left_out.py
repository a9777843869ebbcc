"""An extracted fact never fails a build: what breaks a shape is left out, and said.

The article is the project's own: a company that sent letters itself, which the extractor
takes as letters whose sender is the company (an organisation, where the shapes want a
government body or an official). Curated facts that break a shape still fail the build (tests/test_faults.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import requests
from live import running, settings_for
from rdflib import Dataset, URIRef

from graph.build import build
from graph.errors import ShapeViolation
from graph.leftout import LeaveOut, Screen, focus_iri, without
from graph.namespaces import CIV
from graph.settings import PROJECT_ROOT, load_settings
from graph.validate import Finding
from server import create_app

ARTICLE = """Data firm asks counties for jail records

Acme Data LLC sent letters on Tuesday to Spokane County, Stevens County and Ferry County asking for their jail records, the company said.

"We want the public to see how the jails are run," said Paula Grant, a spokeswoman for the company.

The counties have thirty days to answer, according to the letters. County officials did not respond to a request for comment on Wednesday. The records cover the years from 2015 to 2018.
"""
SENTENCE = (
    "Acme Data LLC sent letters on Tuesday to Spokane County, Stevens County and Ferry County "
    "asking for their jail records, the company said."
)
SLUG = "2019-05-02-station-letter"


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("left-out")
    (root / "corpus").mkdir()
    (root / "curated").mkdir()
    (root / "corpus" / f"{SLUG}.txt").write_text(ARTICLE, encoding="utf-8")
    meta = {"title": "Data firm asks counties for jail records", "publisher": "Valley Herald",
            "published": "2019-05-02"}  # fmt: skip
    (root / "corpus" / f"{SLUG}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    shutil.copytree(PROJECT_ROOT / "queries", root / "queries")
    return root


def settings_of(root: Path):  # type: ignore[no-untyped-def]
    names = ("corpus", "curated", "queries")
    return load_settings(
        {n: str(root / n) for n in names} | {"build": str(root / "build")}, environ={}
    )


def test_a_letter_sent_by_an_outlet_is_left_out_and_the_build_goes_on(story: Path) -> None:
    result = build(settings_of(story))
    left = result.manifest["left_out"]
    assert isinstance(left, list) and len(left) == 3
    for item in left:
        assert item["node"].startswith("https://kg.example.org/id/letter/")
        assert item["graph"] == f"https://kg.example.org/graph/article/{SLUG}"
        assert "GovernmentBody" in item["reason"]
        assert item["label"].startswith("Acme Data LLC letter of 30 April 2019 to "), item
        assert item["sentence"] == SENTENCE
    assert sum(w.startswith("left out ") for w in result.warnings) == 3
    dataset = Dataset(default_union=True)
    dataset.parse(result.path / "dataset.trig", format="trig")
    for item in left:  # nothing names a left-out letter any more
        node = URIRef(item["node"])
        assert not list(dataset.triples((node, None, None)))
        assert not list(dataset.triples((None, None, node)))
    # the rest of the article is there: its person and quote
    assert list(dataset.triples((None, CIV.quotedText, None)))


def test_the_article_page_says_what_was_left_out(story: Path) -> None:
    if not (story / "build").exists():
        build(settings_of(story))
    with running(create_app(settings_for(story / "build"))) as base:
        page = requests.get(f"{base}/article/{SLUG}", timeout=30).text
    assert "Left out by the build (3)" in page
    assert "left out because a Letter has at least one civ:sender" in page
    assert SENTENCE.replace('"', "&#34;") in page or SENTENCE in page


def test_curated_facts_that_break_a_shape_still_fail(story: Path, tmp_path: Path) -> None:
    root = tmp_path / "s"
    shutil.copytree(story, root, ignore=shutil.ignore_patterns("build", ".build*"))
    (root / "curated" / f"{SLUG}.ttl").write_text(
        "@prefix civ: <https://kg.example.org/ontology#> .\n"
        "<letter/x> a civ:Letter ; civ:sender <organization/valley-herald> .\n",
        encoding="utf-8",
    )
    with pytest.raises(ShapeViolation, match="letter/x"):
        build(settings_of(root))


def finding(focus: str, severity: str = "Violation") -> Finding:
    return Finding(severity, focus, "shp:S", "civ:p", "broken")


def test_the_screen_leaves_out_extracted_things_only() -> None:
    a, b, c = (URIRef(f"https://kg.example.org/id/{x}") for x in "abc")
    graph = URIRef("https://kg.example.org/graph/article/x")
    screen = Screen({graph: [(a, CIV.p, b), (c, CIV.p, a)]}, [(c, CIV.q, b)])
    screen([finding("<https://kg.example.org/id/c>"), finding("_:b1"), finding("<x>", "Warning")])
    with pytest.raises(LeaveOut) as leave:
        screen([finding("<https://kg.example.org/id/a>"), finding("<https://kg.example.org/id/c>")])
    assert [item.node for item in leave.value.items] == [str(a)]
    assert without({(a, CIV.p, b), (c, CIV.p, a), (c, CIV.q, b)}, {str(a)}) == {(c, CIV.q, b)}
    assert focus_iri("<https://x/y>") == URIRef("https://x/y") and focus_iri("civ:X") is None


def test_articles_nobody_tuned_for_build_with_nothing_left_out(tmp_path: Path) -> None:
    """The extractor's facts meet the shapes on the two blind development sets and generated
    articles: a left-out fact is a safety net, not the way the build usually goes (each costs a
    second pass from the caches)."""
    from generated import generator

    corpus = tmp_path / "corpus"
    for name in ("blind", "blind2"):
        shutil.copytree(
            PROJECT_ROOT / "tests" / name,
            corpus,
            ignore=shutil.ignore_patterns("gold", "*.md", "*.py"),
            dirs_exist_ok=True,
        )
    generator().generate(30, corpus, 1373)  # the first 30 of the bench's articles
    curated = tmp_path / "curated"
    curated.mkdir()
    shutil.copy(PROJECT_ROOT / "graph" / "curated" / "us-geography.ttl", curated)
    shutil.copy(PROJECT_ROOT / "graph" / "reference" / "us-parties.ttl", curated)
    settings = load_settings(
        {"corpus": str(corpus), "curated": str(curated), "queries": str(PROJECT_ROOT / "queries"),
         "build": str(tmp_path / "build")},
        environ={},
    )  # fmt: skip
    result = build(settings)
    assert result.manifest["left_out"] == [], result.manifest["left_out"]
