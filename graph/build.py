"""The build: ontology + curated + extracted → SHACL → owlrl → SHACL → the build folder.

The build is a pure function of its inputs: the same inputs give the same bytes in every RDF
file and in the manifest. Output goes to a fresh folder and is switched in with one atomic
rename of a symbolic link, so a failed build leaves the previous output untouched.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import DCTERMS, PROV, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from graph import __version__
from graph.corpus import Article, read_corpus
from graph.errors import BuildError, CuratedError
from graph.extract import build_gazetteer, extract_articles
from graph.iri import slugify
from graph.namespaces import (
    CIV,
    DCAT,
    DEFAULT_BASE,
    PREFIXES,
    SCHEMA,
    SD,
    VOID,
    graph_file,
    graph_iri,
)
from graph.queries import SavedQuery, load_queries
from graph.reason import infer
from graph.settings import Settings
from graph.validate import Finding, check_shapes

log = logging.getLogger("civicgraph.build")

LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")


@dataclass
class NamedGraph:
    """One named graph of the dataset and what it was derived from."""

    iri: URIRef
    kind: str
    graph: Graph
    derived_from: URIRef | None = None
    title: str = ""


@dataclass
class BuildResult:
    """What a build wrote and what it noticed."""

    path: Path
    manifest: dict[str, object]
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def new_graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def rebase(graph: Graph, base: str) -> Graph:
    """Rewrite instance and graph IRIs written against the default base to `base`."""
    if base == DEFAULT_BASE:
        return graph
    prefixes = (DEFAULT_BASE + "id/", DEFAULT_BASE + "graph/")

    def move(term: object) -> object:
        if isinstance(term, URIRef) and str(term).startswith(prefixes):
            return URIRef(base + str(term)[len(DEFAULT_BASE) :])
        return term

    out = new_graph()
    for s, p, o in graph:
        out.add((move(s), move(p), move(o)))  # type: ignore[arg-type]
    return out


def load_turtle(path: Path, base: str = DEFAULT_BASE) -> Graph:
    """Parse a hand-written Turtle file; a parse error names the file and the parser's message."""
    graph = new_graph()
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError:
        raise CuratedError(f"{path}: no such file") from None
    except Exception as exc:  # rdflib raises several unrelated types for bad Turtle
        raise CuratedError(f"{path}: invalid Turtle: {exc}") from None
    return rebase(graph, base)


def read_curated(folder: Path, base: str, articles: Iterable[Article]) -> list[NamedGraph]:
    """One named graph per curated file, each tied to the article or reference it rests on."""
    slugs = {a.slug for a in articles}
    graphs = []
    for path in sorted(folder.glob("*.ttl")):
        stem = path.stem
        if slugify(stem) != stem:
            raise CuratedError(
                f"{path}: a curated file name must be a slug, e.g. {slugify(stem)}.ttl"
            )
        graph = load_turtle(path, base)
        if stem in slugs:
            source = URIRef(f"{base}id/article/{stem}")
        else:
            source = URIRef(f"{base}id/source/{stem}")
            if (source, RDF.type, CIV.Source) not in graph:
                raise CuratedError(
                    f"{path}: not named after an article, so it must describe its source as "
                    f"<{source}> a civ:Source"
                )
        graphs.append(
            NamedGraph(
                graph_iri(base, "curated", stem), "curated", graph, source, f"curated: {stem}"
            )
        )
    return graphs


def describe_queries(base: str, queries: list[SavedQuery]) -> Iterable[tuple[Node, Node, Node]]:
    """Each saved query's own IRI and description, for the meta graph."""
    for query in queries:
        node = URIRef(f"{base}id/query/{query.name}")
        yield (node, RDF.type, CIV.SavedQuery)
        yield (node, RDFS.label, Literal(query.summary, lang="en"))
        if query.description:
            yield (node, RDFS.comment, Literal(query.description, lang="en"))
        for tag in query.tags:
            yield (node, SCHEMA.keywords, Literal(tag))
        yield (node, CIV.view, Literal(query.view))
        for parameter in query.parameters:
            yield (node, CIV.parameter, Literal(parameter.name))
        yield (node, CIV.queryText, Literal(query.text))
        yield (node, SCHEMA.url, URIRef(f"{base}queries/{query.name}"))


