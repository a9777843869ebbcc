"""Mutation testing of the modules the tests must guard hardest, within a time budget.

    .venv/bin/python tools/mutate.py [--sample N] [--budget SECONDS] [--seed S] [--again]
                                     [--module server.query ...] [GROUP ...]

(`make mutate` runs it with its defaults.) For each group below it copies the project (the files
git knows, committed or not, nothing git ignores) into `.mutate/GROUP/`, has mutmut (3.x) make
every mutant of the group's modules, draws a fixed random sample of N mutants per module (the
same seed draws the same sample), and runs each against the group's tests, fastest first, within
the budget. It prints, per module, how many of the mutants tried the tests killed, and every
survivor with its diff. A rerun keeps the results mutmut recorded and tries only the mutants of
the sample not tried yet; `--again` tries the survivors once more (after tests were added: the
copy takes the project's files as they are now); delete `.mutate/` to start again.

Killed: the tests failed (a time-out counts: the mutant made a test hang). Survived: every test
passed, or no test reached the mutated function. The build the server tests read is made once,
from the unmutated code, before the mutants run (`CIVICGRAPH_TEST_BUILD`): a mutant is judged
by the tests that call its code, not by a build it cannot change.

The server tests start the real server, whose queries run in other processes (gunicorn's
workers, the query workers of `server.pool`). A mutant is switched on there too (mutmut's
trampolines read `MUTANT_UNDER_TEST` from the environment, which they inherit), but mutmut's
stats run, which decides which tests a mutant is run against, sees only the calls made in the
test process. `CIVICGRAPH_TEST_MUTMUT_HITS`, set here and nowhere else, has the tests bring the
other processes' calls home (tests/mutmut_bridge.py); without it, the functions that run only
there had "no tests" and their mutants counted as survivors.

`--module server.query` (repeatable) samples only the named modules of the groups.

Not part of `make test`: a full run takes tens of minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".mutate"
MUTMUT = Path(sys.executable).parent / "mutmut"

# group: (modules to mutate, the tests that guard them)
GROUPS: dict[str, tuple[list[str], list[str]]] = {
    "extraction": (
        ["graph/extraction/*.py"],
        [
            "tests/test_rules.py",
            "tests/test_rules_events.py",
            "tests/test_rules_entities.py",
            "tests/test_five_articles.py",
            "tests/test_extraction.py",
        ],
    ),
    "queries": (["graph/queries.py"], ["tests/test_queries.py", "tests/test_saved_queries.py"]),
    "server": (
        ["server/query.py", "server/saved.py", "server/linkeddata.py"],
        [
            "tests/test_sparql_protocol.py",
            "tests/test_saved_queries.py",
            "tests/test_linked_data.py",
            "tests/test_escaping.py",
            "tests/test_server.py",
            "tests/test_store_parity.py",  # the memory store's own serialisers (XML, TSV)
            "tests/test_openapi_fuzz.py",  # the OpenAPI document of the saved queries
        ],
    ),
}
KILLED = {1, 3, 24, -24, 36, 152, 255}  # mutmut's exit codes for a failing or hanging test run


def project_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def copy_project(target: Path) -> None:
    """The project as git sees it, into `target` (kept if there, so mutmut's results are)."""
    for name in project_files():
        destination = target / name
        if not destination.exists() or destination.read_bytes() != (ROOT / name).read_bytes():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination)
    vendor = "server/static/vendor"  # the browser libraries `make assets` installs (git-ignored)
    if (ROOT / vendor).is_dir() and not (target / vendor).exists():
        shutil.copytree(ROOT / vendor, target / vendor)


def configure(target: Path, modules: list[str], tests: list[str]) -> None:
    """The copy's pyproject.toml gets a [tool.mutmut] table for this group."""
    pyproject = target / "pyproject.toml"
    text = (ROOT / "pyproject.toml").read_text()
    existing = [t for t in tests if (target / t).exists()]
    table = "\n".join(
        [
            "",
            "[tool.mutmut]",
            'source_paths = ["graph", "server"]',
            f"only_mutate = {json.dumps(modules)}",
            'also_copy = ["corpus", "ontology", "queries", "tools"]',
            f"pytest_add_cli_args_test_selection = {json.dumps(existing)}",
            'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-o", "addopts="]',
            # our builds start a multiprocessing fork server: mutmut must not fork its workers
            # from a process that ran the tests (the fork server would not be their child)
            'process_isolation = "forkserver"',
            "",
        ]
    )
    pyproject.write_text(text + table)


def mutmut(target: Path, *args: str, budget: float | None = None) -> int:
    hits = target / ".mutmut-hits"  # the server processes' calls, for mutmut's stats run
    hits.unlink(missing_ok=True)
    env = {
        **os.environ,
        "CIVICGRAPH_TEST_BUILD": str(target / ".test-build" / "build"),
        "CIVICGRAPH_TEST_MUTMUT_HITS": str(hits),  # tests/mutmut_bridge.py
    }
    with (target / "mutmut.log").open("a") as log:
        try:
            return subprocess.run(
                [str(MUTMUT), *args], cwd=target, env=env, stdout=log, stderr=log, timeout=budget
            ).returncode
        except subprocess.TimeoutExpired:
            return -1


