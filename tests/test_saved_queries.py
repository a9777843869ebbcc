"""Saved queries over HTTP: every query in every format, expected answers, typed parameters,
hostile values, the HTML form and views, the editor's prefill, and /openapi.json.

Answers are compared with rdflib's own evaluation of the same .rq over the build's dataset.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests
from live import recording_store, running, settings_for
from openapi_spec_validator import validate
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.query import Result

from graph.queries import SavedQuery, load_queries
from server import create_app
from server.errors import ServerStartError

ID = "https://kg.example.org/id/"
CIV = "https://kg.example.org/ontology#"
HOSTILE = [
    '"} ; DROP ALL ; #',
    'x") } UNION { ?s ?p ?o } #',
    "mayor' || true",
    "} ; DROP ALL",
    "{ ?s ?p ?o }",
    '\\" . } INSERT DATA { <x:a> <x:b> <x:c> } #',
    "\n}\nSELECT * WHERE { ?s ?p ?o }",
]
SHORT_NOTE = "a note of exactly forty characters: kept"
LONG_NOTE = "a note of forty-one characters, cut short"
SOLUTION_FORMATS = {
    "json": "application/sparql-results+json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "xml": "application/sparql-results+xml",
}
GRAPH_FORMATS = {  # .json and .xml on a CONSTRUCT are JSON-LD and RDF/XML
    "json": ("application/ld+json", "json-ld"),
    "xml": ("application/rdf+xml", "xml"),
    "ttl": ("text/turtle", "turtle"),
    "nt": ("application/n-triples", "nt"),
    "jsonld": ("application/ld+json", "json-ld"),
    "rdf": ("application/rdf+xml", "xml"),
}


# --- fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def queries(build_dir: Path) -> dict[str, SavedQuery]:
    """The build's copy of the saved queries (what the server serves)."""
    return {q.name: q for q in load_queries(build_dir / "queries")}


@pytest.fixture(scope="module")
def base_url(build_dir: Path) -> Iterator[str]:
    app = create_app(settings_for(build_dir))
    try:
        with running(app) as url:
            yield url
    finally:
        app.extensions["civicgraph"].close()


@pytest.fixture(scope="module")
def reference(build_dir: Path) -> Dataset:
    dataset = Dataset(default_union=True)
    dataset.parse(build_dir / "dataset.trig", format="trig")
    return dataset


