"""A forward-chaining engine for the OWL 2 RL rules the project's ontology uses.

owlrl stays the reference and `reasonable` the general fast path (graph/reason.py); this
engine reads the schema out of the asserted triples and, when it uses nothing but the
constructs below, computes the same closure in one pass over the facts, without converting
every triple to another library's terms and back:

- rdfs:subClassOf, owl:equivalentClass (cax-sco, cax-eqc1/2, scm-sco, scm-eqc1/2);
- rdfs:subPropertyOf, owl:equivalentProperty (prp-spo1, prp-eqp1/2, scm-spo, scm-eqp1/2);
- rdfs:domain, rdfs:range (prp-dom, prp-rng, with scm-dom2/scm-rng2 following from them);
- owl:inverseOf (prp-inv1/2), owl:SymmetricProperty (prp-symp),
  owl:TransitiveProperty (prp-trp), owl:propertyChainAxiom (prp-spo2).

Anything else in the schema that could lead to a new triple (owl:sameAs, functional and
inverse-functional properties, keys, class restrictions and Boolean class expressions, …)
makes `schema_of` answer None, and graph/reason.py uses `reasonable` instead. Rules that only
detect inconsistencies add nothing to the closure and are not applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, BNode, URIRef
from rdflib.term import Node

Triple = tuple[Node, Node, Node]

_TYPE = RDF.type
_TYPES = frozenset({_TYPE})  # `p in _TYPES` compares terms only when the hashes match
_SUBCLASS, _SUBPROPERTY = RDFS.subClassOf, RDFS.subPropertyOf
_DOMAIN, _RANGE = RDFS.domain, RDFS.range
_EQ_CLASS, _EQ_PROPERTY, _INVERSE = OWL.equivalentClass, OWL.equivalentProperty, OWL.inverseOf
_CHAIN = OWL.propertyChainAxiom
_FIRST, _REST, _NIL = RDF.first, RDF.rest, RDF.nil

# Schema predicates whose rules this engine does not apply but that can conclude triples.
UNSUPPORTED_PREDICATES = frozenset(
    {
        OWL.sameAs,
        OWL.hasKey,
        OWL.someValuesFrom,
        OWL.allValuesFrom,
        OWL.hasValue,
        OWL.intersectionOf,
        OWL.unionOf,
        OWL.oneOf,
        OWL.maxCardinality,
        OWL.maxQualifiedCardinality,
        OWL.onProperty,
    }
)
# Property characteristics that can conclude triples and are not applied here.
UNSUPPORTED_TYPES = frozenset({OWL.FunctionalProperty, OWL.InverseFunctionalProperty})
_PROPERTY_TYPES = UNSUPPORTED_TYPES | {OWL.TransitiveProperty, OWL.SymmetricProperty}
_SCHEMA_PREDICATES = UNSUPPORTED_PREDICATES | {
    _TYPE, _SUBCLASS, _SUBPROPERTY, _DOMAIN, _RANGE, _EQ_CLASS, _EQ_PROPERTY, _INVERSE, _CHAIN,
    _FIRST, _REST,
}  # fmt: skip


@dataclass
class Schema:
    """What the rules need of the schema, each relation already closed."""

    superclasses: dict[Node, frozenset[Node]] = field(default_factory=dict)  # C → {D: C ⊑ D}
    superproperties: dict[Node, frozenset[Node]] = field(default_factory=dict)
    domains: dict[Node, frozenset[Node]] = field(default_factory=dict)
    ranges: dict[Node, frozenset[Node]] = field(default_factory=dict)
    inverses: dict[Node, frozenset[Node]] = field(default_factory=dict)
    symmetric: frozenset[Node] = frozenset()
    transitive: frozenset[Node] = frozenset()
    chains: list[tuple[Node, tuple[Node, ...]]] = field(default_factory=list)


def _closed(pairs: Iterable[tuple[Node, Node]]) -> dict[Node, frozenset[Node]]:
    """The reflexive-transitive closure of a relation given as pairs, as a ↦ {b: a ≤ b}."""
    direct: dict[Node, set[Node]] = {}
    for a, b in pairs:
        direct.setdefault(a, set()).add(b)
        direct.setdefault(b, set())
    closed: dict[Node, frozenset[Node]] = {}
    for start in direct:
        seen = {start}
        todo = [start]
        while todo:
            for b in direct[todo.pop()]:
                if b not in seen:
                    seen.add(b)
                    todo.append(b)
        closed[start] = frozenset(seen)
    return closed


def _list(triples: dict[Node, dict[Node, list[Node]]], head: Node) -> tuple[Node, ...] | None:
    """The members of an RDF list, or None if it is not a well-formed one."""
    members: list[Node] = []
    seen: set[Node] = set()
    while head != _NIL:
        if head in seen:
            return None
        seen.add(head)
        firsts = triples.get(head, {}).get(_FIRST, [])
        rests = triples.get(head, {}).get(_REST, [])
        if len(firsts) != 1 or len(rests) != 1:
            return None
        members.append(firsts[0])
        head = rests[0]
    return tuple(members)


def schema_of(triples: Iterable[Triple]) -> Schema | None:
    """The schema the triples state, or None if it uses a construct this engine lacks."""
    sub_classes: list[tuple[Node, Node]] = []
    sub_properties: list[tuple[Node, Node]] = []
    domains: list[tuple[Node, Node]] = []
    ranges: list[tuple[Node, Node]] = []
    inverses: list[tuple[Node, Node]] = []
    symmetric: set[Node] = set()
    transitive: set[Node] = set()
    chain_heads: list[tuple[Node, Node]] = []
    lists: dict[Node, dict[Node, list[Node]]] = {}
    # each relation's pairs, and whether the predicate states it both ways
    relations: dict[Node, tuple[list[tuple[Node, Node]], bool]] = {
        _SUBCLASS: (sub_classes, False),
        _EQ_CLASS: (sub_classes, True),
        _SUBPROPERTY: (sub_properties, False),
        _EQ_PROPERTY: (sub_properties, True),
        _DOMAIN: (domains, False),
        _RANGE: (ranges, False),
        _INVERSE: (inverses, True),
        _CHAIN: (chain_heads, False),
    }
    schema_predicates = _SCHEMA_PREDICATES
    for s, p, o in triples:
        if p not in schema_predicates:  # most triples: one lookup
            continue
        relation = relations.get(p)
        if relation is not None:
            pairs, both_ways = relation
            pairs.append((s, o))
            if both_ways:
                pairs.append((o, s))
        elif p in _TYPES:  # (`in` compares terms only when the hash matches, `==` always)
            if o in _PROPERTY_TYPES:
                if o == OWL.TransitiveProperty:
                    transitive.add(s)
                elif o == OWL.SymmetricProperty:
                    symmetric.add(s)
                else:
                    return None
        elif p in (_FIRST, _REST):
            lists.setdefault(s, {}).setdefault(p, []).append(o)
        else:
            return None  # one of UNSUPPORTED_PREDICATES
    if any(isinstance(t, BNode) for pair in sub_classes for t in pair):
        return None  # a class expression: the restrictions behind it are not applied here
    chains: list[tuple[Node, tuple[Node, ...]]] = []
    for prop, head in sorted(chain_heads):
        links = _list(lists, head)
        if not links or any(not isinstance(link, URIRef) for link in links):
            return None
        chains.append((prop, links))
    superclasses = _closed(sub_classes)

    def lifted(pairs: list[tuple[Node, Node]]) -> dict[Node, frozenset[Node]]:
        """p ↦ its values' classes, each with every superclass (scm-dom1/scm-rng1)."""
        out: dict[Node, set[Node]] = {}
        for p, c in pairs:
            out.setdefault(p, set()).update(superclasses.get(c, {c}))
        return {p: frozenset(cs) for p, cs in out.items()}

    inverse_of: dict[Node, set[Node]] = {}
    for p, q in inverses:
        inverse_of.setdefault(p, set()).add(q)
    return Schema(
        superclasses=superclasses,
        superproperties=_closed(sub_properties),
        domains=lifted(domains),
        ranges=lifted(ranges),
        inverses={p: frozenset(qs) for p, qs in inverse_of.items()},
        symmetric=frozenset(symmetric),
        transitive=frozenset(transitive),
        chains=chains,
    )


