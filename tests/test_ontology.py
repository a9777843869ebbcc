"""The ontology (ontology/civic.ttl) and the SHACL shapes (ontology/shapes.ttl).

Checks that the ontology parses and documents every term, that the terms other code relies on
exist with the right kind, that the alignments hold, that OWL RL reasoning (owlrl, always on a
copy) really draws the inverse, transitive and property-chain conclusions, and that the shapes
catch what they are meant to catch while letting inference-added triples through.
"""

from __future__ import annotations

from pathlib import Path

import owlrl
import pytest
from pyshacl import validate
from rdflib import OWL, RDF, RDFS, SH, XSD, BNode, Graph, Literal, Namespace, URIRef

from graph.namespaces import CIV, NIF, ORG, PREFIXES, SCHEMA, SEM

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_FILE = ROOT / "ontology" / "civic.ttl"
SHAPES_FILE = ROOT / "ontology" / "shapes.ttl"
ONTOLOGY_IRI = URIRef("https://kg.example.org/ontology")

FOAF = Namespace(PREFIXES["foaf"])
PROV = Namespace(PREFIXES["prov"])
SKOS = Namespace(PREFIXES["skos"])
EX = Namespace("https://kg.example.org/id/")


def words(text: str) -> list[str]:
    """The whitespace-separated words of `text` (for long lists of term names)."""
    return text.split()


CONTRACT_CLASSES = words(
    """
    Person Organization GovernmentBody NewsOutlet PoliticalParty
    Jurisdiction Country State County City Post Tenure Statute
    Document NewsArticle Letter Event Meeting Boycott Demand Threat StatementEvent
    PressConference Tweet Lawsuit CourtRuling ExecutiveOrder Review
    Statement Quotation Claim Channel Sentence Mention ExtractionMethod Source
    """
)

CONTRACT_OBJECT_PROPERTIES = words(
    """
    holdsPost heldBy holder post hasTenure postIn memberOf hasMember partyAffiliation
    subOrganizationOf hasSubOrganization locatedIn containsPlace
    hasActor agent target attendee boycotter hasPlace concerns inResponseTo instrument
    sender recipient concernsStatute followsUp speaker channel reportedIn publishedBy
    denotes denotedBy inSentence evidence extractedBy claimedBy
    """
)

CONTRACT_DATATYPE_PROPERTIES = words(
    """
    alias onDate startDate endDate postalCode citation codeTitle section quotedText partial
    demands threatens recipientCount sourceFile sha256 publishedBasis fullText version
    """
)

CHANNELS = words(
    """
    TweetChannel PressConferenceChannel WrittenStatementChannel PressReleaseChannel
    InterviewChannel SpokenChannel
    """
)

SUBCLASS_ALIGNMENTS = [
    (CIV.Person, FOAF.Person),
    (CIV.Person, SCHEMA.Person),
    (CIV.Person, PROV.Agent),
    (CIV.Organization, ORG.Organization),
    (CIV.Organization, SCHEMA.Organization),
    (CIV.Organization, PROV.Agent),
    (CIV.GovernmentBody, CIV.Organization),
    (CIV.GovernmentBody, SCHEMA.GovernmentOrganization),
    (CIV.NewsOutlet, CIV.Organization),
    (CIV.NewsOutlet, SCHEMA.NewsMediaOrganization),
    (CIV.PoliticalParty, CIV.Organization),
    (CIV.Jurisdiction, SCHEMA.AdministrativeArea),
    (CIV.Country, CIV.Jurisdiction),
    (CIV.State, CIV.Jurisdiction),
    (CIV.County, CIV.Jurisdiction),
    (CIV.City, CIV.Jurisdiction),
    (CIV.Post, ORG.Post),
    (CIV.Tenure, SCHEMA.Role),
    (CIV.Statute, SCHEMA.Legislation),
    (CIV.Document, SCHEMA.CreativeWork),
    (CIV.Document, PROV.Entity),
    (CIV.NewsArticle, CIV.Document),
    (CIV.NewsArticle, SCHEMA.NewsArticle),
    (CIV.Letter, CIV.Document),
    (CIV.Letter, SCHEMA.Message),
    (CIV.Event, SEM.Event),
    (CIV.Event, SCHEMA.Event),
    (CIV.Statement, PROV.Entity),
    (CIV.Quotation, CIV.Statement),
    (CIV.Quotation, SCHEMA.Quotation),
    (CIV.Claim, CIV.Statement),
    (CIV.Claim, SCHEMA.Claim),
    (CIV.Sentence, NIF.Sentence),
    (CIV.Mention, NIF.Phrase),
    (CIV.ExtractionMethod, PROV.SoftwareAgent),
    (CIV.Source, PROV.Entity),
] + [
    (CIV[name], CIV.Event)
    for name in words(
        "Meeting Boycott Demand Threat StatementEvent PressConference Tweet Lawsuit "
        "CourtRuling ExecutiveOrder Review"
    )
]