def build_with_queries(build_dir: Path, folder: Path, extra: dict[str, str]) -> Path:
    """A build folder sharing `build_dir`'s files, with the saved queries plus `extra`."""
    folder.mkdir()
    for item in build_dir.iterdir():
        if item.name != "queries":
            (folder / item.name).symlink_to(item)
    shutil.copytree(build_dir / "queries", folder / "queries")
    for name, text in extra.items():
        (folder / "queries" / f"{name}.rq").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def extra_url(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server whose build has more queries (a required parameter, also as a form POST; an ASK;
    a slow one; a bar chart, a timeline and a graph drawn from fixed VALUES), row cap 3, time
    limit 1 s."""
    folder = build_with_queries(
        build_dir,
        tmp_path_factory.mktemp("extra") / "build",
        {
            "needs-name": (
                "#+ summary: Things with exactly this label\n"
                "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                "SELECT ?thing WHERE { ?thing rdfs:label ?label FILTER(STR(?label) = ?_name) }\n"
            ),
            "post-by-name": (
                "#+ summary: Things with exactly this label, asked with a form POST\n"
                "#+ method: POST\n"
                "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                "SELECT ?thing WHERE { ?thing rdfs:label ?label FILTER(STR(?label) = ?_name) }\n"
            ),
            "any-letter": (
                "#+ summary: Is there a letter?\n"
                "PREFIX civ: <https://kg.example.org/ontology#>\n"
                "ASK { ?x a civ:Letter }\n"
            ),
            "slow": (
                "#+ summary: Far too much work\n"
                "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }\n"
            ),
            "bars-with-a-gap": (
                "#+ summary: Bars, the first row without its number\n"
                "#+ view: bar\n"
                "SELECT ?name ?n WHERE {\n"
                '  VALUES (?name ?n) { ("a, no number" UNDEF) ("b" 2) ("c" 3) }\n'
                "} ORDER BY ?name\n"
            ),
            "dated-without-labels": (
                "#+ summary: Dated rows with no label column\n"
                "#+ view: timeline\n"
                "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
                "SELECT ?thing ?date ?kind WHERE {\n"
                "  VALUES (?thing ?date ?kind) {\n"
                f'    (<{ID}person/jeff-sessions> "2018-01-24"^^xsd:date "Letter")\n'
                '    (UNDEF "2017-11"^^xsd:gYearMonth UNDEF)\n'
                "  }\n"
                "} ORDER BY ?date\n"
            ),
            "literal-nodes": (
                "#+ summary: A graph with literal objects\n"
                "#+ view: graph\n"
                "PREFIX civ: <https://kg.example.org/ontology#>\n"
                "SELECT ?subject ?predicate ?object WHERE {\n"
                "  VALUES (?subject ?predicate ?object) {\n"
                f'    (<{ID}person/jeff-sessions> civ:note "{SHORT_NOTE}")\n'
                f'    (<{ID}person/jeff-sessions> civ:note "{LONG_NOTE}")\n'
                "  }\n"
                "}\n"
            ),
        },
    )
    app = create_app(settings_for(folder, row_cap=3, query_timeout=1))
    try:
        with running(app) as url:
            yield url
    finally:
        app.extensions["civicgraph"].close()


@pytest.fixture(scope="module")
def each_store(base_url: str, build_dir: Path) -> Iterator[dict[str, tuple[str, list[str]]]]:
    """The build served from each store, by name: (base URL, the query texts the store was
    sent, recorded for the remote one only: a stand-in that answers nothing)."""
    with recording_store() as (remote, received):
        memory = create_app(settings_for(build_dir, store="memory", query_workers=1))
        far = create_app(settings_for(build_dir, store="sparql+" + remote, query_workers=1))
        with running(memory) as memory_url, running(far) as far_url:
            yield {
                "oxigraph": (base_url, []),
                "memory": (memory_url, []),
                "remote": (far_url, received),
            }


def get(url: str, **kwargs: Any) -> requests.Response:
    return requests.get(url, timeout=30, **kwargs)


def json_rows(response: requests.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    data = response.json()
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def saved(base_url: str, name: str, **params: str) -> list[dict[str, str]]:
    return json_rows(get(f"{base_url}/queries/{name}.json", params=params))


# --- every query, every format ------------------------------------------------------------------


def all_names(build_dir: Path) -> list[str]:
    return sorted(q.stem for q in (build_dir / "queries").glob("*.rq"))


def test_the_server_serves_the_builds_copy_of_every_query(
    base_url: str, queries: dict[str, SavedQuery], build_dir: Path
) -> None:
    assert len(queries) >= 15
    page = get(base_url + "/queries", headers={"Accept": "text/html"})
    assert page.status_code == 200
    for query in queries.values():
        assert f'href="/queries/{query.name}"' in page.text
        assert html.escape(query.summary, quote=False) in page.text
        text = get(f"{base_url}/queries/{query.name}.rq")
        assert text.headers["Content-Type"].startswith("application/sparql-query")
        assert text.text == (build_dir / "queries" / f"{query.name}.rq").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "suffix", [*dict.fromkeys([*SOLUTION_FORMATS, *GRAPH_FORMATS]), "html", "accept"]
)
def test_every_query_runs_in_every_format(
    base_url: str, queries: dict[str, SavedQuery], reference: Dataset, suffix: str
) -> None:
    for query in queries.values():
        select = query.query_type == "SELECT"
        expected = reference.query(query.text, initBindings=query.bindings({}))
        if suffix == "html":
            check_html(base_url, query)
            continue
        formats = SOLUTION_FORMATS if select else {k: v[0] for k, v in GRAPH_FORMATS.items()}
        if suffix == "accept":  # the same formats by Accept header, at the bare URL
            for mimetype in formats.values():
                response = get(f"{base_url}/queries/{query.name}", headers={"Accept": mimetype})
                assert response.status_code == 200, (query.name, mimetype, response.text)
                assert response.headers["Content-Type"].startswith(mimetype)
            continue
        response = get(f"{base_url}/queries/{query.name}.{suffix}")
        if suffix not in formats:
            assert response.status_code == 406, (query.name, suffix)
            assert f".{suffix}" in response.text
            continue
        assert response.status_code == 200, (query.name, suffix, response.text)
        assert response.headers["Content-Type"].startswith(formats[suffix])
        if select:
            check_solutions(response, suffix, expected, query.name)
        else:
            graph = Graph().parse(data=response.content, format=GRAPH_FORMATS[suffix][1])
            assert isomorphic(graph, expected.graph), query.name  # type: ignore[arg-type]


def check_solutions(response: requests.Response, suffix: str, expected: Result, name: str) -> None:
    variables = [str(v) for v in expected.vars or []]
    if suffix in ("json", "xml"):
        parsed = Result.parse(io.BytesIO(response.content), format=suffix)
        assert [str(v) for v in parsed.vars or []] == variables, name
        assert len(parsed.bindings) == len(expected.bindings), name
    elif suffix == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
        assert rows[0] == variables, name
        assert len(rows) - 1 == len(expected.bindings), name
    else:
        lines = response.content.decode("utf-8").split("\n")
        assert lines[0] == "\t".join("?" + v for v in variables), name
        assert len([line for line in lines[1:] if line]) == len(expected.bindings), name


def check_html(base_url: str, query: SavedQuery) -> None:
    response = get(f"{base_url}/queries/{query.name}", headers={"Accept": "text/html"})
    assert response.status_code == 200, (query.name, response.text)
    assert response.headers["Content-Type"].startswith("text/html")
    page = response.text
    assert '<table class="results">' in page, query.name
    assert html.escape(query.summary, quote=False) in page
    assert "<script>" not in page and "onclick=" not in page  # no inline script
    for parameter in query.parameters:
        assert f'name="{parameter.name}"' in page, (query.name, parameter.name)
    if query.view != "table":
        data = view_data(page)
        assert data["view"] == query.view, query.name


def view_data(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="view-data">(.*?)</script>', page, re.S)
    assert found, "no view data on the page"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


# --- expected answers (the curated facts) ----------------------------------------------------------


def test_letter_recipients_are_the_23_jurisdictions_of_three_kinds(base_url: str) -> None:
    rows = [r for r in saved(base_url, "letter-recipients") if r.get("date") == "2018-01-24"]
    recipients = {r["recipient"] for r in rows}
    assert len(recipients) >= 23
    kinds = {r["recipient"]: r["kinds"] for r in rows}
    assert "state" in kinds[ID + "jurisdiction/oregon"]
    assert "county" in kinds[ID + "jurisdiction/cook-county-il"]
    assert {"city", "county"} <= set(kinds[ID + "jurisdiction/denver-co"].split(", "))
    states = {r["recipient"]: r.get("stateName") for r in rows}
    assert states[ID + "jurisdiction/chicago-il"] == "Illinois"


def test_boycotters_with_office_and_party(base_url: str) -> None:
    rows = {r["person"]: r for r in saved(base_url, "boycotters")}
    for name in ("bill-de-blasio", "mitch-landrieu", "eric-garcetti", "rahm-emanuel"):
        assert ID + "person/" + name in rows
    assert rows[ID + "person/elizabeth-kautz"]["party"] == "Republican Party"
    assert "Mayor of New York City" in rows[ID + "person/bill-de-blasio"]["offices"]


def test_quotations_of_a_chosen_person(base_url: str) -> None:
    rows = saved(base_url, "quotations-of-person", speaker=ID + "person/jeff-sessions")
    # one statement, however many wordings: reported by all five articles
    assert max(int(r["reports"]) for r in rows) == 5
    assert any("defies common sense" in r["text"] for r in rows)
    assert len({r["statement"] for r in rows}) == len(rows)  # one row per statement
    landrieu = saved(base_url, "quotations-of-person", speaker=ID + "person/mitch-landrieu")
    assert landrieu and not {r["statement"] for r in landrieu} & {r["statement"] for r in rows}


def test_disagreements_show_both_offices_and_sources(base_url: str) -> None:
    rows = [
        r for r in saved(base_url, "disagreements") if r["person"] == ID + "person/mitch-landrieu"
    ]
    assert any({r["officeA"], r["officeB"]} == {"Chairman", "President"} for r in rows)
    assert all(r["sourceA"] != r["sourceB"] for r in rows)


def test_letters_cite_the_statute(base_url: str) -> None:
    rows = saved(base_url, "letters-and-statute")
    cited = [r for r in rows if r.get("statute") == ID + "statute/usc/8/1373"]
    assert len({r["letter"] for r in cited}) >= 23


def test_officials_by_organization(base_url: str) -> None:
    rows = saved(base_url, "officials-by-organization")
    assert any(
        r["person"] == ID + "person/jeff-sessions" and "Attorney General" in r["office"]
        for r in rows
    )


def test_timeline_is_in_date_order_and_has_the_boycott(base_url: str) -> None:
    rows = saved(base_url, "timeline")
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)
    assert any(r["kind"] == "Boycott" and r["date"] == "2018-01-24" for r in rows)


def test_events_between_two_dates(base_url: str) -> None:
    rows = saved(base_url, "events-between", **{"from": "2018-01-24", "to": "2018-01-24"})
    # A day, or the month or year that holds it: each of those overlaps the one-day range.
    assert rows and all(r["date"] in ("2018-01-24", "2018-01", "2018") for r in rows)
    kinds = {r["kind"] for r in rows}
    assert {"Boycott", "Meeting"} <= kinds
    assert saved(base_url, "events-between", **{"from": "2019-01-01", "to": "2019-12-31"}) == []


def test_events_between_keeps_dates_of_a_month_or_a_year(base_url: str) -> None:
    """A date of lower precision overlaps a range when any day of it does."""
    events = {r["event"]: r["date"] for r in saved(base_url, "events-between")}  # the defaults
    assert events[ID + "event/2017/doj-records-requests"] == "2017"
    assert events[ID + "event/2017-04/doj-records-request"] == "2017-04"
    assert events[ID + "event/2017-11/doj-records-request"] == "2017-11"
    assert events[ID + "event/2018-01/us-conference-of-mayors-winter-meeting"] == "2018-01"
    assert ID + "event/2018-01-24/white-house-meeting-with-mayors" in events
    # the month's last day and first day are in it; the day after and before are not
    for day, inside in (("2017-04-30", True), ("2017-04-01", True), ("2017-05-01", False)):
        rows = saved(base_url, "events-between", **{"from": day, "to": day})
        assert (ID + "event/2017-04/doj-records-request" in {r["event"] for r in rows}) is inside
    rows = saved(base_url, "events-between", **{"from": "2016-01-01", "to": "2017-03-31"})
    found = {r["event"] for r in rows}
    assert ID + "event/2017/doj-records-requests" in found
    assert ID + "event/2017-04/doj-records-request" not in found
    assert not any(r["date"].startswith("2018") for r in rows)


def test_articles_mentioning_a_chosen_jurisdiction(base_url: str) -> None:
    rows = saved(base_url, "articles-mentioning", jurisdiction=ID + "jurisdiction/chicago-il")
    assert len(rows) >= 3
    assert all("Chicago" in r["example"] for r in rows)


def test_letters_to_a_chosen_state(base_url: str) -> None:
    names = {r["name"] for r in saved(base_url, "letters-to-state")}  # default: California
    assert {"California", "Berkeley", "Sonoma County"} <= names
    assert "Chicago" not in names
    illinois = {
        r["name"] for r in saved(base_url, "letters-to-state", state=ID + "jurisdiction/illinois")
    }
    assert {"Chicago", "Cook County", "Illinois"} <= illinois
    assert "Berkeley" not in illinois


def test_facts_only_reasoning_adds(base_url: str) -> None:
    rows = {r["property"]: int(r["triples"]) for r in saved(base_url, "inferred-only")}
    assert rows[CIV + "containsPlace"] > 0


def test_the_neighbourhood_of_a_thing_as_rdf(base_url: str) -> None:
    response = get(
        f"{base_url}/queries/neighbourhood.ttl", params={"entity": ID + "person/mitch-landrieu"}
    )
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    landrieu = URIRef(ID + "person/mitch-landrieu")
    boycott = URIRef(ID + "event/2018-01-24/boycott-white-house-meeting")
    assert (boycott, URIRef(CIV + "boycotter"), landrieu) in graph
    assert not list(graph.triples((None, URIRef(CIV + "denotes"), landrieu)))  # no mentions


# --- parameters: types, errors, hostile values --------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_values_are_only_values(base_url: str, hostile: str) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = json_rows(get(base_url + "/sparql", params={"query": count}))
    assert saved(base_url, "search-labels", text=hostile) == []
    # the same value in a form POST, and through the HTML page
    posted = requests.post(
        f"{base_url}/queries/search-labels.json", data={"text": hostile}, timeout=30
    )
    assert json_rows(posted) == []
    page = get(
        f"{base_url}/queries/search-labels",
        params={"text": hostile},
        headers={"Accept": "text/html"},
    )
    assert page.status_code == 200 and "0 rows" in page.text
    assert json_rows(get(base_url + "/sparql", params={"query": count})) == before


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_iris_and_dates_are_refused_naming_the_parameter(
    base_url: str, hostile: str
) -> None:
    for name, parameter, value in (
        ("about-entity", "entity", "https://kg.example.org/id/x>" + hostile),
        ("letters-to-state", "state", hostile),
        ("events-between", "from", "2018-01-01" + hostile),
    ):
        response = get(
            f"{base_url}/queries/{name}",
            params={parameter: value},
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 400, (name, response.text)
        assert response.json()["error"] == "bad parameter"
        assert f"'{parameter}'" in response.json()["message"]


# Values that are not IRIs (RFC 3987). The first two end the IRI in query text but hold no space,
# which every value of HOSTILE does: a pattern that only refuses spaces lets them through. The
# others pass the pattern of characters itself. None may reach a store, where each would be a
# 500, an error that names no parameter, an empty answer on one store, or text sent to a remote.
NOT_IRIS = [
    'https://kg.example.org/id/x>"}',
    'https://kg.example.org/id/x>"}}DROP%20ALL#',
    "https://kg.example.org/id/x\x00",
    "https://kg.example.org/id/x\x7f",
    "https://[kg.example.org/id/x",
    "https://kg.example.org/id/x#a#b",
    "https://kg.example.org/id/%zz",
    "https://kg.example.org/id/x\ufffe",
]


@pytest.mark.parametrize("value", NOT_IRIS)
def test_a_value_that_is_no_iri_is_refused_before_any_store_sees_it(
    each_store: dict[str, tuple[str, list[str]]], value: str
) -> None:
    wrong = []  # every store's answer is checked before any assertion fails
    for store, (url, received) in each_store.items():
        sent_before = len(received)
        for name, parameter in (("about-entity", "entity"), ("letters-to-state", "state")):
            response = get(
                f"{url}/queries/{name}",
                params={parameter: value},
                headers={"Accept": "application/json"},
            )
            error = response.json() if response.status_code == 400 else {}
            if error.get("error") != "bad parameter" or (
                f"parameter '{parameter}'" not in error["message"]
            ):
                wrong.append((store, name, response.status_code, response.text[:200]))
        sent = received[sent_before:]  # not one query may reach the remote store
        wrong.extend(("the remote store was sent", text) for text in sent)
    assert not wrong, "\n".join(map(repr, wrong))


def test_a_valid_iri_is_bound_on_every_store(
    each_store: dict[str, tuple[str, list[str]]],
) -> None:
    """The refusals above are of the values, not of every IRI: one of RFC 3987's is sent."""
    value = ID + "person/x%C3%A9é?q=a:b@c#frag"
    for store, (url, _) in each_store.items():
        response = get(f"{url}/queries/about-entity.json", params={"entity": value})
        assert response.status_code == 200, (store, response.text)
    assert any(f"<{value}>" in text for text in each_store["remote"][1])


def test_a_hostile_text_that_matches_is_matched_literally(base_url: str) -> None:
    # A value that is also SPARQL syntax (a dot, a section sign) is matched as text.
    rows = saved(base_url, "search-labels", text="U.S.C. §")
    assert {r["thing"] for r in rows} == {ID + "statute/usc/8/1373", ID + "source/us-code"}
    assert saved(base_url, "search-labels", text="U.S.C. } §") == []


@pytest.mark.parametrize(
    ("name", "params", "parameter"),
    [
        ("events-between", {"from": "24/01/2018"}, "from"),
        ("events-between", {"to": "2018-02-30"}, "to"),
        ("articles-mentioning", {"jurisdiction": "not an iri"}, "jurisdiction"),
        ("about-entity", {"entity": "https://x.org/a b"}, "entity"),
        ("search-labels", {"colour": "red"}, "colour"),
    ],
)
def test_an_ill_typed_value_is_a_400_naming_the_parameter(
    base_url: str, name: str, params: dict[str, str], parameter: str
) -> None:
    url = f"{base_url}/queries/{name}"
    as_json = get(url + ".json", params=params)
    assert as_json.status_code == 400
    # the .json suffix asks for JSON, errors included (commit b4d6788)
    assert as_json.headers["Content-Type"].startswith("application/json")
    assert f"'{parameter}'" in as_json.json()["message"]
    api = get(url, params=params, headers={"Accept": "application/json"})
    assert api.status_code == 400 and f"'{parameter}'" in api.json()["message"]
    page = get(url, params=params, headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 400
    assert '<form class="saved-form"' in page.text  # the form again, with the error
    assert 'role="alert"' in page.text and f"parameter &#39;{parameter}&#39;" in page.text


def test_a_missing_required_parameter_is_a_400_naming_it(extra_url: str) -> None:
    response = get(extra_url + "/queries/needs-name.json")
    assert response.status_code == 400 and "'name'" in response.text and "required" in response.text
    # a browser's first visit only asks for it; a submitted form without it is an error
    first = get(extra_url + "/queries/needs-name", headers={"Accept": "text/html"})
    assert first.status_code == 200 and 'name="name"' in first.text
    assert '<table class="results">' not in first.text
    submitted = get(extra_url + "/queries/needs-name?name=", headers={"Accept": "text/html"})
    assert submitted.status_code == 400 and "is required" in submitted.text
    found = json_rows(get(extra_url + "/queries/needs-name.json", params={"name": "Chicago"}))
    assert found == [{"thing": ID + "jurisdiction/chicago-il"}]


def test_a_parameter_given_twice_is_a_400(base_url: str) -> None:
    response = get(base_url + "/queries/search-labels.json?text=a&text=b")
    assert response.status_code == 400 and "'text'" in response.text


def test_iris_as_this_server_shows_them_are_accepted(base_url: str) -> None:
    canonical = saved(base_url, "about-entity", entity=ID + "person/jeff-sessions")
    for shown in ("/id/person/jeff-sessions", "/page/person/jeff-sessions"):
        assert saved(base_url, "about-entity", entity=base_url + shown) == canonical


def test_a_server_started_on_the_build_maps_its_iris_to_the_datasets_base(
    build_dir: Path,
) -> None:
    """The base the saved queries map this server's IRIs to is the build's, read at start-up
    (this test starts its own server, so that start-up is part of it)."""
    base = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))["base"]
    with running(create_app(settings_for(build_dir))) as url:
        assert editor_config(url)["base"] == base
        canonical = saved(url, "about-entity", entity=base + "id/person/jeff-sessions")
        assert canonical
        assert saved(url, "about-entity", entity=url + "/page/person/jeff-sessions") == canonical


