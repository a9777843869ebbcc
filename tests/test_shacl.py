"""graph.shacl's engine gives pySHACL's results: on the project's shapes over graphs damaged at
random in every way the shapes can see, and on small shapes using each parameter it reads;
shapes it cannot read go to pySHACL. (tests/test_validate.py compares it with pySHACL on the
corpus and generated articles, with and without inferences.)"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from generated import asserted_of
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from graph.build import load_turtle
from graph.shacl import compile_shapes, engine_for
from graph.validate import Validation, findings_of

ROOT = Path(__file__).resolve().parent.parent
EX = "http://example.org/"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_turtle(ROOT / "ontology" / "shapes.ttl")


def test_the_project_shapes_are_read_by_the_engine(shapes: Graph) -> None:
    targeted = compile_shapes(shapes)
    assert targeted is not None, "ontology/shapes.ttl uses something graph.shacl cannot read"
    assert len(targeted) == len(set(shapes.subjects(SH.targetClass, None))
                                | set(shapes.subjects(SH.targetSubjectsOf, None)))  # fmt: skip
    assert Validation(shapes).engine is not None


def _damage(data: Graph, shapes: Graph, rng: random.Random, count: int) -> Graph:
    """A copy of `data` with `count` random changes of the kinds the shapes look at."""
    damaged = Graph()
    for prefix, namespace in data.namespaces():
        damaged.bind(prefix, namespace, override=True, replace=True)
    for triple in data:
        damaged.add(triple)
    paths = sorted({p for p in shapes.objects(None, SH.path)}, key=str)
    classes = sorted(
        set(shapes.objects(None, SH.targetClass)) | set(shapes.objects(None, SH["class"])), key=str
    )
    subjects = sorted({s for s in data.subjects() if isinstance(s, URIRef)}, key=str)
    triples = sorted((t for t in data if t[1] in paths or t[1] == RDF.type), key=str)
    odd_values: list[Node] = [
        Literal(-3), Literal(7), Literal("7", datatype=XSD.integer), Literal("x", datatype=XSD.integer),
        Literal("a string"), Literal("a string", lang="en"), Literal("2018-13", datatype=XSD.gYearMonth),
        Literal("2018-01", datatype=XSD.gYearMonth), Literal("2018", datatype=XSD.gYear),
        Literal("18", datatype=XSD.gYear), Literal("2018-01-24", datatype=XSD.date),
        Literal("not a date", datatype=XSD.date), Literal(True), Literal("yes"), Literal("XY"),
        Literal("xyz"), Literal("0" * 64), Literal(2.5), BNode("damage"),
        URIRef(f"{EX}elsewhere"), *classes[:3],
    ]  # fmt: skip
    for _ in range(count):
        kind = rng.randrange(5)
        if kind == 0 and triples:  # a value or type taken away
            damaged.remove(rng.choice(triples))
        elif kind == 1:  # an odd value on a path a shape reads
            damaged.add((rng.choice(subjects), rng.choice(paths), rng.choice(odd_values)))
        elif kind == 2:  # another node's value: a second value, or one of the wrong kind
            _, p, o = rng.choice(triples)
            damaged.add((rng.choice(subjects), p, o))
        elif kind == 3:  # a node typed with a class a shape targets or requires
            damaged.add((rng.choice(subjects), RDF.type, rng.choice(classes)))
        else:  # a class made a subclass of another
            damaged.add((rng.choice(classes), RDFS.subClassOf, rng.choice(classes)))
    return damaged


@pytest.mark.parametrize("seed", range(8))
def test_damaged_graphs_get_what_pyshacl_gives(build_dir: Path, shapes: Graph, seed: int) -> None:
    corpus, _ = asserted_of(build_dir)
    damaged = _damage(corpus, shapes, random.Random(seed), 60)
    expected = findings_of(damaged, shapes)
    assert any(f.severity == "Violation" for f in expected), "the damage should break a rule"
    assert Validation(shapes).findings(damaged) == expected


SMALL = """
@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:Thing a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:start ; sh:lessThan ex:end ; sh:lessThanOrEquals ex:latest ;
                  sh:message "start before end" ] ;
    sh:property [ sh:path ex:code ; sh:pattern "^[A-Z]+$" ; sh:pattern "Q" ;
                  sh:nodeKind sh:Literal ; sh:message "code" ] ;
    sh:property [ sh:path ex:size ; sh:minInclusive 2 ; sh:datatype xsd:integer ;
                  sh:in ( 2 3 5 ) ; sh:maxCount 2 ; sh:message "size" ] ;
    sh:property [ sh:path ex:part ; sh:qualifiedValueShape [ sh:class ex:Part ] ;
                  sh:qualifiedMinCount 2 ; sh:class ex:Thing ; sh:message "parts" ] ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ;
                  sh:or ( [ sh:datatype xsd:string ] [ sh:datatype xsd:integer ] ) ;
                  sh:message "name" ] .

