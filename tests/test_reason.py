"""Reasoning: the fast path (reasonable, on what the ontology can act on, property chains
applied between its runs) gives exactly what owlrl's full closure gives, restricted to our
vocabulary — on the corpus and on generated articles."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from generated import asserted_of, generated_asserted, ontology
from rdflib import OWL, RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from graph.namespaces import CIV, ORG
from graph.reason import acted_on, infer, reasonable_closure

ID = "https://kg.example.org/id/"


def compare(asserted: Graph, label: str) -> set[tuple[object, object, object]]:
    """Both engines on `asserted`: their results must be equal; print the times."""
    started = time.perf_counter()
    fast = set(infer(asserted, ontology(), "reasonable"))
    middle = time.perf_counter()
    reference = set(infer(asserted, ontology(), "owlrl"))
    done = time.perf_counter()
    print(
        f"{label}: {len(asserted)} asserted, {len(fast)} inferred; "
        f"reasonable {middle - started:.2f} s, owlrl {done - middle:.2f} s"
    )
    assert fast - reference == set(), "inferred by the fast path only"
    assert reference - fast == set(), "inferred by owlrl only"
    assert fast, "nothing inferred at all"
    return fast


def test_fast_path_equals_owlrl_on_the_corpus(build_dir: Path) -> None:
    asserted, inferred = asserted_of(build_dir)
    fast = compare(asserted, "corpus")
    assert fast == set(inferred), "the build's inferred graph is the fast path's result"


def test_fast_path_equals_owlrl_on_generated_articles(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    asserted = generated_asserted(tmp_path_factory.getbasetemp())
    fast = compare(asserted, "50 generated articles")
    people = {s for s, _, _ in fast if str(s).startswith(ID + "person/")}
    assert len(people) > 20, "inferences about the generated articles' own people"


def test_property_chains_are_followed() -> None:
    """reasonable has no rule for owl:propertyChainAxiom: the fast path applies the chain
    (hasTenure ∘ post → holdsPost) and reasons again from what it gives (inverse, super)."""
    person, tenure, post = (URIRef(ID + p) for p in ("person/ana", "tenure/ana-mayor", "post/m"))
    asserted = Graph()
    for triple in ontology():
        asserted.add(triple)
    asserted.add((tenure, RDF.type, CIV.Tenure))
    asserted.add((tenure, CIV.holder, person))
    asserted.add((tenure, CIV.post, post))
    closure = reasonable_closure(asserted, ontology())
    inferred = infer(asserted, ontology())
    assert (person, CIV.hasTenure, tenure) in closure  # the inverse of civ:holder
    for triple in [
        (person, CIV.holdsPost, post),  # the chain
        (post, CIV.heldBy, person),  # its inverse, by reasoning again
        (person, ORG.holds, post),  # its super-property
    ]:
        assert triple in inferred, triple


def test_a_chain_whose_links_come_from_elsewhere_is_still_followed() -> None:
    """The first, small run over the chains' family of properties cannot see a link that a
    class restriction implies (cls-hv2); the rounds after the run over everything find it."""
    ex = "urn:test:"
    a, b, p, c, x, y, z = (URIRef(ex + n) for n in "abpCxyz")
    restriction = BNode()
    onto = Graph()
    for triple in [
        (a, RDF.type, OWL.ObjectProperty),
        (b, RDF.type, OWL.ObjectProperty),
        (p, RDF.type, OWL.ObjectProperty),
        (restriction, RDF.type, OWL.Restriction),
        (restriction, OWL.onProperty, a),
        (restriction, OWL.hasValue, y),
        (c, OWL.equivalentClass, restriction),
    ]:
        onto.add(triple)
    chain = BNode()
    Collection(onto, chain, [a, b])
    onto.add((p, OWL.propertyChainAxiom, chain))
    asserted = Graph()
    for triple in [*onto, (x, RDF.type, c), (y, b, z)]:
        asserted.add(triple)
    closure = reasonable_closure(asserted, onto)
    assert (x, a, y) in closure  # the restriction
    assert (x, p, z) in closure  # the chain over it


def test_literals_come_back_plain(build_dir: Path) -> None:
    """reasonable types plain literals xsd:string; what is kept is as rdflib reads the data."""
    asserted, _ = asserted_of(build_dir)
    closure = reasonable_closure(asserted, ontology())
    literals = [o for _, _, o in closure if isinstance(o, Literal)]
    assert literals
    assert not [o for o in literals if o.datatype == XSD.string]
    acts = acted_on(ontology())
    plain = [t for t in asserted if t[1] in acts and isinstance(t[2], Literal)]
    plain = [t for t in plain if t[2].language is None and t[2].datatype is None]
    assert plain, "plain literals the reasoner is given"
    assert all(t in closure for t in plain)
