"""The build end to end: counts, determinism, reasoning, validation and failure handling."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
from live import copy_inputs
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

import graph.build as build_module
from graph.build import build
from graph.cli import main
from graph.errors import CuratedError, ShapeViolation
from graph.namespaces import CIV, NIF
from graph.serialise import nt_lines
from graph.settings import Settings
from graph.validate import Validation, ValidationStopped

ROOT = Path(__file__).parent.parent
ID = "https://kg.example.org/id/"
SMALL_ARTICLE = "2018-01-24-justice-department-threatens-subpoenas"


def load(build_dir: Path) -> Dataset:
    dataset = Dataset(default_union=True)
    dataset.parse(build_dir / "dataset.trig", format="trig")
    return dataset


def count(dataset: Dataset, query: str) -> int:
    rows = list(dataset.query(query))
    return int(rows[0][0])  # type: ignore[index]


@pytest.fixture
def small_settings(tmp_path: Path) -> Settings:
    """A copy of the project's inputs in a temp folder, to break at will (no saved queries)."""
    return copy_inputs(tmp_path, with_queries=False)


def test_counts_per_class(build_dir: Path) -> None:
    manifest = json.loads((build_dir / "manifest.json").read_text())
    classes = manifest["classes"]
    assert classes[str(CIV.NewsArticle)] == 5
    assert classes[str(CIV.Statute)] == 1
    assert classes[str(CIV.Person)] >= 10
    assert classes[str(CIV.Jurisdiction)] >= 23 + 3  # inferred from City/County/State
    assert classes[str(CIV.State)] >= 3
    assert classes[str(CIV.Mention)] > 50
    dataset = load(build_dir)
    letters = count(
        dataset,
        """PREFIX civ: <https://kg.example.org/ontology#>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {
          ?l a civ:Letter ; civ:onDate "2018-01-24"^^xsd:date ; civ:recipient ?r }""",
    )
    assert letters == 23
    assert manifest["union_triples"] == len(Graph().parse(build_dir / "graph.nt", format="nt"))


def test_every_named_graph_has_its_file_and_source(build_dir: Path) -> None:
    manifest = json.loads((build_dir / "manifest.json").read_text())
    kinds = {g["kind"] for g in manifest["graphs"]}
    assert kinds == {"ontology", "curated", "article", "inferred", "meta"}
    dataset = load(build_dir)
    for entry in manifest["graphs"]:
        part = Graph().parse(build_dir / entry["file"], format="turtle")
        assert len(part) == entry["triples"], entry["file"]
        assert isomorphic(part, dataset.graph(URIRef(entry["iri"]))), entry["file"]
        if entry["kind"] != "meta":
            assert entry["derived_from"], entry["iri"]
    for name, info in manifest["files"].items():
        assert (build_dir / name).stat().st_size == info["bytes"], name


# `civicgraph build` with every folder listed the other way round: whatever order the file
# system gives the curated files and the articles in, the build must not depend on it.
BUILD_WITH_REVERSED_LISTINGS = """
import os, sys

listed, scanned = os.listdir, os.scandir


class Entries(list):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def close(self):
        pass


def scandir(path="."):
    with scanned(path) as entries:
        return Entries(reversed(list(entries)))


os.listdir = lambda path=".": list(reversed(listed(path)))
os.scandir = scandir
from graph.cli import main

sys.exit(main(sys.argv[1:]))
"""


