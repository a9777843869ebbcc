"""Reasoning: the fast paths (graph/rules.py, `reasonable`) against owlrl's full closure.

For each build given (default: build/, the corpus), reads its asserted graphs back from
`dataset.trig` (everything but the inferred and meta graphs), runs `graph.reason.infer` with
each engine, checks that the results are equal, and reports the times and the counts.
The section "Reasoning" of BENCHMARKS.md gets the figures. Not a test (tests/test_reason.py
holds the equality on the corpus and on generated articles in every test run).

    .venv/bin/python bench/reasoning.py [BUILD_DIR ...]      # make bench-reasoning
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rdflib import Dataset, Graph
from serving import PROJECT_ROOT, write_section

sys.path.insert(0, str(PROJECT_ROOT))

from graph.build import load_turtle
from graph.reason import Engine, infer

ENGINES: tuple[Engine, ...] = ("rules", "reasonable", "owlrl")
MARK_START = "<!-- bench/reasoning.py: start -->"
MARK_END = "<!-- bench/reasoning.py: end -->"


def asserted_of(build_dir: Path) -> tuple[Graph, int]:
    """(the union of a build's asserted graphs, its article count)."""
    dataset = Dataset()
    dataset.parse(build_dir / "dataset.trig", format="trig")
    asserted = Graph()
    articles = 0
    for graph in dataset.graphs():
        name = str(graph.identifier)
        if graph.identifier == dataset.default_graph or name.endswith(("/inferred", "/meta")):
            continue
        articles += "/graph/article/" in name
        for triple in graph:
            asserted.add(triple)
    return asserted, articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("builds", nargs="*", type=Path, default=[PROJECT_ROOT / "build"])
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    ontology = load_turtle(PROJECT_ROOT / "ontology" / "civic.ttl")
    rows = []
    for build in args.builds:
        asserted, articles = asserted_of(build.resolve())
        times = {}
        results = {}
        for engine in ENGINES:
            started = time.perf_counter()
            results[engine] = set(infer(asserted, ontology, engine=engine))
            times[engine] = time.perf_counter() - started
        equal = all(results[engine] == results["owlrl"] for engine in ENGINES)
        rows.append((build, articles, len(asserted), len(results["owlrl"]), times, equal))
        spent = ", ".join(f"{engine} {times[engine]:.1f} s" for engine in ENGINES)
        print(
            f"{build}: {articles} articles, {len(asserted)} asserted, "
            f"{len(results['owlrl'])} inferred; {spent}, equal: {equal}",
            flush=True,
        )
        if not equal:
            raise SystemExit("the engines disagree: that is a bug (see tests/test_reason.py)")
    lines = [
        MARK_START,
        "## Reasoning",
        "",
        "Command: `.venv/bin/python bench/reasoning.py "
        + " ".join(str(b) for b in args.builds)
        + "` — each build's asserted graphs (read back from `dataset.trig`) through"
        " `graph.reason.infer` with each engine; the inferred triples (new, in our vocabulary)"
        " are compared as sets.",
        "",
        "| build | articles | asserted triples | inferred | rules (s) | reasonable (s) | owlrl (s) "
        "| equal |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for build, articles, asserted_count, inferred, times, equal in rows:
        lines.append(
            f"| {build.name} | {articles} | {asserted_count} | {inferred} | "
            + " | ".join(f"{times[engine]:.1f}" for engine in ENGINES)
            + f" | {'yes' if equal else 'NO'} |"
        )
    lines.append(MARK_END)
    write_section(args.out, "\n".join(lines) + "\n", MARK_START, MARK_END, "Benchmarks")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