SUBPROPERTY_ALIGNMENTS = [
    (CIV.holdsPost, ORG.holds),
    (CIV.heldBy, ORG.heldBy),
    (CIV.postIn, ORG.postIn),
    (CIV.memberOf, ORG.memberOf),
    (CIV.hasMember, ORG.hasMember),
    (CIV.partyAffiliation, CIV.memberOf),
    (CIV.locatedIn, SCHEMA.containedInPlace),
    (CIV.containsPlace, SCHEMA.containsPlace),
    (CIV.hasActor, SEM.hasActor),
    (CIV.agent, CIV.hasActor),
    (CIV.target, CIV.hasActor),
    (CIV.attendee, CIV.hasActor),
    (CIV.boycotter, CIV.hasActor),
    (CIV.hasPlace, SEM.hasPlace),
    (CIV.sender, SCHEMA.sender),
    (CIV.recipient, SCHEMA.recipient),
    (CIV.concernsStatute, CIV.concerns),
    (CIV.speaker, PROV.wasAttributedTo),
    (CIV.publishedBy, SCHEMA.publisher),
    (CIV.extractedBy, PROV.wasAttributedTo),
    (CIV.claimedBy, PROV.wasDerivedFrom),
    (CIV.alias, SKOS.altLabel),
    (CIV.onDate, SCHEMA.startDate),
    (CIV.fullText, NIF.isString),
]

INVERSES = [
    (CIV.holdsPost, CIV.heldBy),
    (CIV.hasTenure, CIV.holder),
    (CIV.memberOf, CIV.hasMember),
    (CIV.subOrganizationOf, CIV.hasSubOrganization),
    (CIV.locatedIn, CIV.containsPlace),
    (CIV.denotes, CIV.denotedBy),
]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


def civ_terms(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(str(CIV))}


def closure(ontology: Graph, data: Graph) -> Graph:
    """The OWL RL closure of ontology + data, computed on a copy (the inputs stay untouched)."""
    copy = Graph()
    copy += ontology
    copy += data
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(copy)
    return copy


def turtle(text: str) -> Graph:
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    return Graph().parse(
        data="@base <https://kg.example.org/id/> .\n" + prefixes + text, format="turtle"
    )


# ---- The ontology document ---------------------------------------------------------------------


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert ontology.value(ONTOLOGY_IRI, RDFS.label) is not None
    assert ontology.value(ONTOLOGY_IRI, RDFS.comment) is not None


def test_every_civ_term_has_english_label_and_comment(ontology: Graph) -> None:
    terms = civ_terms(ontology)
    assert len(terms) > 60
    for term in sorted(terms):
        for prop in (RDFS.label, RDFS.comment):
            values = list(ontology.objects(term, prop))
            assert values, f"{term} has no {prop}"
            assert all(isinstance(v, Literal) and v.language == "en" for v in values), (
                f"{term} {prop} is not @en: {values}"
            )


