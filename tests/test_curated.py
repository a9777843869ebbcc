"""The curated Turtle files (graph/curated/*.ttl).

Each file is one named graph: an article's slug (what that article states) or a public
reference (us-code, us-geography, wikidata, wikipedia). The tests check that every file
parses, that every IRI of a thing is the one graph.iri.mint_iri gives, that the hard cases of
the corpus are held (23 letters to 3 states and 20 cities and counties; Landrieu's two titles;
the meeting canceled or held), and that the union passes the SHACL shapes before and after
OWL RL reasoning.

How IRIs are re-minted (each from the data, never from the IRI itself):
- person, organization: mint_iri(kind, rdfs:label).
- jurisdiction: a civ:State or civ:Country from its label; anything else from its label and
  the civ:postalCode of the civ:State it is civ:locatedIn.
- post: its rdfs:label is "{civ:officeTitle} of {holder}", where holder is the body or place
  as the title names it ("the United States", "the U.S. Conference of Mayors", "New Orleans").
  When the post is civ:postIn a city or county, holder must be that place's label and the
  place's state code is added: mint_iri("post", "Mayor", "New Orleans LA").
- tenure: mint_iri("tenure", holder slug, post slug), from its civ:holder and civ:post.
- statute: from civ:citation "8 U.S.C. § 1373" → mint_iri("statute", "U.S.C.", "8", "1373"),
  and the citation must agree with civ:codeTitle and civ:section.
- letter: mint_iri("letter", civ:onDate, the sender's civ:shortName, the recipient's slug).
- event: mint_iri("event", civ:onDate, civ:shortName).
- statement: mint_iri("statement", civ:quotedText).
- source: mint_iri("source", the stem of the file that describes it).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import owlrl
import pytest
from pyshacl import validate
from rdflib import OWL, RDF, RDFS, SH, XSD, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from graph.iri import mint_iri
from graph.namespaces import CIV, DEFAULT_BASE, PREFIXES, SCHEMA, WD

ROOT = Path(__file__).resolve().parent.parent
CURATED_DIR = ROOT / "graph" / "curated"
CORPUS_DIR = ROOT / "corpus"
ONTOLOGY_FILE = ROOT / "ontology" / "civic.ttl"
SHAPES_FILE = ROOT / "ontology" / "shapes.ttl"

ID = DEFAULT_BASE + "id/"
SKOS = Namespace(PREFIXES["skos"])

CURATED_FILES = sorted(CURATED_DIR.glob("*.ttl"))
ARTICLE_SLUGS = sorted(p.stem for p in CORPUS_DIR.glob("*.txt"))
REFERENCE_STEMS = ["us-code", "us-geography", "us-places", "wikidata", "wikipedia"]

# The Wikidata items ONTOLOGY.md lists as confirmed; no other Q-id may be linked.
CONFIRMED_WIKIDATA = {
    "person/donald-trump": "Q22686",
    "organization/us-department-of-justice": "Q1553390",
    "jurisdiction/new-york-city-ny": "Q60",
    "jurisdiction/chicago-il": "Q1297",
    "jurisdiction/los-angeles-ca": "Q65",
    "jurisdiction/san-francisco-ca": "Q62",
    "jurisdiction/new-orleans-la": "Q34404",
    "jurisdiction/california": "Q99",
    "jurisdiction/illinois": "Q1204",
    "jurisdiction/united-states": "Q30",
}

# The kind (first path segment below id/) that instances of each top class must have.
KIND_OF_CLASS = {
    CIV.Person: "person",
    CIV.Organization: "organization",
    CIV.Jurisdiction: "jurisdiction",
    CIV.Post: "post",
    CIV.Tenure: "tenure",
    CIV.Statute: "statute",
    CIV.Letter: "letter",
    CIV.Event: "event",
    CIV.Statement: "statement",
    CIV.Source: "source",
}

ARTICLE = {slug: mint_iri("article", slug) for slug in ARTICLE_SLUGS}
WASHINGTON_TIMES = "2018-01-24-washington-times-mayors-cancel-meeting"
DOJ_ARTICLE = "2018-01-24-doj-demands-papers-mayors-boycott"
LANDRIEU = mint_iri("person", "Mitch Landrieu")
MEETING = mint_iri("event", "2018-01-24", "White House meeting with mayors")
DEMAND_2018 = mint_iri("event", "2018-01-24", "DOJ records demand")


# ---- Fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def files() -> dict[str, Graph]:
    return {path.stem: Graph().parse(path, format="turtle") for path in CURATED_FILES}


@pytest.fixture(scope="module")
def union(files: dict[str, Graph]) -> Graph:
    graph = Graph()
    for part in files.values():
        graph += part
    return graph


@pytest.fixture(scope="module")
def subclasses(ontology: Graph) -> dict[URIRef, set[Node]]:
    """Each top class → itself and all its subclasses, from the ontology."""
    return {cls: set(ontology.transitive_subjects(RDFS.subClassOf, cls)) for cls in KIND_OF_CLASS}


def instances(union: Graph, subclasses: dict[URIRef, set[Node]], cls: URIRef) -> set[URIRef]:
    found = {s for c in subclasses[cls] for s in union.subjects(RDF.type, c)}
    assert all(isinstance(s, URIRef) for s in found), f"blank node typed {cls}"
    return {s for s in found if isinstance(s, URIRef)}


def one(union: Graph, subject: Node, prop: URIRef) -> Node:
    values = set(union.objects(subject, prop))
    assert len(values) == 1, f"{subject} has {len(values)} values of {prop}: {values}"
    return values.pop()


def path_of(iri: Node, kind: str) -> str:
    """The part of a thing's IRI after `id/{kind}/`."""
    prefix = f"{ID}{kind}/"
    assert str(iri).startswith(prefix), f"{iri} is not a {kind}"
    return str(iri)[len(prefix) :]


