"""OWL 2 RL reasoning with owlrl, keeping only what is new and said in our vocabulary."""

from __future__ import annotations

import owlrl
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

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


def infer(asserted: Graph, ontology: Graph) -> Graph:
    """owlrl's closure of `asserted` (which includes the ontology) minus what was asserted.

    owlrl expands in place, so it works on a copy. It also emits triples that are not valid RDF
    (literal subjects) and axiomatic noise; kept are only valid triples about instances whose
    class or property the ontology declares or aligns to.
    """
    work = Graph()
    for triple in asserted:
        work.add(triple)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(work)
    classes, properties = vocabulary(ontology)
    terms = set(ontology.subjects())
    inferred = Graph()
    for s, p, o in work:
        if isinstance(s, (Literal, BNode)) or isinstance(o, BNode) or s in terms:
            continue
        if (s, p, o) in asserted:
            continue
        if p == RDF.type:
            if o in classes:
                inferred.add((s, p, o))
        elif p == OWL.sameAs:
            if s != o and not isinstance(o, Literal):
                inferred.add((s, p, o))
        elif p in properties:
            inferred.add((s, p, o))
    return inferred
