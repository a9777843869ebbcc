"""Reasoning: the fast paths (graph/rules.py's engine, and reasonable with property chains
applied between its runs, both on what the ontology can act on) give exactly what owlrl's full
closure gives, restricted to our vocabulary — on the corpus, on generated articles, and (for
graph/rules.py) on random schemas and facts."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from generated import SAMPLE, asserted_of, generated_asserted, ontology
from live import shared_folder
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from graph import rules
from graph.namespaces import CIV, ORG
from graph.reason import acted_on, infer, reasonable_closure, resolve

ID = "https://kg.example.org/id/"


def compare(asserted: Graph, label: str) -> set[tuple[object, object, object]]:
    """Every engine on `asserted`: their results must be equal; print the times."""
    results: dict[str, set[tuple[object, object, object]]] = {}
    times: list[str] = []
    for engine in ("rules", "reasonable", "owlrl"):
        started = time.perf_counter()
        results[engine] = set(infer(asserted, ontology(), engine))  # type: ignore[arg-type]
        times.append(f"{engine} {time.perf_counter() - started:.2f} s")
    print(
        f"{label}: {len(asserted)} asserted, {len(results['owlrl'])} inferred; {', '.join(times)}"
    )
    reference = results["owlrl"]
    for engine in ("rules", "reasonable"):
        assert results[engine] - reference == set(), f"inferred by {engine} only"
        assert reference - results[engine] == set(), f"inferred by owlrl, not by {engine}"
    assert reference, "nothing inferred at all"
    assert resolve("auto", asserted) == "rules", "the project's schema is one rules.py reads"
    return reference


def test_fast_path_equals_owlrl_on_the_corpus(build_dir: Path) -> None:
    asserted, inferred = asserted_of(build_dir)
    fast = compare(asserted, "corpus")
    assert fast == set(inferred), "the build's inferred graph is the fast path's result"


def test_fast_path_equals_owlrl_on_generated_articles(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    asserted = generated_asserted(shared_folder(tmp_path_factory))
    fast = compare(asserted, f"{SAMPLE} generated articles")
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


def test_rules_decline_a_schema_with_constructs_they_do_not_apply() -> None:
    """A schema with any construct graph/rules.py lacks is declined, and `auto` reasons with
    reasonable instead: the restriction example above gives owlrl's result."""
    ex = "urn:test:"
    a, c, x, y = (URIRef(ex + n) for n in "acxy")
    restriction = BNode()
    cases = {
        "sameAs": [(x, OWL.sameAs, y)],
        "functional": [(a, RDF.type, OWL.FunctionalProperty)],
        "inverse functional": [(a, RDF.type, OWL.InverseFunctionalProperty)],
        "hasValue": [(restriction, OWL.onProperty, a), (restriction, OWL.hasValue, y)],
        "class expression": [(c, RDFS.subClassOf, restriction)],
        "intersection": [(c, OWL.intersectionOf, restriction)],
        "key": [(c, OWL.hasKey, restriction)],
    }
    for name, triples in cases.items():
        graph = Graph()
        for triple in [(a, RDF.type, OWL.ObjectProperty), *triples]:
            graph.add(triple)
        assert rules.schema_of(graph) is None, name
        assert resolve("auto", graph) == "reasonable", name
    onto = Graph()
    for triple in [
        (a, RDF.type, OWL.ObjectProperty),
        (restriction, RDF.type, OWL.Restriction),
        (restriction, OWL.onProperty, a),
        (restriction, OWL.hasValue, y),
        (c, OWL.equivalentClass, restriction),
        (c, RDF.type, OWL.Class),
    ]:
        onto.add(triple)
    asserted = Graph()
    for triple in [*onto, (x, RDF.type, c)]:
        asserted.add(triple)
    assert set(infer(asserted, onto, "auto")) == set(infer(asserted, onto, "owlrl"))
    assert (x, a, y) in set(infer(asserted, onto, "auto"))


def random_case(seed: int) -> tuple[Graph, Graph]:
    """A random schema of the constructs graph/rules.py applies, and random facts over it."""
    pick = random.Random(seed)
    ex = "urn:random:"
    classes = [URIRef(f"{ex}C{i}") for i in range(6)]
    properties = [URIRef(f"{ex}p{i}") for i in range(7)]
    people = [URIRef(f"{ex}x{i}") for i in range(8)]
    onto = Graph()
    for c in classes:
        onto.add((c, RDF.type, OWL.Class))
    for p in properties:
        onto.add((p, RDF.type, OWL.ObjectProperty))
    for _ in range(pick.randint(2, 7)):
        onto.add((pick.choice(classes), RDFS.subClassOf, pick.choice(classes)))
    if pick.random() < 0.5:
        onto.add((pick.choice(classes), OWL.equivalentClass, pick.choice(classes)))
    for _ in range(pick.randint(1, 5)):
        onto.add((pick.choice(properties), RDFS.subPropertyOf, pick.choice(properties)))
    if pick.random() < 0.5:
        onto.add((pick.choice(properties), OWL.equivalentProperty, pick.choice(properties)))
    for _ in range(pick.randint(0, 3)):
        onto.add((pick.choice(properties), OWL.inverseOf, pick.choice(properties)))
    for kind in (OWL.TransitiveProperty, OWL.SymmetricProperty):
        for p in pick.sample(properties, pick.randint(0, 2)):
            onto.add((p, RDF.type, kind))
    for relation in (RDFS.domain, RDFS.range):
        for _ in range(pick.randint(0, 3)):
            onto.add((pick.choice(properties), relation, pick.choice(classes)))
    for _ in range(pick.randint(0, 2)):
        chain = BNode()
        Collection(onto, chain, pick.sample(properties, pick.randint(2, 3)))
        onto.add((pick.choice(properties), OWL.propertyChainAxiom, chain))
    asserted = Graph()
    for triple in onto:
        asserted.add(triple)
    for _ in range(pick.randint(5, 25)):
        if pick.random() < 0.3:
            asserted.add((pick.choice(people), RDF.type, pick.choice(classes)))
        else:
            asserted.add((pick.choice(people), pick.choice(properties), pick.choice(people)))
    return onto, asserted


@pytest.mark.parametrize("seed", range(40))
def test_rules_equal_owlrl_on_random_schemas_and_facts(seed: int) -> None:
    onto, asserted = random_case(seed)
    assert rules.schema_of(asserted) is not None
    assert set(infer(asserted, onto, "rules")) == set(infer(asserted, onto, "owlrl"))