ex:Named a sh:NodeShape ;
    sh:targetSubjectsOf ex:name ;
    sh:severity sh:Info ;
    sh:node ex:HasStart ;
    sh:message "named things start" .

ex:HasStart a sh:NodeShape ;
    sh:property [ sh:path ex:start ; sh:minCount 1 ; sh:message "has a start" ] .
"""

SMALL_DATA = """
@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:Special rdfs:subClassOf ex:Thing .
ex:a a ex:Thing ; ex:start 5 ; ex:end 3 ; ex:latest 5 ; ex:code "ABQ", "abc", ex:iri ;
    ex:size 1, 3, 4 ; ex:part ex:b, ex:c, "text" ; ex:name "a", 2, 2.5 .
ex:b a ex:Special, ex:Part ; ex:start "x" ; ex:end "y" ; ex:latest 1 ; ex:size "3" ;
    ex:part ex:a .
ex:c a ex:Part ; ex:name "c" .
ex:d ex:name "d"@en ; ex:start 1 .
"""


def test_each_parameter_gives_what_pyshacl_gives() -> None:
    shapes = Graph().parse(data=SMALL, format="turtle")
    data = Graph().parse(data=SMALL_DATA, format="turtle")
    assert engine_for(shapes) is not None
    expected = findings_of(data, shapes)
    assert {f.message for f in expected} == {
        "start before end", "code", "size", "parts", "name", "named things start", "has a start"
    }  # fmt: skip
    assert Validation(shapes).findings(data) == expected


@pytest.mark.parametrize(
    "extra",
    [
        "ex:Thing sh:closed true .",
        "ex:Thing sh:property [ sh:path [ sh:inversePath ex:part ] ; sh:minCount 1 ; sh:message 'm' ] .",
        "ex:Thing sh:property [ sh:path ex:other ; sh:minCount 1 ] .",  # no message of its own
        "ex:Thing sh:property [ sh:path ex:size ; sh:maxInclusive 4 ; sh:message 'm' ] .",
        "ex:HasStart sh:severity sh:Warning .",
        "ex:HasStart sh:datatype ex:Odd .",  # a value shape's own result, with no message
        # a value shape (in sh:or) whose property shape is a warning: pySHACL lets it conform
        "ex:Thing sh:property [ sh:path ex:name ; sh:or ( ex:Warned ) ; sh:message 'm' ] ."
        " ex:Warned sh:property [ sh:path ex:y ; sh:minCount 1 ; sh:severity sh:Warning ] .",
    ],
)
def test_shapes_the_engine_cannot_read_go_to_pyshacl(extra: str) -> None:
    shapes = Graph().parse(data=f"{SMALL}\n{extra}", format="turtle")
    data = Graph().parse(data=SMALL_DATA, format="turtle")
    assert engine_for(shapes) is None
    validation = Validation(shapes)
    assert validation.engine is None
    assert validation.findings(data) == findings_of(data, shapes)