def test_the_row_cap_and_the_time_limit_apply(extra_url: str) -> None:
    capped = get(extra_url + "/queries/timeline.json")
    assert len(json_rows(capped)) == 3
    assert capped.headers["X-Civicgraph-Truncated"] == "true"
    slow = get(extra_url + "/queries/slow.json", headers={"Accept": "application/json"})
    assert slow.status_code == 503
    assert slow.json()["error"] == "query timeout"


def test_unknown_queries_and_formats(base_url: str) -> None:
    assert get(base_url + "/queries/no-such-query").status_code == 404
    assert get(base_url + "/queries/no-such-query.json").status_code == 404
    assert get(base_url + "/queries/timeline.exe").status_code == 404
    assert get(base_url + "/queries/timeline.ttl").status_code == 406
    assert get(base_url + "/queries/timeline", headers={"Accept": "image/png"}).status_code == 406
    assert get(base_url + "/queries?tag=no-such-tag").status_code == 404


def test_answers_are_cacheable_with_etags(base_url: str) -> None:
    first = get(base_url + "/queries/boycotters.csv")
    tag = first.headers["ETag"]
    again = get(base_url + "/queries/boycotters.csv", headers={"If-None-Match": tag})
    assert again.status_code == 304
    other = get(base_url + "/queries/boycotters.tsv", headers={"If-None-Match": tag})
    assert other.status_code == 200


