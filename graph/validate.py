"""SHACL validation with pySHACL: violations fail the build, warnings are reported."""

from __future__ import annotations

from dataclasses import dataclass

from pyshacl import validate
from rdflib import RDF, BNode, Graph
from rdflib.namespace import SH
from rdflib.term import Node

from graph.errors import ShapeViolation


@dataclass(frozen=True)
class Finding:
    """One SHACL result, in words."""

    severity: str
    focus: str
    shape: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.severity}: {self.focus}{where} — {self.message} (shape {self.shape})"


def _text(graph: Graph, node: Node | None) -> str:
    if node is None:
        return ""
    return node.n3(graph.namespace_manager)


def _shape_name(shapes: Graph, shape: Node | None) -> str:
    """A readable name for a shape; an anonymous property shape is named by its node shape."""
    if isinstance(shape, BNode):
        parent = shapes.value(predicate=SH.property, object=shape)
        path = shapes.value(shape, SH.path)
        if parent is not None:
            return f"{_text(shapes, parent)} on {_text(shapes, path)}"
    return _text(shapes, shape)


def check_shapes(data: Graph, shapes: Graph, stage: str) -> list[Finding]:
    """Validate `data` against `shapes`; raise ShapeViolation on violations, return warnings."""
    _, report, _ = validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    assert isinstance(report, Graph)
    findings: list[Finding] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        findings.append(
            Finding(
                severity=str(severity).rsplit("#", 1)[-1],
                focus=_text(data, report.value(result, SH.focusNode)),
                shape=_shape_name(shapes, report.value(result, SH.sourceShape)),
                path=_text(data, report.value(result, SH.resultPath)),
                message=str(report.value(result, SH.resultMessage) or ""),
            )
        )
    findings.sort(key=lambda f: (f.severity, f.focus, f.path, f.message))
    violations = [f for f in findings if f.severity == "Violation"]
    if violations:
        lines = "\n".join(f"  {v}" for v in violations[:50])
        more = f"\n  … and {len(violations) - 50} more" if len(violations) > 50 else ""
        raise ShapeViolation(
            f"SHACL validation of the {stage} found {len(violations)} violation(s):\n{lines}{more}"
        )
    return [f for f in findings if f.severity != "Violation"]