def article_descriptions() -> Graph:
    """Stand-ins for the article nodes the builder writes (type, label, hash, text, date).

    Curated statements point at articles with civ:reportedIn, and the shapes require the
    target to be a civ:NewsArticle with its hash and text; the builder makes those nodes from
    the corpus, so for validating the curated files alone the test makes them the same way.
    """
    graph = Graph()
    for slug in ARTICLE_SLUGS:
        text_file = CORPUS_DIR / f"{slug}.txt"
        text = text_file.read_text(encoding="utf-8")
        meta = json.loads((CORPUS_DIR / f"{slug}.meta.json").read_text(encoding="utf-8"))
        article = ARTICLE[slug]
        graph.add((article, RDF.type, CIV.NewsArticle))
        graph.add((article, RDFS.label, Literal(meta["title"], lang="en")))
        graph.add((article, SCHEMA.headline, Literal(meta["title"], lang="en")))
        graph.add((article, SCHEMA.datePublished, Literal(meta["published"], datatype=XSD.date)))
        graph.add((article, CIV.fullText, Literal(text)))
        graph.add((article, CIV.sha256, Literal(hashlib.sha256(text.encode()).hexdigest())))
    return graph


def shape_results(data: Graph) -> tuple[bool, list[str]]:
    """Whether `data` conforms to the shapes, and one line per result (any severity)."""
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    results = [
        f"{report.value(r, SH.resultSeverity)} {report.value(r, SH.focusNode)} "
        f"{report.value(r, SH.resultPath)}: {report.value(r, SH.resultMessage)}"
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]
    return bool(conforms), results


# ---- Files --------------------------------------------------------------------------------------


def test_there_is_a_file_per_article_and_per_reference() -> None:
    stems = {path.stem for path in CURATED_FILES}
    assert stems == set(ARTICLE_SLUGS) | set(REFERENCE_STEMS)