def results(target: Path) -> dict[str, int | None]:
    """Every mutant mutmut made in `target`, with its exit code (None: not tried)."""
    codes: dict[str, int | None] = {}
    for meta in (target / "mutants").rglob("*.meta"):
        codes.update(json.loads(meta.read_text())["exit_code_by_key"])
    return codes


def module_of(mutant: str) -> str:
    """'graph.extraction.events.x_find__mutmut_3' -> 'graph.extraction.events'."""
    return mutant.split(".x", 1)[0] if ".x" in mutant else mutant.rsplit(".", 1)[0]


def prebuild(target: Path) -> None:
    """One build of the corpus with the unmutated code, for the tests that read a build."""
    out = target / ".test-build" / "build"
    if (out / "manifest.json").exists() or out.is_symlink():
        return
    code = (
        "from graph.build import build; from graph.settings import load_settings; "
        f"build(load_settings({{'build': {str(out)!r}}}, environ={{}}))"
    )
    subprocess.run([sys.executable, "-c", code], cwd=target, check=True, env={**os.environ})


def run_group(
    name: str,
    sample: int,
    seed: int,
    deadline: float,
    again: bool = False,
    only: list[str] | None = None,
) -> dict[str, Counter[str]]:
    modules, tests = GROUPS[name]
    target = WORK / name
    target.mkdir(parents=True, exist_ok=True)
    copy_project(target)
    configure(target, modules, tests)
    if again:  # the build the tests read, from the project as it is now
        shutil.rmtree(target / ".test-build", ignore_errors=True)
    prebuild(target)
    print(f"[{name}] making the mutants and timing the tests …", flush=True)
    if not results(target):
        mutmut(target, "run", "no-such-mutant", budget=max(60.0, deadline - time.monotonic()))
    made = results(target)
    if not made:
        sys.exit(f"[{name}] mutmut made no mutants: see {target / 'mutmut.log'}")
    by_module: dict[str, list[str]] = {}
    for mutant in sorted(made):
        if not only or module_of(mutant) in only:
            by_module.setdefault(module_of(mutant), []).append(mutant)
    if not by_module:
        print(f"[{name}] none of the modules asked for: {', '.join(only or [])}", flush=True)
        return {}
    chosen: list[str] = []
    for module, mutants in sorted(by_module.items()):
        chosen += random.Random(f"{seed}:{module}").sample(mutants, min(sample, len(mutants)))
    todo = [m for m in chosen if made[m] is None or (again and made[m] not in KILLED)]
    print(f"[{name}] {len(chosen)} mutants in the sample, {len(todo)} to try", flush=True)
    for start in range(0, len(todo), 20):  # in batches, so a budget cut keeps what was done
        left = deadline - time.monotonic()
        if left <= 30:
            print(f"[{name}] the budget is spent", flush=True)
            break
        mutmut(target, "run", *todo[start : start + 20], budget=left)
    made = results(target)
    tally: dict[str, Counter[str]] = {}
    survivors: list[str] = []
    for mutant in chosen:
        code = made.get(mutant)
        status = "untried" if code is None else "killed" if code in KILLED else "survived"
        tally.setdefault(module_of(mutant), Counter())[status] += 1
        if status == "survived":
            survivors.append(mutant)
    for mutant in survivors:
        diff = subprocess.run(
            [str(MUTMUT), "show", mutant], cwd=target, capture_output=True, text=True
        ).stdout
        changed = [ln for ln in diff.splitlines() if re.match(r"^[-+](?![-+])", ln)]
        print(f"  survived {mutant}:")
        for line in changed[:6]:
            print(f"      {line.rstrip()[:150]}")
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("groups", nargs="*", default=list(GROUPS), choices=list(GROUPS))
    parser.add_argument("--sample", type=int, default=40, help="mutants per module (40)")
    parser.add_argument("--budget", type=float, default=3600, help="seconds in all (3600)")
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--again", action="store_true", help="try the survivors once more")
    parser.add_argument(
        "--module",
        action="append",
        help="only this module's mutants (dotted: server.query); repeat for more (all)",
    )
    args = parser.parse_args()
    deadline = time.monotonic() + args.budget
    print(f"mutmut over {', '.join(args.groups)}: {args.sample} mutants a module, seed {args.seed}")
    tallies: dict[str, Counter[str]] = {}
    for group in args.groups:
        share = (deadline - time.monotonic()) / (len(args.groups) - args.groups.index(group))
        tallies |= run_group(
            group, args.sample, args.seed, time.monotonic() + share, args.again, args.module
        )
    print(f"\n{'module':32} {'killed':>7} {'survived':>9} {'untried':>8} {'score':>6}")
    for module, tally in sorted(tallies.items()):
        tried = tally["killed"] + tally["survived"]
        score = f"{tally['killed'] / tried:.0%}" if tried else "-"
        print(
            f"{module:32} {tally['killed']:>7} {tally['survived']:>9} {tally['untried']:>8} "
            f"{score:>6}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
