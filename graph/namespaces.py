"""Namespaces and the IRIs of the named graphs."""

from rdflib import Namespace, URIRef

DEFAULT_BASE = "https://kg.example.org/"
ONTOLOGY_IRI = "https://kg.example.org/ontology"
CIV = Namespace(ONTOLOGY_IRI + "#")

SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
WD = Namespace("http://www.wikidata.org/entity/")

PREFIXES: dict[str, str] = {
    "civ": str(CIV),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "sem": str(SEM),
    "nif": str(NIF),
    "void": str(VOID),
    "dcat": str(DCAT),
    "sd": str(SD),
    "wd": str(WD),
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    # The ontology aligns to these two; without a prefix of their own rdflib's Turtle writer
    # invents ns1/ns2 in an order that varies with the hash seed.
    "gaf": "http://groundedannotationframework.org/gaf#",
    "itsrdf": "http://www.w3.org/2005/11/its/rdf#",
}


def graph_iri(base: str, *path: str) -> URIRef:
    """The IRI of a named graph: (base, "curated", "us-code") → BASE/graph/curated/us-code."""
    return URIRef(base + "graph/" + "/".join(path))


def graph_file(graph: str, base: str) -> str:
    """A named graph's file in the build folder: BASE/graph/article/x → graphs/article/x.ttl."""
    prefix = base + "graph/"
    if not graph.startswith(prefix):
        raise ValueError(f"not a graph of this dataset: {graph}")
    return "graphs/" + graph[len(prefix) :] + ".ttl"
