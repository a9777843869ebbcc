"""OWL 2 RL reasoning, keeping only what is new and said in our vocabulary.

Three engines give the same result (tests/test_reason.py holds them to it):

- `rules` (graph/rules.py): a forward-chaining engine for the OWL 2 RL rules the ontology
  uses, on the triples the ontology can act on; it works on the build's own terms, with no
  conversion, and is several times faster than the others. It reads the schema first and
  declines one that uses any other construct.
- `reasonable`: a Rust OWL 2 RL reasoner, fed only the triples the ontology can act on. It
  implements every rule the ontology needs except property chains (`owl:propertyChainAxiom`,
  rule prp-spo2), which are applied here between its runs until nothing new follows.
- `owlrl`: the reference, owlrl's full closure of everything asserted; minutes at 100,000
  triples.

`auto` (the build's choice) is `rules` where the schema allows it, else `reasonable`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, TypeAlias
from typing import Literal as Choice

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from graph import rules

log = logging.getLogger("civicgraph.reason")

Triple = tuple[Node, Node, Node]
# The asserted triples: a Graph, or a set (the build's: far faster to fill and test than a Graph).
Triples: TypeAlias = Graph | set[Triple]
Engine = Choice["auto", "rules", "reasonable", "owlrl"]
ENGINES: tuple[Engine, ...] = ("auto", "rules", "reasonable", "owlrl")

CLASS_TYPES = (OWL.Class, RDFS.Class)
PROPERTY_TYPES = (
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.TransitiveProperty,
    OWL.SymmetricProperty,
    RDF.Property,
)
# Axiomatic noise owlrl adds about everything.
NOISE_CLASSES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class}


def vocabulary(ontology: Graph) -> tuple[set[Node], set[Node]]:
    """The classes and properties the ontology declares or aligns to."""
    classes: set[Node] = set()
    properties: set[Node] = set()
    for kind in CLASS_TYPES:
        classes.update(ontology.subjects(RDF.type, kind))
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        classes.update((sub, sup))
    for kind in PROPERTY_TYPES:
        properties.update(ontology.subjects(RDF.type, kind))
    for pred in (RDFS.subPropertyOf, OWL.equivalentProperty, OWL.inverseOf):
        for sub, sup in ontology.subject_objects(pred):
            properties.update((sub, sup))
    named_classes: set[Node] = {t for t in classes if isinstance(t, URIRef)}
    named_classes -= NOISE_CLASSES
    named_properties: set[Node] = {t for t in properties if isinstance(t, URIRef)}
    return named_classes, named_properties


def resolve(engine: Engine, asserted: Triples) -> Engine:
    """The engine that `engine` names for these triples: `auto` is `rules` where the schema
    they state allows, else `reasonable`."""
    if engine not in ENGINES:
        raise ValueError(f"unknown reasoning engine {engine!r}; one of {', '.join(ENGINES)}")
    if engine != "auto":
        return engine
    return "rules" if rules.schema_of(asserted) is not None else "reasonable"


def infer(asserted: Triples, ontology: Graph, engine: Engine = "auto") -> Graph:
    """The OWL 2 RL closure of `asserted` (which includes the ontology) minus what was asserted.

    Kept are only valid triples (no literal subjects, no blank nodes) about instances, not the
    ontology's own terms, whose class or property the ontology declares or aligns to.
    """
    inferred = Graph()
    for triple in inferred_triples(asserted, ontology, engine):
        inferred.add(triple)
    return inferred


def inferred_triples(asserted: Triples, ontology: Graph, engine: Engine = "auto") -> set[Triple]:
    """`infer` as a set of triples (a set is much faster to fill than a Graph)."""
    engine = resolve(engine, asserted)
    closure: Iterable[Triple]
    if engine == "owlrl":
        closure = owlrl_closure(asserted)
    elif engine == "reasonable":
        closure = reasonable_closure(asserted, ontology)
    else:
        closure = rules_closure(asserted, ontology)
    return keep_vocabulary(closure, asserted, ontology)


def rules_closure(asserted: Triples, ontology: Graph) -> set[Triple]:
    """What graph/rules.py derives from the triples the ontology can act on (only the new
    triples: `keep_vocabulary` needs no more); ValueError if it cannot read the schema."""
    schema = rules.schema_of(asserted)
    if schema is None:
        raise ValueError("the schema uses an OWL construct graph/rules.py does not apply")
    predicates = acted_on(ontology)
    return rules.closure((t for t in asserted if t[1] in predicates), schema)


def owlrl_closure(asserted: Triples) -> Graph:
    """owlrl's closure of everything asserted (owlrl expands in place, so on a copy)."""
    import owlrl

    work = Graph()
    for triple in asserted:
        work.add(triple)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(work)
    return work


