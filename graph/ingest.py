"""Articles in: `civicgraph add SOURCE…` turns web pages, links, text files and standard input
into corpus articles (`NAME.txt` + `NAME.meta.json`, the original bytes in `originals/`).

A web page's article text and metadata come from trafilatura (which reads `og:`/`article:` meta
tags, schema.org JSON-LD and, through htmldate, dates in the markup and the URL); this module adds
what it does not do: limits on fetching a link, where the date came from, a dateline moved into
the metadata, plain-text furniture dropped, duplicates refused, and files written whole or not at
all. What a page does not say is missing from the sidecar, never invented.

Every refusal is an `IngestError` whose message is one line naming the source and the reason.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
import re
import socket
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from graph.errors import CivicgraphError
from graph.iri import slugify

USER_AGENT = "civicgraph/0.1 (news article importer; +https://github.com/civicgraph)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)
MIN_WORDS = 60  # less than this is no article (a section front, an error page, a teaser)


class IngestError(CivicgraphError):
    """A source that cannot become an article; the message names it and says why."""


@dataclass(frozen=True)
class Limits:
    """How far `civicgraph add` goes for a link."""

    timeout: float = 20.0  # seconds for the whole download
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    allow_private: bool = False  # loopback and private addresses (a test's server, an intranet)


@dataclass(frozen=True)
class Source:
    """The bytes of one source, and what they are."""

    name: str  # as the user gave it
    data: bytes
    kind: str  # "html" or "text"
    url: str | None = None  # where a link's bytes came from (after redirects)


@dataclass
class Page:
    """An article read from a source: its text and its metadata (None where not stated)."""

    text: str
    title: str
    publisher: str | None = None
    author: str | None = None
    published: str | None = None
    published_basis: str | None = None
    url: str | None = None
    language: str | None = None
    description: str | None = None
    dateline: str | None = None
    canonical: str | None = None  # the URL the page names as its own
    notes: list[str] = field(default_factory=list)

    def sidecar(self, original: str) -> dict[str, str]:
        fields = {
            "title": self.title,
            "publisher": self.publisher,
            "published": self.published,
            "published_basis": self.published_basis,
            "url": self.url,
            "author": self.author,
            "language": self.language,
            "description": self.description,
            "dateline": self.dateline,
            "source_file": original,
        }
        return {key: value for key, value in fields.items() if value}

    @property
    def words(self) -> int:
        return len(self.text.split())

    def missing(self) -> list[str]:
        wanted = ("publisher", "author", "published", "url", "language", "description")
        return [name for name in wanted if not getattr(self, name)]


# --- reading a source --------------------------------------------------------------------------


def read_source(argument: str, limits: Limits, stdin: Callable[[], bytes] | None = None) -> Source:
    """The bytes of a link, a file or `-` (standard input)."""
    if argument == "-":
        if stdin is None:
            raise IngestError("-: no standard input to read")
        data = stdin()
        return Source("-", data, _sniff(data, "-", None))
    scheme = urlsplit(argument).scheme.lower()
    if scheme in ("http", "https"):
        return fetch(argument, limits)
    if re.match(r"^[a-z][a-z0-9+.-]*://", argument, re.I) or scheme in ("file", "ftp", "data"):
        raise IngestError(
            f"{argument}: only http and https links are fetched (not {scheme}:); "
            "for a file on this machine give its path"
        )
    path = Path(argument)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise IngestError(f"{argument}: no such file") from None
    except IsADirectoryError:
        raise IngestError(
            f"{argument}: a folder, not a file (give its files: {argument}/*.html)"
        ) from None
    except OSError as exc:
        raise IngestError(f"{argument}: cannot read: {exc.strerror}") from None
    return Source(argument, data, _sniff(data, argument, path.suffix.lower()))


def _sniff(data: bytes, name: str, suffix: str | None) -> str:
    """'html' or 'text' for bytes we can read; refuse PDFs, images and other binary files."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        raise IngestError(
            f"{name}: a PDF, not a web page or text (copy its text into a .txt file, or run "
            "pdftotext on it, and add that)"
        )
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            raise IngestError(f"{name}: {what}, not a web page or text")
    if b"\x00" in data[:65536]:
        raise IngestError(f"{name}: binary data, not a web page or text")
    if not data.strip():
        raise IngestError(f"{name}: empty")
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".txt", ".text", ".md"):
        return "text"
    lowered = head.lower()
    return "html" if lowered.startswith((b"<!doctype html", b"<html")) else "text"


