"""Articles in: `civicgraph add` with saved pages, links, text files and stdin; `civicgraph init`.

Pages are the project's own (tests/pages/, fictional text in the markup real news sites use),
each with what a reader would take as its article and metadata; links are served by an HTTP
server this module starts on 127.0.0.1. Every refusal is one line naming the source and its
reason, with nothing written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from live import civicgraph_serve
from SPARQLWrapper import JSON, SPARQLWrapper

from graph.ingest import (
    IngestError,
    Limits,
    add_sources,
    article_name,
    clean_text,
    read_page,
    read_source,
)
from graph.settings import PROJECT_ROOT
from graph.story import generic_query

PAGES = Path(__file__).parent / "pages"
EXPECTED = sorted(PAGES.glob("*.expected.json"))
SERVED_PAGES = {
    urlsplit(json.loads(p.read_text(encoding="utf-8"))["url"]).path: p.with_name(
        p.name.replace(".expected.json", ".html")
    )
    for p in EXPECTED
}
LOCAL = Limits(timeout=2.0, max_bytes=2 * 1024 * 1024, allow_private=True)


def words(text: str) -> str:
    return " ".join(text.split())


# --- a local web server ------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def send(self, status: int, body: bytes, content_type: str = "text/html") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path in SERVED_PAGES:  # each test page at the path of the URL it pretends to have
            return self.send(200, SERVED_PAGES[path].read_bytes(), "text/html")
        if path == "/county":
            return self.send(200, COUNTY_PAGE.encode(), "text/html; charset=utf-8")
        if path == "/missing":
            return self.send(404, b"<html><body>Not found</body></html>")
        if path in ("/loop-a", "/loop-b"):
            self.send_response(302)
            self.send_header("Location", "/loop-b" if path == "/loop-a" else "/loop-a")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/county")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if path in ("/huge", "/huge-unannounced"):  # 50 MB, sent until the client hangs up
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            if path == "/huge":
                self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            try:
                for _ in range(50 * 16):
                    self.wfile.write(b"<p>" + b"x" * 65530 + b"</p>")
            except OSError:
                pass
            self.close_connection = True
            return None
        if path == "/report.pdf":
            return self.send(200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "application/pdf")
        if path == "/photo.png":
            return self.send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")
        if path == "/slow":
            time.sleep(5)
            return self.send(200, b"<html><body><p>late</p></body></html>")
        if path == "/section-front":
            links = "".join(
                f'<li><a href="/story/{i}">Headline number {i}</a></li>' for i in range(40)
            )
            return self.send(
                200, f"<html><body><nav>Home</nav><ul>{links}</ul></body></html>".encode()
            )
        return self.send(404, b"not found")


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


# --- pages as a reader reads them --------------------------------------------------------------


def expected_of(path: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("expected_file", EXPECTED, ids=[p.name.split(".")[0] for p in EXPECTED])
def test_a_page_gives_its_article_without_furniture(site: str, expected_file: Path) -> None:
    """Each page fetched as a link from the local server, at its URL's path."""
    expected = expected_of(expected_file)
    source = read_source(site + urlsplit(expected["url"]).path, LOCAL)
    assert source.kind == "html"
    if expected["kind"] == "not_article":
        with pytest.raises(IngestError, match="no article text"):
            read_page(source)
        return
    page = read_page(source)
    text = words(page.text)
    for paragraph in expected["paragraphs"]:
        paragraph = words(paragraph)
        if page.dateline and paragraph.startswith(page.dateline):  # moved into the metadata
            paragraph = paragraph[len(page.dateline) :].lstrip(" —–-")
        assert paragraph in text, f"missing paragraph: {paragraph[:80]}"
    for once in expected.get("once", []):
        assert text.count(words(once)) == 1, f"not once: {once[:80]}"
    for furniture in expected["absent"]:
        assert words(furniture) not in text, f"furniture kept: {furniture[:80]}"
    meta = expected["metadata"]
    got = {
        "title": page.title,
        "publisher": page.publisher,
        "author": page.author,
        "date": page.published,
        "canonical_url": page.canonical,
        "language": (page.language or "").split("-")[0].lower() or None,
    }
    want = dict(meta)
    want["language"] = (meta.get("language") or "").split("-")[0].lower() or None
    if want.get("author") and got["author"]:
        got["author"], want["author"] = got["author"].casefold(), want["author"].casefold()
    for key, value in got.items():
        assert value == want.get(key), f"{key}: {value!r}, the page says {want.get(key)!r}"
    if meta.get("date_source") == "url":
        assert page.published_basis == "the page's URL"