def test_two_builds_give_the_same_bytes(build_dir: Path, tmp_path: Path) -> None:
    """A second build in another process, with another hash seed, and each folder's files
    listed in the reverse of the order the file system gives, writes identical files."""
    out = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run(
        [sys.executable, "-c", BUILD_WITH_REVERSED_LISTINGS, "build", "--out", str(out)],
        check=True, env=env, capture_output=True, cwd=ROOT,
    )  # fmt: skip

    def files(folder: Path) -> list[Path]:
        # Not oxigraph/: RocksDB's files (SST numbering, logs, options) differ from one load
        # to the next, so the manifest checks that store by its quad count, not its bytes.
        return sorted(
            rel
            for rel in (p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
            if rel.parts[0] != "oxigraph"
        )

    first, second = files(build_dir), files(out)
    assert first == second
    assert len(first) > 20
    for rel in first:
        assert (build_dir / rel).read_bytes() == (out / rel).read_bytes(), rel


def test_owlrl_adds_inverse_and_transitive_triples(build_dir: Path) -> None:
    dataset = load(build_dir)
    inferred = dataset.graph(URIRef("https://kg.example.org/graph/inferred"))
    asserted = Graph()
    for graph in dataset.graphs():
        if not str(graph.identifier).endswith(("/graph/inferred", "/graph/meta")):
            for triple in graph:
                asserted.add(triple)
    chicago, usa = URIRef(ID + "jurisdiction/chicago-il"), URIRef(ID + "jurisdiction/united-states")
    chicago_in_us = (chicago, CIV.locatedIn, usa)
    assert chicago_in_us in inferred and chicago_in_us not in asserted
    sessions, post = URIRef(ID + "person/jeff-sessions"), None
    post = asserted.value(sessions, CIV.holdsPost) or next(
        inferred.objects(sessions, CIV.holdsPost), None
    )
    assert post is not None
    held_by = (post, CIV.heldBy, sessions)
    assert held_by in inferred or held_by in asserted
    assert not any(isinstance(s, Literal) for s in inferred.subjects())


def test_mentions_point_at_their_text(build_dir: Path) -> None:
    dataset = load(build_dir)
    graph = dataset.graph(URIRef(f"https://kg.example.org/graph/article/{SMALL_ARTICLE}"))
    article = URIRef(ID + f"article/{SMALL_ARTICLE}")
    text = str(graph.value(article, CIV.fullText))
    mentions = list(graph.subjects(CIV.denotes, URIRef(ID + "person/jeff-sessions")))
    assert len(mentions) >= 2
    for mention in mentions:
        begin = int(graph.value(mention, NIF.beginIndex))  # type: ignore[arg-type]
        end = int(graph.value(mention, NIF.endIndex))  # type: ignore[arg-type]
        assert text[begin:end] == str(graph.value(mention, NIF.anchorOf))
        sentence = graph.value(mention, CIV.inSentence)
        s_begin = int(graph.value(sentence, NIF.beginIndex))  # type: ignore[arg-type]
        s_end = int(graph.value(sentence, NIF.endIndex))  # type: ignore[arg-type]
        assert s_begin <= begin < end <= s_end


def test_a_broken_curated_file_fails_and_keeps_the_last_build(small_settings: Settings) -> None:
    first = build(small_settings)
    manifest = (small_settings.build_dir / "manifest.json").read_bytes()
    broken = Path(small_settings.curated) / "broken-reference.ttl"
    broken.write_text(
        "@prefix civ: <https://kg.example.org/ontology#> .\n<a> civ:x ", encoding="utf-8"
    )
    with pytest.raises(CuratedError, match=r"broken-reference\.ttl") as err:
        build(small_settings)
    assert "invalid Turtle" in str(err.value)
    assert (small_settings.build_dir / "manifest.json").read_bytes() == manifest
    assert small_settings.build_dir.resolve() == first.path.resolve()


def test_a_shape_violation_fails_naming_node_and_shape(small_settings: Settings) -> None:
    bad = Path(small_settings.curated) / "bad-reference.ttl"
    bad.write_text(
        """@prefix civ: <https://kg.example.org/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://kg.example.org/id/source/bad-reference> a civ:Source ;
            rdfs:label "a test reference"@en .
        <https://kg.example.org/id/person/nameless> a civ:Person .
        """,
        encoding="utf-8",
    )
    with pytest.raises(ShapeViolation) as err:
        build(small_settings)
    message = str(err.value)
    assert "person/nameless" in message
    assert "rdfs:label" in message
    assert "shape" in message
    assert not small_settings.build_dir.exists()


def test_cli_reports_a_build_error_in_one_line(
    small_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    (Path(small_settings.corpus) / "empty.txt").write_bytes(b"")
    code = main(
        ["build", "--corpus", small_settings.corpus, "--out", str(small_settings.build_dir),
         "--curated", small_settings.curated, "--ontology", small_settings.ontology]
    )  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err[-1].startswith("civicgraph build:") and "empty.txt" in err[-1]


def test_another_base_rewrites_instances_but_not_the_ontology(small_settings: Settings) -> None:
    result = build(small_settings.replace(base="http://data.test/kg"))
    text = (result.path / "graph.nt").read_text(encoding="utf-8")
    assert "<http://data.test/kg/id/person/jeff-sessions>" in text
    assert "<https://kg.example.org/id/" not in text
    assert "<https://kg.example.org/ontology#Person>" in text


def test_a_rebuild_extracts_only_the_changed_article(
    small_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    first = build(small_settings)
    with caplog.at_level("INFO", logger="civicgraph.extract"):
        again = build(small_settings)
    assert "extracting 0 of 5 articles (5 from the cache)" in caplog.text
    assert again.manifest["dataset_hash"] == first.manifest["dataset_hash"]
    article = Path(small_settings.corpus) / f"{SMALL_ARTICLE}.txt"
    article.write_text(
        article.read_text(encoding="utf-8") + "\nA sentence added later.\n", encoding="utf-8"
    )
    caplog.clear()
    with caplog.at_level("INFO", logger="civicgraph.extract"):
        changed = build(small_settings)
    assert "extracting 1 of 5 articles (4 from the cache)" in caplog.text
    assert changed.manifest["dataset_hash"] != first.manifest["dataset_hash"]


def store_quads(build_dir: Path) -> set[str]:
    store = pyoxigraph.Store.read_only(str(build_dir / "oxigraph"))
    return {str(q) for q in store.quads_for_pattern(None, None, None, None) if "_:" not in str(q)}


def test_a_rebuild_reuses_what_did_not_change_and_equals_a_clean_build(
    small_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The graph files of unchanged graphs are the last build's (hard links), its store is
    brought up to date; the result is what a build from nothing writes."""
    first = build(small_settings)
    stamps = {p: p.stat().st_mtime_ns for p in first.path.rglob("*") if p.is_file()}
    article = Path(small_settings.corpus) / f"{SMALL_ARTICLE}.txt"
    article.write_text(
        article.read_text(encoding="utf-8") + "\nThe council met again on Friday.\n",
        encoding="utf-8",
    )
    with caplog.at_level("INFO"):
        again = build(small_settings)
    assert "store: the last build's" in caplog.text and "added" in caplog.text
    # each piece of the dumps of a graph whose lines are the same is the last build's
    before = {g["iri"]: g["lines_sha256"] for g in first.manifest["graphs"]}  # type: ignore[union-attr]
    same = [g for g in again.manifest["graphs"] if before.get(g["iri"]) == g["lines_sha256"]]  # type: ignore[union-attr]
    assert 0 < len(same) < len(again.manifest["graphs"])  # type: ignore[arg-type]
    copied = re.search(r"(\d+) pieces of the dumps copied", caplog.text)
    assert copied is not None
    assert int(copied.group(1)) == sum(1 for g in same for _, size in g["pieces"].values() if size)
    linked = {
        name
        for name in again.manifest["files"]  # type: ignore[union-attr]
        if (again.path / name).stat().st_ino == (first.path / name).stat().st_ino
    }
    changed = f"graphs/article/{SMALL_ARTICLE}.ttl"
    assert changed not in linked and "graphs/inferred.ttl" not in linked
    assert "graphs/ontology.ttl" in linked and f"{changed}.gz" not in linked
    assert len(linked) >= 20, sorted(linked)
    # a linked file's gzip copy is linked with it, not written again
    assert all(f"{name}.gz" in linked for name in linked if not name.endswith(".gz"))
    # and nothing of the last build was written to through a link
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps

    clean = build(small_settings.replace(build=str(tmp_path / "clean" / "build")))
    assert clean.manifest == again.manifest
    assert store_quads(clean.path) == store_quads(again.path)
    for name, info in again.manifest["files"].items():  # type: ignore[union-attr]
        data = (again.path / name).read_bytes()
        assert info == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)} | (
            {"triples": info["triples"]} if "triples" in info else {}
        ), name
    assert "The council met again on Friday." in (again.path / changed).read_text("utf-8")


def test_a_rebuild_takes_the_last_builds_files_as_checked_by_their_stamps(
    small_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last build's files are not read again to be reused when their inode, size and time
    are those recorded with their hash; one changed since is read, and not reused."""
    first = build(small_settings)
    read: list[Path] = []
    real = build_module.file_sha256

    def counted(path: Path) -> str:
        read.append(path)
        return real(path)

    monkeypatch.setattr(build_module, "file_sha256", counted)
    article = Path(small_settings.corpus) / f"{SMALL_ARTICLE}.txt"
    article.write_text(article.read_text("utf-8") + "\nA sentence more.\n", encoding="utf-8")
    again = build(small_settings)
    assert not [p for p in read if first.path in p.parents]
    ontology = again.path / "graphs" / "ontology.ttl"
    os.chmod(ontology, 0o644)
    ontology.write_text(ontology.read_text("utf-8") + "# changed\n", encoding="utf-8")
    article.write_text(article.read_text("utf-8") + "\nAnd another.\n", encoding="utf-8")
    third = build(small_settings)
    assert ontology in read  # its time changed: read, found changed, written afresh
    assert "# changed" not in (third.path / "graphs" / "ontology.ttl").read_text("utf-8")


def test_a_file_changed_in_the_tick_its_stamp_was_taken_is_read_again(
    small_settings: Settings,
) -> None:
    """A file changed in place, its size kept, in the same tick of a coarse clock as its
    stamp was taken, keeps its inode, size and time: a file whose time is not 0.1 s older
    than the stamps' record is read again, not taken as it was (git's "racily clean" file)."""
    first = build(small_settings)
    cache = small_settings.build_dir.parent / f".{small_settings.build_dir.name}.cache"
    record_path = cache / "stamps.json"
    record = json.loads(record_path.read_text(encoding="utf-8"))
    name = "graphs/ontology.ttl"
    ontology = first.path / name
    inode, size, mtime, _ = record["files"][name]
    record["at"] = mtime + 50_000_000  # the stamps were taken 50 ms after the file's last write
    record_path.write_text(json.dumps(record), encoding="utf-8")
    written = ontology.read_bytes()
    os.chmod(ontology, 0o644)
    with ontology.open("r+b") as out:  # then changed, within the same tick: same size and time
        out.write(written.replace(b"@prefix", b"@PREFIX", 1))
    os.utime(ontology, ns=(mtime, mtime))
    now = ontology.stat()
    assert [now.st_ino, now.st_size, now.st_mtime_ns] == [inode, size, mtime]
    assert ontology.read_bytes() != written
    article = Path(small_settings.corpus) / f"{SMALL_ARTICLE}.txt"
    article.write_text(article.read_text("utf-8") + "\nA sentence more.\n", encoding="utf-8")
    again = build(small_settings)
    assert (again.path / name).read_bytes() == written
    assert (again.path / name).stat().st_ino != inode  # written afresh, not linked


def test_the_build_link_is_switched_by_one_rename(
    small_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build link is never missing, not for a moment: a rebuild moves a new link over it
    (one atomic rename), never removes it to make it again."""
    build(small_settings)
    link = small_settings.build_dir.absolute()
    article = Path(small_settings.corpus) / f"{SMALL_ARTICLE}.txt"
    article.write_text(article.read_text("utf-8") + "\nA sentence more.\n", encoding="utf-8")
    real_unlink, real_symlink, real_replace = os.unlink, os.symlink, os.replace
    moved_over: list[bool] = []

    def is_link(path: object, dir_fd: int | None) -> bool:
        return dir_fd is None and Path(os.fsdecode(path)).absolute() == link  # type: ignore[arg-type]

    def unlink(path: Any, *args: Any, dir_fd: int | None = None, **kwargs: Any) -> None:
        if is_link(path, dir_fd):
            raise AssertionError(f"{link} was removed: for a while there was no build")
        real_unlink(path, *args, dir_fd=dir_fd, **kwargs)

    def symlink(source: Any, path: Any, *args: Any, dir_fd: int | None = None, **kw: Any) -> None:
        if is_link(path, dir_fd):
            raise AssertionError(f"{link} was made in place, not moved there")
        real_symlink(source, path, *args, dir_fd=dir_fd, **kw)

    def replace(source: Any, path: Any, *args: Any, **kwargs: Any) -> None:
        if is_link(path, kwargs.get("dst_dir_fd")):
            moved_over.append(os.path.islink(source))
        real_replace(source, path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", unlink)
    monkeypatch.setattr(os, "remove", unlink)
    monkeypatch.setattr(os, "symlink", symlink)
    monkeypatch.setattr(os, "replace", replace)
    again = build(small_settings)
    assert moved_over == [True]  # one link, moved over the old one
    assert link.is_symlink() and link.resolve() == again.path


def test_lines_taken_from_the_extraction_cache_are_the_article_graphs_own(
    small_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """A rebuild takes an article's N-Triples lines from its cache file instead of writing its
    triples again: they must be what the triples write, as the graph's own file shows. (An
    article that shares a statement or a round of letters with another is changed after its
    extraction, so its lines are written again: the five seed articles all do; a sixth of our
    own shares nothing.)"""
    (Path(small_settings.corpus) / "2020-05-06-park-opens.txt").write_text(
        "Park opens\n\nThe new river park opened on Tuesday in Fresno. “It is a good day,” said "
        "Mayor Tom Vance of Fresno.\n",
        encoding="utf-8",
    )
    build(small_settings)
    with caplog.at_level("INFO", logger="civicgraph.build"):
        again = build(small_settings)
    known = re.search(r"extract: (\d+) of 6 article graphs with their lines known", caplog.text)
    assert known is not None and int(known.group(1)) >= 1, caplog.text
    for entry in again.manifest["graphs"]:  # type: ignore[union-attr]
        if entry["kind"] == "article":
            graph = Graph().parse(again.path / entry["file"], format="turtle")
            written = "".join(nt_lines(graph)).encode("utf-8")
            assert hashlib.sha256(written).hexdigest() == entry["lines_sha256"], entry["file"]


def test_a_damaged_cache_is_read_around(
    small_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An extraction cache file that no longer parses is extracted again; a graph's JSON-LD or
    a dump's compressed piece in the cache whose bytes changed is made again; the build is
    what it was, or what a clean build writes."""
    first = build(small_settings)
    cache = small_settings.build_dir.parent / f".{small_settings.build_dir.name}.cache"
    parts = sorted((cache / "jsonld").glob("*.jsonld"))
    assert len(parts) == len(first.manifest["graphs"])  # type: ignore[arg-type]
    extracted = sorted((cache / "extract").glob("*.nt"))
    extracted[0].write_text("<not> <N-Triples\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="civicgraph.extract"):
        again = build(small_settings)
    assert "cannot read" in caplog.text and "extracting again" in caplog.text
    assert again.manifest == first.manifest
    # an index of where the last build's gzip copies have each chunk that no longer reads
    indexes = sorted((cache / "gzip").iterdir())
    assert {i.name for i in indexes} == {
        f"{dump}.json"
        for dump in ("graph.nt", "dataset.trig", "graph.ttl", "dataset.nq", "graph.jsonld")
    }
    indexes[0].write_text("{", encoding="utf-8")
    indexes[1].write_text('{"sha256": "0", "chunks": []}', encoding="utf-8")
    third = build(small_settings)
    assert third.manifest == first.manifest
    for dump in ("dataset.trig", "graph.ttl", "dataset.nq", "graph.jsonld", "graph.nt"):
        plain = (third.path / dump).read_bytes()
        assert gzip.decompress((third.path / f"{dump}.gz").read_bytes()) == plain, dump
    # A graph's JSON-LD is read from the cache only when the last build's graph.jsonld cannot
    # give its piece: here it has another hash than its manifest says.
    for part in parts:
        part.write_bytes(part.read_bytes().replace(b"[", b"[{},", 1))
    last_jsonld = third.path / "graph.jsonld"
    os.chmod(last_jsonld, 0o644)
    last_jsonld.write_bytes(last_jsonld.read_bytes().replace(b"[", b"[{},", 1))
    article = Path(small_settings.corpus) / f"{SMALL_ARTICLE}.txt"
    article.write_text(article.read_text("utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    fourth = build(small_settings)
    assert "{}" not in (fourth.path / "graph.jsonld").read_text("utf-8")
    clean = build(small_settings.replace(build=str(tmp_path / "clean" / "build")))
    assert clean.manifest == fourth.manifest
    assert len(list((cache / "jsonld").glob("*.jsonld"))) == len(parts)  # none left over


def test_a_validation_that_dies_or_fails_fails_the_build_and_keeps_the_last(
    small_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each validation runs in a forked process: one that ends without a result (killed, out
    of memory) or raises fails the build with that reason, and the last build stays."""
    first = build(small_settings)

    def dies(self: Validation, data: object, stage: str = "graph") -> list[object]:
        os._exit(3)

    versions = small_settings.build_dir.parent / f".{small_settings.build_dir.name}.versions"
    monkeypatch.setattr(Validation, "findings", dies)
    with pytest.raises(
        ValidationStopped, match=r"validation of the asserted graphs stopped \(exit code 3\)"
    ):
        build(small_settings)
    assert sorted(p.name for p in versions.iterdir()) == [first.path.name]  # no staging left

    def fails(self: Validation, data: object, stage: str = "graph") -> list[object]:
        raise ValueError(f"no shapes for the {stage}")

    monkeypatch.setattr(Validation, "findings", fails)
    with pytest.raises(ValueError, match="no shapes for the asserted graphs"):
        build(small_settings)
    assert sorted(p.name for p in versions.iterdir()) == [first.path.name]
    assert small_settings.build_dir.resolve() == first.path
    assert json.loads((first.path / "manifest.json").read_text()) == first.manifest


def test_a_rebuild_over_a_damaged_last_build_writes_afresh(
    small_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A graph file of the last build changed on disk is written again, not linked; a last
    build's store that does not match its files is not reused."""
    first = build(small_settings)
    ontology = first.path / "graphs" / "ontology.ttl"
    os.chmod(ontology, 0o644)
    ontology.write_text(ontology.read_text("utf-8") + "\n# changed\n", encoding="utf-8")
    (first.path / "graph.nt").unlink()
    article = Path(small_settings.corpus) / f"{SMALL_ARTICLE}.txt"
    article.write_text(article.read_text("utf-8") + "\nAnother sentence.\n", encoding="utf-8")
    with caplog.at_level("INFO", logger="civicgraph.store"):
        again = build(small_settings)
    assert "store loaded whole" in caplog.text
    assert "# changed" not in (again.path / "graphs" / "ontology.ttl").read_text("utf-8")
    clean = build(small_settings.replace(build=str(tmp_path / "clean" / "build")))
    assert clean.manifest == again.manifest
    assert store_quads(clean.path) == store_quads(again.path)
    for name, info in again.manifest["files"].items():  # type: ignore[union-attr]
        data = (again.path / name).read_bytes()
        assert info == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)} | (
            {"triples": info["triples"]} if "triples" in info else {}
        ), name