def test_civ_terms_are_declared_with_one_kind(ontology: Graph) -> None:
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, CIV.Channel}
    for term in civ_terms(ontology):
        declared = set(ontology.objects(term, RDF.type)) & kinds
        assert len(declared) == 1, f"{term} is declared as {declared}"


@pytest.mark.parametrize("name", CONTRACT_CLASSES)
def test_contract_class(ontology: Graph, name: str) -> None:
    assert (CIV[name], RDF.type, OWL.Class) in ontology


@pytest.mark.parametrize("name", CONTRACT_OBJECT_PROPERTIES)
def test_contract_object_property(ontology: Graph, name: str) -> None:
    assert (CIV[name], RDF.type, OWL.ObjectProperty) in ontology


@pytest.mark.parametrize("name", CONTRACT_DATATYPE_PROPERTIES)
def test_contract_datatype_property(ontology: Graph, name: str) -> None:
    assert (CIV[name], RDF.type, OWL.DatatypeProperty) in ontology


@pytest.mark.parametrize("name", CHANNELS)
def test_channel_individual(ontology: Graph, name: str) -> None:
    assert (CIV[name], RDF.type, CIV.Channel) in ontology


@pytest.mark.parametrize(("sub", "sup"), SUBCLASS_ALIGNMENTS)
def test_subclass_alignment(ontology: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subClassOf, sup) in ontology


@pytest.mark.parametrize(("sub", "sup"), SUBPROPERTY_ALIGNMENTS)
def test_subproperty_alignment(ontology: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subPropertyOf, sup) in ontology


@pytest.mark.parametrize(("prop", "inverse"), INVERSES)
def test_inverse_declared(ontology: Graph, prop: URIRef, inverse: URIRef) -> None:
    assert (prop, OWL.inverseOf, inverse) in ontology or (inverse, OWL.inverseOf, prop) in ontology


@pytest.mark.parametrize("prop", [CIV.subOrganizationOf, CIV.locatedIn, CIV.followsUp])
def test_transitive_declared(ontology: Graph, prop: URIRef) -> None:
    assert (prop, RDF.type, OWL.TransitiveProperty) in ontology


def test_tenure_property_chain_declared(ontology: Graph) -> None:
    chain = ontology.value(CIV.holdsPost, OWL.propertyChainAxiom)
    assert chain is not None
    assert list(ontology.items(chain)) == [CIV.hasTenure, CIV.post]


def test_no_domain_or_range_on_our_properties(ontology: Graph) -> None:
    """Reasoning would turn every use of a property into a (possibly wrong) type assertion."""
    for term in civ_terms(ontology):
        assert ontology.value(term, RDFS.domain) is None, f"{term} has rdfs:domain"
        assert ontology.value(term, RDFS.range) is None, f"{term} has rdfs:range"


def test_no_owl_same_as(ontology: Graph) -> None:
    assert not list(ontology.triples((None, OWL.sameAs, None)))


def test_outside_terms_we_align_to_are_declared(ontology: Graph) -> None:
    for prop in (RDFS.subClassOf, RDFS.subPropertyOf):
        for sup in set(ontology.objects(None, prop)):
            assert isinstance(sup, URIRef)
            assert ontology.value(sup, RDF.type) is not None, f"{sup} is not declared"


# ---- Reasoning ----------------------------------------------------------------------------------

REASONING_DATA = """
<person/p> civ:holdsPost <post/a> .

<tenure/t> a civ:Tenure ; civ:holder <person/q> ; civ:post <post/b> .

<jurisdiction/c> a civ:City ; civ:locatedIn <jurisdiction/s> .
<jurisdiction/s> a civ:State ; civ:locatedIn <jurisdiction/us> .
<jurisdiction/us> a civ:Country .

<event/d2018> a civ:Demand ; civ:followsUp <event/d2017-11> .
<event/d2017-11> a civ:Demand ; civ:followsUp <event/d2017-04> .
<event/d2017-04> a civ:Demand .

<event/boycott> a civ:Boycott ; civ:boycotter <person/p> .
<person/p> civ:partyAffiliation <organization/party> .

<organization/ice> civ:subOrganizationOf <organization/dhs> .
<organization/dhs> civ:subOrganizationOf <organization/gov> .

<letter/l> a civ:Letter ; civ:recipient <jurisdiction/untyped> .
"""


