"""Reading the corpus: `NAME.txt` articles with optional `NAME.meta.json` sidecars."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import CorpusError
from graph.iri import slugify

SIDECAR_FIELDS = (
    "title", "publisher", "published", "published_basis", "url", "source_file",
    "author", "language", "description", "dateline",
)  # fmt: skip
# What a sidecar is expected to say; the others are there when the page said them (civicgraph add).
EXPECTED_FIELDS = ("title", "publisher", "published", "published_basis", "url", "source_file")


@dataclass(frozen=True)
class Article:
    """One article: its text, what its sidecar says, and what was missing."""

    slug: str
    file_name: str
    text: str
    sha256: str
    title: str
    publisher: str | None = None
    published: dt.date | None = None
    published_basis: str | None = None
    url: str | None = None
    source_file: str | None = None
    author: str | None = None
    language: str | None = None
    description: str | None = None
    dateline: str | None = None
    warnings: tuple[str, ...] = field(default=())


def _decode(path: Path, data: bytes) -> str:
    if not data.strip():
        raise CorpusError(f"{path}: the article is empty")
    if b"\x00" in data:
        raise CorpusError(f"{path}: the article is binary (it contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{path}: not UTF-8 text (byte {exc.start}: {data[exc.start : exc.start + 1]!r})"
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():  # a byte-order mark, no-break spaces, separators: still nothing to read
        raise CorpusError(f"{path}: the article is empty (only white space)")
    return text


def _read_sidecar(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: the sidecar is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{path}: not valid JSON: {exc.msg} (line {exc.lineno})") from None
    except RecursionError:
        raise CorpusError(f"{path}: the sidecar is nested too deeply to read") from None
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: the sidecar must be a JSON object")
    for key, value in data.items():
        if key not in SIDECAR_FIELDS:
            raise CorpusError(f"{path}: unknown field {key!r}; fields: {', '.join(SIDECAR_FIELDS)}")
        if value is not None and not isinstance(value, str):
            raise CorpusError(f"{path}: field {key!r} must be a string")
    return data


def read_article(path: Path) -> Article:
    """Read one article and its sidecar; raise CorpusError naming the file when it can't be used."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read: {exc.strerror}") from None
    text = _decode(path, data)
    try:
        slug = slugify(path.stem)
    except ValueError:
        raise CorpusError(
            f"{path}: the file name gives no slug; name it with letters or digits"
        ) from None
    sidecar = path.with_suffix(".meta.json")
    warnings: list[str] = []
    meta: dict[str, Any] = {}
    if sidecar.exists():
        meta = _read_sidecar(sidecar)
    else:
        warnings.append(
            f"{path.name}: no sidecar {sidecar.name}; title from the first line, no date"
        )
    missing = [name for name in EXPECTED_FIELDS if not meta.get(name)]
    if meta and missing:
        warnings.append(f"{path.name}: sidecar has no {', '.join(missing)}")
    published = None
    if meta.get("published"):
        try:
            published = dt.date.fromisoformat(meta["published"])
        except ValueError:
            raise CorpusError(
                f"{sidecar}: 'published' must be an ISO date (YYYY-MM-DD), "
                f"not {meta['published']!r}"
            ) from None
    else:
        warnings.append(f"{path.name}: no publication date; relative dates stay unresolved")
    title = meta.get("title") or next(line.strip() for line in text.splitlines() if line.strip())
    return Article(
        slug=slug,
        file_name=path.name,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        title=title,
        publisher=meta.get("publisher"),
        published=published,
        published_basis=meta.get("published_basis"),
        url=meta.get("url"),
        source_file=meta.get("source_file"),
        author=meta.get("author"),
        language=meta.get("language"),
        description=meta.get("description"),
        dateline=meta.get("dateline"),
        warnings=tuple(warnings),
    )


def read_corpus(folder: Path) -> list[Article]:
    """Every `*.txt` article of a folder, in file-name order; two files may not share a slug."""
    if not folder.is_dir():
        raise CorpusError(f"{folder}: no such corpus folder")
    articles = [read_article(path) for path in sorted(folder.glob("*.txt"))]
    seen: dict[str, str] = {}
    for article in articles:
        if article.slug in seen:
            raise CorpusError(
                f"{folder}: {article.file_name} and {seen[article.slug]} "
                f"give the same slug {article.slug}"
            )
        seen[article.slug] = article.file_name
    return articles
