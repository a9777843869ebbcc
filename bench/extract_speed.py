"""Extraction speed: model load once, then each article; and the parallel path end to end.

Run: .venv/bin/python bench/extract_speed.py [CORPUS_DIR]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from graph.corpus import read_corpus
from graph.evaluate import load_inputs
from graph.extract import Extractor, extract_articles
from graph.extraction.gazetteer import build_gazetteer
from graph.namespaces import DEFAULT_BASE
from graph.settings import PROJECT_ROOT


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT / "corpus"
    articles = read_corpus(corpus)
    curated, ontology = load_inputs(
        PROJECT_ROOT / "graph" / "curated", PROJECT_ROOT / "ontology", DEFAULT_BASE
    )
    gazetteer = build_gazetteer(curated, ontology)
    started = time.perf_counter()
    extractor = Extractor(gazetteer, DEFAULT_BASE)
    loaded = time.perf_counter() - started
    print(f"model and name matcher loaded in {loaded:.2f} s")
    started = time.perf_counter()
    for article in articles:
        one = time.perf_counter()
        triples = extractor.extract(article)
        print(f"  {article.slug}: {len(triples)} triples in {time.perf_counter() - one:.2f} s")
    sequential = time.perf_counter() - started
    print(f"{len(articles)} articles, one process, after loading: {sequential:.2f} s")
    for jobs in (1, 2):
        started = time.perf_counter()
        extract_articles(articles, gazetteer, DEFAULT_BASE, jobs=jobs)
        print(
            f"extract_articles(jobs={jobs}), loading included: {time.perf_counter() - started:.2f} s"
        )


if __name__ == "__main__":
    main()
