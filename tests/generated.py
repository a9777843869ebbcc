"""A sample of generated articles (bench/generate.py), extracted once per test session.

The tests of reasoning and validation at scale compare the fast paths with the reference ones
on this sample as well as on the corpus: new names, places and sentence shapes the curated
files know nothing about.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from live import locked
from rdflib import Dataset, Graph
from rdflib.compare import to_canonical_graph

from graph.build import load_turtle, new_graph
from graph.corpus import read_corpus
from graph.extract import build_gazetteer, extract_articles
from graph.namespaces import DEFAULT_BASE

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = 20


def generator() -> ModuleType:
    """bench/generate.py as a module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate", module)
    spec.loader.exec_module(module)
    return module


def ontology() -> Graph:
    return load_turtle(ROOT / "ontology" / "civic.ttl")


def generated_asserted(folder: Path, count: int = SAMPLE) -> Graph:
    """The asserted union of `count` generated articles (written and extracted into `folder`,
    reused when there already): the ontology, the curated reference files and the articles'
    graphs."""
    with locked(folder / f"generated-{count}.lock"):  # one worker extracts, others read
        corpus = folder / f"generated-{count}"
        if not corpus.is_dir():
            generator().generate(count, corpus)
        curated = new_graph()
        articles = {p.stem for p in (ROOT / "corpus").glob("*.txt")}
        for path in sorted((ROOT / "graph" / "curated").glob("*.ttl")):
            if path.stem not in articles:  # the reference files, not what the corpus's articles say
                for triple in load_turtle(path):
                    curated.add(triple)
        extracted = extract_articles(
            read_corpus(corpus),
            build_gazetteer(curated, ontology()),
            DEFAULT_BASE,
            cache=folder / "extract-cache",
        )
        asserted = new_graph()
        for triple in to_canonical_graph(ontology()):
            asserted.add(triple)
        for triple in curated:
            asserted.add(triple)
        for triples in extracted.values():
            for triple in triples:
                asserted.add(triple)
        return asserted


def asserted_of(build_dir: Path) -> tuple[Graph, Graph]:
    """(every asserted graph of a build, its inferred graph), read back from dataset.trig."""
    dataset = Dataset()
    dataset.parse(build_dir / "dataset.trig", format="trig")
    asserted, inferred = Graph(), Graph()
    for graph in dataset.graphs():
        name = str(graph.identifier)
        if name.endswith("/graph/inferred"):
            for triple in graph:
                inferred.add(triple)
        elif not name.endswith("/graph/meta") and graph.identifier != dataset.default_graph:
            for triple in graph:
                asserted.add(triple)
    return asserted, inferred