def test_an_etag_is_of_the_parameter_values_too(base_url: str) -> None:
    """A tag stands for one answer: another value of a parameter never gets a 304 by it."""
    url = base_url + "/queries/letters-to-state.csv"
    california = get(url)  # the default
    tag = california.headers["ETag"]
    for value in (ID + "jurisdiction/illinois", base_url + "/id/jurisdiction/illinois"):
        illinois = get(url, params={"state": value}, headers={"If-None-Match": tag})
        assert illinois.status_code == 200, value
        assert "Chicago" in illinois.text and "Chicago" not in california.text
        assert illinois.headers["ETag"] != tag
        again = get(
            url, params={"state": value}, headers={"If-None-Match": illinois.headers["ETag"]}
        )
        assert again.status_code == 304, value  # the same value, shown or canonical: same answer
    given = get(
        url, params={"state": ID + "jurisdiction/california"}, headers={"If-None-Match": tag}
    )
    assert given.status_code == 304  # the default, given: the same answer


# --- the HTML page -----------------------------------------------------------------------------------


def test_results_link_iris_to_resource_pages_by_label(base_url: str) -> None:
    page = get(base_url + "/queries/boycotters", headers={"Accept": "text/html"}).text
    assert re.search(r'<a href="/page/person/mitch-landrieu"[^>]*>Mitch Landrieu</a>', page)
    assert "https://kg.example.org/id/person/mitch-landrieu</a>" not in page


