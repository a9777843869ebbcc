"""bench/generate.py: synthetic articles in the corpus's format, varied, deterministic, and
made of names the extractor was never told about."""

from __future__ import annotations

import json
import re
from pathlib import Path

from generated import generator

from graph.corpus import EXPECTED_FIELDS, read_corpus

ROOT = Path(__file__).resolve().parent.parent


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    generate = generator().generate
    one = generate(12, tmp_path / "one", seed=7)
    two = generate(12, tmp_path / "two", seed=7)
    other = generate(12, tmp_path / "other", seed=8)
    assert [p.name for p in one] == [p.name for p in two]
    for a, b in zip(one, two, strict=True):
        assert a.read_bytes() == b.read_bytes()
        meta = a.with_suffix(".meta.json")
        assert meta.read_bytes() == b.with_suffix(".meta.json").read_bytes()
    assert {p.read_text() for p in one}.isdisjoint({p.read_text() for p in other})


def test_articles_read_as_a_corpus_and_vary(tmp_path: Path) -> None:
    module = generator()
    module.generate(40, tmp_path)
    articles = read_corpus(tmp_path)
    assert len(articles) == 40
    assert all(not a.warnings for a in articles), "every sidecar field is there"
    for path in tmp_path.glob("*.meta.json"):
        assert set(json.loads(path.read_text())) == set(EXPECTED_FIELDS)
    texts = [a.text for a in articles]
    assert len(set(texts)) == 40
    first_paragraphs = {t.split("\n\n")[1] for t in texts}
    assert len(first_paragraphs) > 30, "leads differ, not one template filled in"
    assert len({a.published for a in articles}) > 30
    people = {n for t in texts for n in module.FIRST_NAMES if f" {n} " in t}
    assert len(people) > 20


def test_the_extraction_code_knows_none_of_the_generated_names() -> None:
    module = generator()
    code = "\n".join(
        p.read_text(encoding="utf-8")
        for p in [ROOT / "graph" / "extract.py", *(ROOT / "graph" / "extraction").glob("*.py")]
    )
    names = [*module.FIRST_NAMES, *module.LAST_NAMES, *module.TOWN_STARTS]
    assert [n for n in names if re.search(rf"\b{n}\b", code)] == []
