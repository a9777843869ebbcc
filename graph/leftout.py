"""Extracted facts never break a build: a fact that breaks a shape is left out, and said.

Curated facts that break a shape still fail the build (someone wrote them, someone must mend
them). An extracted thing (a node that only article graphs describe) that is the focus of a SHACL
violation is left out of its article's graph, with every triple that names it; what then breaks
in turn (a mention of it, say) goes in the next round. Each is reported: a line in the build's
log, an entry in the manifest (`left_out`), and on the article's page, with its sentence.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from rdflib import RDFS, Literal, URIRef
from rdflib.term import Node

from graph.namespaces import CIV, NIF
from graph.validate import Finding

log = logging.getLogger("civicgraph.build")
Triple = tuple[Node, Node, Node]
ROUNDS = 5  # rounds of leaving out before the build gives up (each a rebuild from the caches)


@dataclass(frozen=True)
class LeftOut:
    """One extracted thing left out of an article's graph, and why."""

    node: str
    graph: str
    label: str
    reason: str
    sentence: str

    def line(self) -> str:
        return f"left out {self.label} ({self.node}) from {self.graph}: {self.reason}" + (
            f' — sentence: "{self.sentence}"' if self.sentence else ""
        )

    def as_json(self) -> dict[str, str]:
        return asdict(self)


class LeaveOut(Exception):
    """Raised by the screen of a validation: rebuild without these extracted things."""

    def __init__(self, items: list[LeftOut]) -> None:
        super().__init__(f"{len(items)} extracted facts to leave out")
        self.items = items


def focus_iri(focus: str) -> URIRef | None:
    """The IRI a finding's focus names (`<…>`), or None (a blank node, a prefixed name)."""
    if focus.startswith("<") and focus.endswith(">"):
        return URIRef(focus[1:-1])
    return None


class Screen:
    """Sorts a validation's violations: an extracted thing's are left out, the rest judged."""

    def __init__(
        self, article_graphs: dict[URIRef, Iterable[Triple]], curated: Iterable[Triple]
    ) -> None:
        self.graphs = {iri: set(triples) for iri, triples in article_graphs.items()}
        curated_subjects = {s for s, _, _ in curated}
        self.home: dict[Node, URIRef] = {}
        for iri, triples in self.graphs.items():
            for s, _, _ in triples:
                if s not in curated_subjects:
                    self.home.setdefault(s, iri)

    def __call__(self, findings: list[Finding]) -> None:
        items: dict[str, LeftOut] = {}
        for finding in findings:
            if finding.severity != "Violation":
                continue
            node = focus_iri(finding.focus)
            if node is None or node not in self.home or str(node) in items:
                continue
            items[str(node)] = self.describe(node, finding)
        if items:
            raise LeaveOut(list(items.values()))

    def describe(self, node: URIRef, finding: Finding) -> LeftOut:
        graph = self.home[node]
        triples = self.graphs[graph]
        label = next((str(o) for s, p, o in triples if s == node and p == RDFS.label), "")
        why = finding.message + (f" ({finding.path})" if finding.path else "")
        return LeftOut(
            node=str(node),
            graph=str(graph),
            label=label or str(node).rsplit("/", 1)[-1],
            reason=why,
            sentence=evidence_text(node, triples),
        )


def evidence_text(node: Node, triples: set[Triple]) -> str:
    """The sentence a node rests on: its civ:evidence, as text."""
    for s, p, o in triples:
        if s == node and p == CIV.evidence:
            if isinstance(o, Literal):
                return str(o)
            anchor = next((str(a) for s2, p2, a in triples if s2 == o and p2 == NIF.anchorOf), "")
            if anchor:
                return " ".join(anchor.split())
    return ""


def without(triples: set[Triple], nodes: set[str]) -> set[Triple]:
    """`triples` less every triple that names one of `nodes` (as subject or object)."""
    return {t for t in triples if str(t[0]) not in nodes and str(t[2]) not in nodes}
