"""In a real browser: Debian's headless Chromium, driven by Playwright, against `civicgraph serve`.

One server (gunicorn, as `make serve` runs it) and one browser for the module; a fresh page per
test. Chromium must be installed (`make test` installs Debian's `chromium`): without it these
tests fail, they do not skip. Screenshots are kept in test-artifacts/browser/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from live import civicgraph_serve
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request, sync_playwright

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"
# Without the background-networking flags Chromium keeps trying hosts this network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def server(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`civicgraph serve` (gunicorn) on a free port; yields its base URL."""
    log = tmp_path_factory.mktemp("browser") / "serve.log"
    with civicgraph_serve(build_dir, log, "--query-workers", "2") as (base, _):
        yield base


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            "(`make test` installs it: apt-get install -y chromium)"
        )
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


class Watch:
    """What a page asked for and complained about."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.expected: list[str] = []  # console errors a test causes on purpose

    def request(self, request: Request) -> None:
        self.requests.append(request.url)

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":  # a missing /favicon.ico is one too
            self.errors.append(message.text)


@pytest.fixture
def page(browser: Browser, server: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watch = Watch()
    page.on("request", watch.request)
    page.on("console", watch.console)
    page.on("pageerror", lambda error: watch.errors.append(str(error)))
    page.watch = watch  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"\W+", "-", request.node.name).strip("-")
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        context.close()
    # Every asset is local: the page asked nothing of any other host.
    foreign = [url for url in watch.requests if not url.startswith((server, "data:", "blob:"))]
    assert foreign == []
    assert [e for e in watch.errors if not any(x in e for x in watch.expected)] == []


def table_column(page: Page, header: str) -> list[str]:
    headers = page.locator("table.results thead th").all_inner_texts()
    index = headers.index(header) + 1
    return page.locator(f"table.results tbody tr td:nth-child({index})").all_inner_texts()


def test_from_the_home_page_run_a_saved_query_with_a_parameter(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="saved queries").first.click()
    page.get_by_role("link", name="Letters to jurisdictions in a chosen state").click()
    assert (
        page.locator("#p-state").input_value()
        == "https://kg.example.org/id/jurisdiction/california"
    )
    page.select_option("#p-state", label="Illinois")
    page.click("#run-query")
    page.wait_for_url(re.compile(r"/queries/letters-to-state\?state=.*illinois"))
    names = set(table_column(page, "name"))
    assert {"Chicago", "Cook County", "Illinois"} <= names
    assert "Berkeley" not in names
    # IRIs are shown by label and link to their pages on this server
    link = page.locator("table.results").get_by_role("link", name="Cook County", exact=True).first
    assert link.get_attribute("href") == "/page/jurisdiction/cook-county-il"


def test_a_bad_value_shows_the_form_again_with_the_error(page: Page) -> None:
    page.watch.expected.append("status of 400")  # type: ignore[attr-defined]
    page.goto("/queries/about-entity")
    page.fill("#p-entity", "not an iri } ; DROP ALL")
    page.click("#run-query")
    alert = page.get_by_role("alert")
    assert "parameter 'entity'" in alert.inner_text()
    assert page.locator(".field.invalid #p-entity").count() == 1
    assert page.locator("table.results").count() == 0


def test_the_editor_runs_a_query_and_shows_results(page: Page) -> None:
    query = (
        "PREFIX civ: <https://kg.example.org/ontology#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?name WHERE { ?p a civ:Person ; rdfs:label ?name FILTER(CONTAINS(?name, 'Landrieu')) }"
    )
    page.goto("/query?query=" + requests.utils.quote(query))
    page.wait_for_selector("#editor[data-ready=true] .CodeMirror")
    assert page.locator(".CodeMirror").count() == 1  # the fresh editor's one tab took the query
    assert "Landrieu" in page.locator(".CodeMirror").inner_text()
    page.click(".yasqe_queryButton")
    cells = page.locator(".yasr table tbody td")
    cells.filter(has_text="Mitch Landrieu").first.wait_for()
    assert page.locator(".yasr table tbody tr").count() >= 1


def test_open_a_saved_query_in_the_editor_and_run_it(page: Page) -> None:
    page.goto("/queries/events-between?from=2018-01-24&to=2018-01-24")
    expected = len(table_column(page, "event"))
    page.click("#open-in-editor")
    page.wait_for_selector("#editor[data-ready=true] .CodeMirror")
    assert page.locator(".yasgui .tab.active").inner_text().strip().startswith("events-between")
    assert "VALUES" in page.locator(".CodeMirror").inner_text()
    page.click(".yasqe_queryButton")
    page.locator(".yasr table tbody td", has_text="Boycott").first.wait_for()
    rows = page.locator(".yasr table tbody tr")
    assert rows.count() == expected


def test_a_timeline_view_draws(page: Page) -> None:
    page.goto("/queries/timeline")
    page.wait_for_selector("#view[data-drawn=timeline]")
    rows = page.locator("table.results tbody tr").count()
    assert page.locator("#view svg circle.event-mark").count() == rows > 10
    assert (
        page.locator("#view svg a", has_text="Mayors' boycott of the White House meeting").count()
        >= 1
    )


def test_a_graph_view_draws(page: Page) -> None:
    page.goto("/queries/neighbourhood?entity=https://kg.example.org/id/person/mitch-landrieu")
    view = page.wait_for_selector("#view[data-drawn=graph]")
    assert view is not None
    nodes = int(view.get_attribute("data-nodes") or 0)
    assert nodes > 5 and int(view.get_attribute("data-edges") or 0) >= nodes - 1
    assert page.locator("#view canvas").count() >= 1
    box = page.locator("#view").bounding_box()
    assert box is not None and box["height"] > 300


def test_a_bar_view_draws(page: Page) -> None:
    page.goto("/queries/class-counts")
    page.wait_for_selector("#view[data-drawn=bar]")
    rows = page.locator("table.results tbody tr").count()
    assert page.locator("#view svg rect.bar").count() == rows


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/sparql",
        "/sparql?query=ASK%20%7B%7D&format=html",
        "/page/person/jeff-sessions",
        "/page/jurisdiction/chicago-il",
        "/ontology",
        "/.well-known/void",
        "/download",
        "/queries",
        "/queries/letters-to-state",
        "/list?class=https://kg.example.org/ontology%23Person",
        "/search?q=mayor",
        "/article/2018-01-24-doj-demands-papers-mayors-boycott",
        "/query",
    ],
)
def test_every_page_renders_under_its_content_security_policy(page: Page, url: str) -> None:
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    response = page.goto(url)
    assert response is not None and response.status == 200
    assert "frame-ancestors 'none'" in (response.headers.get("content-security-policy") or "")
    page.wait_for_load_state("load")
    if url == "/query":
        page.wait_for_selector("#editor[data-ready=true] .CodeMirror")
    # The stylesheet (formerly an inline block) applies: the body's font comes from it.
    assert "system-ui" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert violations == []  # and the fixture checks there were no console errors at all
