"""Reading articles: bad files are named with the reason, missing metadata only warns."""

import datetime as dt
import json
from pathlib import Path

import pytest

from graph.corpus import read_article, read_corpus
from graph.errors import CorpusError

CORPUS = Path(__file__).parent.parent / "corpus"


def test_the_project_corpus_has_five_dated_articles() -> None:
    articles = read_corpus(CORPUS)
    assert len(articles) == 5
    assert all(a.published and a.published >= dt.date(2018, 1, 24) for a in articles)
    assert all(a.source_file and a.source_file.endswith(".txt") for a in articles)
    assert len({a.sha256 for a in articles}) == 5


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"abc\x00def", "binary"),
        (b"caf\xe9 au lait", "not UTF-8"),
    ],
)
def test_unusable_articles_are_named_with_the_reason(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad-article.txt"
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=reason) as err:
        read_corpus(tmp_path)
    assert "bad-article.txt" in str(err.value)


def test_missing_sidecar_warns_and_the_first_line_is_the_title(tmp_path: Path) -> None:
    path = tmp_path / "no-meta.txt"
    path.write_text("\n  A Headline  \nBody text.\n", encoding="utf-8")
    article = read_article(path)
    assert article.title == "A Headline"
    assert article.published is None
    assert any("no-meta.txt" in w and "sidecar" in w for w in article.warnings)
    assert any("no publication date" in w for w in article.warnings)


def test_missing_fields_warn_naming_them(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"published": "2018-01-24"}), encoding="utf-8")
    article = read_article(tmp_path / "a.txt")
    assert article.published == dt.date(2018, 1, 24)
    assert any("title" in w and "publisher" in w for w in article.warnings)


@pytest.mark.parametrize(
    ("sidecar", "reason"),
    [
        ("{not json", "not valid JSON"),
        ('{"published": "24/01/2018"}', "ISO date"),
        ('{"colour": "red"}', "unknown field"),
        ('["a"]', "JSON object"),
    ],
)
def test_bad_sidecars_are_named(tmp_path: Path, sidecar: str, reason: str) -> None:
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(sidecar, encoding="utf-8")
    with pytest.raises(CorpusError, match=reason) as err:
        read_article(tmp_path / "a.txt")
    assert "a.meta.json" in str(err.value)


def test_two_files_with_one_slug_are_refused(tmp_path: Path) -> None:
    (tmp_path / "Some Story.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "some-story.txt").write_text("Two.", encoding="utf-8")
    with pytest.raises(CorpusError, match="same slug"):
        read_corpus(tmp_path)
