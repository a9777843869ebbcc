"""Saved queries: headers, typed parameters bound through the engine, and what they answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset

from graph.build import build
from graph.errors import QueryFileError
from graph.queries import ParameterError, SavedQuery, load_queries, load_query
from graph.settings import PROJECT_ROOT, Settings

ID = "https://kg.example.org/id/"
QUERIES = {q.name: q for q in load_queries(PROJECT_ROOT / "queries")}


@pytest.fixture(scope="module")
def dataset(build_dir: Path) -> Dataset:
    data = Dataset(default_union=True)
    data.parse(build_dir / "dataset.trig", format="trig")
    return data


def run(dataset: Dataset, name: str, **values: str) -> list[dict[str, str]]:
    query = QUERIES[name]
    result = dataset.query(query.text, initBindings=query.bindings(values))
    if query.query_type == "CONSTRUCT":  # its triples, as rows
        return [{"subject": str(s), "predicate": str(p), "object": str(o)} for s, p, o in result]  # type: ignore[misc]
    return [{str(k): str(v) for k, v in row.asdict().items()} for row in result]  # type: ignore[union-attr]


def test_there_are_at_least_fifteen_documented_queries() -> None:
    assert len(QUERIES) >= 15
    for query in QUERIES.values():
        assert query.summary and query.description and query.tags, query.name


ARTICLE = ID + "article/"
CIV = "https://kg.example.org/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
# Each saved query: the columns its SELECT projects (a CONSTRUCT's triples as subject,
# predicate, object), values that one row of its answer with its defaults holds (a value ending
# in "…" is the start of one), and for a query with parameters values no row may hold (what the
# answer would have if a default were not bound). A new query needs a line here.
EXPECTED: dict[str, tuple[list[str], dict[str, str], dict[str, str] | None]] = {
    "about-entity": (
        ["subject", "predicate", "object", "graph"],
        {
            "subject": ID + "person/mitch-landrieu",
            "predicate": RDFS_LABEL,
            "object": "Mitch Landrieu",
        },
        {"subject": ID + "person/jeff-sessions", "predicate": RDFS_LABEL},
    ),
    "article-exclusives": (
        ["article", "title", "thing", "label"],
        {
            "article": ARTICLE + "2018-01-24-doj-demands-papers-mayors-boycott",
            "label": "Burlington",
        },
        None,
    ),
    "articles-mentioning": (
        ["article", "title", "mentions", "example"],
        {"article": ARTICLE + "2018-01-24-justice-department-threatens-subpoenas"},
        {"article": ARTICLE + "2018-01-25-mayors-boycott-trump-meeting"},  # no Chicago in it
    ),
    "boycotters": (
        ["person", "name", "offices", "party"],
        {"person": ID + "person/elizabeth-kautz", "party": "Republican Party"},
        None,
    ),
    "class-counts": (
        ["class", "instances"],
        {"class": CIV + "NewsArticle", "instances": "5"},
        None,
    ),
    "disagreements": (
        ["person", "name", "body", "officeA", "sourceA", "officeB", "sourceB"],
        {"name": "Mitch Landrieu", "body": "U.S. Conference of Mayors", "officeA": "Chairman"},
        None,
    ),
    "events-between": (
        ["event", "date", "kind", "label"],
        {"event": ID + "event/2017/doj-records-requests", "date": "2017", "kind": "Demand"},
        {"date": "2016"},
    ),
    "inferred-only": (["property", "triples"], {"property": CIV + "containsPlace"}, None),
    "letter-recipients": (
        ["recipient", "name", "date", "kinds", "state", "stateName"],
        {
            "recipient": ID + "jurisdiction/chicago-il",
            "date": "2018-01-24",
            "stateName": "Illinois",
        },
        None,
    ),
    "letters-and-statute": (
        ["letter", "date", "senderName", "recipientName", "statute", "citation"],
        {"recipientName": "Chicago", "statute": ID + "statute/usc/8/1373"},
        None,
    ),
    "letters-to-state": (
        ["letter", "date", "recipient", "name"],
        {"recipient": ID + "jurisdiction/berkeley-ca", "date": "2018-01-24"},
        {"recipient": ID + "jurisdiction/chicago-il"},
    ),
    "most-mentioned": (
        ["thing", "label", "articles", "mentions"],
        {"thing": ID + "person/jeff-sessions", "label": "Jeff Sessions", "articles": "5"},
        None,
    ),
    "named-graphs": (
        ["graph", "label", "triples", "source"],
        {"graph": "https://kg.example.org/graph/curated/us-code", "source": ID + "source/us-code"},
        None,
    ),
    "neighbourhood": (
        ["subject", "predicate", "object"],
        {
            "subject": ID + "event/2018-01-24/boycott-white-house-meeting",
            "predicate": CIV + "boycotter",
            "object": ID + "person/mitch-landrieu",
        },
        {"subject": ID + "person/jeff-sessions"},
    ),
    "officials-by-organization": (
        ["body", "bodyName", "office", "person", "name"],
        {"bodyName": "Chicago", "office": "Mayor of Chicago", "name": "Rahm Emanuel"},
        None,
    ),
    "quotations-of-person": (
        ["statement", "text", "channels", "reports", "articles"],
        {"text": "I continue to urge all jurisdictions under review to reconsider…"},
        {"text": "Threaten me all you want…"},  # Eric Garcetti's
    ),
    "search-labels": (
        ["thing", "label", "type"],
        {
            "thing": ID + "post/mayor-of-chicago-il",
            "label": "Mayor of Chicago",
            "type": CIV + "Post",
        },
        {"thing": ID + "person/jeff-sessions"},
    ),
    "statements-by-reach": (
        ["statement", "speakerName", "text", "articles"],
        {"speakerName": "Jeff Sessions", "text": "I continue to urge all jurisdictions…"},
        None,
    ),
    "timeline": (
        ["thing", "date", "kind", "label", "participants"],
        {"thing": ID + "event/2017/doj-records-requests", "date": "2017", "kind": "Demand"},
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_saved_query_answers_with_its_defaults(dataset: Dataset, name: str) -> None:
    assert name in EXPECTED, f"{name}: say in EXPECTED what its answer holds"
    columns, present, absent = EXPECTED[name]
    query = QUERIES[name]
    result = dataset.query(query.text, initBindings=query.bindings({}))
    if query.query_type == "CONSTRUCT":
        assert columns == ["subject", "predicate", "object"], name
    else:
        assert [str(v) for v in result.vars or []] == columns, name
    rows = run(dataset, name)
    assert any(holds(row, present) for row in rows), (name, present, rows[:5])
    assert (absent is None) is (not query.parameters), name
    if absent is not None:
        assert not any(holds(row, absent) for row in rows), (name, absent)


def holds(row: dict[str, str], known: dict[str, str]) -> bool:
    return all(
        row.get(k, "").startswith(v[:-1]) if v.endswith("…") else row.get(k) == v
        for k, v in known.items()
    )


def test_parameters_follow_the_basil_convention() -> None:
    params = {p.name: p for p in QUERIES["articles-mentioning"].parameters}
    assert params["jurisdiction"].kind == "iri"
    assert params["jurisdiction"].cls == "https://kg.example.org/ontology#Jurisdiction"
    assert params["jurisdiction"].enumerate
    dates = {p.name: p.kind for p in QUERIES["events-between"].parameters}
    assert dates == {"from": "date", "to": "date"}


@pytest.mark.parametrize(
    ("name", "values", "parameter"),
    [
        ("articles-mentioning", {"jurisdiction": "not an iri"}, "jurisdiction"),
        ("articles-mentioning", {"jurisdiction": "https://x.org/a b"}, "jurisdiction"),
        ("events-between", {"from": "24/01/2018"}, "from"),
        ("search-labels", {"colour": "red"}, "colour"),
    ],
)
def test_an_ill_typed_value_names_its_parameter(
    name: str, values: dict[str, str], parameter: str
) -> None:
    with pytest.raises(ParameterError) as err:
        QUERIES[name].bindings(values)
    assert err.value.parameter == parameter


@pytest.mark.parametrize(
    "hostile", ['"} ; DROP ALL ; #', 'x") } UNION { ?s ?p ?o } #', "mayor' || true"]
)
def test_hostile_values_are_only_values(dataset: Dataset, hostile: str) -> None:
    before = len(dataset)
    assert run(dataset, "search-labels", text=hostile) == []
    assert len(dataset) == before


def test_letter_recipients_are_the_23_jurisdictions_of_three_kinds(dataset: Dataset) -> None:
    rows = [r for r in run(dataset, "letter-recipients") if r.get("date") == "2018-01-24"]
    recipients = {r["recipient"] for r in rows}
    assert len(recipients) >= 23
    kinds = {r["recipient"]: r["kinds"] for r in rows}
    assert "state" in kinds[ID + "jurisdiction/oregon"]
    assert "county" in kinds[ID + "jurisdiction/cook-county-il"]
    assert {"city", "county"} <= set(kinds[ID + "jurisdiction/denver-co"].split(", "))
    states = {r["recipient"]: r.get("stateName") for r in rows}
    assert states[ID + "jurisdiction/chicago-il"] == "Illinois"


def test_boycotters_with_office_and_party(dataset: Dataset) -> None:
    rows = {r["person"]: r for r in run(dataset, "boycotters")}
    for name in (
        "bill-de-blasio",
        "mitch-landrieu",
        "eric-garcetti",
        "rahm-emanuel",
        "elizabeth-kautz",
    ):
        assert ID + "person/" + name in rows
    assert rows[ID + "person/elizabeth-kautz"]["party"] == "Republican Party"
    assert "Mayor of New York City" in rows[ID + "person/bill-de-blasio"]["offices"]


def test_quotations_of_a_person_with_their_reports(dataset: Dataset) -> None:
    rows = run(dataset, "quotations-of-person", speaker=ID + "person/jeff-sessions")
    # one statement, however many wordings: reported by all five articles
    assert max(int(r["reports"]) for r in rows) == 5
    assert any("defies common sense" in r["text"] for r in rows)
    assert len({r["statement"] for r in rows}) == len(rows)  # one row per statement


def test_disagreements_show_both_offices_and_sources(dataset: Dataset) -> None:
    rows = run(dataset, "disagreements")
    landrieu = [r for r in rows if r["person"] == ID + "person/mitch-landrieu"]
    assert any({r["officeA"], r["officeB"]} == {"Chairman", "President"} for r in landrieu)


def test_letters_cite_the_statute(dataset: Dataset) -> None:
    rows = run(dataset, "letters-and-statute")
    cited = [r for r in rows if r.get("statute") == ID + "statute/usc/8/1373"]
    assert len({r["letter"] for r in cited}) >= 23


def test_officials_by_organization(dataset: Dataset) -> None:
    rows = run(dataset, "officials-by-organization")
    assert any(
        r["person"] == ID + "person/jeff-sessions" and "Attorney General" in r["office"]
        for r in rows
    )


def test_timeline_is_in_date_order_and_has_the_boycott(dataset: Dataset) -> None:
    rows = run(dataset, "timeline")
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)
    assert any(r["kind"] == "Boycott" and r["date"] == "2018-01-24" for r in rows)


def test_articles_mentioning_a_jurisdiction(dataset: Dataset) -> None:
    rows = run(dataset, "articles-mentioning", jurisdiction=ID + "jurisdiction/chicago-il")
    assert len(rows) >= 3
    assert all("Chicago" in r["example"] for r in rows)


def test_letters_to_a_state(dataset: Dataset) -> None:
    rows = run(dataset, "letters-to-state", state=ID + "jurisdiction/california")
    names = {r["name"] for r in rows}
    assert {"California", "Berkeley", "Sonoma County"} <= names
    assert "Chicago" not in names


def test_facts_only_reasoning_adds(dataset: Dataset) -> None:
    rows = {r["property"]: int(r["triples"]) for r in run(dataset, "inferred-only")}
    assert rows["https://kg.example.org/ontology#containsPlace"] > 0


def test_the_build_describes_and_copies_each_query(build_dir: Path, dataset: Dataset) -> None:
    for name in QUERIES:
        assert (build_dir / "queries" / f"{name}.rq").read_text(encoding="utf-8") == QUERIES[
            name
        ].text
    labels = {str(o) for o in dataset.objects(None, None) if str(o) == QUERIES["timeline"].summary}
    assert labels


def test_a_broken_query_fails_the_build_naming_the_file(
    tmp_path: Path, project_settings: Settings
) -> None:
    (tmp_path / "broken.rq").write_text(
        "#+ summary: broken\nSELECT ?x WHERE { ?x ", encoding="utf-8"
    )
    with pytest.raises(QueryFileError, match=r"broken\.rq"):
        load_query(tmp_path / "broken.rq")
    settings = project_settings.replace(queries=str(tmp_path), build=str(tmp_path / "out"))
    with pytest.raises(QueryFileError, match=r"broken\.rq.*does not parse"):
        build(settings)


def test_a_query_without_summary_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bare.rq").write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    with pytest.raises(QueryFileError, match="summary"):
        load_query(tmp_path / "bare.rq")


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("# not a CONSTRUCT\nSELECT ?s WHERE { ?s ?p 'ASK' }", "SELECT"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("PREFIX select: <urn:x:>\nASK { ?s select:p ?o }", "ASK"),
        ("DESCRIBE <urn:x:a>", "DESCRIBE"),
    ],
)
def test_saved_query_type(tmp_path: Path, text: str, form: str) -> None:
    """A query's form is read from its parse, not from words in its text."""
    (tmp_path / "q.rq").write_text(f"#+ summary: one query\n{text}\n", encoding="utf-8")
    query = load_query(tmp_path / "q.rq")
    assert isinstance(query, SavedQuery) and query.query_type == form
    assert {q.query_type for q in QUERIES.values()} == {"SELECT", "CONSTRUCT"}
    assert [q.name for q in QUERIES.values() if q.query_type == "CONSTRUCT"] == ["neighbourhood"]