def keep_vocabulary(closure: Iterable[Triple], asserted: Triples, ontology: Graph) -> set[Triple]:
    """What a closure adds to `asserted`: new valid triples about instances in our vocabulary."""
    classes, properties = vocabulary(ontology)
    terms = set(ontology.subjects())
    by_predicate: dict[Node, list[Triple]] = {}  # each predicate compared once, not each triple
    for triple in closure:
        by_predicate.setdefault(triple[1], []).append(triple)
    kept: dict[Node, set[Triple]] = {}
    for p, triples in by_predicate.items():
        if p == RDF.type:
            triples = [t for t in triples if t[2] in classes]
        elif p == OWL.sameAs:
            triples = [t for t in triples if t[0] != t[2] and not isinstance(t[2], Literal)]
        elif p not in properties:
            continue
        kept[p] = {
            (s, p, o)
            for s, _, o in triples
            if not isinstance(s, (Literal, BNode)) and not isinstance(o, BNode) and s not in terms
        }
    new: set[Triple] = set()
    for p, own in kept.items():  # minus what was asserted, one predicate at a time
        if isinstance(asserted, Graph):
            new |= own - set(asserted.triples((None, p, None)))
        else:
            new |= {t for t in own if t not in asserted}
    return new


def acted_on(ontology: Graph) -> set[Node]:
    """The predicates whose triples a rule can use: those the ontology names, and rdf:type and
    owl:sameAs. A triple of any other predicate (offsets, texts, anchors) matches no rule's
    premise but the generic ones whose conclusions `keep_vocabulary` drops."""
    named: set[Node] = {RDF.type, OWL.sameAs}
    for s, _, o in ontology:
        named.update(t for t in (s, o) if isinstance(t, URIRef))
    return named


def property_chains(ontology: Graph) -> list[tuple[Node, list[Node]]]:
    """Each `P owl:propertyChainAxiom (P1 … Pn)` of the ontology as (P, [P1, …, Pn])."""
    return [
        (prop, list(Collection(ontology, chain)))
        for prop, chain in sorted(ontology.subject_objects(OWL.propertyChainAxiom))
    ]


_XSD_STRING = XSD.string


def _plain(term: Node) -> Node:
    """reasonable types every plain literal xsd:string; rdflib keeps the two apart."""
    if isinstance(term, Literal) and term.datatype == _XSD_STRING:
        return Literal(str(term))
    return term


def _follow_chains(closure: set[Triple], chains: list[tuple[Node, list[Node]]]) -> set[Triple]:
    """prp-spo2: x P1 y1, y1 P2 y2, … yn-1 Pn z give x P z; what this adds to `closure`."""
    links: dict[Node, dict[Node, set[Node]]] = {p: {} for _, chain in chains for p in chain}
    for s, p, o in closure:
        if p in links:
            links[p].setdefault(s, set()).add(o)
    found: set[Triple] = set()
    for prop, chain in chains:
        for x, firsts in links[chain[0]].items():
            ends = firsts
            for link in chain[1:]:
                ends = {z for e in ends for z in links[link].get(e, ())}
            found.update((x, prop, z) for z in ends)
    return found - closure


def chain_family(ontology: Graph, chains: list[tuple[Node, list[Node]]]) -> set[Node]:
    """The properties of the chains' links, and those a link's triples can be inferred from by
    inverse, sub-, super- or equivalent properties (and owl:sameAs): what the triples behind a
    chain are mostly made of."""
    family: set[Node] = {OWL.sameAs, *(p for _, chain in chains for p in chain)}
    related = (OWL.inverseOf, RDFS.subPropertyOf, OWL.equivalentProperty)
    grew = True
    while grew:
        more = {
            other
            for p in related
            for a, b in ontology.subject_objects(p)
            for other, this in ((a, b), (b, a))
            if this in family and other not in family and isinstance(other, URIRef)
        }
        family |= more
        grew = bool(more)
    return family


def _closure(reasoner: Any) -> set[Triple]:
    return {(_plain(s), p, _plain(o)) for s, p, o in reasoner.reason()}


def reasonable_closure(asserted: Triples, ontology: Graph) -> set[Triple]:
    """The closure by `reasonable` of the triples the ontology can act on, property chains
    applied between its runs until nothing new follows.

    What the chains conclude is mostly found first by a small run over the chains' own family
    of properties, so that the run over everything usually needs no second round (each round
    returns, and converts, the whole closure again); the rounds still go on until the chains
    add nothing, so the result does not depend on that first guess."""
    import reasonable

    predicates = acted_on(ontology)
    facts = [t for t in asserted if t[1] in predicates]
    chains = property_chains(ontology)
    seed: set[Triple] = set()
    if chains:
        family = chain_family(ontology, chains)
        first = reasonable.PyReasoner()
        first.from_graph([t for t in facts if t[1] in family] + list(ontology))
        seed = _follow_chains(_closure(first), chains)
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(facts + list(ontology) + sorted(seed))
    while True:
        closure = _closure(reasoner)
        new = _follow_chains(closure, chains)
        log.debug("reasonable: %d triples, %d new by property chains", len(closure), len(new))
        if not new:
            return closure
        reasoner.from_graph(sorted(new))  # the next reason() goes on from here
