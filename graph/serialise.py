"""Writing graphs fast and byte-for-byte reproducibly: every format from sorted N-Triples lines.

A graph is first turned into its N-Triples lines (rdflib's own writing of each triple), sorted
and without duplicates: those lines are the union's `.nt` (all graphs' merged) and each graph's
block of the `.nq` as they are, and pyoxigraph (Rust) parses them back to write each graph's
Turtle and JSON-LD in the same order, so the bytes depend only on the triples. TriG and the
union's Turtle and JSON-LD are composed from each graph's, so a rebuild reuses those of the
graphs that did not change. rdflib's Turtle writer took minutes for a few hundred thousand
triples.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain, groupby
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.term import Node

from graph.gz import Digests, write_gzip

Triple = tuple[Node, Node, Node]
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def read_nt_text(text: str, terms: dict[object, Node] | None = None) -> list[Triple]:
    """The triples of N-Triples text as rdflib terms, parsed by pyoxigraph (a few times faster
    than rdflib's parser). A literal typed xsd:string comes back as a plain literal, as the
    extractor writes every string. `terms`, shared by several calls, makes a term they share
    one object (rdflib checks an IRI's characters as it makes it; and a set or dict finds an
    object that is the same before comparing terms in Python)."""
    return _read(ox.parse(text, format=ox.RdfFormat.N_TRIPLES), terms)


def _read(triples: Iterable[ox.Triple], terms: dict[object, Node] | None = None) -> list[Triple]:
    terms = {} if terms is None else terms

    def term(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
        found = terms.get(node)
        if found is None:
            if isinstance(node, ox.NamedNode):
                found = URIRef(node.value)
            elif isinstance(node, ox.BlankNode):
                found = BNode(node.value)
            elif isinstance(node, ox.Triple):
                raise ValueError(f"an RDF-star triple term is not supported: {node}")
            elif node.language:
                found = Literal(node.value, lang=node.language)
            elif node.datatype.value == XSD_STRING:
                found = Literal(node.value)
            else:
                found = Literal(node.value, datatype=URIRef(node.datatype.value))
            terms[node] = found
        return found

    return [(term(t.subject), term(t.predicate), term(t.object)) for t in triples]


def nt_lines(triples: Iterable[Triple], names: dict[Node, str] | None = None) -> list[str]:
    """The N-Triples lines of `triples` (each ending in a newline), sorted, each once.

    Each line is what rdflib writes for the triple; a term is written once and then looked up
    (in `names`, when given, across calls): rdflib checks an IRI's characters every time."""
    names = {} if names is None else names

    def name(term: Node) -> str:
        found = names.get(term)
        if found is None:
            found = names[term] = term.n3()
        return found

    get = names.get  # looked up here, and `name` called only for a term not met before
    lines: set[str] = set()
    add = lines.add
    for s, p, o in triples:
        if isinstance(o, Literal):
            add(f"{get(s) or name(s)} {get(p) or name(p)} {_quoteLiteral(o)} .\n")
        else:
            add(f"{get(s) or name(s)} {get(p) or name(p)} {get(o) or name(o)} .\n")
    return sorted(lines)


def merge_lines(parts: Iterable[Sequence[str]]) -> list[str]:
    """The sorted union of several sorted lists of lines. Sorting them end to end merges
    their runs (a few times faster than sorting a set of them), then repeats are dropped."""
    merged = list(chain.from_iterable(parts))
    merged.sort()
    return [line for line, _ in groupby(merged)]


def _prefixes(prefixes: Mapping[str, object]) -> dict[str, str]:
    return {name: str(iri) for name, iri in sorted(prefixes.items())}


def turtle(lines: Sequence[str], prefixes: Mapping[str, object]) -> bytes:
    """Turtle of a graph's N-Triples lines, in their order, with the project's prefixes."""
    triples = ox.parse("".join(lines), format=ox.RdfFormat.N_TRIPLES)
    out = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=_prefixes(prefixes))
    assert out is not None
    return out