_BINARY_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a RIFF file (WebP image or audio)"),
    (b"PK\x03\x04", "a ZIP archive (or a Word document)"),
    (b"\x1f\x8b", "a gzip archive"),
)


def fetch(url: str, limits: Limits) -> Source:
    """Download a link: http(s) only, redirects followed one by one (each checked), within the
    time, size and redirect limits; only HTML and plain text are taken."""
    import requests

    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = "text/html,application/xhtml+xml,text/plain;q=0.8"
    current = url
    seen: list[str] = []
    try:
        for _ in range(limits.max_redirects + 1):
            _check_address(url, current, limits)
            try:
                response = session.get(
                    current, stream=True, timeout=limits.timeout, allow_redirects=False
                )
            except requests.Timeout:
                raise IngestError(
                    f"{url}: no answer within {limits.timeout:g} s (timeout)"
                ) from None
            except requests.RequestException as exc:
                raise IngestError(f"{url}: cannot fetch: {_short(exc)}") from None
            with response:
                if response.is_redirect:
                    target = urljoin(current, response.headers.get("Location", ""))
                    if target in seen or target == current:
                        raise IngestError(f"{url}: a redirect loop ({current} → {target})")
                    seen.append(current)
                    if urlsplit(target).scheme.lower() not in ("http", "https"):
                        raise IngestError(f"{url}: redirects to {target}, not an http(s) link")
                    current = target
                    continue
                if response.status_code != 200:
                    raise IngestError(
                        f"{url}: the server answered {response.status_code} "
                        f"{response.reason or ''}".rstrip()
                    )
                kind = _content_kind(url, response.headers.get("Content-Type", ""))
                data = _read_limited(url, response, limits)
                return Source(url, data, kind or _sniff(data, url, None), current)
        raise IngestError(f"{url}: more than {limits.max_redirects} redirects")
    finally:
        session.close()


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]


def _check_address(url: str, current: str, limits: Limits) -> None:
    """Refuse a host that resolves to a loopback, private, link-local or reserved address."""
    host = urlsplit(current).hostname
    if not host:
        raise IngestError(f"{url}: no host in {current}")
    if limits.allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise IngestError(f"{url}: cannot resolve {host}: {exc.strerror}") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            raise IngestError(
                f"{url}: {host} is a private address ({address}); "
                "add --allow-private to fetch from this machine or its network"
            )


def _content_kind(url: str, content_type: str) -> str | None:
    mimetype = content_type.split(";")[0].strip().lower()
    if not mimetype:
        return None
    if mimetype in HTML_TYPES:
        return "html"
    if mimetype in TEXT_TYPES:
        return "text"
    raise IngestError(f"{url}: the page is {mimetype}, not a web page (text/html) or text")


def _read_limited(url: str, response: Any, limits: Limits) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise IngestError(
            f"{url}: {_mb(int(declared))} is more than the {_mb(limits.max_bytes)} limit"
        )
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(65536):
        size += len(chunk)
        if size > limits.max_bytes:
            raise IngestError(f"{url}: more than the {_mb(limits.max_bytes)} limit")
        chunks.append(chunk)
    return b"".join(chunks)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{size} bytes"


# --- the article in a web page -----------------------------------------------------------------