@pytest.fixture(scope="module")
def reasoned(ontology: Graph) -> Graph:
    data = turtle(REASONING_DATA)
    before = len(data)
    result = closure(ontology, data)
    assert len(data) == before, "reasoning must run on a copy"
    return result


def test_inverse_is_inferred(reasoned: Graph) -> None:
    assert (EX["post/a"], CIV.heldBy, EX["person/p"]) in reasoned
    assert (EX["organization/party"], CIV.hasMember, EX["person/p"]) in reasoned


def test_transitive_located_in_is_inferred(reasoned: Graph) -> None:
    assert (EX["jurisdiction/c"], CIV.locatedIn, EX["jurisdiction/us"]) in reasoned
    assert (EX["jurisdiction/us"], CIV.containsPlace, EX["jurisdiction/c"]) in reasoned
    assert (EX["jurisdiction/c"], SCHEMA.containedInPlace, EX["jurisdiction/us"]) in reasoned


def test_tenure_chain_implies_holds_post(reasoned: Graph) -> None:
    assert (EX["person/q"], CIV.hasTenure, EX["tenure/t"]) in reasoned
    assert (EX["person/q"], CIV.holdsPost, EX["post/b"]) in reasoned
    assert (EX["post/b"], CIV.heldBy, EX["person/q"]) in reasoned
    assert (EX["person/q"], ORG.holds, EX["post/b"]) in reasoned


def test_transitive_follows_up_is_inferred(reasoned: Graph) -> None:
    assert (EX["event/d2018"], CIV.followsUp, EX["event/d2017-04"]) in reasoned


def test_transitive_sub_organization_is_inferred(reasoned: Graph) -> None:
    assert (EX["organization/ice"], CIV.subOrganizationOf, EX["organization/gov"]) in reasoned
    assert (EX["organization/gov"], CIV.hasSubOrganization, EX["organization/ice"]) in reasoned


def test_role_sub_properties_and_classes_are_inferred(reasoned: Graph) -> None:
    assert (EX["event/boycott"], CIV.hasActor, EX["person/p"]) in reasoned
    assert (EX["event/boycott"], SEM.hasActor, EX["person/p"]) in reasoned
    assert (EX["person/p"], CIV.memberOf, EX["organization/party"]) in reasoned
    assert (EX["jurisdiction/c"], RDF.type, CIV.Jurisdiction) in reasoned
    assert (EX["jurisdiction/c"], RDF.type, SCHEMA.AdministrativeArea) in reasoned
    assert (EX["event/boycott"], RDF.type, SEM.Event) in reasoned


def test_reasoning_adds_no_types_to_property_values(reasoned: Graph) -> None:
    """Without domains and ranges, being a recipient or an actor says nothing about type."""
    for node in (EX["jurisdiction/untyped"], EX["organization/party"], EX["post/a"]):
        added = {t for t in reasoned.objects(node, RDF.type) if str(t).startswith(str(CIV))}
        assert added == set(), f"{node} was typed {added}"


# ---- Shapes -------------------------------------------------------------------------------------


def run_shapes(shapes: Graph, ontology: Graph, data: Graph) -> list[tuple[URIRef, URIRef]]:
    """(focus node, severity) of every result of validating ontology + data against the shapes."""
    graph = Graph()
    graph += ontology
    graph += data
    _, report, _ = validate(graph, shacl_graph=shapes, inference="none", advanced=True)
    return [
        (report.value(r, SH.focusNode), report.value(r, SH.resultSeverity))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]