HEADER = """#+ summary: Letters of a sender
# an ordinary comment and a blank line inside the header

#+ description: Every letter a sender sent, with its date.
#+ method: post
#+ tags:
#+   - letters
#+   - people
#+ defaults:
#+   - sender: https://kg.example.org/id/organization/doj
# an ordinary comment between the header and the query

SELECT ?letter WHERE { ?letter ?p ?_sender_iri }
#+ view: graph
"""


def test_the_header_is_read_up_to_the_query_and_no_further(tmp_path: Path) -> None:
    """Comments and blank lines may stand inside the header and between it and the query; a
    `#+` line after the query's first line is the query's text, not the header's."""
    (tmp_path / "letters.rq").write_text(HEADER, encoding="utf-8")
    query = load_query(tmp_path / "letters.rq")
    assert query.summary == "Letters of a sender"
    assert query.description == "Every letter a sender sent, with its date."
    assert query.method == "POST"
    assert query.tags == ("letters", "people")
    assert query.view == "table"  # the "#+ view: graph" after the query does not count
    (sender,) = query.parameters
    assert sender.default == "https://kg.example.org/id/organization/doj"
    assert not sender.required  # it has a default


@pytest.mark.parametrize(
    ("variable", "kind", "datatype", "language", "required"),
    [
        ("_name", "string", None, None, True),
        ("__name", "string", None, None, False),
        ("_who_iri", "iri", None, None, True),
        ("_n_integer", "integer", None, None, True),
        ("_day_xsd_date", "date", None, None, True),
        ("_words_en", "lang", None, "en", True),
        ("__words_fr", "lang", None, "fr", False),
        ("_at_xsd_dateTime", "literal", "http://www.w3.org/2001/XMLSchema#dateTime", None, True),
        ("_n_xsd_decimal", "literal", "http://www.w3.org/2001/XMLSchema#decimal", None, True),
    ],
)
def test_a_parameters_type_is_its_variables_suffix(
    tmp_path: Path,
    variable: str,
    kind: str,
    datatype: str | None,
    language: str | None,
    required: bool,
) -> None:
    """The BASIL convention, one row per suffix: the kind, datatype and language it gives."""
    text = f"#+ summary: one parameter\nSELECT * WHERE {{ ?s ?p ?{variable} }}\n"
    (tmp_path / "q.rq").write_text(text, encoding="utf-8")
    (parameter,) = load_query(tmp_path / "q.rq").parameters
    assert (parameter.name, parameter.variable) == (variable.lstrip("_").split("_")[0], variable)
    assert (parameter.kind, parameter.datatype, parameter.language) == (kind, datatype, language)
    assert parameter.required is required


@pytest.mark.parametrize("suffix", ["xsd_date_x", "english", "a_b_c"])
def test_an_unknown_parameter_suffix_is_refused(tmp_path: Path, suffix: str) -> None:
    (tmp_path / "q.rq").write_text(
        f"#+ summary: one parameter\nSELECT * WHERE {{ ?s ?p ?_v_{suffix} }}\n", encoding="utf-8"
    )
    with pytest.raises(QueryFileError, match="unknown parameter type"):
        load_query(tmp_path / "q.rq")


def test_a_typed_literal_value_keeps_its_text_and_datatype(tmp_path: Path) -> None:
    (tmp_path / "q.rq").write_text(
        "#+ summary: one parameter\nSELECT * WHERE { ?s ?p ?_at_xsd_dateTime }\n",
        encoding="utf-8",
    )
    query = load_query(tmp_path / "q.rq")
    term = query.bindings({"at": "2018-01-24T10:00:00"})["_at_xsd_dateTime"]
    assert term.n3() == '"2018-01-24T10:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime>'
