"""How the build scales: clean build and one-article rebuild at N articles.

Run: .venv/bin/python bench/build_scale.py [--sizes 5,50,500] [--out -]   (make bench-build)

N = 5 is the project's corpus with its curated files; a larger N is N articles written by
bench/generate.py (seed 1373) with the curated reference files only (the per-article curated
files describe the corpus's own articles). Each build runs as its own `civicgraph build`
process into a fresh folder; the figures are its wall time, its stage times (the build's log
lines), the peak resident memory of the build process or of its largest child (ru_maxrss
from wait4), and the most memory all its processes used together (their PSS, sampled). Then
one article gets a sentence more and the build runs again: only that article is extracted
again, and the last build's files and store are reused where nothing changed.
The section "Build at scale" of BENCHMARKS.md gets the figures.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from generate import generate
from serving import PROJECT_ROOT, write_section

MARK_START = "<!-- bench/build_scale.py: start -->"
MARK_END = "<!-- bench/build_scale.py: end -->"
STAGES = ("extract", "validate", "reason", "serialise", "store")
_LAP = re.compile(r"^INFO (?P<stage>[a-z ]+): (?P<seconds>[0-9.]+) s$")
# A validation's own time: it runs in a process of its own, alongside the build.
_ALONGSIDE = re.compile(
    r"^INFO validate (?P<what>.+): (?P<seconds>[0-9.]+) s, alongside the build$"
)


@dataclass
class Run:
    """One `civicgraph build`."""

    seconds: float
    peak_mib: float
    together_mib: float = 0.0  # the most the build's processes used together (sampled PSS)
    validations: float = 0.0  # both validations' own seconds
    stages: dict[str, float] = field(default_factory=dict)
    triples: int = 0

    def stage(self, name: str) -> float:
        """A stage's seconds; "validate" is both validations, "serialise" includes the union."""
        if name == "validate":
            return self.validations
        if name == "serialise":
            return self.stages.get("serialise", 0) + self.stages.get("union", 0)
        if name == "extract":
            return self.stages.get("read", 0) + self.stages.get("extract", 0)
        return self.stages.get(name, 0)