def test_the_page_set_covers_the_kinds_of_page() -> None:
    assert len(EXPECTED) >= 12
    kinds = {expected_of(p)["kind"] for p in EXPECTED}
    assert kinds == {"article", "not_article"}
    assert any(expected_of(p)["encoding"].lower() in ("cp1252", "windows-1252") for p in EXPECTED)


# --- plain text --------------------------------------------------------------------------------


def test_plain_text_loses_its_furniture_lines_and_keeps_the_story() -> None:
    text = (
        "clock menu more-arrow no yes mobile\n\nFiled under:\n\nCouncil backs the clinic plan\n\n"
        "Council backs the clinic plan\n\n"  # a headline pasted twice: one stays
        "New, 15 comments\n\nThe council voted 5-2 on Monday to fund the clinic.\n\n"
        "Mayor Ada Reyes (pictured) at the podium on Monday.\n"
        "Mayor Ada Reyes (pictured) at the podium on Monday.\n\n"
        "In this handout photo, the clinic's site. (Jo Lam/City of Elm via Getty Images)\n\n"
        "She said the vote was close. (Kim Ode/Gazette)\n\n"
        "“Filed under: nothing,” she joked, as the share of votes came in.\n\n"
        "Copyright © 2020 The Gazette. All rights reserved.\n"
    )
    cleaned, dropped = clean_text(text)
    assert cleaned.startswith("Council backs the clinic plan\n\nThe council voted 5-2")
    assert "“Filed under: nothing,” she joked" in cleaned  # a sentence of the story stays
    for furniture in ("clock menu", "New, 15 comments", "Copyright", "at the podium"):
        assert furniture not in cleaned
    assert cleaned.count("Council backs the clinic plan") == 1
    assert "She said the vote was close.\n" in cleaned  # the credit cut, the sentence kept
    assert len(dropped) == 9


def test_a_text_file_and_stdin_are_added(corpus: Path, tmp_path: Path) -> None:
    story = "Parks levy passes\n\n" + "The parks levy passed with 61 percent of the vote. " * 12
    file = tmp_path / "levy.txt"
    file.write_text(story, encoding="utf-8")
    summary = add_sources([str(file)], corpus, LOCAL, report=lambda line: None)
    assert summary.everything_in and len(summary.added) == 1
    name = summary.added[0].name
    assert name == "undated-parks-levy-passes"
    assert (corpus / f"{name}.txt").read_text(encoding="utf-8").startswith("Parks levy passes")
    assert (corpus / "originals" / f"{name}.txt").read_bytes() == story.encode()
    second = "Library hours extended\n\n" + "The library will open on Sundays from March. " * 12
    summary = add_sources(["-"], corpus, LOCAL, stdin=lambda: second.encode(), report=print)
    assert [a.name for a in summary.added] == ["undated-library-hours-extended"]


def test_the_name_is_the_date_and_the_title_and_stable() -> None:
    from graph.ingest import Page

    page = Page(
        text="",
        title="County Sues U.S. Over ‘Sanctuary’ Grant Rules — Again",
        published="2019-03-14",
    )
    assert article_name(page) == "2019-03-14-county-sues-us-over-sanctuary-grant-rules-again"
    assert article_name(page) == article_name(page)


# --- links -------------------------------------------------------------------------------------