def from_html(source: Source) -> Page:
    """The article text and metadata of a web page."""
    import trafilatura
    from lxml import html as lxml_html

    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # its notes are not the user's

    url = source.url

    def extract(tables: bool, data: Any = source.data) -> Any:
        return trafilatura.bare_extraction(
            data,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=tables,
            favor_precision=True,
            prune_xpath=PRUNE,
            date_extraction_params={"original_date": True, "extensive_search": False},
        )

    document: Any = extract(tables=False)
    tree = _tree(source.data, lxml_html)
    body = document.text if document is not None and document.text else ""
    if len(body.split()) < MIN_WORDS and tree is not None:
        # An old site laid out in tables: the story is the cell with the most running text.
        cell = _densest(tree)
        if cell is not None:
            inner: Any = extract(tables=True, data=lxml_html.tostring(cell, encoding="unicode"))
            if inner is not None and inner.text:
                body = inner.text
    if document is None and tree is not None:  # no article found whole: its metadata alone
        from trafilatura.metadata import extract_metadata

        document = extract_metadata(
            tree, default_url=url, date_config={"original_date": True, "extensive_search": False}
        )
    paragraphs = [" ".join(line.split()) for line in body.splitlines()]
    paragraphs = [p for p in paragraphs if p]
    canonical = _canonical(tree, url)
    title = (document.title if document is not None else None) or _first(tree, "//h1") or ""
    title = " ".join(title.split())
    if paragraphs and _same_words(paragraphs[0], title):
        paragraphs = paragraphs[1:]
    page = Page(text="", title=title)
    if paragraphs:
        paragraphs[0] = _take_dateline(paragraphs[0], page)
    paragraphs = _drop_furniture(paragraphs)
    words = sum(len(p.split()) for p in paragraphs)
    if not title or words < MIN_WORDS:
        raise IngestError(
            f"{source.name}: no article text found ({words} words of running text; a section "
            "front, an index or an error page?)"
        )
    page.text = "\n\n".join([title, *paragraphs]) + "\n"
    if document is not None:
        page.publisher = _clean(document.sitename)
        page.author = _author(document.author)
        page.description = _clean(document.description)
        page.language = _clean(document.language)
        if document.date:
            page.published = document.date[:10]
            page.published_basis = _date_basis(tree, canonical or url, page.published)
    page.author = page.author or _byline(tree)
    page.language = page.language or _clean(_first(tree, "/html/@lang"))
    page.canonical = canonical
    page.url = canonical or url
    if page.publisher and "." in page.publisher and " " not in page.publisher:
        page.publisher = None  # a host name is not the publisher's name
    page.publisher = page.publisher or _title_suffix(_first(tree, "//title"), title)
    return page


# Blocks that are no part of a story wherever a CMS puts them, by the class or id it gives them.
_PRUNED_NAMES = (
    "paywall", "story-subscribe", "subscribe-box", "newsletter", "app-promo", "contributor-bio",
    "author-bio", "bio-box",
    "live-summary", "key-points", "release-label", "release-date", "release-contact",
    "media-contact", "share-tools", "social-share", "related-", "filed-under", "story-tags",
)  # fmt: skip
PRUNE = [f"//*[contains(@class, '{name}') or contains(@id, '{name}')]" for name in _PRUNED_NAMES]


def _title_suffix(page_title: str | None, headline: str) -> str | None:
    """The site's name in `<title>`: "Headline | Site", "Headline - Site" or "Site: Headline"."""
    if not page_title:
        return None
    for separator in (" | ", " - ", " — ", " – "):
        head, _, tail = page_title.rpartition(separator)
        if head and tail and _same_words(head, headline) and len(tail.split()) <= 6:
            return tail.strip()
    return None


_AGENCIES = re.compile(r"\s*,?\s*(?:the )?(?:associated press|reuters|afp|upi|ap)\s*$", re.I)
_ROLES = re.compile(
    r"\s*,?\s*(?:staff writer|staff reporter|correspondent|reporter|editor)\b.*$", re.I
)


def _author(value: str | None) -> str | None:
    """An author's name as a reader writes it: no "By", agency, role or run-on text."""
    text = _clean(value)
    if not text:
        return None
    text = text.split(";")[0]
    text = re.sub(r"^by\s+", "", text, flags=re.I)
    text = _ROLES.sub("", _AGENCIES.sub("", text)).strip(" ,")
    if text.isupper():
        text = text.title()
    return text or None