def union(graphs: Iterable[Graph]) -> Graph:
    out = new_graph()
    for graph in graphs:
        for triple in graph:
            out.add(triple)
    return out


def class_counts(data: Graph) -> dict[str, int]:
    counts = Counter(str(o) for o in data.objects(None, RDF.type) if isinstance(o, URIRef))
    return dict(sorted(counts.items()))


# The whole-dataset dumps and their media types (each also has a `.gz` copy).
DUMPS = {
    "dataset.trig": "application/trig",
    "dataset.nq": "application/n-quads",
    "graph.ttl": "text/turtle",
    "graph.nt": "application/n-triples",
    "graph.jsonld": "application/ld+json",
}


def _describe_distribution(meta: Graph, dataset: URIRef, url: str, media_type: str) -> None:
    """A DCAT distribution: the download at `url`, named by its own URL."""
    distribution = URIRef(url)
    meta.add((dataset, DCAT.distribution, distribution))
    meta.add((distribution, RDF.type, DCAT.Distribution))
    meta.add((distribution, DCAT.downloadURL, distribution))
    meta.add(
        (
            distribution,
            DCAT.mediaType,
            URIRef("https://www.iana.org/assignments/media-types/" + media_type),
        )
    )
    meta.add((distribution, DCTERMS.license, LICENSE))


def describe_dataset(
    base: str, graphs: list[NamedGraph], data: Graph, articles: list[Article]
) -> Graph:
    """The meta graph: VoID/DCAT description of the dataset and of each named graph."""
    meta = new_graph()
    dataset = URIRef(base + "dataset")
    meta.add((dataset, RDF.type, VOID.Dataset))
    meta.add((dataset, RDF.type, URIRef("http://www.w3.org/ns/dcat#Dataset")))
    meta.add(
        (
            dataset,
            DCTERMS.title,
            Literal("civicgraph: DOJ sanctuary-city letters of January 2018", lang="en"),
        )
    )
    meta.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "A knowledge graph of news reports on the US Justice Department's January 2018 "
                "letters to 23 jurisdictions and the mayors' boycott of a White House meeting: "
                "curated facts with their sources, facts extracted from each article with the "
                "sentence that supports them, and what OWL reasoning adds.",
                lang="en",
            ),
        )
    )
    meta.add((dataset, DCTERMS.license, LICENSE))
    endpoint = URIRef(base + "sparql")
    meta.add((dataset, VOID.sparqlEndpoint, endpoint))
    meta.add((dataset, DCAT.accessService, endpoint))
    meta.add((endpoint, RDF.type, DCAT.DataService))
    meta.add((endpoint, DCAT.endpointURL, endpoint))
    meta.add((endpoint, DCAT.servesDataset, dataset))
    meta.add((dataset, DCAT.landingPage, URIRef(base)))
    meta.add((dataset, VOID.uriSpace, Literal(base + "id/")))
    meta.add((dataset, VOID.vocabulary, URIRef(str(CIV)[:-1])))
    for dump, media_type in DUMPS.items():
        meta.add((dataset, VOID.dataDump, URIRef(base + "download/" + dump)))
        _describe_distribution(meta, dataset, base + "download/" + dump, media_type)
    for named in graphs:
        dump = base + "download/" + graph_file(str(named.iri), base)
        meta.add((named.iri, VOID.dataDump, URIRef(dump)))
        _describe_distribution(meta, named.iri, dump, "text/turtle")
    meta.add((dataset, VOID.triples, Literal(len(data), datatype=XSD.integer)))
    meta.add(
        (
            dataset,
            VOID.classes,
            Literal(len(set(data.objects(None, RDF.type))), datatype=XSD.integer),
        )
    )
    meta.add((dataset, VOID.properties, Literal(len(set(data.predicates())), datatype=XSD.integer)))
    entities = {
        s for s in data.subjects() if isinstance(s, URIRef) and str(s).startswith(base + "id/")
    }
    meta.add((dataset, VOID.entities, Literal(len(entities), datatype=XSD.integer)))
    for article in articles:
        meta.add((dataset, DCTERMS.source, URIRef(f"{base}id/article/{article.slug}")))
    for named in graphs:
        if named.derived_from is not None and str(named.derived_from).startswith(
            f"{base}id/source/"
        ):
            meta.add((dataset, DCTERMS.source, named.derived_from))
    for named in graphs:
        meta.add((dataset, VOID.subset, named.iri))
        meta.add((named.iri, RDF.type, SD.NamedGraph))
        meta.add((named.iri, RDF.type, VOID.Dataset))
        meta.add((named.iri, RDFS.label, Literal(named.title, lang="en")))
        meta.add((named.iri, DCTERMS.type, Literal(named.kind)))
        meta.add((named.iri, VOID.triples, Literal(len(named.graph), datatype=XSD.integer)))
        if named.derived_from is not None:
            meta.add((named.iri, PROV.wasDerivedFrom, named.derived_from))
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        when = dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None).isoformat()
        meta.add((dataset, PROV.generatedAtTime, Literal(when, datatype=XSD.dateTime)))
    meta.add((dataset, PROV.wasGeneratedBy, URIRef(f"{base}id/method/civicgraph-build")))
    meta.add((URIRef(f"{base}id/method/civicgraph-build"), RDF.type, PROV.SoftwareAgent))
    meta.add(
        (
            URIRef(f"{base}id/method/civicgraph-build"),
            RDFS.label,
            Literal(f"civicgraph {__version__}", lang="en"),
        )
    )
    return meta