@pytest.mark.parametrize("path", CURATED_FILES, ids=lambda p: p.stem)
def test_file_parses_and_is_not_empty(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    assert len(graph) > 5
    assert not list(graph.triples((None, OWL.sameAs, None))), "use skos:exactMatch"
    for node in graph.all_nodes():
        if isinstance(node, URIRef) and str(node).startswith(DEFAULT_BASE):
            assert str(node).startswith((ID, str(CIV))), f"{node} is outside id/ and civ:"


@pytest.mark.parametrize("stem", REFERENCE_STEMS)
def test_reference_file_describes_its_source(files: dict[str, Graph], stem: str) -> None:
    graph = files[stem]
    source = mint_iri("source", stem)
    assert (source, RDF.type, CIV.Source) in graph
    for prop in (RDFS.label, RDFS.comment):
        value = one(graph, source, prop)
        assert isinstance(value, Literal) and value.language == "en"
    assert isinstance(one(graph, source, SCHEMA.url), URIRef)
    # A file describes only its own source.
    assert set(graph.subjects(RDF.type, CIV.Source)) == {source}


@pytest.mark.parametrize("slug", ARTICLE_SLUGS)
def test_article_file_describes_no_source_node(files: dict[str, Graph], slug: str) -> None:
    assert not list(files[slug].subjects(RDF.type, CIV.Source))


def test_article_iris_name_corpus_files(union: Graph) -> None:
    for node in union.all_nodes():
        if str(node).startswith(ID + "article/"):
            assert node in ARTICLE.values(), f"{node} is not a corpus article"


# ---- Every IRI re-mints -------------------------------------------------------------------------


def test_every_thing_is_typed_with_the_kind_its_iri_says(
    union: Graph, subclasses: dict[URIRef, set[Node]]
) -> None:
    kind_of_type = {c: kind for cls, kind in KIND_OF_CLASS.items() for c in subclasses[cls]}
    things = {n for n in union.all_nodes() if str(n).startswith(ID)}
    assert len(things) > 100
    for thing in things:
        kind = str(thing)[len(ID) :].split("/")[0]
        if kind == "article":
            continue
        kinds = {kind_of_type.get(t) for t in union.objects(thing, RDF.type)} - {None}
        assert kinds == {kind}, f"{thing} is typed as {kinds or 'nothing'}"


def test_each_thing_has_one_label_across_all_files(union: Graph) -> None:
    """Files that describe the same thing must spell its label identically."""
    for subject in set(union.subjects(RDFS.label)):
        labels = set(union.objects(subject, RDFS.label))
        assert len(labels) == 1, f"{subject} has labels {labels}"


def test_people_remint(union: Graph, subclasses: dict[URIRef, set[Node]]) -> None:
    people = instances(union, subclasses, CIV.Person)
    assert len(people) == 10
    for person in people:
        assert mint_iri("person", str(one(union, person, RDFS.label))) == person


def test_organizations_remint(union: Graph, subclasses: dict[URIRef, set[Node]]) -> None:
    organizations = instances(union, subclasses, CIV.Organization)
    assert len(organizations) >= 13
    for organization in organizations:
        label = str(one(union, organization, RDFS.label))
        assert mint_iri("organization", label) == organization


def state_of(union: Graph, place: Node) -> Node:
    states = [s for s in union.objects(place, CIV.locatedIn) if (s, RDF.type, CIV.State) in union]
    assert len(states) == 1, f"{place} is located in states {states}"
    return states[0]


def is_state_or_country(union: Graph, place: Node) -> bool:
    return any((place, RDF.type, c) in union for c in (CIV.State, CIV.Country))


def test_jurisdictions_remint(union: Graph, subclasses: dict[URIRef, set[Node]]) -> None:
    places = instances(union, subclasses, CIV.Jurisdiction)
    # 20 recipients below a state; New Orleans, Burnsville, Washington D.C., the US; 50 states,
    # D.C.; and the places of the us-places reference that no article file describes
    assert len(places) == 20 + 4 + 51 + 88
    for place in places:
        label = str(one(union, place, RDFS.label))
        if is_state_or_country(union, place):
            assert mint_iri("jurisdiction", label) == place
        else:
            code = str(one(union, state_of(union, place), CIV.postalCode))
            assert mint_iri("jurisdiction", label, state=code) == place


def test_posts_remint(union: Graph, subclasses: dict[URIRef, set[Node]]) -> None:
    posts = instances(union, subclasses, CIV.Post)
    assert len(posts) == 12
    for post in posts:
        label = str(one(union, post, RDFS.label))
        office = str(one(union, post, CIV.officeTitle))
        assert label.startswith(f"{office} of "), f"{post}: {label!r} is not {office!r} of …"
        holder = label[len(office) + len(" of ") :]
        body = one(union, post, CIV.postIn)
        if str(body).startswith(ID + "jurisdiction/") and not is_state_or_country(union, body):
            assert holder == str(one(union, body, RDFS.label)), f"{post} is not in {holder}"
            holder += " " + str(one(union, state_of(union, body), CIV.postalCode))
        assert mint_iri("post", office, holder) == post


def test_tenures_remint_and_name_their_articles(
    union: Graph, subclasses: dict[URIRef, set[Node]]
) -> None:
    tenures = instances(union, subclasses, CIV.Tenure)
    assert len(tenures) == 12
    for tenure in tenures:
        person = path_of(one(union, tenure, CIV.holder), "person")
        post = path_of(one(union, tenure, CIV.post), "post")
        assert mint_iri("tenure", person, post) == tenure
        claimed_by = set(union.objects(tenure, CIV.claimedBy))
        assert claimed_by and claimed_by <= set(ARTICLE.values()), tenure


def test_statutes_remint(union: Graph, subclasses: dict[URIRef, set[Node]]) -> None:
    statutes = instances(union, subclasses, CIV.Statute)
    assert statutes == {URIRef(ID + "statute/usc/8/1373")}
    for statute in statutes:
        citation = str(one(union, statute, CIV.citation))
        match = re.fullmatch(r"(\d+) (U\.S\.C\.) § (\w+)", citation)
        assert match, citation
        title, code, section = match.groups()
        assert one(union, statute, CIV.codeTitle) == Literal(int(title))
        assert str(one(union, statute, CIV.section)) == section
        assert mint_iri("statute", code, title, section) == statute


def test_letters_remint(union: Graph, subclasses: dict[URIRef, set[Node]]) -> None:
    letters = instances(union, subclasses, CIV.Letter)
    assert letters
    for letter in letters:
        date = str(one(union, letter, CIV.onDate))
        sender = str(one(union, one(union, letter, CIV.sender), CIV.shortName))
        recipient = path_of(one(union, letter, CIV.recipient), "jurisdiction")
        assert mint_iri("letter", date, sender, recipient) == letter


def test_events_remint(union: Graph, subclasses: dict[URIRef, set[Node]]) -> None:
    events = instances(union, subclasses, CIV.Event)
    assert len(events) >= 10
    for event in events:
        date = str(one(union, event, CIV.onDate))
        name = str(one(union, event, CIV.shortName))
        assert mint_iri("event", date, name) == event


def test_statements_remint(union: Graph, subclasses: dict[URIRef, set[Node]]) -> None:
    statements = instances(union, subclasses, CIV.Statement)
    assert len(statements) == 3
    for statement in statements:
        assert mint_iri("statement", str(one(union, statement, CIV.quotedText))) == statement


def test_sources_remint(union: Graph, subclasses: dict[URIRef, set[Node]]) -> None:
    sources = instances(union, subclasses, CIV.Source)
    assert sources == {mint_iri("source", stem) for stem in REFERENCE_STEMS}


# ---- What the graph must know -------------------------------------------------------------------


def test_23_letters_of_24_january_to_3_states_and_20_others(union: Graph) -> None:
    letters = set(union.subjects(CIV.onDate, Literal("2018-01-24", datatype=XSD.date))) & set(
        union.subjects(RDF.type, CIV.Letter)
    )
    assert len(letters) == 23
    recipients = {one(union, letter, CIV.recipient) for letter in letters}
    assert len(recipients) == 23
    states = {r for r in recipients if (r, RDF.type, CIV.State) in union}
    assert {path_of(s, "jurisdiction") for s in states} == {"california", "illinois", "oregon"}
    # The demand they carry is addressed to the same 23, and each letter is about § 1373.
    assert set(union.objects(DEMAND_2018, CIV.instrument)) == letters
    assert set(union.objects(DEMAND_2018, CIV.target)) == recipients
    for letter in letters:
        assert one(union, letter, CIV.concernsStatute) == URIRef(ID + "statute/usc/8/1373")
        assert one(union, letter, CIV.sender) == mint_iri(
            "organization", "U.S. Department of Justice"
        )


def test_the_doj_list_states_the_kinds_it_names(files: dict[str, Graph]) -> None:
    doj = files[DOJ_ARTICLE]
    denver = mint_iri("jurisdiction", "Denver", state="CO")
    assert {CIV.City, CIV.County} <= set(doj.objects(denver, RDF.type))
    cook = mint_iri("jurisdiction", "Cook County", state="IL")
    assert (cook, RDF.type, CIV.County) in doj
    assert (cook, CIV.locatedIn, mint_iri("jurisdiction", "Illinois")) in doj


def test_consolidated_city_counties_are_both(union: Graph) -> None:
    for label, code in (("Denver", "CO"), ("San Francisco", "CA"), ("Louisville Metro", "KY")):
        place = mint_iri("jurisdiction", label, state=code)
        assert {CIV.City, CIV.County} <= set(union.objects(place, RDF.type)), label


def test_every_place_below_a_state_is_in_a_state_with_a_postal_code(
    union: Graph, subclasses: dict[URIRef, set[Node]]
) -> None:
    country = mint_iri("jurisdiction", "United States")
    assert (country, RDF.type, CIV.Country) in union
    for place in instances(union, subclasses, CIV.Jurisdiction):
        if (place, RDF.type, CIV.Country) in union:
            continue
        if (place, RDF.type, CIV.State) in union:
            assert re.fullmatch(r"[A-Z]{2}", str(one(union, place, CIV.postalCode)))
            assert one(union, place, CIV.locatedIn) == country
            continue
        state = state_of(union, place)
        assert re.fullmatch(r"[A-Z]{2}", str(one(union, state, CIV.postalCode))), place
        assert {CIV.City, CIV.County} & set(union.objects(place, RDF.type)), f"{place} has no kind"


def test_landrieu_president_and_chairman_both_kept_with_sources(union: Graph) -> None:
    def claimed_by(post_label: str) -> set[str]:
        post = mint_iri("post", *post_label.split(" of ", 1))
        tenure = mint_iri("tenure", path_of(LANDRIEU, "person"), path_of(post, "post"))
        return {path_of(a, "article") for a in union.objects(tenure, CIV.claimedBy)}

    assert claimed_by("Chairman of the U.S. Conference of Mayors") == {WASHINGTON_TIMES}
    assert claimed_by("President of the U.S. Conference of Mayors") == {
        "2018-01-24-asian-journal-sessions-warns-sanctuary-cities",
        DOJ_ARTICLE,
        "2018-01-25-mayors-boycott-trump-meeting",
    }


def test_meeting_canceled_or_held_claims_are_both_kept(union: Graph) -> None:
    claims = set(union.subjects(CIV.concerns, MEETING)) & set(union.subjects(RDF.type, CIV.Claim))
    found = {
        (
            path_of(one(union, c, CIV.speaker), "organization"),
            path_of(one(union, c, CIV.reportedIn), "article"),
            one(union, c, CIV.claimedStatus),
        )
        for c in claims
    }
    assert found == {
        ("the-washington-times", WASHINGTON_TIMES, SCHEMA.EventCancelled),
        ("the-washington-times", WASHINGTON_TIMES, SCHEMA.EventScheduled),
        ("the-independent", "2018-01-25-mayors-boycott-trump-meeting", SCHEMA.EventCancelled),
    }


def test_boycotters(union: Graph) -> None:
    boycott = mint_iri("event", "2018-01-24", "boycott White House meeting")
    assert (boycott, CIV.concerns, MEETING) in union
    boycotters = {path_of(p, "person") for p in union.objects(boycott, CIV.boycotter)}
    assert boycotters == {
        "bill-de-blasio",
        "mitch-landrieu",
        "eric-garcetti",
        "rahm-emanuel",
        "elizabeth-kautz",
    }


def test_nielsen_misspelling_is_an_alias(union: Graph) -> None:
    nielsen = mint_iri("person", "Kirstjen Nielsen")
    assert one(union, nielsen, RDFS.label) == Literal("Kirstjen Nielsen", lang="en")
    assert Literal("Kirstjen Nielson") in set(union.objects(nielsen, CIV.alias))


def test_parties(union: Graph) -> None:
    def party(name: str) -> set[str]:
        return {
            path_of(p, "person")
            for p in union.subjects(CIV.partyAffiliation, mint_iri("organization", name))
        }

    assert party("Democratic Party") == {
        "bill-de-blasio",
        "mitch-landrieu",
        "eric-garcetti",
        "rahm-emanuel",
    }
    assert party("Republican Party") == {"elizabeth-kautz"}


def test_only_confirmed_wikidata_links(files: dict[str, Graph], union: Graph) -> None:
    links = {(str(s)[len(ID) :], str(o)) for s, o in union.subject_objects(SKOS.exactMatch)}
    assert links == {(thing, str(WD[q])) for thing, q in CONFIRMED_WIKIDATA.items()}
    assert set(files["wikidata"].subject_objects(SKOS.exactMatch)) == set(
        union.subject_objects(SKOS.exactMatch)
    )


def test_statute_links_cornell(files: dict[str, Graph]) -> None:
    statute = URIRef(ID + "statute/usc/8/1373")
    cornell = URIRef("https://www.law.cornell.edu/uscode/text/8/1373")
    assert (statute, RDFS.seeAlso, cornell) in files["us-code"]
    assert one(files["us-code"], statute, CIV.citation) == Literal("8 U.S.C. § 1373")


# ---- Reasoning and validation -------------------------------------------------------------------


def test_reasoning_infers_follow_ups_tenures_and_containment(ontology: Graph, union: Graph) -> None:
    closure = Graph()
    closure += ontology
    closure += union
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    april_2017 = mint_iri("event", "2017-04", "DOJ records request")
    assert (DEMAND_2018, CIV.followsUp, april_2017) not in union
    assert (DEMAND_2018, CIV.followsUp, april_2017) in closure
    chairman = mint_iri("post", "Chairman", "the U.S. Conference of Mayors")
    assert (LANDRIEU, CIV.holdsPost, chairman) in closure
    assert (chairman, CIV.heldBy, LANDRIEU) in closure
    chicago = mint_iri("jurisdiction", "Chicago", state="IL")
    assert (chicago, CIV.locatedIn, mint_iri("jurisdiction", "United States")) in closure


def test_shapes_pass_on_the_asserted_union(ontology: Graph, union: Graph) -> None:
    data = Graph()
    data += ontology
    data += union
    data += article_descriptions()
    conforms, results = shape_results(data)
    assert results == []
    assert conforms


def test_shapes_pass_after_reasoning(ontology: Graph, union: Graph) -> None:
    data = Graph()
    data += ontology
    data += union
    data += article_descriptions()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(data)
    conforms, results = shape_results(data)
    assert results == []
    assert conforms