def closure(facts: Iterable[Triple], schema: Schema) -> set[Triple]:
    """Every triple the rules derive from `facts` that is not among them (a fixpoint: each
    triple, given or derived, is matched against every rule once, and joined with the
    triples met before it for the rules with two premises)."""
    given = set(facts)
    known = set(given)
    todo = list(given)
    # the chains by each of their links: (chain's property, links, where this link is)
    by_link: dict[Node, list[tuple[Node, tuple[Node, ...], int]]] = {}
    for prop, links in schema.chains:
        for i, link in enumerate(links):
            by_link.setdefault(link, []).append((prop, links, i))
    joined = schema.transitive | set(by_link)
    out: dict[Node, dict[Node, set[Node]]] = {p: {} for p in joined}  # p → s → {o}
    into: dict[Node, dict[Node, set[Node]]] = {p: {} for p in joined}  # p → o → {s}
    superclasses, rdf_type = schema.superclasses, _TYPE
    new: list[Triple] = []
    add = new.append
    while todo:
        s, p, o = todo.pop()
        if p in _TYPES:
            for c in superclasses.get(o, ()):
                add((s, rdf_type, c))
        else:
            _apply(s, p, o, schema, out, into, by_link, joined, add)
        for derived in new:
            if derived not in known:
                known.add(derived)
                todo.append(derived)
        new.clear()
    return known - given


def _apply(
    s: Node,
    p: Node,
    o: Node,
    schema: Schema,
    out: dict[Node, dict[Node, set[Node]]],
    into: dict[Node, dict[Node, set[Node]]],
    by_link: dict[Node, list[tuple[Node, tuple[Node, ...], int]]],
    joined: frozenset[Node] | set[Node],
    add: Callable[[Triple], None],
) -> None:
    """The rules a triple of property `p` is a premise of (all but rdf:type's)."""
    for q in schema.superproperties.get(p, ()):
        add((s, q, o))
    for c in schema.domains.get(p, ()):
        add((s, _TYPE, c))
    for c in schema.ranges.get(p, ()):
        add((o, _TYPE, c))
    for q in schema.inverses.get(p, ()):
        add((o, q, s))
    if p in schema.symmetric:
        add((o, p, s))
    if p not in joined:
        return
    out[p].setdefault(s, set()).add(o)
    into[p].setdefault(o, set()).add(s)
    if p in schema.transitive:
        for z in out[p].get(o, ()):
            add((s, p, z))
        for w in into[p].get(s, ()):
            add((w, p, o))
    for prop, links, i in by_link.get(p, ()):
        starts = {s}  # walk the links before this one backwards …
        for link in reversed(links[:i]):
            starts = {x for y in starts for x in into[link].get(y, ())}
        ends = {o}  # … and the links after it forwards
        for link in links[i + 1 :]:
            ends = {z for y in ends for z in out[link].get(y, ())}
        for x in starts:
            for z in ends:
                add((x, prop, z))