def to_turtle(graph: Graph) -> str:
    """Turtle whose bytes depend only on the triples: rdflib's serializer follows the store's
    iteration order in places, so it gets a copy filled in sorted order."""
    ordered = new_graph()
    for triple in sorted(graph, key=lambda t: tuple(term.n3() for term in t)):
        ordered.add(triple)
    return ordered.serialize(format="turtle")


def to_jsonld(graph: Graph) -> str:
    """JSON-LD (compacted with the project's prefixes) whose bytes depend only on the triples.

    rdflib's serializer lists top-level nodes in set order, so they are sorted by `@id` here.
    """
    ordered = new_graph()
    for triple in sorted(graph, key=lambda t: tuple(term.n3() for term in t)):
        ordered.add(triple)
    document = json.loads(
        ordered.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
    )
    nodes = document.get("@graph")
    if isinstance(nodes, list):
        nodes.sort(key=lambda node: (str(node.get("@id", "")), json.dumps(node, sort_keys=True)))
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def to_trig(graphs: list[NamedGraph]) -> str:
    """TriG of the named graphs in the given order (rdflib's TriG orders graphs by hash).

    Each block is the graph's Turtle, untouched but for its prefix lines, which rdflib writes
    only at the top: indenting or trimming the body could change multi-line literals.
    """
    prefixes: set[str] = set()
    blocks = []
    for named in graphs:
        lines = to_turtle(named.graph).split("\n")
        start = 0
        while start < len(lines) and (lines[start].startswith("@prefix") or not lines[start]):
            if lines[start]:
                prefixes.add(lines[start])
            start += 1
        body = "\n".join(lines[start:]).rstrip("\n")
        blocks.append(f"{named.iri.n3()} {{\n{body}\n}}\n")
    return "\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks)


def sorted_lines(text: str) -> str:
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "\n".join(lines) + "\n"