def _tree(data: bytes, lxml_html: Any) -> Any:
    try:
        return lxml_html.fromstring(data)
    except Exception:  # lxml refuses some documents (empty, odd encodings): no tree, no extras
        return None


_BY = re.compile(r"^By\s+([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3})\s*$")


def _byline(tree: Any) -> str | None:
    """The name in a short "By Jane Doe" element, where the page's metadata names no author."""
    if tree is None:
        return None
    for element in tree.iter("b", "strong", "span", "p", "div", "address"):
        text = " ".join(element.text_content().split())
        found = _BY.match(text) if len(text) < 60 else None
        if found:
            return _author(found.group(1))
    return None


def _densest(tree: Any) -> Any:
    """The element whose own paragraphs hold the most text (a table cell, a div), or None."""
    best, most = None, 0
    for element in tree.iter("td", "div", "article", "section", "main"):
        size = sum(len(p.text_content()) for p in element.findall(".//p"))
        own = sum(len(p.text_content()) for p in element.findall("p")) + sum(
            len(p.text_content()) for f in element.findall("font") for p in f.findall("p")
        )
        if own and size and own >= most:
            best, most = element, own
    return best


def _first(tree: Any, xpath: str) -> str | None:
    if tree is None:
        return None
    found = tree.xpath(xpath)
    if not found:
        return None
    value = found[0]
    return str(value if isinstance(value, str) else value.text_content()).strip() or None


def _canonical(tree: Any, url: str | None) -> str | None:
    href = _first(tree, "//link[@rel='canonical']/@href") or _first(
        tree, "//meta[@property='og:url']/@content"
    )
    if not href:
        return None
    absolute = urljoin(url or "", href)
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    text = " ".join(str(value).split())
    return text or None


def _same_words(a: str, b: str) -> bool:
    def words(s: str) -> list[str]:
        return re.findall(r"\w+", s.lower())

    return bool(a) and words(a) == words(b)


_META_DATES = (
    "article:published_time", "og:published_time", "datePublished", "date", "pubdate",
    "publishdate", "dc.date", "dc.date.issued", "dcterms.created", "sailthru.date",
    "parsely-pub-date", "article.published", "published_time",
)  # fmt: skip


def _date_basis(tree: Any, url: str | None, day: str) -> str:
    """Where a page says the date trafilatura found: JSON-LD, a meta tag, the URL or its text."""
    if tree is not None:
        for script in tree.xpath("//script[@type='application/ld+json']/text()"):
            if f'"{day}' in script and "datePublished" in script:
                return "the page's schema.org JSON-LD (datePublished)"
        for name in _META_DATES:
            for attribute in ("property", "name", "itemprop"):
                values = tree.xpath(f"//meta[@{attribute}=$n]/@content", n=name)
                if any(str(v).startswith(day) for v in values):
                    return f"the page's meta tag {name}"
        times = tree.xpath("//time/@datetime")
        if any(str(t).startswith(day) for t in times):
            return "the page's <time datetime> element"
    year, month, date = day.split("-")
    if url and re.search(rf"/{year}[/-]?{month}[/-]?{date}(?:/|-|$)", url):
        return "the page's URL"
    return "the page's text (htmldate)"


_DATELINE = re.compile(
    r"^(?P<dateline>[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][A-Za-z. ]{1,20})?"
    r"\s*(?:\((?:AP|Reuters|AFP|UPI|Bloomberg|CNN|[A-Z]{2,6})\))?)\s*[—–-]{1,2}\s+(?=\S)"
)


def _take_dateline(first: str, page: Page) -> str:
    """Move a wire dateline ("CARSON CITY, Nev. (AP) —") from the text into the metadata."""
    found = _DATELINE.match(first)
    if not found or not re.search(r"[A-Z]{3}", found.group("dateline")):
        return first
    page.dateline = " ".join(found.group("dateline").split())
    return first[found.end() :]


