"""Letters and events: what was sent to whom and when, and what happened, with whom, when."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from graph.extraction.dates import resolve_dates
from graph.extraction.entities import EntityMention
from graph.extraction.text import Paragraph

EVENT_TRIGGERS: list[tuple[str, re.Pattern[str]]] = [
    (
        "Boycott",
        re.compile(
            r"\bboycott\w*|\bskip(?:ped|s|ping)?\b|declined (?:an )?invitations?|did ?n[o’']t attend|not be attending|stayed away|walk(?:ed)? out",
            re.I,
        ),
    ),  # noqa: E501
    ("Meeting", re.compile(r"\bmeeting\b|\bmet with\b|\bsummit\b|\broundtable\b", re.I)),
    (
        "Demand",
        re.compile(
            r"\bdemand\w*|\brequest(?:ed|ing|s)?\b|\basking\b|\basked\b.*\bto (?:provide|certify|prove|show|hand)",
            re.I,
        ),
    ),  # noqa: E501
    (
        "Threat",
        re.compile(
            r"\bthreat\w*|\bwarn(?:ed|ing|s)?\b|could face|would face|will exercise|\bvow\w*|\bwithhold\w*|\bcut off\b|not be eligible",
            re.I,
        ),
    ),  # noqa: E501
    (
        "StatementEvent",
        re.compile(
            r"in a (?:written )?statement|statement (?:released|issued)|said in a statement|press release",
            re.I,
        ),
    ),  # noqa: E501
    ("PressConference", re.compile(r"press conference|news conference", re.I)),
    ("Tweet", re.compile(r"\btweet(?:ed|s)?\b|on twitter", re.I)),
    ("Lawsuit", re.compile(r"\blawsuits?\b|\bsued\b|\bsues?\b|filed suit|legal challenge", re.I)),
    (
        "CourtRuling",
        re.compile(
            r"\bruled\b|\bruling\b|court decisions?|\bjudges?\b.*\bblocked\b|\bcourts?\b.*\bblocked\b|\binjunction\b",
            re.I,
        ),
    ),  # noqa: E501
    ("ExecutiveOrder", re.compile(r"executive order", re.I)),
    ("Review", re.compile(r"\breview\b|\bflagged\b|\baudit\b|\binvestigation\b", re.I)),
]
_LETTER = re.compile(r"\bletters?\b|\bmemos?\b", re.I)
_THREATS = [
    ("subpoena", re.compile(r"subpoena", re.I)),
    ("legal action", re.compile(r"legal action", re.I)),
    ("funding cut", re.compile(r"\bgrants?\b|\bfund(?:s|ing)\b", re.I)),
]
_AGENT_ROLES = {"Boycott": "boycotter", "Meeting": "attendee"}
# Kinds of event that happen the day a story reports them when it gives no other date.
_SAME_DAY = {"StatementEvent", "Tweet", "PressConference", "Boycott", "Meeting"}


@dataclass
class Letters:
    """One round of letters: sent by one body on one date to the recipients named."""

    sender: str | None
    date: str | None
    recipients: list[str] = field(default_factory=list)
    statute: str | None = None
    threatens: set[str] = field(default_factory=set)
    evidence: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Event:
    type: str
    date: str | None
    participants: dict[tuple[str, str], None] = field(default_factory=dict)  # (role, path)
    evidence: list[tuple[int, int]] = field(default_factory=list)


def _in(m: EntityMention, span: tuple[int, int]) -> bool:
    return span[0] <= m.start and m.end <= span[1]


def _recipients(
    mentions: list[EntityMention], text: str, span: tuple[int, int], states: set[str]
) -> list[str]:
    """Jurisdictions named in a span; a state that only qualifies a place ("Albany, New York")
    is not one of them."""
    places = [m for m in mentions if m.kind == "jurisdiction" and _in(m, span)]
    out: list[str] = []
    for i, m in enumerate(places):
        qualifier = i > 0 and re.fullmatch(r",\s*", text[places[i - 1].end : m.start])
        if (qualifier and m.iri in states) or m.iri == "jurisdiction/united-states":
            continue
        if m.iri not in out:
            out.append(m.iri)
    return out


def _sender(text: str, span: tuple[int, int], bodies: list[EntityMention], letter_at: int) -> str | None:
    """Who sent the letters a sentence speaks of: a body named before the word "letter" in
    it, else the body a head noun points back to ("the department's letters"), else the body
    named last before the sentence."""
    before_letter = [m for m in bodies if span[0] <= m.start < letter_at]
    if before_letter:
        return before_letter[-1].iri
    head = re.search(r"\b(department|agency|office|administration)\b", text[span[0] : letter_at], re.I)
    earlier = [m for m in bodies if m.end <= span[0]]
    if head:
        for m in reversed(earlier):
            if head.group(1).lower() in m.text.lower() or head.group(1).lower() in m.iri:
                return m.iri
    from_body = [m for m in bodies if _in(m, span) and re.search(r"\bfrom\s+(?:the\s+)?$", text[max(0, m.start - 10) : m.start])]
    if from_body:
        return from_body[0].iri
    return earlier[-1].iri if earlier else None


def find_letters(
    text: str,
    sentences: list[tuple[int, int]],
    paragraphs: list[Paragraph],
    mentions: list[EntityMention],
    statutes: list[tuple[int, int, str]],
    published: dt.date | None,
    states: set[str],
) -> list[Letters]:
    """Rounds of letters the text describes, merged by date."""
    bodies = [m for m in mentions if m.kind == "organization"]
    rounds: dict[str | None, Letters] = {}
    article_statutes = sorted({s for _, _, s in statutes})
    for span in sentences:
        sentence = text[span[0] : span[1]]
        if not _LETTER.search(sentence):
            continue
        dates = [d for d in resolve_dates(sentence, published) if len(d) >= 4]
        sender = _sender(text, span, bodies, _LETTER.search(sentence).start() + span[0])  # type: ignore[union-attr]
        for date in dates or [published.isoformat() if published else None]:
            entry = rounds.setdefault(date, Letters(sender, date))
            entry.sender = entry.sender or sender
            if len(dates) <= 1:
                for r in _recipients(mentions, text, span, states):
                    if r not in entry.recipients:
                        entry.recipients.append(r)
            cited = [s for b, e, s in statutes if span[0] <= b < span[1]]
            entry.statute = entry.statute or (cited[0] if cited else None)
            for name, pattern in _THREATS:
                if pattern.search(sentence):
                    entry.threatens.add(name)
            entry.evidence.append(span)
    # a list of places in short paragraphs ("Chicago;", "Cook County, Illinois;") after a
    # sentence about letters or recipients: the recipients of the latest round
    run: list[Paragraph] = []
    for para in [*paragraphs, None]:
        short = (
            para is not None
            and para.body
            and len(para.text.split()) <= 8
            and any(m.kind == "jurisdiction" and para.start <= m.start < para.end for m in mentions)
        )
        if short and para is not None:
            run.append(para)
            continue
        if len(run) >= 3 and rounds:
            key = (
                published.isoformat()
                if published and published.isoformat() in rounds
                else next(iter(rounds))
            )
            entry = rounds[key]
            for p in run:
                for r in _recipients(mentions, text, (p.start, p.end), states):
                    if r not in entry.recipients:
                        entry.recipients.append(r)
            entry.evidence.append((run[0].start, run[-1].end))
        run = []
    for entry in rounds.values():
        if entry.statute is None and len(article_statutes) == 1:
            entry.statute = article_statutes[0]
    return [r for r in rounds.values() if r.sender is not None]


def find_events(
    text: str,
    sentences: list[tuple[int, int]],
    mentions: list[EntityMention],
    published: dt.date | None,
) -> list[Event]:
    """Events by kind and date, each with the people, bodies and places taking part."""
    events: dict[tuple[str, str | None], Event] = {}
    for span in sentences:
        sentence = text[span[0] : span[1]]
        inside = [m for m in mentions if _in(m, span)]
        dates = [d for d in resolve_dates(sentence, published)]
        for kind, pattern in EVENT_TRIGGERS:
            hit = pattern.search(sentence)
            if not hit:
                continue
            date = (
                dates[0]
                if dates
                else (published.isoformat() if published and kind in _SAME_DAY else None)
            )
            event = events.setdefault((kind, date), Event(kind, date))
            event.evidence.append(span)
            trigger_at = span[0] + hit.start()
            actors = [m for m in inside if m.kind in ("person", "organization")]
            places = [
                m
                for m in inside
                if m.kind == "jurisdiction" and m.iri != "jurisdiction/united-states"
            ]
            if kind == "Boycott":
                for m in actors:
                    if m.kind == "person":
                        event.participants[("boycotter", m.iri)] = None
            elif kind == "Meeting":
                for m in actors:
                    if m.kind == "person" and m.start > trigger_at:
                        event.participants[("attendee", m.iri)] = None
            else:
                before = [m for m in actors if m.start < trigger_at]
                agent = before[-1] if before else (actors[0] if actors else None)
                if agent is not None:
                    event.participants[("agent", agent.iri)] = None
                if kind in ("Demand", "Threat", "Lawsuit", "CourtRuling"):
                    for m in places:
                        event.participants[("target", m.iri)] = None
    return list(events.values())