def test_a_link_is_fetched_and_its_redirect_followed(site: str, corpus: Path) -> None:
    summary = add_sources([site + "/moved"], corpus, LOCAL, report=lambda line: None)
    assert summary.everything_in, summary.refused
    added = summary.added[0]
    sidecar = json.loads((corpus / f"{added.name}.meta.json").read_text(encoding="utf-8"))
    assert sidecar["title"] == added.page.title
    assert (corpus / "originals" / f"{added.name}.html").is_file()


BAD_LINKS = {
    "a 404": ("/missing", "answered 404"),
    "a redirect loop": ("/loop-a", "redirect loop"),
    "a 50 MB page": ("/huge", "limit"),
    "a 50 MB page without a length": ("/huge-unannounced", "limit"),
    "a PDF": ("/report.pdf", "application/pdf"),
    "an image": ("/photo.png", "image/png"),
    "a page with no article": ("/section-front", "no article text"),
    "a timeout": ("/slow", "timeout"),
}


@pytest.mark.parametrize("case", sorted(BAD_LINKS))
def test_a_bad_link_is_one_line_and_nothing_is_written(site: str, corpus: Path, case: str) -> None:
    path, reason = BAD_LINKS[case]
    lines: list[str] = []
    limits = Limits(timeout=1.0, max_bytes=2 * 1024 * 1024, allow_private=True)
    summary = add_sources([site + path], corpus, limits, report=lines.append)
    assert not summary.everything_in and not summary.added
    assert len(lines) == 1 and "\n" not in lines[0]
    assert lines[0].startswith(f"refused {site}{path}: ") and reason in lines[0], lines[0]
    assert files_in(corpus) == []


@pytest.mark.parametrize(
    ("link", "reason"),
    [
        ("file:///etc/passwd", "only http and https"),
        ("ftp://example.org/story.html", "only http and https"),
        ("/no/such/file.html", "no such file"),
    ],
)
def test_other_schemes_and_missing_files_are_refused(corpus: Path, link: str, reason: str) -> None:
    with pytest.raises(IngestError, match=reason):
        read_source(link, LOCAL)


def test_a_private_address_needs_allow_private(site: str, corpus: Path) -> None:
    lines: list[str] = []
    summary = add_sources([site + "/moved"], corpus, Limits(), report=lines.append)
    assert summary.refused and "private address" in lines[0] and "--allow-private" in lines[0]
    assert files_in(corpus) == []