# --- plain text --------------------------------------------------------------------------------

# Lines that are page furniture wherever they stand: icon names and counters left by copying a
# page, share and comment prompts, credits, copyright and newsletter lines. Each pattern is
# anchored on the whole line, so a sentence of the story that mentions such words stays.
_FURNITURE = [
    re.compile(p, re.I)
    for p in (
        r"(?:clock|menu|more-arrow|no|yes|mobile|close|search|share|facebook|twitter|email|print"
        r"|comment|comments|link|reddit|pocket|flipboard|whatsapp)(?:\s+(?:clock|menu|more-arrow"
        r"|no|yes|mobile|close|search|share|facebook|twitter|email|print|comment|comments|link"
        r"|reddit|pocket|flipboard|whatsapp))+",
        r"filed under:?(?:\s.*)?",
        r"(?:new,\s*)?\d[\d,]*\s+(?:new\s+)?comments?",
        r"share (?:this|on \w+)(?: (?:story|article))?:?",
        r"(?:sign up|subscribe)\b.{0,80}(?:newsletters?|inbox|updates)\b.*",
        r"manage (?:newsletters|subscriptions)",
        r"please read our comment policy.{0,60}",
        r"click to (?:read more|hide|show|view)\b.{0,60}",
        r"(?:copyright|©)\s*(?:©\s*)?\d{4}\b.*",
        r"all rights reserved\.?",
        r"(?:photo|image|video)(?: credit)?:.{0,80}",
        r"\(?(?:getty images|ap photo|reuters|afp)(?:/[^)]{0,40})?\)?\.?",
        r"advertisement",
        r"(?:read|see) (?:more|also):?(?:\s.{0,100})?",
        r"related:?(?:\s.{0,100})?",
        r"click here\b.*",
        r"-?\s*the [a-z .]+ - \w+day, \w+ \d{1,2}, \d{4}",  # a masthead with the date
        r"for immediate release:?",
        r"#{3}|-30-|- ?end ?-",  # a press release's end mark
        r"(?:media )?contacts?:.{0,120}",
        r"(?:posted|updated|published)?:?\s*(?:\w+day,? )?\w+\.? \d{1,2},? \d{4}(?:,? (?:at )?\d{1,2}:\d\d ?(?:[ap]\.?m\.?)?)?(?: [A-Z]{2,4})?",
        r"(?:you['’]ve|you have) read \d+ of \d+ free articles.*",
        r"(?:download|get) (?:our|the) .{0,40}\bapp\b.*",
        r"want more (?:local )?news\?.*",
        r"(?:printer-friendly version|print this (?:story|article|page)|e-?mail this (?:story|article)"
        r"|back to top)(?:\s*\|.*)?",
    )
]


# A photo caption: said to be one ("pictured above", "In this handout…"), or ending in a credit.
_CAPTION = re.compile(
    r"\(pictured\b|\bpictured (?:above|below|left|right)\b|^in this (?:handout|photo|file photo|image)\b"
    r"|\([^()]*\b(?:getty images|ap photo|reuters photo|afp photo|photo by|file photo)[^()]*\)\s*$",
    re.I,
)
# A credit closing a paragraph: "(Jane Doe/Outlet)".
_CREDIT = re.compile(r"\s*\((?:photo: )?[A-Z][\w.'’ -]{1,40}/[A-Z][\w.&'’ -]{1,80}\)\s*$")


