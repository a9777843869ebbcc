"""Article data is text, never markup: a hostile quotation in a real browser.

The inputs are copied and one article added whose quotation, attributed to a named mayor,
holds `<script>alert(1)</script>` and `"onmouseover=alert(1)`, and whose title (in its sidecar)
holds `<img src=x onerror=alert(2)>`. One build, one `civicgraph serve`; then every page that
shows those words — the quotation's own page, the article, the speaker, a label search (which
also echoes the search text), a saved query's results and its graph view, the article's named
graph (titled with the article's title) — is checked twice: in the raw HTML the characters are
escaped and no tag carries an event handler; in Debian's headless Chromium (Playwright), with
the Content-Security-Policy *bypassed* so that escaping alone is tested, the words show as
literal text, no dialog ever opens (hovering over them included), no element has an `on…`
attribute and no script is there but the server's own files and JSON data blocks. Error pages
that repeat what a request gave (a `page=`, a `class=`, a path) are checked in the raw HTML.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from live import civicgraph_serve, copy_inputs
from playwright.sync_api import Browser, Page, sync_playwright
from test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS

from graph.build import build

ID = "https://kg.example.org/id/"
ARTICLE = "2018-01-26-springfield-mayor-answers"
SCRIPT = "<script>alert(1)</script>"
HANDLER = '"onmouseover=alert(1)'
IMAGE = "<img src=x onerror=alert(2)>"
TEXT = f"""Springfield mayor answers the Justice Department

Springfield Mayor Ana Ruiz answered the Justice Department's letter on Thursday.

“We will not hand over {SCRIPT} or {HANDLER} to anyone,” Ruiz said in a statement.

The city has until February to respond.
"""
META = {
    "title": f"Springfield mayor: {IMAGE} answers the DOJ",
    "publisher": "The Springfield <i>Courier</i>",
    "published": "2018-01-26",
}
SPEAKER = ID + "person/ana-ruiz"
FIND_QUOTE = """PREFIX civ: <https://kg.example.org/ontology#>
SELECT ?quote ?speaker WHERE {
  ?quote civ:quotedText ?text ; civ:speaker ?speaker FILTER(CONTAINS(?text, "onmouseover"))
}"""
# What each page must show as text (besides nothing executing anywhere).
SHOWN = {
    "quotation": [SCRIPT, HANDLER],
    "article": [SCRIPT, HANDLER, IMAGE],
    "speaker": [SCRIPT],
    "search": [SCRIPT],
    "saved query": [SCRIPT, HANDLER],
    "graph view": [],  # drawn on a canvas: only that nothing runs
    "named graph": [IMAGE],  # the article's graph, titled with the article's title
}
# A tag that carries an event handler: `<x … onmouseover=`, also right after a quote.
HANDLER_IN_TAG = re.compile(r"<[a-zA-Z][^>]*[\s\"'/]on[a-z]+\s*=", re.IGNORECASE)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("escaping")
    settings = copy_inputs(root)
    corpus = Path(settings.corpus)
    (corpus / f"{ARTICLE}.txt").write_text(TEXT, encoding="utf-8")
    (corpus / f"{ARTICLE}.meta.json").write_text(json.dumps(META), encoding="utf-8")
    build(settings)
    with civicgraph_serve(settings.build_dir, root / "serve.log", "--query-workers", "2") as (
        base,
        _,
    ):
        yield base


@pytest.fixture(scope="module")
def urls(server: str) -> dict[str, str]:
    """Each page to check, by kind; the quotation found in the graph with its speaker."""
    answer = requests.get(
        server + "/sparql",
        params={"query": FIND_QUOTE},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()
    ((row),) = answer["results"]["bindings"]
    assert row["speaker"]["value"] == SPEAKER  # the extractor attributed it to the mayor
    quote = row["quote"]["value"]
    return {
        "quotation": "/page/" + quote.removeprefix(ID),
        "article": f"/article/{ARTICLE}",
        "speaker": "/page/person/ana-ruiz",
        "search": "/search?" + urllib.parse.urlencode({"q": SCRIPT}),
        "saved query": "/queries/quotations-of-person?"
        + urllib.parse.urlencode({"speaker": SPEAKER}),
        "graph view": "/queries/neighbourhood?" + urllib.parse.urlencode({"entity": quote}),
        "named graph": f"/graph/article/{ARTICLE}",
    }


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.mark.parametrize("kind", list(SHOWN))
def test_the_raw_html_escapes_the_article_data(
    server: str, urls: dict[str, str], kind: str
) -> None:
    response = requests.get(server + urls[kind], headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    html = response.text
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<i>Courier" not in html
    assert HANDLER_IN_TAG.search(html) is None, HANDLER_IN_TAG.search(html)
    if SCRIPT in SHOWN[kind]:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    if HANDLER in SHOWN[kind]:
        assert re.search(r"(&#34;|&quot;)onmouseover=alert\(1\)", html)


# What a request gives that an error page repeats: a page number, a class, a path.
ERRORS = {
    "page= of a resource": ("/page/person/ana-ruiz?page=" + urllib.parse.quote(SCRIPT), 400),
    "page= of a named graph": (f"/graph/article/{ARTICLE}?page=" + urllib.parse.quote(IMAGE), 400),
    "class= of a list": ("/list?class=" + urllib.parse.quote(SCRIPT), 404),
    "an article that is not there": ("/article/" + urllib.parse.quote(IMAGE), 404),
}


@pytest.mark.parametrize("kind", list(ERRORS))
def test_an_error_page_shows_what_the_request_gave_as_text(server: str, kind: str) -> None:
    path, status = ERRORS[kind]
    response = requests.get(server + path, headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == status, (kind, response.text)
    assert response.headers["Content-Type"].startswith("text/html")
    html = response.text
    assert "<script>alert" not in html and "<img src=x" not in html, kind
    assert HANDLER_IN_TAG.search(html) is None, HANDLER_IN_TAG.search(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;img src=x" in html, kind


def visit(browser: Browser, server: str, url: str) -> tuple[Page, list[str]]:
    """`url` in a fresh page with the CSP bypassed; returns it and the dialogs it opened."""
    context = browser.new_context(base_url=server, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    dialogs: list[str] = []

    def dismiss(dialog: object) -> None:
        dialogs.append(getattr(dialog, "message", "?"))
        getattr(dialog, "dismiss")()  # noqa: B009 - the Dialog type is Playwright's

    page.on("dialog", dismiss)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, dialogs


@pytest.mark.parametrize("kind", list(SHOWN))
def test_in_a_browser_the_article_data_is_text_and_nothing_runs(
    browser: Browser, server: str, urls: dict[str, str], kind: str
) -> None:
    page, dialogs = visit(browser, server, urls[kind])
    try:
        text = page.locator("body").inner_text()
        for shown in SHOWN[kind]:
            assert shown in text, (kind, shown)
            page.get_by_text(shown, exact=False).first.hover()  # an onmouseover would fire now
        handlers = page.evaluate(
            "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes]"
            ".filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))"
        )
        assert handlers == []
        scripts = page.evaluate(
            "[...document.scripts].filter(s => !s.src && s.type !== 'application/json')"
            ".map(s => s.textContent)"
        )
        assert scripts == []
        page.wait_for_timeout(300)  # time for anything queued to run
        assert dialogs == []
    finally:
        page.context.close()
