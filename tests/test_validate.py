"""SHACL validation with pySHACL in parts (graph.validate.Validation, engine "pyshacl": what
the build uses for shapes graph.shacl cannot read) gives what pySHACL gives on the whole graph,
raises the same violation report, and revalidates only the parts that changed."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from generated import asserted_of, generated_asserted, ontology
from live import shared_folder
from rdflib import Graph, Literal, URIRef

from graph.build import load_turtle
from graph.errors import ShapeViolation
from graph.namespaces import NIF
from graph.reason import infer
from graph.validate import Validation, check_shapes, findings_of

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_turtle(ROOT / "ontology" / "shapes.ttl")


def closure_of(asserted: Graph) -> Graph:
    closure = Graph()
    for prefix, namespace in asserted.namespaces():
        closure.bind(prefix, namespace, override=True, replace=True)
    for triple in asserted:
        closure.add(triple)
    for triple in infer(asserted, ontology()):
        closure.add(triple)
    return closure


def test_both_engines_give_what_pyshacl_gives_on_the_whole_graph(
    build_dir: Path, shapes: Graph, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """pySHACL in parts, and graph.shacl's engine on a Graph and on a set of triples."""
    corpus, _ = asserted_of(build_dir)
    generated = generated_asserted(shared_folder(tmp_path_factory))
    for label, data in [
        ("corpus", corpus),
        ("corpus with inferences", closure_of(corpus)),
        ("generated", generated),
        ("generated with inferences", closure_of(generated)),
    ]:
        whole = findings_of(data, shapes)
        parts = Validation(shapes, jobs=2, engine="pyshacl").findings(data, label)
        assert parts == whole, label
        assert whole, f"{label}: the data has warnings to compare"
        validation = Validation(shapes, prefixes=dict(data.namespaces()))
        assert validation.engine is not None
        assert validation.findings(data, label) == whole, f"{label}: graph.shacl"
        assert validation.findings(set(data), label) == whole, f"{label}: graph.shacl, a set"


@pytest.mark.parametrize("engine", ["auto", "pyshacl"])
def test_a_violation_reads_as_with_the_whole_graph(
    build_dir: Path, shapes: Graph, engine: str
) -> None:
    data, _ = asserted_of(build_dir)
    mention = next(data.subjects(NIF.anchorOf, None))
    data.add((mention, NIF.anchorOf, Literal("a second anchor")))
    data.add((URIRef("https://kg.example.org/id/person/nobody"), NIF.beginIndex, Literal(-1)))
    with pytest.raises(ShapeViolation) as whole:
        check_shapes(data, shapes, "asserted graphs")
    with pytest.raises(ShapeViolation) as parts:
        Validation(shapes, engine=engine).check(data, "asserted graphs")
    assert str(parts.value) == str(whole.value)
    assert "nif:anchorOf" in str(parts.value)


def test_only_changed_parts_are_validated_again(
    build_dir: Path, shapes: Graph, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data, _ = asserted_of(build_dir)
    validation = Validation(shapes, cache=tmp_path, engine="pyshacl")
    first = validation.check(data, "asserted graphs")
    with caplog.at_level(logging.INFO, logger="civicgraph.validate"):
        again = validation.check(data, "asserted graphs")
    assert again == first
    parts = len(validation.parts(data))
    assert f"validating 0 of {parts} parts ({parts} from the cache)" in caplog.text
    sentence = next(s for s in data.subjects(NIF.anchorOf, None) if "/sentence/" in str(s))
    anchor = data.value(sentence, NIF.anchorOf)
    data.remove((sentence, NIF.anchorOf, anchor))
    data.add((sentence, NIF.anchorOf, Literal(f"{anchor} (edited)")))
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="civicgraph.validate"):
        assert validation.check(data, "asserted graphs") == first
    assert f"validating 1 of {parts} parts ({parts - 1} from the cache)" in caplog.text


def test_the_text_of_each_article_is_validated_once_across_reasoning(
    build_dir: Path, shapes: Graph, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Reasoning seldom touches what the shapes read of sentences and mentions: their parts
    (one per article) come from the cache when the graph with inferences is validated, given
    as a set of triples as the build gives it, and the findings are pySHACL's on the whole."""
    data, _ = asserted_of(build_dir)
    articles = sorted((ROOT / "corpus").glob("*.txt"))
    validation = Validation(
        shapes, cache=tmp_path, prefixes=dict(data.namespaces()), engine="pyshacl"
    )
    validation.check(set(data), "asserted graphs")
    closure = closure_of(data)
    with caplog.at_level(logging.INFO, logger="civicgraph.validate"):
        found = validation.findings(set(closure), "graphs with inferences")
    assert found == findings_of(closure, shapes)
    texts = [name for name in validation.parts(closure) if name.startswith("text ")]
    assert len(texts) == len(articles)
    cached = int(caplog.text.split(" from the cache")[0].rsplit("(", 1)[1])
    assert cached >= len(texts), caplog.text