GOOD_DATA = """
<person/p> a civ:Person ; rdfs:label "P"@en .
<post/a> a civ:Post ; rdfs:label "Mayor of A"@en ; civ:postIn <jurisdiction/a-xx> .
<jurisdiction/xx> a civ:State ; rdfs:label "X" ; civ:postalCode "XX" .
<jurisdiction/a-xx> a civ:City ; rdfs:label "A"@en ; civ:locatedIn <jurisdiction/xx> .
<tenure/p/a> a civ:Tenure ; civ:holder <person/p> ; civ:post <post/a> ;
    civ:startDate "2010-05-03"^^xsd:date ; civ:endDate "2018-05-07"^^xsd:date .
<organization/doj> a civ:GovernmentBody ; rdfs:label "DOJ"@en .
<statute/s> a civ:Statute ; rdfs:label "S"@en ; civ:citation "1 U.S.C. § 1" .
<letter/l> a civ:Letter ; rdfs:label "L"@en ; civ:sender <organization/doj> ;
    civ:recipient <jurisdiction/a-xx> ; civ:onDate "2018-01-24"^^xsd:date ;
    civ:concernsStatute <statute/s> .
<event/e> a civ:Demand ; rdfs:label "E"@en ; civ:onDate "2017-04"^^xsd:gYearMonth ;
    civ:agent <organization/doj> ; civ:instrument <letter/l> .
<article/x> a civ:NewsArticle ; rdfs:label "X"@en ; civ:fullText "Mayor P said hi." ;
    civ:sha256 "0000000000000000000000000000000000000000000000000000000000000000" ;
    schema:datePublished "2018-01-24"^^xsd:date ; schema:headline "X" .
<statement/q> a civ:Quotation ; rdfs:label "Q"@en ; civ:speaker <person/p> ;
    civ:quotedText "hi" ; civ:reportedIn <article/x> ; civ:channel civ:SpokenChannel .
<mention/m> a civ:Mention ; nif:beginIndex 6 ; nif:endIndex 7 ; nif:anchorOf "P" ;
    nif:referenceContext <article/x> ; civ:denotes <person/p> ; civ:inSentence <s/1> .
<s/1> a civ:Sentence ; nif:beginIndex 0 ; nif:endIndex 16 ; nif:anchorOf "Mayor P said hi." ;
    nif:referenceContext <article/x> .
"""


def test_shapes_parse_and_use_our_namespace(shapes: Graph) -> None:
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    assert len(node_shapes) > 10
    assert all(str(s).startswith("https://kg.example.org/shapes#") for s in node_shapes)


def test_good_data_conforms_asserted_and_reasoned(shapes: Graph, ontology: Graph) -> None:
    data = turtle(GOOD_DATA)
    assert run_shapes(shapes, ontology, data) == []
    # On the closure, inferred super-properties (civ:hasActor, schema:*, prov:*) and types must
    # not break any count.
    reasoned = closure(ontology, data)
    assert run_shapes(shapes, Graph(), reasoned) == []


