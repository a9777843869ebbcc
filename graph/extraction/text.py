"""Plain-text helpers: which parts of an article are its body, and quotation spans."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Page furniture that is not the story: photo credits and captions, newsletter and comment
# prompts, copyright lines, datelines. Generic web boilerplate, not anything of one article.
_FURNITURE = re.compile(
    r"\bAP Photo\b|contributed to this report|(?-i:^By [A-Z][A-Z'.-]+(?: [A-Z][A-Z'.-]+)+)(?:,? (?:associated press|reuters|staff writer))?$|"
    r"all rights reserved|^(?:posted|updated|published):|^photo by\b|getty images|\(pictured|in this handout|^\(.*\)$|copyright\s*©|©|sign up for|"
    r"newsletters?$|click (to|here)|comment policy|^filed under|^new, \d+ comments|"
    r"more-arrow|^[-–—]\s.*\b\d{4}\s*$|\bvia (ap|reuters|getty)\b|^photo:|^image:",
    re.IGNORECASE,
)


_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,40}(?:\([A-Za-z .]+\))?\s*[—–-]{1,2}\s+")


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    text: str
    body: bool


def paragraphs(text: str) -> list[Paragraph]:
    """The article's paragraphs (lines), each marked body or furniture."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group(0)
        stripped = line.strip()
        if not stripped:
            continue
        body = not _FURNITURE.search(stripped)
        start = m.start()
        dateline = _DATELINE.match(line)
        if dateline and body:  # "WASHINGTON (AP) — Nine cities…": the dateline is no text
            start += dateline.end()
            line = line[dateline.end() :]
        out.append(Paragraph(start, m.end(), line, body))
    # a paragraph repeated word for word (a headline printed twice) counts once
    seen: set[str] = set()
    deduped = []
    for p in out:
        key = p.text.strip()
        deduped.append(Paragraph(p.start, p.end, p.text, p.body and key not in seen))
        seen.add(key)
    return deduped


@dataclass(frozen=True)
class QuoteSpan:
    """The words between a pair of quotation marks (offsets exclude the marks)."""

    start: int
    end: int
    text: str


_PAIRS = {"“": "”", '"': '"'}


def quote_spans(text: str) -> list[QuoteSpan]:
    """Double-quoted spans, paragraph by paragraph; an unclosed quote ends with its paragraph."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        line, base = m.group(0), m.start()
        i = 0
        while i < len(line):
            ch = line[i]
            if ch in _PAIRS:
                close = _PAIRS[ch]
                j = line.find(close, i + 1)
                if ch == '"' and j == -1 and line[:i].count('"') % 2:
                    break  # a stray mark, not an opening one
                end = j if j != -1 else len(line)  # a quotation that goes on in the next paragraph
                inner = line[i + 1 : end]
                lead = len(inner) - len(inner.lstrip())
                inner_text = inner.strip()
                if inner_text:
                    start = base + i + 1 + lead
                    spans.append(QuoteSpan(start, start + len(inner_text), inner_text))
                i = end + 1
            else:
                i += 1
    return spans