def prefix_lines(prefixes: Mapping[str, object]) -> bytes:
    """The @prefix lines that begin a Turtle or TriG file."""
    return b"".join(
        f"@prefix {name}: <{iri}> .\n".encode() for name, iri in _prefixes(prefixes).items()
    )


def _statements(text: bytes) -> bytes:
    """A graph's Turtle (as `turtle` writes it) without its @prefix lines."""
    start = 0
    while text.startswith(b"@prefix ", start):
        start = text.index(b"\n", start) + 1
    while text.startswith(b"\n", start):
        start += 1
    return text[start:]  # one copy


def write_turtle(text: str, path: Path, prefixes: Mapping[str, str]) -> Digests:
    """`turtle` of N-Triples text, written to `path`, then its gzip copy; the sha256 of both:
    a job for a worker process, given only text and names."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(turtle([text], prefixes))
    return write_gzip(path)


# The dumps of the whole dataset are made of each graph's piece in turn (after a head, such as
# the prefixes), so that a rebuild can copy the pieces of the graphs that did not change, and
# compress only the others (graph/gz.py).


def trig_piece(iri: str, turtle: bytes) -> bytes:
    """A graph's piece of the dataset's TriG, from its Turtle (as `turtle` writes it with the
    dataset's prefixes): its statements, without their @prefix lines, in a block named by the
    graph. The TriG is `prefix_lines` then each graph's piece."""
    return b"\n<%s> {\n%s}\n" % (iri.encode(), _statements(turtle))


def turtle_piece(turtle: bytes) -> bytes:
    """A graph's piece of the union's Turtle, from its Turtle (as `trig_piece`): its
    statements. The union's Turtle is `prefix_lines` then each graph's piece: a triple two
    graphs hold is written twice, which Turtle allows (a graph is a set); a blank node label
    names the same node throughout, as in the dataset."""
    return b"\n" + _statements(turtle)


def jsonld(lines: Sequence[str]) -> bytes:
    """JSON-LD of a graph's N-Triples lines (expanded form: full IRIs, one node object per
    subject, in the order of the lines), by pyoxigraph."""
    triples = ox.parse("".join(lines), format=ox.RdfFormat.N_TRIPLES)
    out = ox.serialize(triples, format=ox.RdfFormat.JSON_LD)
    assert out is not None
    return out


def write_jsonld_part(text: str, folder: Path, key: str) -> tuple[str, bytes | None]:
    """`jsonld` of N-Triples text, written to `folder` as KEY.HASH.jsonld (HASH: of its bytes):
    a job for a worker process. Its name, and its bytes only if it could not be written."""
    part = jsonld([text])
    name = f"{key}.{hashlib.sha256(part).hexdigest()[:16]}.jsonld"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{name}.part"
        partial.write_bytes(part)
        os.replace(partial, folder / name)
    except OSError:  # the caller keeps the bytes instead
        return name, part
    return name, None


def jsonld_piece(part: bytes) -> bytes:
    """A graph's piece of the union's JSON-LD, from its `jsonld`: its node objects, without the
    array around them (nothing for an empty graph). The union's JSON-LD is one array of every
    graph's node objects, a comma between two pieces: a node two graphs describe has two node
    objects, which a JSON-LD processor merges; a blank node identifier names the same node
    throughout, as in the dataset."""
    objects = part.strip()[1:-1]  # each is one array: [ … ]
    return objects if objects.strip() else b""


def nquads(iri: str, lines: Sequence[str]) -> str:
    """N-Quads of a named graph from its N-Triples lines, in their order."""
    # A line's only newline is its last character (N-Triples escapes the others), so " .\n"
    # is each line's end and nowhere else.
    return "".join(lines).replace(" .\n", f" <{iri}> .\n")


def rdf_type_objects(lines: Iterable[str]) -> Iterable[str]:
    """The class IRI of every `rdf:type` line whose object is an IRI."""
    typed = f" {RDF_TYPE} <"
    for line in lines:
        if typed in line:  # most lines are not: the test is quicker than splitting them all
            _, predicate, rest = line.split(" ", 2)
            if predicate == RDF_TYPE and rest.startswith("<"):
                yield rest[1 : rest.index(">")]