def write_file(folder: Path, name: str, content: str | bytes) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.write_bytes(data)
    # mtime=0 keeps the compressed bytes a function of the content alone
    with (
        open(path.with_name(path.name + ".gz"), "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz,
    ):
        gz.write(data)


def write_outputs(folder: Path, settings: Settings, graphs: list[NamedGraph]) -> dict[str, object]:
    """Serialise every file of the build folder and return the manifest."""
    base = settings.base
    quads: list[str] = []
    for named in graphs:
        write_file(folder, graph_file(str(named.iri), base), to_turtle(named.graph))
        context = f" {named.iri.n3()} .\n"
        quads.extend(
            line[: -len(" .")] + context
            for line in named.graph.serialize(format="nt").splitlines()
            if line.strip()
        )
    write_file(folder, "dataset.trig", to_trig(graphs))
    write_file(folder, "dataset.nq", "".join(sorted(set(quads))))
    everything = union(n.graph for n in graphs)
    write_file(folder, "graph.ttl", to_turtle(everything))
    write_file(folder, "graph.nt", sorted_lines(everything.serialize(format="nt")))
    write_file(folder, "graph.jsonld", to_jsonld(everything))
    ontology_dir = Path(settings.ontology)
    write_file(folder, "ontology.ttl", (ontology_dir / "civic.ttl").read_bytes())
    write_file(folder, "shapes.ttl", (ontology_dir / "shapes.ttl").read_bytes())
    meta = next(n for n in graphs if n.kind == "meta")
    write_file(folder, "void.ttl", to_turtle(meta.graph))

    # Triples in each RDF file (and its .gz), for the download page.
    triples: dict[str, int] = {graph_file(str(n.iri), base): len(n.graph) for n in graphs}
    triples |= {name: sum(len(n.graph) for n in graphs) for name in ("dataset.trig", "dataset.nq")}
    triples |= {name: len(everything) for name in ("graph.ttl", "graph.nt", "graph.jsonld")}
    ontology = next((n for n in graphs if n.kind == "ontology"), None)
    if ontology is not None:
        triples["ontology.ttl"] = len(ontology.graph)
    triples["shapes.ttl"] = len(load_turtle(ontology_dir / "shapes.ttl"))
    triples["void.ttl"] = len(meta.graph)
    files: dict[str, dict[str, object]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        files[rel] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        count = triples.get(rel.removesuffix(".gz"))
        if count is not None:
            files[rel]["triples"] = count
    digest = hashlib.sha256(
        "".join(f"{info['sha256']}  {name}\n" for name, info in files.items()).encode()
    ).hexdigest()
    return {
        "generator": f"civicgraph {__version__}",
        "base": base,
        "dataset_hash": digest,
        "union_triples": len(everything),
        "quads": sum(len(n.graph) for n in graphs),
        "graphs": [
            {
                "iri": str(n.iri),
                "kind": n.kind,
                "title": n.title,
                "file": graph_file(str(n.iri), base),
                "triples": len(n.graph),
                "derived_from": str(n.derived_from) if n.derived_from else None,
            }
            for n in graphs
        ],
        "classes": class_counts(everything),
        "files": files,
    }


def publish(staging: Path, target: Path, digest: str) -> Path:
    """Switch `target` (a symbolic link) to the finished build in one atomic rename."""
    versions = target.parent / f".{target.name}.versions"
    final = versions / digest[:16]
    if final.exists():
        shutil.rmtree(staging)  # the same inputs built before: identical bytes
    else:
        staging.rename(final)
    if target.exists() and not target.is_symlink():
        target.rename(versions / f"previous-{digest[:8]}")  # an old plain folder, kept aside
    previous = target.resolve() if target.is_symlink() else None
    link = versions / f"link-{digest[:16]}"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(os.path.relpath(final, target.parent))
    os.replace(link, target)
    for old in versions.iterdir():
        if (
            old.resolve() not in (final.resolve(), previous)
            and old.is_dir()
            and not old.is_symlink()
        ):
            shutil.rmtree(old, ignore_errors=True)
    return final


def build(settings: Settings) -> BuildResult:
    """Run the whole build; raise a BuildError subclass, leaving the last build, on any failure."""
    base = settings.base
    seconds: dict[str, float] = {}
    warnings: list[str] = []
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = round(now - clock, 3)
        log.info("%s: %.2f s", stage, now - clock)
        clock = now

    ontology_dir = Path(settings.ontology)
    ontology = load_turtle(ontology_dir / "civic.ttl")
    shapes = load_turtle(ontology_dir / "shapes.ttl")
    articles = read_corpus(Path(settings.corpus))
    for article in articles:
        warnings.extend(article.warnings)
    curated = read_curated(Path(settings.curated), base, articles)
    queries = load_queries(Path(settings.queries))
    lap("read")

    known = union(c.graph for c in curated)
    target = settings.build_dir.absolute()
    inputs = hashlib.sha256()
    for path in [ontology_dir / "civic.ttl", *sorted(Path(settings.curated).glob("*.ttl"))]:
        inputs.update(path.name.encode() + b"\0" + path.read_bytes())
    extracted = extract_articles(
        articles,
        build_gazetteer(known, ontology),
        base,
        cache=target.parent / f".{target.name}.cache" / "extract",
        inputs_digest=inputs.hexdigest(),
    )
    article_graphs = []
    for article in articles:
        graph = new_graph()
        for triple in extracted[article.slug]:
            graph.add(triple)
        article_graphs.append(
            NamedGraph(
                graph_iri(base, "article", article.slug),
                "article",
                graph,
                URIRef(f"{base}id/article/{article.slug}"),
                f"extracted: {article.title}",
            )
        )
    lap("extract")

    # Blank nodes (OWL lists in the ontology) get content-derived labels, so output is stable.
    ontology_graph = NamedGraph(
        graph_iri(base, "ontology"),
        "ontology",
        to_canonical_graph(ontology),
        URIRef(str(CIV)[:-1]),
        "ontology",
    )
    asserted_graphs = [ontology_graph, *curated, *article_graphs]
    asserted = union(g.graph for g in asserted_graphs)
    findings: list[Finding] = check_shapes(asserted, shapes, "asserted graphs")
    lap("validate asserted")

    inferred = new_graph()
    for triple in infer(asserted, ontology):
        inferred.add(triple)
    lap("reason")

    closure = union([asserted, inferred])
    findings = sorted(
        set(findings) | set(check_shapes(closure, shapes, "graphs with inferences")), key=str
    )
    warnings.extend(str(f) for f in findings)
    lap("validate closure")

    graphs = [
        *asserted_graphs,
        NamedGraph(
            graph_iri(base, "inferred"),
            "inferred",
            inferred,
            URIRef(f"{base}id/method/owlrl"),
            "inferred by OWL 2 RL reasoning",
        ),
    ]
    meta = describe_dataset(base, graphs, closure, articles)
    for triple in describe_queries(base, queries):
        meta.add(triple)
    graphs.append(NamedGraph(graph_iri(base, "meta"), "meta", meta, None, "dataset description"))

    versions = target.parent / f".{target.name}.versions"
    versions.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="staging-", dir=versions))
    try:
        for query in queries:
            write_file(staging, f"queries/{query.name}.rq", query.text.encode("utf-8"))
        manifest = write_outputs(staging, settings, graphs)
        manifest["warnings"] = warnings
        (staging / "manifest.json").write_text(
            json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        digest = str(manifest["dataset_hash"])
        lap("serialise")
        final = publish(staging, target, digest)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(f"cannot write the build to {target}: {exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for warning in warnings:
        log.warning("%s", warning)
    return BuildResult(final, manifest, warnings, seconds)