def test_a_local_pdf_and_image_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.7\n")
    (tmp_path / "b.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(IngestError, match="a PDF"):
        read_source(str(tmp_path / "a.pdf"), LOCAL)
    with pytest.raises(IngestError, match="PNG image"):
        read_source(str(tmp_path / "b.html"), LOCAL)


def test_a_duplicate_is_refused_naming_the_file_unless_replace(site: str, corpus: Path) -> None:
    first = add_sources([site + "/moved"], corpus, LOCAL, report=lambda line: None)
    name = first.added[0].name
    before = files_in(corpus)
    lines: list[str] = []
    again = add_sources([site + "/moved"], corpus, LOCAL, report=lines.append)
    assert again.duplicates and f"already in the corpus as {name}.txt" in lines[0]
    assert files_in(corpus) == before
    replaced = add_sources([site + "/moved"], corpus, LOCAL, replace=True, report=print)
    assert replaced.everything_in and replaced.added[0].replaced == name
    assert files_in(corpus) == before


# --- the command -------------------------------------------------------------------------------


def civicgraph(*args: str, cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICGRAPH_")}
    return subprocess.run(
        [sys.executable, "-m", "graph.cli", *args],
        cwd=cwd,
        env=env,
        input=stdin.decode(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_many_sources_give_a_summary_and_an_exit_status(site: str, tmp_path: Path) -> None:
    story = tmp_path / "story"
    assert civicgraph("init", str(story), cwd=tmp_path).returncode == 0
    links = tmp_path / "links.txt"
    links.write_text(f"# links\n{site}/moved\n\n{site}/missing\n", encoding="utf-8")
    done = civicgraph("add", "--allow-private", "--from-list", str(links), cwd=story)
    assert done.returncode == 1
    assert done.stdout.strip().splitlines()[-1].startswith("1 added, 0 already there, 1 refused")
    done = civicgraph("add", "--allow-private", f"{site}/moved", cwd=story)
    assert done.returncode == 1 and "1 already there" in done.stdout


def test_init_add_build_serve(site: str, tmp_path: Path) -> None:
    """A new story: init, add a page and a link, build, serve; its people and quotes answered."""
    story = tmp_path / "story"
    done = civicgraph("init", str(story), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (story / "civicgraph.toml").is_file() and (story / "curated" / "example.ttl").is_file()
    assert civicgraph("init", str(story), cwd=tmp_path).returncode == 1  # not empty any more
    page = tmp_path / "county.html"
    page.write_text(COUNTY_PAGE, encoding="utf-8")
    done = civicgraph("add", str(page), cwd=story)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "publisher Harlow Ledger" in done.stdout and "dateline RENO, Nev. (AP)" in done.stdout
    done = civicgraph("build", cwd=story)
    assert done.returncode == 0, done.stderr
    with civicgraph_serve(story / "build", tmp_path / "serve.log") as (base, _):
        client = SPARQLWrapper(base + "/sparql")
        client.setReturnFormat(JSON)
        client.setQuery(
            "PREFIX civ: <https://kg.example.org/ontology#> SELECT ?name ?words WHERE "
            "{ ?s civ:speaker ?p ; civ:quotedText ?words . ?p rdfs:label ?name }"
        )
        rows = client.query().convert()["results"]["bindings"]
        quotes = {(r["name"]["value"], r["words"]["value"]) for r in rows}
        assert (
            "Ellen Marsh",
            "We will not trade the trust of our residents for a check,",
        ) in quotes
        client.setQuery(
            "PREFIX schema: <https://schema.org/> SELECT ?publisher ?author WHERE "
            "{ ?a schema:author ?author ; <https://kg.example.org/ontology#publishedBy> ?o . "
            "?o rdfs:label ?publisher }"
        )
        row = client.query().convert()["results"]["bindings"][0]
        assert (row["publisher"]["value"], row["author"]["value"]) == (
            "Harlow Ledger",
            "Dana Whitfield",
        )


def test_init_keeps_queries_generic() -> None:
    text = (PROJECT_ROOT / "queries" / "about-entity.rq").read_text(encoding="utf-8")
    assert "mitch-landrieu" in text
    generic = generic_query(text)
    assert "mitch-landrieu" not in generic and "#+ defaults:" not in generic
    assert generic_query("#+ defaults:\n#+   - from: 2017-01-01\nSELECT") == (
        "#+ defaults:\n#+   - from: 2017-01-01\nSELECT\n"
    )


COUNTY_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harlow County sues over grant rules | Harlow Ledger</title>
<meta property="og:site_name" content="Harlow Ledger">
<meta property="og:title" content="Harlow County sues over grant rules">
<meta property="article:published_time" content="2019-03-14T09:00:00-07:00">
<meta name="author" content="Dana Whitfield">
<link rel="canonical" href="https://www.harlowledger.test/2019/03/14/harlow-county-sues/"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Harlow County sues over grant rules</h1><p class="byline">By Dana Whitfield</p>
<p>RENO, Nev. (AP) — Harlow County sued the U.S. Department of Justice on Tuesday over new
conditions attached to a public-safety grant, saying the rules would force deputies to act as
federal immigration agents.</p>
<p>"We will not trade the trust of our residents for a check," said County Commissioner Ellen
Marsh at a news conference outside the county courthouse.</p>
<p>The lawsuit, filed in federal court in Reno, asks a judge to block the conditions before the
county's next grant payment comes due in June.</p>
<p>Marsh said the county had received about $210,000 under the program last year and used it
for radios and overtime.</p>
<div class="share">Share on Facebook Share on Twitter Email</div></article>
<footer>Copyright 2019 Harlow Ledger. All rights reserved.</footer></body></html>
"""