def test_the_form_offers_choices_drawn_from_the_graph(base_url: str) -> None:
    page = get(base_url + "/queries/letters-to-state", headers={"Accept": "text/html"}).text
    options = dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', page))
    assert options[ID + "jurisdiction/illinois"] == "Illinois"
    assert ID + "jurisdiction/chicago-il" not in options  # a city is no civ:State
    assert f'<option value="{ID}jurisdiction/california" selected>' in page
    speakers = get(base_url + "/queries/quotations-of-person", headers={"Accept": "text/html"}).text
    assert ">Jeff Sessions</option>" in speakers


def test_each_view_gets_the_data_it_draws(base_url: str) -> None:
    def data(name: str, **params: str) -> dict[str, Any]:
        page = get(f"{base_url}/queries/{name}", params=params, headers={"Accept": "text/html"})
        return view_data(page.text)

    timeline = data("timeline")
    assert timeline["view"] == "timeline" and len(timeline["items"]) == len(
        saved(base_url, "timeline")
    )
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["start"]) for item in timeline["items"])
    graph = data("neighbourhood", entity=ID + "person/mitch-landrieu")
    focus = [n for n in graph["nodes"] if n.get("focus")]
    assert [n["label"] for n in focus] == ["Mitch Landrieu"]
    assert focus[0]["href"] == "/page/person/mitch-landrieu"
    ids = {n["id"] for n in graph["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in graph["edges"])
    bar = data("class-counts")
    assert bar["view"] == "bar" and bar["measure"] == "instances"
    assert {"label": "Person", "value": float(saved_count(base_url, "Person"))} in [
        {"label": b["label"], "value": b["value"]} for b in bar["items"]
    ]


def test_a_bar_chart_skips_a_row_without_its_number(extra_url: str) -> None:
    page = get(extra_url + "/queries/bars-with-a-gap", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    bars = view_data(page.text)
    assert bars["view"] == "bar" and bars["measure"] == "n"
    # The first row has no number: it is left out, and the rows after it are still drawn.
    assert [(b["label"], b["value"]) for b in bars["items"]] == [("b", 2.0), ("c", 3.0)]


def test_a_timeline_without_a_label_column_names_each_item_by_its_thing_or_date(
    extra_url: str,
) -> None:
    page = get(extra_url + "/queries/dated-without-labels", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    timeline = view_data(page.text)
    assert timeline["view"] == "timeline"
    assert timeline["items"] == [
        {
            "date": "2017-11",
            "start": "2017-11-01",
            "label": "2017-11",  # no thing to name it by: its date
            "kind": "",
            "note": "",
            "href": None,
        },
        {
            "date": "2018-01-24",
            "start": "2018-01-24",
            "label": "Jeff Sessions",  # the thing's label, from the graph
            "kind": "Letter",
            "note": "",
            "href": "/page/person/jeff-sessions",
        },
    ]


def test_a_graph_labels_literal_nodes_with_their_text_cut_at_40(extra_url: str) -> None:
    assert len(SHORT_NOTE) == 40 and len(LONG_NOTE) == 41
    page = get(extra_url + "/queries/literal-nodes", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    graph = view_data(page.text)
    assert graph["view"] == "graph"
    literals = sorted((n["id"], n["label"]) for n in graph["nodes"] if n["kind"] == "literal")
    assert literals == sorted(
        [
            (Literal(SHORT_NOTE).n3(), SHORT_NOTE),
            (Literal(LONG_NOTE).n3(), LONG_NOTE[:39] + "…"),
        ]
    )
    (person,) = [n for n in graph["nodes"] if n["kind"] == "iri"]
    assert person["label"] == "Jeff Sessions"
    assert {e["target"] for e in graph["edges"]} == {key for key, _ in literals}
    assert [e["label"] for e in graph["edges"]] == ["note", "note"]  # the property's label


def saved_count(base_url: str, cls: str) -> str:
    rows = saved(base_url, "class-counts")
    return next(r["instances"] for r in rows if r["class"] == CIV + cls)


# --- the editor --------------------------------------------------------------------------------------


def editor_config(base_url: str, **params: str) -> dict[str, Any]:
    page = get(base_url + "/query", params=params)
    assert page.status_code == 200, page.text
    found = re.search(
        r'<script type="application/json" id="editor-config">(.*?)</script>', page.text, re.S
    )
    assert found
    config: dict[str, Any] = json.loads(found.group(1))
    return config


def test_the_editor_is_prefilled_from_a_saved_query_with_its_values(
    base_url: str, queries: dict[str, SavedQuery]
) -> None:
    config = editor_config(base_url, saved="events-between", **{"from": "2018-01-24"})
    assert config["endpoint"] == base_url + "/sparql"
    assert config["tab"] == "events-between"
    text = config["query"]
    assert text.startswith(queries["events-between"].text.split("WHERE", 1)[0])
    assert (
        'VALUES (?_from_xsd_date ?_to_xsd_date) { ("2018-01-24"^^xsd:date "2018-12-31"^^xsd:date) }'
        in text
    )
    parseQuery(text)
    ran = json_rows(requests.post(base_url + "/sparql", data={"query": text}, timeout=30))
    assert ran == saved(base_url, "events-between", **{"from": "2018-01-24"})
    plain = editor_config(base_url, saved="timeline")
    assert plain["query"] == queries["timeline"].text
    given = editor_config(base_url, query="ASK {}")
    assert given["query"] == "ASK {}" and given["prefill"] is True
    assert get(base_url + "/query?saved=no-such-query").status_code == 404


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_value_in_the_editor_stays_one_literal(base_url: str, hostile: str) -> None:
    text = editor_config(base_url, saved="search-labels", text=hostile)["query"]
    parseQuery(text)
    ran = json_rows(requests.post(base_url + "/sparql", data={"query": text}, timeout=30))
    assert ran == saved(base_url, "search-labels", text=hostile) == []
    rows = json_rows(
        requests.post(
            base_url + "/sparql",
            data={
                "query": text.replace(
                    "SELECT DISTINCT ?thing ?label ?type", "SELECT DISTINCT ?_text", 1
                )
            },
            timeout=30,
        )
    )
    assert {r["_text"] for r in rows} <= {hostile}


def test_the_editors_assets_are_served_locally(base_url: str) -> None:
    page = get(base_url + "/query").text
    assert "vendor/yasgui/yasgui.min.js" in page and "saved/editor.js" in page
    assert not re.search(r'(src|href)="https?://(?!127\.0\.0\.1)', page)
    for path in (
        "/static/vendor/yasgui/yasgui.min.js",
        "/static/vendor/yasgui/yasgui.min.css",
        "/static/vendor/cytoscape/cytoscape.min.js",
        "/static/saved/editor.js",
        "/static/saved/views.js",
    ):
        assert get(base_url + path).status_code == 200, f"{path}: run `make setup` (npm ci)"
    prefixes = get(base_url + "/query/prefixes.json").json()
    assert prefixes["civ"] == CIV


# --- OpenAPI -----------------------------------------------------------------------------------------


def test_openapi_describes_every_saved_query(base_url: str, queries: dict[str, SavedQuery]) -> None:
    response = get(base_url + "/openapi.json")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(
        "application/json"
    )
    document = response.json()
    validate(document)  # the OpenAPI 3.0 schema
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] and document["info"]["version"]
    assert document["servers"] == [{"url": base_url}]
    assert set(document["paths"]) == {f"/queries/{name}" for name in queries}
    operation_ids = set()
    for name, query in queries.items():
        operation = document["paths"][f"/queries/{name}"]["get"]
        operation_ids.add(operation["operationId"])
        assert operation["summary"] == query.summary
        assert operation["tags"] == list(query.tags)
        parameters = {p["name"]: p for p in operation["parameters"]}
        assert set(parameters) == {p.name for p in query.parameters}
        content = operation["responses"]["200"]["content"]
        if query.query_type == "SELECT":
            assert {
                "application/sparql-results+json",
                "text/csv",
                "text/tab-separated-values",
            } <= set(content)
        else:
            assert {"text/turtle", "application/n-triples"} <= set(content)
        assert "400" in operation["responses"]
    assert len(operation_ids) == len(queries)
    events = {
        p["name"]: p for p in document["paths"]["/queries/events-between"]["get"]["parameters"]
    }
    assert events["from"]["schema"] == {"type": "string", "format": "date", "default": "2017-01-01"}
    assert events["from"]["required"] is False
    state = document["paths"]["/queries/letters-to-state"]["get"]["parameters"][0]
    assert state["schema"]["format"] == "uri"
    assert ID + "jurisdiction/illinois" in state["schema"]["enum"]
    assert ID + "jurisdiction/chicago-il" not in state["schema"]["enum"]
    assert state["schema"]["default"] in state["schema"]["enum"]


def test_openapi_declares_every_field_of_an_answers_terms(
    base_url: str, queries: dict[str, SavedQuery]
) -> None:
    """A client generated from the document knows each field the JSON answers' terms carry."""
    document = get(base_url + "/openapi.json").json()
    declared = document["components"]["schemas"]["RdfTerm"]["properties"]
    used: set[str] = set()
    for name, query in queries.items():
        if query.query_type != "SELECT":
            continue
        response = get(f"{base_url}/queries/{name}.json")
        assert response.status_code == 200, (name, response.text)
        for row in response.json()["results"]["bindings"]:
            for term in row.values():
                used.update(term)
    assert {"type", "value", "datatype"} <= used  # the answers do carry typed literals
    assert used <= set(declared)
    assert declared["datatype"] == declared["xml:lang"] == {"type": "string"}


def test_openapi_marks_required_parameters(extra_url: str) -> None:
    document = get(extra_url + "/openapi.json").json()
    validate(document)
    (parameter,) = document["paths"]["/queries/needs-name"]["get"]["parameters"]
    assert parameter["required"] is True and parameter["schema"] == {"type": "string"}


JSON_TYPES = ("application/sparql-results+json", "application/json", "application/ld+json")


def test_openapi_schemas_fit_the_answers_and_the_errors(extra_url: str) -> None:
    """Each JSON answer and JSON error fits the schema the document gives it, and a client
    generated from the document knows each field they have (an ASK's `boolean`, an error's
    `message`): the document's schemas leave undeclared fields free, so both are checked."""
    document = get(extra_url + "/openapi.json").json()
    components = document["components"]
    results_fields = set(components["schemas"]["SparqlResults"]["properties"])

    def schema(declared: dict[str, Any]) -> dict[str, Any]:  # its $refs resolve in `document`
        return {**declared, "components": components}

    forms = set()
    for path, item in document["paths"].items():
        operation = item["get"]
        if any(p["required"] for p in operation["parameters"]) or path == "/queries/slow":
            continue
        for mimetype, content in operation["responses"]["200"]["content"].items():
            if mimetype not in JSON_TYPES:
                continue
            answer = get(extra_url + path, headers={"Accept": mimetype})
            assert answer.status_code == 200, (path, mimetype, answer.text[:300])
            assert answer.headers["Content-Type"].split(";")[0] == mimetype
            jsonschema.validate(answer.json(), schema(content["schema"]))
            if mimetype != "application/ld+json":
                assert set(answer.json()) <= results_fields, (path, mimetype)
                forms.add("ASK" if "boolean" in answer.json() else "SELECT")
            else:
                forms.add("graph")
    assert forms == {"SELECT", "ASK", "graph"}  # every kind of JSON answer was seen
    errors = {  # the responses the operations refer to, as a client asking for JSON gets them
        "BadParameter": (400, "/queries/needs-name.json"),
        "NotAcceptable": (406, "/queries/any-letter.ttl"),
        "Unavailable": (503, "/queries/slow.json"),
    }
    for name, (status, path) in errors.items():
        declared = components["responses"][name]["content"]["application/json"]["schema"]
        error = get(extra_url + path, headers={"Accept": "application/json"})
        assert error.status_code == status, (name, error.text)
        jsonschema.validate(error.json(), schema(declared))
        assert set(error.json()) == set(components["schemas"]["Error"]["properties"]), name


def test_openapi_describes_a_post_query_as_a_form(extra_url: str) -> None:
    """`#+ method: POST`: the path also takes a form POST, its parameters as the form's fields."""
    document = get(extra_url + "/openapi.json").json()
    validate(document)
    path = document["paths"]["/queries/post-by-name"]
    get_operation, post = path["get"], path["post"]
    assert post["operationId"] == get_operation["operationId"] + "_post"
    assert post["summary"] == get_operation["summary"]
    assert post["responses"] == get_operation["responses"]
    assert post["parameters"] == []
    body = post["requestBody"]
    assert body["required"] is True
    schema = body["content"]["application/x-www-form-urlencoded"]["schema"]
    assert schema["type"] == "object" and schema["required"] == ["name"]
    (parameter,) = get_operation["parameters"]
    assert schema["properties"] == {
        "name": {**parameter["schema"], "description": parameter["description"]}
    }
    # the form the document describes is answered
    answer = requests.post(
        extra_url + "/queries/post-by-name.json", data={"name": "Chicago"}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    assert json_rows(answer) == json_rows(
        get(extra_url + "/queries/needs-name.json", params={"name": "Chicago"})
    )
    assert json_rows(answer)


# --- start-up ------------------------------------------------------------------------------------------


def test_a_broken_query_in_the_build_stops_the_server_naming_the_file(
    build_dir: Path, tmp_path: Path
) -> None:
    folder = build_with_queries(
        build_dir, tmp_path / "build", {"broken": "#+ summary: broken\nSELECT ?x WHERE { ?x "}
    )
    with pytest.raises(ServerStartError, match=r"broken\.rq"):
        create_app(settings_for(folder))


def test_a_saved_query_with_service_stops_the_server(build_dir: Path, tmp_path: Path) -> None:
    folder = build_with_queries(
        build_dir,
        tmp_path / "build",
        {
            "remote": "#+ summary: remote\nSELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }\n"
        },
    )
    with pytest.raises(ServerStartError, match=r"remote\.rq.*SERVICE"):
        create_app(settings_for(folder))


def test_literal_terms_round_trip_in_bindings(base_url: str) -> None:
    # A value with a language-free string literal comes back unchanged in the editor's VALUES.
    text = editor_config(base_url, saved="search-labels", text='say "hi"')["query"]
    assert Literal('say "hi"').n3() in text


def test_a_json_url_gets_its_error_as_json(base_url: str) -> None:
    response = requests.get(
        f"{base_url}/queries/articles-mentioning.json",
        params={"jurisdiction": "not-an-iri"},
        timeout=30,
    )
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/json")
    assert "jurisdiction" in response.json()["message"]