def run_build(corpus: Path, curated: Path, out: Path, log: Path) -> Run:
    """`civicgraph build` in a process of its own; its time, peak memory and stage times."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICGRAPH_")}
    env |= {"CIVICGRAPH_CORPUS": str(corpus), "CIVICGRAPH_CURATED": str(curated)}
    env["CIVICGRAPH_BUILD"] = str(out)
    command = [sys.executable, "-m", "graph.cli", "build"]
    # The memory the build's processes use together, sampled: a forked process shares its
    # parent's pages until either changes them, so the largest resident set does not tell.
    peak_pss = [0]
    watching = threading.Event()
    root: list[int] = []

    def watch() -> None:
        while not watching.wait(0.5):
            if root:
                peak_pss[0] = max(peak_pss[0], _tree_pss_kib(root[0]))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.perf_counter()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
        root.append(process.pid)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    watching.set()
    watcher.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8", errors="replace")
    if process.returncode != 0:
        raise SystemExit(f"the build failed ({process.returncode}):\n{text[-3000:]}")
    run = Run(seconds, usage.ru_maxrss / 1024, together_mib=peak_pss[0] / 1024)
    for line in text.splitlines():
        m = _LAP.match(line)
        if m:
            run.stages[m.group("stage")] = float(m.group("seconds"))
        alongside = _ALONGSIDE.match(line)
        if alongside:
            run.validations += float(alongside.group("seconds"))
        built = re.search(r": (\d+) triples in \d+ graphs", line)
        if built:
            run.triples = int(built.group(1))
    return run


def _tree_pss_kib(pid: int) -> int:
    """The proportional set size (KiB) of a process and all its descendants: each page shared
    by n of them counts 1/n in each, so the sum is what they use together."""
    total = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):  # it ended meanwhile
            continue
    return total


def corpus_for(size: int, work: Path) -> tuple[Path, Path]:
    """(corpus folder, curated folder) for `size` articles."""
    if size == 5:
        return PROJECT_ROOT / "corpus", PROJECT_ROOT / "graph" / "curated"
    corpus = work / f"corpus-{size}"
    if not corpus.is_dir():
        generate(size, corpus)
    curated = work / "curated-reference"
    if not curated.is_dir():
        curated.mkdir(parents=True)
        articles = {p.stem for p in (PROJECT_ROOT / "corpus").glob("*.txt")}
        for path in sorted((PROJECT_ROOT / "graph" / "curated").glob("*.ttl")):
            if path.stem not in articles:
                shutil.copy(path, curated / path.name)
    return corpus, curated


def measure(size: int, work: Path) -> tuple[Run, Run]:
    """A clean build of `size` articles and a rebuild after one article changed."""
    corpus, curated = corpus_for(size, work)
    if size == 5:  # the project's corpus is not ours to edit: a copy
        shutil.rmtree(work / "corpus-5", ignore_errors=True)
        corpus = Path(shutil.copytree(corpus, work / "corpus-5"))
    out = work / f"build-{size}"
    for old in (out.parent / f".{out.name}.versions", out.parent / f".{out.name}.cache"):
        shutil.rmtree(old, ignore_errors=True)
    if out.is_symlink() or out.exists():
        out.unlink()
    print(f"N={size}: clean build …", flush=True)
    clean = run_build(corpus, curated, out, work / f"build-{size}.log")
    print(f"  {clean.seconds:.1f} s, {clean.peak_mib:.0f} MiB (together {clean.together_mib:.0f} MiB), "
          f"{clean.stages}", flush=True)  # fmt: skip
    article = sorted(corpus.glob("*.txt"))[len(list(corpus.glob("*.txt"))) // 2]
    text = article.read_text(encoding="utf-8")
    article.write_text(text.rstrip("\n") + "\n\nThe city council met again on Friday.\n")
    try:
        print(f"N={size}: rebuild after changing {article.name} …", flush=True)
        again = run_build(corpus, curated, out, work / f"rebuild-{size}.log")
    finally:
        article.write_text(text, encoding="utf-8")
    print(f"  {again.seconds:.1f} s, {again.peak_mib:.0f} MiB, {again.stages}", flush=True)
    return clean, again


def _load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def report(results: dict[int, tuple[Run, Run]], command: str, load_before: str) -> str:
    lines = [
        MARK_START,
        "## Build at scale",
        "",
        f"Command: `{command}` — `bench/build_scale.py` runs `civicgraph build` as a process of "
        "its own into a fresh folder (no caches): N = 5 is the project's corpus, a larger N is "
        "N articles from `bench/generate.py` (seed 1373) with the curated reference files. "
        "Then one article gets a sentence more and the same build runs again, with what the "
        "clean build left: its caches (extraction, the gzip copies' indexes, the files' "
        "stamps) and the build itself (its unchanged graph files, the unchanged graphs' "
        "pieces of its dumps and their compressed chunks, its Oxigraph store). "
        "Times are wall-clock seconds from the build's own log (extract includes reading the "
        "corpus; validate is both validations' own time, before and after reasoning, each in "
        "a forked process of its own while the build reasons or writes its files, so the "
        "stages add up to more than the build; serialise includes the union of the graphs and "
        "every file with its gzip copy and hash; store is the Oxigraph store); peak memory is "
        "the largest resident set of the build process or of any of its workers, and all "
        "processes together the largest sum of the proportional set sizes (PSS) of the build "
        "and its child processes, sampled every 0.5 s (a forked process shares its parent's "
        "memory until either changes a page, which a resident set does not show).",
        "",
        f"Run {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; load average before the run {load_before}, "
        f"after it {_load_average()} (the machine is shared with other work, so figures vary "
        "from run to run).",
        "",
        "| N | triples | clean build (s) | extract | validate | reason | serialise | store "
        "| peak memory (MiB) | all processes together (MiB) | rebuild, one article changed (s) "
        "| rebuild / clean |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, (clean, again) in sorted(results.items()):
        stages = " | ".join(f"{clean.stage(s):.1f}" for s in STAGES)
        lines.append(
            f"| {size} | {clean.triples} | {clean.seconds:.1f} | {stages} | "
            f"{clean.peak_mib:.0f} | {clean.together_mib:.0f} | {again.seconds:.1f} | "
            f"{again.seconds / clean.seconds:.0%} |"
        )
    lines += [
        "",
        "Rebuild stages (s):",
        "",
        "| N | extract | validate | reason | serialise | store |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size, (_, again) in sorted(results.items()):
        lines.append(f"| {size} | " + " | ".join(f"{again.stage(s):.1f}" for s in STAGES) + " |")
    lines += ["", MARK_END]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5,50,500", help="comma-separated article counts")
    parser.add_argument("--work", help="folder for corpora and builds (default: a temp folder)")
    parser.add_argument(
        "--out", default=str(PROJECT_ROOT / "BENCHMARKS.md"), help="report file; - prints it"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    command = "make bench-build"
    if sys.argv[1:]:
        command = "python bench/build_scale.py " + " ".join(sys.argv[1:])
    load_before = _load_average()
    with tempfile.TemporaryDirectory(prefix="bench-build-") as temporary:
        work = Path(args.work or temporary)
        work.mkdir(parents=True, exist_ok=True)
        results = {size: measure(size, work) for size in sizes}
    section = report(results, command, load_before)
    if args.out == "-":
        print(section)
    else:
        write_section(Path(args.out), section, MARK_START, MARK_END, "Benchmarks")
        print(f"the figures are in {args.out}, section “Build at scale”")
    return 0


if __name__ == "__main__":
    sys.exit(main())
