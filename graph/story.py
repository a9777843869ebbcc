"""`civicgraph init DIR`: a new, empty story that `add`, `build` and `serve` work on.

The folder gets the layout a story keeps: `civicgraph.toml` (its settings, folders relative to
it), `corpus/` (articles, filled by `civicgraph add`), `curated/` (hand-written Turtle, with a
commented example, and the US states and parties any story takes for granted), and `queries/` (the generic saved queries; a default value that names a thing
of the seed story is left out, so the form asks for one).
"""

from __future__ import annotations

import re
from pathlib import Path

from graph.errors import CivicgraphError
from graph.settings import PROJECT_ROOT

CONFIG = """\
# civicgraph settings for this story. Folders are relative to this file.
# `civicgraph settings` lists every setting, its value and where it came from.
corpus = "corpus"
curated = "curated"
queries = "queries"
build = "build"
# base = "https://kg.example.org/"   # the canonical IRI base of the story's things and graphs
"""

CURATED_EXAMPLE = """\
# Hand-written facts, one file per source, each fact with the source it comes from.
# Every file here is read by `civicgraph build`; this one says nothing until you uncomment it.
# The vocabulary is the civic ontology (ontology/civic.ttl); IRIs below are relative to the
# story's base, so <id/person/jane-doe> is https://kg.example.org/id/person/jane-doe.
#
# @prefix civ: <https://kg.example.org/ontology#> .
# @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
# @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
# @prefix dct: <http://purl.org/dc/terms/> .
#
# # "Mayor Jane Doe of Springfield" (the city's website, https://springfield.example/mayor)
# <id/person/jane-doe>
#     a civ:Person ;
#     rdfs:label "Jane Doe"@en ;
#     dct:source <https://springfield.example/mayor> .
"""

# Saved queries' defaults that name a thing of the seed story (an IRI) mean nothing elsewhere.
_IRI_DEFAULT = re.compile(r"^#\+\s+-\s+\w+:\s+https?://\S+\s*$")


def init_story(folder: Path) -> Path:
    """Make the folders and files of a new story in `folder` (new, or empty)."""
    folder = folder.expanduser()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise CivicgraphError(f"{folder}: not an empty folder; init makes a new story only")
    for name in ("corpus", "corpus/originals", "curated", "queries"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    (folder / "civicgraph.toml").write_text(CONFIG, encoding="utf-8")
    (folder / "curated" / "example.ttl").write_text(CURATED_EXAMPLE, encoding="utf-8")
    # what any US story takes for granted: the states (with their postal codes) and the parties
    for reference in (
        PROJECT_ROOT / "graph" / "curated" / "us-geography.ttl",
        PROJECT_ROOT / "graph" / "reference" / "us-parties.ttl",
    ):
        (folder / "curated" / reference.name).write_bytes(reference.read_bytes())
    (folder / ".gitignore").write_text("/build\n/.build.versions/\n/.build.cache/\n")
    for query in sorted((PROJECT_ROOT / "queries").glob("*.rq")):
        (folder / "queries" / query.name).write_text(
            generic_query(query.read_text(encoding="utf-8")), encoding="utf-8"
        )
    return folder.resolve()


def generic_query(text: str) -> str:
    """A saved query without the defaults that name things (and an emptied `defaults:`)."""
    lines = [line for line in text.splitlines() if not _IRI_DEFAULT.match(line)]
    out: list[str] = []
    for index, line in enumerate(lines):
        if line.strip() == "#+ defaults:":
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if not re.match(r"^#\+\s+-\s", following):
                continue
        out.append(line)
    return "\n".join(out) + "\n"
