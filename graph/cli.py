"""The `civicgraph` command: parses arguments, calls the library, turns errors into one line."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

from graph.errors import BuildError, CivicgraphError
from graph.workers import start_worker_server  # light: nothing but multiprocessing


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="civicgraph",
        description="Build a knowledge graph from news articles and serve it over SPARQL.",
    )
    parser.add_argument("--config", help="config file (TOML); default civicgraph.toml if present")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build", help="build the dataset into the build folder")
    p.add_argument("--corpus", help="folder of articles (default: corpus/)")
    p.add_argument("--out", dest="build", help="build folder to write (default: build/)")
    p.add_argument("--curated", help="folder of curated Turtle (default: graph/curated/)")
    p.add_argument("--ontology", help="folder with civic.ttl and shapes.ttl")
    p.add_argument("--queries", help="folder of saved queries (default: queries/)")
    p.add_argument("--base", help="canonical IRI base")

    p = sub.add_parser("serve", help="serve a build folder with gunicorn")
    p.add_argument("--build", help="build folder to serve (default: build/)")
    p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", help="port to listen on (default 8000)")
    p.add_argument("--workers", help="gunicorn worker processes")
    p.add_argument("--threads", help="threads per worker")
    p.add_argument("--query-timeout", dest="query_timeout", help="seconds a query may run")
    p.add_argument(
        "--request-timeout", dest="request_timeout", help="seconds a request may take to arrive"
    )
    p.add_argument("--row-cap", dest="row_cap", help="most rows a SELECT returns")
    p.add_argument("--query-workers", dest="query_workers", help="query worker processes")
    p.add_argument("--store", help="query engine: oxigraph (default), memory or sparql+URL")

    p = sub.add_parser("query", help="run a SPARQL query against an endpoint and print the result")
    p.add_argument("query_or_file", metavar="QUERY_OR_FILE", help="query text, or a .rq file")
    p.add_argument("--endpoint", help="SPARQL endpoint (default: the local server)")
    p.add_argument("--format", default="table", choices=("table", "json", "csv", "ttl"))

    p = sub.add_parser("evaluate", help="score extraction against hand-written gold facts")
    p.add_argument("--corpus", help="folder of articles (default: corpus/)")
    p.add_argument("--gold", help="folder of gold files NAME.json (default: tests/gold/)")
    p.add_argument("--misses", action="store_true", help="also list every missed and extra fact")

    p = sub.add_parser(
        "publish",
        help="load every named graph of a build into a SPARQL store (Graph Store Protocol)",
    )
    p.add_argument("--to", dest="to", required=True, metavar="URL", help="graph store endpoint")
    p.add_argument("--build", help="build folder to publish (default: build/)")
    p.add_argument("--user", help="user for HTTP authentication")
    p.add_argument(
        "--password", help="password (default: the CIVICGRAPH_PUBLISH_PASSWORD environment)"
    )
    p.add_argument(
        "--auth", default="auto", choices=("auto", "digest", "basic"), help="HTTP auth scheme"
    )
    p.add_argument(
        "--timeout", type=float, default=120.0, help="seconds to wait for each request's answer"
    )
    p.add_argument(
        "--chunk-triples",
        dest="chunk_triples",
        type=int,
        default=100_000,
        metavar="N",
        help="send a graph of more than N triples in parts of N (PUT, then POSTs; default "
        "100000); every triple with a blank node goes in the first part",
    )

    p = sub.add_parser(
        "add",
        help="add articles to the corpus: saved web pages, links, text files or - (stdin)",
        description="Add articles to the corpus. A web page (.html, or an http(s) link) gives "
        "its article text without the page's furniture, and its title, publisher, author, date, "
        "canonical URL, language and description; a text file gives its text (first line the "
        "title). Writes corpus/NAME.txt and NAME.meta.json, the original in corpus/originals/. "
        "Exit status 0 when every source went in.",
    )
    p.add_argument("sources", nargs="*", metavar="SOURCE", help="file, http(s) link, or -")
    p.add_argument(
        "--from-list", dest="from_list", metavar="FILE", help="a file of links, one a line"
    )
    p.add_argument("--corpus", help="folder of articles (default: corpus/)")
    p.add_argument("--replace", action="store_true", help="replace an article already there")
    p.add_argument("--build", dest="then_build", action="store_true", help="build afterwards")
    p.add_argument(
        "--allow-private",
        dest="allow_private",
        action="store_true",
        help="fetch links on this machine or a private network (refused by default)",
    )
    p.add_argument("--timeout", type=float, default=20.0, help="seconds a link may take (20)")
    p.add_argument(
        "--max-mb", dest="max_mb", type=float, default=10.0, help="largest page, in MB (10)"
    )

    p = sub.add_parser(
        "init",
        help="start a new story in a folder: civicgraph.toml, corpus/, curated/, queries/",
    )
    p.add_argument("folder", metavar="DIR", help="the new story's folder (new or empty)")

    sub.add_parser("settings", help="print every setting, its value and where it came from")
    return parser


def _settings_from(args: argparse.Namespace) -> Any:
    from pathlib import Path

    from graph.settings import load_settings  # here: rdflib's import, after the forkserver's start

    names = (
        "corpus", "build", "curated", "ontology", "queries", "base", "host", "port",
        "workers", "threads", "query_timeout", "request_timeout", "row_cap", "query_workers", "endpoint", "store",
    )  # fmt: skip
    cli = {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}
    return load_settings(cli, config_file=Path(args.config) if args.config else None)


def _evaluate(settings: Any, args: argparse.Namespace) -> int:
    import time
    from pathlib import Path

    from graph.evaluate import evaluate, load_inputs
    from graph.settings import PROJECT_ROOT

    gold = Path(args.gold) if args.gold else PROJECT_ROOT / "tests" / "gold"
    curated, ontology = load_inputs(Path(settings.curated), Path(settings.ontology), settings.base)
    started = time.perf_counter()
    report = evaluate(Path(settings.corpus), gold, curated, ontology, settings.base)
    print(f"corpus {settings.corpus}, gold {gold}")
    print(report.table())
    if args.misses:
        print("\n".join(report.misses))
    print(f"({time.perf_counter() - started:.1f} s, model loading included)")
    return 0


def _publish(settings: Any, args: argparse.Namespace) -> int:
    import os
    import time

    from graph.publish import publish

    password = args.password
    if password is None and args.user is not None:
        password = os.environ.get("CIVICGRAPH_PUBLISH_PASSWORD")
    build = settings.build_dir.resolve()  # the version `build` points to now, once
    started = time.perf_counter()
    done = publish(
        build, args.to, args.user, password, args.auth, args.timeout, print, args.chunk_triples
    )
    print(
        f"published {len(done)} graphs, {sum(g.triples for g in done)} triples, "
        f"from {build} to {args.to} in {time.perf_counter() - started:.1f} s"
    )
    return 0


def _add(settings: Any, args: argparse.Namespace) -> int:
    from pathlib import Path

    from graph.ingest import IngestError, Limits, add_sources, read_list

    sources = list(args.sources)
    if args.from_list:
        sources.extend(read_list(Path(args.from_list)))
    if not sources:
        raise IngestError("nothing to add: give files, links or -, or --from-list FILE")
    limits = Limits(
        timeout=args.timeout,
        max_bytes=int(args.max_mb * 1024 * 1024),
        allow_private=args.allow_private,
    )
    folder = Path(settings.corpus)
    with _Progress(len(sources)) as progress:
        summary = add_sources(
            sources,
            folder,
            limits,
            replace=args.replace,
            stdin=sys.stdin.buffer.read,
            report=progress.report,
            progress=progress.track,
        )
    print(
        f"{len(summary.added)} added, {len(summary.duplicates)} already there, "
        f"{len(summary.refused)} refused ({len(sources)} sources, corpus {folder})"
    )
    if args.then_build and summary.added:
        start_worker_server()
        from graph.build import build

        result = build(settings)
        print(f"built {settings.build_dir} → {result.path.name}")
    return 0 if summary.everything_in else 1


class _Progress:
    """A progress bar on a terminal (stderr) for many sources; the report lines on stdout."""

    def __init__(self, total: int) -> None:
        self.bar: Any = None
        if total > 1 and sys.stderr.isatty():
            from rich.progress import Progress

            self.bar = Progress(transient=True)

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def report(self, line: str) -> None:
        if self.bar is not None:
            self.bar.console.print(line, markup=False, highlight=False)
        else:
            print(line, flush=True)

    def track(self, items: Any) -> Any:
        if self.bar is None:
            return items
        return self.bar.track(items, description="adding")


def main(argv: Sequence[str] | None = None) -> int:
    return _main(_parser().parse_args(argv))


def _main(args: argparse.Namespace) -> int:
    if args.command == "build":
        start_worker_server()  # at once: it loads spaCy while this process goes on
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s", stream=sys.stderr)
    try:
        if args.command == "init":
            from pathlib import Path

            from graph.story import init_story

            folder = init_story(Path(args.folder))
            print(
                f"a new story in {folder}: add articles with `cd {args.folder} && civicgraph add …`"
            )
            return 0
        settings = _settings_from(args)
        if args.command == "build":
            from graph.build import build

            try:
                result = build(settings)
            except OSError as exc:  # a full disk in a cache, say; the last build stays served
                raise BuildError(f"cannot write the build to {settings.build_dir}: {exc}") from None
            manifest = result.manifest
            print(
                f"built {settings.build_dir} → {result.path.name}: "
                f"{manifest['union_triples']} triples in {len(manifest['graphs'])} graphs "  # type: ignore[arg-type]
                f"({len(result.warnings)} warnings)"
            )
            return 0
        if args.command == "serve":
            from server.serve import serve

            serve(settings)
            return 0
        if args.command == "query":
            from graph.client import run_query

            return run_query(args.query_or_file, settings.endpoint, args.format, sys.stdout)
        if args.command == "evaluate":
            return _evaluate(settings, args)
        if args.command == "publish":
            return _publish(settings, args)
        if args.command == "add":
            return _add(settings, args)
        if args.command == "settings":
            from graph.settings import describe

            rows = describe(settings)
            width = max(len(r[0]) for r in rows)
            for name, value, source, help_text in rows:
                print(f"{name:<{width}}  {value}  [{source}]  — {help_text}")
            return 0
    except CivicgraphError as exc:
        print(f"civicgraph {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    print(json.dumps({"error": f"unknown command {args.command}"}), file=sys.stderr)
    return 2


def run() -> None:
    """The `civicgraph` command itself: `main`, then the process ends. After a build it ends
    at once (the output flushed): the interpreter would otherwise free the build's millions
    of objects one by one, half a second for 500 articles, with nothing left to do."""
    args = _parser().parse_args()
    code = _main(args)
    if args.command == "build":
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    run()