def clean_text(text: str) -> tuple[str, list[str]]:
    """A pasted article without its page furniture; and the lines dropped (or cut).

    A line pasted twice in a row loses its copy; when it is a photo caption (the image's alt
    text, then its caption), both go. A credit in brackets at a paragraph's end is cut.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.rstrip() for line in text.split("\n")]
    kept: list[str] = []
    dropped: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped and (
            any(p.fullmatch(stripped) for p in _FURNITURE) or _CAPTION.search(stripped)
        ):
            dropped.append(stripped)
            continue
        credit = _CREDIT.search(line)
        cut = line[: credit.start()] if credit and credit.start() > 0 else line
        previous = next((k for k in reversed(kept) if k.strip()), "")
        if stripped and _same_words(cut.strip().rstrip("."), previous.strip().rstrip(".")):
            dropped.append(stripped)
            if _CAPTION.search(stripped):
                kept[len(kept) - 1 - kept[::-1].index(previous)] = ""
                dropped.append(previous.strip())
            continue
        if cut is not line:
            dropped.append(line[len(cut) :].strip())
        kept.append(cut)
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip() + "\n"
    return cleaned, dropped


def _drop_furniture(paragraphs: list[str]) -> list[str]:
    return [p for p in paragraphs if not any(f.fullmatch(p) for f in _FURNITURE)]


def from_text(source: Source) -> Page:
    """A plain-text article: its first line is the title; furniture lines are dropped."""
    try:
        raw = source.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{source.name}: not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    text, dropped = clean_text(raw)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise IngestError(f"{source.name}: no text")
    page = Page(text=text, title=lines[0])
    if page.words < MIN_WORDS:
        raise IngestError(f"{source.name}: no article text found ({page.words} words)")
    if dropped:
        page.notes.append(f"dropped {len(dropped)} furniture lines")
    return page


def read_page(source: Source) -> Page:
    return from_html(source) if source.kind == "html" else from_text(source)


# --- into the corpus ---------------------------------------------------------------------------


def article_name(page: Page) -> str:
    """NAME of `corpus/NAME.txt`: the date and the title's first words (stable for a page)."""
    words = slugify(page.title).split("-")
    stem = ""
    for word in words:
        if len(stem) + len(word) + 1 > 60:
            break
        stem = f"{stem}-{word}" if stem else word
    return f"{page.published or 'undated'}-{stem or 'article'}"


def text_key(text: str) -> str:
    """Two texts that differ only in white space and case are the same article."""
    return hashlib.sha256(" ".join(text.lower().split()).encode("utf-8")).hexdigest()