@pytest.mark.parametrize(
    ("change", "focus"),
    [
        # a person without a label
        ("<person/r> a civ:Person .", "person/r"),
        # a tenure with two holders
        (
            '<tenure/p/a> civ:holder <person/p2> . <person/p2> a civ:Person ; rdfs:label "P2" .',
            "tenure/p/a",
        ),
        # a tenure whose post is not a Post
        ("<tenure/x> a civ:Tenure ; civ:holder <person/p> ; civ:post <person/p> .", "tenure/x"),
        # start after end
        (
            "<tenure/y> a civ:Tenure ; civ:holder <person/p> ; civ:post <post/a> ; "
            'civ:startDate "2019-01-01"^^xsd:date ; civ:endDate "2018-01-01"^^xsd:date .',
            "tenure/y",
        ),
        # a mention whose begin is not before its end
        (
            "<mention/bad> a civ:Mention ; nif:beginIndex 7 ; nif:endIndex 7 ; "
            'nif:anchorOf "" ; nif:referenceContext <article/x> ; civ:denotes <person/p> .',
            "mention/bad",
        ),
        # a mention denoting two things
        ("<mention/m> civ:denotes <post/a> .", "mention/m"),
        # a letter sent by a place (the sender is an official or a government body)
        (
            '<letter/k> a civ:Letter ; rdfs:label "K" ; civ:sender <jurisdiction/a-xx> ; '
            'civ:recipient <jurisdiction/a-xx> ; civ:onDate "2018-01-24"^^xsd:date ; '
            "civ:concernsStatute <statute/s> .",
            "letter/k",
        ),
        # a date that is a plain string
        ('<event/e> civ:onDate "24 January 2018" .', "event/e"),
        # a gYearMonth with month 13
        ('<event/e> civ:onDate "2018-13"^^xsd:gYearMonth .', "event/e"),
        # a statement with two speakers
        ("<statement/q> civ:speaker <organization/doj> .", "statement/q"),
        # a statement reported in something that is not an article
        ("<statement/q> civ:reportedIn <letter/l> .", "statement/q"),
        # an article with a malformed hash
        ('<article/x> civ:sha256 "abc" .', "article/x"),
        # a state with a three-letter code
        (
            '<jurisdiction/yy> a civ:State ; rdfs:label "Y" ; civ:postalCode "YYY" .',
            "jurisdiction/yy",
        ),
    ],
)
def test_shapes_find_violations(shapes: Graph, ontology: Graph, change: str, focus: str) -> None:
    data = turtle(GOOD_DATA + change)
    results = run_shapes(shapes, ontology, data)
    assert (EX[focus], SH.Violation) in results, results


@pytest.mark.parametrize(
    ("change", "focus"),
    [
        # an event with no date and no actor
        ('<event/f> a civ:Boycott ; rdfs:label "F"@en .', "event/f"),
        # a letter with no date or statute
        (
            '<letter/k> a civ:Letter ; rdfs:label "K" ; civ:sender <organization/doj> ; '
            "civ:recipient <jurisdiction/a-xx> .",
            "letter/k",
        ),
        # a city in no state
        ('<jurisdiction/b> a civ:City ; rdfs:label "B" .', "jurisdiction/b"),
        # an article with no headline or date
        (
            '<article/y> a civ:NewsArticle ; rdfs:label "Y" ; civ:fullText "y" ; '
            'civ:sha256 "1111111111111111111111111111111111111111111111111111111111111111" .',
            "article/y",
        ),
    ],
)
def test_shapes_only_warn_about_incompleteness(
    shapes: Graph, ontology: Graph, change: str, focus: str
) -> None:
    data = turtle(GOOD_DATA + change)
    results = run_shapes(shapes, ontology, data)
    assert (EX[focus], SH.Warning) in results, results
    assert all(severity == SH.Warning for _, severity in results), results


def test_actor_shape_accepts_any_role(shapes: Graph, ontology: Graph) -> None:
    for role in ("hasActor", "agent", "target", "attendee", "boycotter"):
        data = turtle(GOOD_DATA)
        event = EX["event/r"]
        data.add((event, RDF.type, CIV.Meeting))
        data.add((event, RDFS.label, Literal("R", lang="en")))
        data.add((event, CIV.onDate, Literal("2018", datatype=XSD.gYear)))
        data.add((event, CIV[role], EX["person/p"]))
        assert run_shapes(shapes, ontology, data) == [], role


def test_every_named_node_shape_is_used(shapes: Graph) -> None:
    """Every named node shape has a target or is referenced from one (no dead shapes)."""
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetNode, SH.targetObjectsOf)
    referenced = set(shapes.objects(None, SH.node)) | set(shapes.objects(None, SH.property))
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        if isinstance(shape, BNode):
            continue
        has_target = any(shapes.value(shape, t) is not None for t in targets)
        assert has_target or shape in referenced, f"{shape} is never used"
