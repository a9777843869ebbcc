"""Finding statute citations in any common form and naming them by code/title/section."""

from __future__ import annotations

import re
from dataclasses import dataclass

_USC = r"U\.?\s?S\.?\s?C(?:\.|ode)?|United\s+States\s+Code|U\.S\.\s+Code"
_SECTION = r"(?:§§?|[Ss]ec(?:tion|\.)?)"
_NUMBER = r"(?P<section>\d+[a-z]?(?:\([a-z0-9]+\))*)"
_PATTERNS = [
    # 8 U.S.C. § 1373, 8 USC 1373, 8 U.S. Code § 1373, 8 U.S.C. Section 1373
    re.compile(rf"\b(?P<title>\d+)\s+(?:{_USC})\s*(?:{_SECTION}\s*)?{_NUMBER}"),
    # Title 8, Section 1373 ; Title 8 of the U.S. Code, Section 1373
    re.compile(
        rf"\bTitle\s+(?P<title>\d+)(?:\s+of\s+the\s+(?:{_USC}))?,?\s+(?:{_SECTION})\s*{_NUMBER}",
        re.I,
    ),
    # Section 1373 of Title 8 ; Section 1373 of Title 8 of the United States Code
    re.compile(rf"\b(?:{_SECTION})\s*{_NUMBER}\s+of\s+Title\s+(?P<title>\d+)", re.I),
    # Section 1373 (title unknown from the phrase itself)
    re.compile(rf"(?:\b[Ss]ection|§)\s*{_NUMBER}\b"),
]


# A law named by its short title: capitalised words ending in Act or Code ("Open Records
# Act", "Ridge County Code", "Water Rights Act of 1974").
_NAMED = re.compile(
    r"(?<![\w’'])(?:The\s+)?(?P<name>(?:[A-Z][\w’'.-]*\s+(?:(?:and|of|on|for|the)\s+)?){1,6}"
    r"(?:Act|Code)(?:\s+of\s+(?:19|20)\d\d)?|"
    # "the Ashmont Consumer Lending Law": three capitalised words or more before "Law", no
    # more capitals after it ("Quillby Law School" is a school)
    r"(?:[A-Z][\w’'.-]*\s+){3,6}Law(?!\s+[A-Z]))\b"
)
_NOT_A_LAW = re.compile(r"^(?:U\.?\s?S\.?|United States|US)\s+Code$|^(?:This|That|An|A)\s", re.I)


@dataclass(frozen=True)
class NamedLaw:
    """A law named by its title in text."""

    start: int
    end: int
    name: str


def find_named_laws(text: str) -> list[NamedLaw]:
    """Laws named by their short title, in text order (not "U.S. Code" alone)."""
    found = []
    for m in _NAMED.finditer(text):
        name = m.group("name")
        if _NOT_A_LAW.search(name):
            continue
        found.append(NamedLaw(m.start("name"), m.end("name"), name))
    return found


@dataclass(frozen=True)
class Citation:
    """A statute citation found in text; `title` is None when the phrase gives none."""

    start: int
    end: int
    text: str
    title: str | None
    section: str


def find_citations(text: str) -> list[Citation]:
    """Every citation in text order; a longer form wins over a bare "Section N" inside it."""
    found: list[Citation] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < c.end and c.start < m.end() for c in found):
                continue
            title = m.groupdict().get("title")
            found.append(Citation(m.start(), m.end(), m.group(0), title, m["section"]))
    return sorted(found, key=lambda c: c.start)