@dataclass
class Corpus:
    """What a corpus folder already holds: names, canonical URLs and texts."""

    folder: Path
    by_url: dict[str, str] = field(default_factory=dict)
    by_text: dict[str, str] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, folder: Path) -> Corpus:
        corpus = cls(folder)
        if not folder.is_dir():
            raise IngestError(f"{folder}: no such corpus folder (civicgraph init makes one)")
        for path in sorted(folder.glob("*.txt")):
            corpus.names.add(path.stem)
            try:
                corpus.by_text[text_key(path.read_text(encoding="utf-8"))] = path.stem
                meta = json.loads(path.with_suffix(".meta.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(meta, dict) and isinstance(meta.get("url"), str):
                corpus.by_url[_url_key(meta["url"])] = path.stem
        return corpus

    def duplicate_of(self, page: Page) -> tuple[str, str] | None:
        if page.url and _url_key(page.url) in self.by_url:
            return self.by_url[_url_key(page.url)], "same canonical URL"
        if text_key(page.text) in self.by_text:
            return self.by_text[text_key(page.text)], "same text"
        return None

    def remember(self, name: str, page: Page) -> None:
        self.names.add(name)
        self.by_text[text_key(page.text)] = name
        if page.url:
            self.by_url[_url_key(page.url)] = name


def _url_key(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}?{parts.query}"


@dataclass(frozen=True)
class Added:
    name: str
    page: Page
    replaced: str | None = None


def add_page(corpus: Corpus, source: Source, page: Page, replace: bool = False) -> Added:
    """Write one article into the corpus: all its files, or none."""
    from graph.corpus import SIDECAR_FIELDS, read_article

    duplicate = corpus.duplicate_of(page)
    if duplicate and not replace:
        name, why = duplicate
        raise IngestError(
            f"{source.name}: already in the corpus as {name}.txt ({why}); --replace to replace it"
        )
    name = article_name(page)
    replaced = duplicate[0] if duplicate else None
    if replaced is None and name in corpus.names:
        number = 2
        while f"{name}-{number}" in corpus.names:
            number += 1
        name = f"{name}-{number}"
    folder = corpus.folder
    suffix = ".html" if source.kind == "html" else ".txt"
    original = f"originals/{name}{suffix}"
    sidecar = page.sidecar(original)
    assert set(sidecar) <= set(SIDECAR_FIELDS), set(sidecar) - set(SIDECAR_FIELDS)
    files = {
        folder / f"{name}.txt": page.text.encode("utf-8"),
        folder / f"{name}.meta.json": (
            json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n"
        ).encode(),
        folder / original: source.data,
    }
    staged = _stage(files)
    try:
        read_article(next(iter(staged)))  # what the build will read: refused here, not there
    except CivicgraphError as exc:
        _unstage(staged)
        raise IngestError(f"{source.name}: {exc}") from None
    if replaced is not None and replaced != name:
        for old in (folder / f"{replaced}.txt", folder / f"{replaced}.meta.json"):
            old.unlink(missing_ok=True)
        for old in (folder / "originals").glob(f"{replaced}.*"):
            old.unlink(missing_ok=True)
    for temporary, final in staged.items():
        temporary.replace(final)
    corpus.remember(name, page)
    return Added(name, page, replaced)


def _stage(files: dict[Path, bytes]) -> dict[Path, Path]:
    """Each file written beside its final place under a temporary name: {temporary: final}.

    The temporary article keeps the `.txt` suffix and its sidecar's name, so that the corpus
    reader can check the pair before anything takes its final name.
    """
    staged: dict[Path, Path] = {}
    try:
        for final, data in files.items():
            final.parent.mkdir(parents=True, exist_ok=True)
            temporary = final.with_name(f".adding-{final.name}")
            temporary.write_bytes(data)
            staged[temporary] = final
    except OSError as exc:
        _unstage(staged)
        raise IngestError(f"cannot write into {next(iter(files)).parent}: {exc.strerror}") from None
    return staged


def _unstage(staged: dict[Path, Path]) -> None:
    for temporary in staged:
        temporary.unlink(missing_ok=True)


@dataclass
class Summary:
    added: list[Added] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def everything_in(self) -> bool:
        return not self.duplicates and not self.refused


def add_sources(
    arguments: Sequence[str],
    corpus_folder: Path,
    limits: Limits,
    replace: bool = False,
    stdin: Callable[[], bytes] | None = None,
    report: Callable[[str], None] = print,
    progress: Callable[[Iterable[str]], Iterable[str]] = lambda items: items,
) -> Summary:
    """Add every source in turn; each one in whole or not at all, and a line for each."""
    corpus = Corpus.read(corpus_folder)
    summary = Summary()
    for argument in progress(arguments):
        try:
            source = read_source(argument, limits, stdin)
            page = read_page(source)
            added = add_page(corpus, source, page, replace)
        except IngestError as exc:
            message = str(exc)
            (summary.duplicates if "already in the corpus" in message else summary.refused).append(
                message
            )
            report(f"refused {message}")
            continue
        summary.added.append(added)
        report(describe_added(added, corpus_folder))
    return summary


def describe_added(added: Added, folder: Path) -> str:
    page = added.page
    date = f"{page.published} (from {page.published_basis})" if page.published else "no date"
    parts = [
        f"{'replaced' if added.replaced else 'added'} {folder / added.name}.txt: “{page.title}”",
        f"publisher {page.publisher or '—'}",
        f"date {date}",
        f"{page.words} words",
    ]
    if page.dateline:
        parts.append(f"dateline {page.dateline}")
    missing = page.missing()
    if missing:
        parts.append(f"missing: {', '.join(missing)}")
    parts.extend(page.notes)
    return "; ".join(parts)


def read_list(path: Path) -> list[str]:
    """The links (or paths) of a list file: one a line; blank lines and `#` comments skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise IngestError(f"{path}: cannot read the list: {exc.strerror}") from None
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
