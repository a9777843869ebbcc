"""Resolving date expressions against an article's own publication date.

Results are ISO strings at the precision the text gives: "2018-01-24", "2017-04" or "2017".
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
WEEKDAYS = {
    name: number
    for number, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_FULL_DATE = re.compile(
    _MONTH + r"\s+(?P<day>\d{1,2})(?!\d)(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?", re.I
)
_MONTH_YEAR = re.compile(_MONTH + r",?\s+(?P<year>\d{4})", re.I)
_BARE_MONTH = re.compile(
    r"\b(?P<month>January|February|March|April|June|July|August|September|October|November|"
    # "May" alone is a month after a preposition of time ("In May"), not the verb ("may")
    r"December|(?<=[Ii]n\s)May|(?<=[Ss]ince\s)May|(?<=[Ee]arly\s)May|(?<=[Ll]ate\s)May|"
    r"(?<=[Dd]uring\s)May)\b(?!\s+\d)"
)
# "in May", "since May": the month, where a preposition shows it is no modal verb
_MAY = re.compile(
    r"\b(?:in|since|during|until|by|early|late|from|through)\s+(?P<month>May)\b(?!\s+\d)"
)
# what puts a bare month ahead of the story's day ("will meet in January", "plans a summit in
# January"): the coming one, not the one before
_AHEAD_MONTH = re.compile(
    r"\b(?:will|shall|plans?|planned|planning|scheduled|set\s+to|is\s+to|are\s+to|expects?\s+to|"
    r"intends?\s+to)\b[^.;]{0,50}?\b(?:in|by|until|for)\s+$",
    re.I,
)
_LAST_MONTHS = re.compile(r"\blast\s+" + _MONTH + r"(?:\s*(?:,|and|&)\s*(?P<month2>[a-z]+))?", re.I)
_YEAR = re.compile(r"\b(?:in|since|during|of)\s+(?P<year>(?:19|20)\d{2})\b", re.I)
_WEEKDAY = re.compile(
    r"\b(?P<last>last\s+|this\s+|next\s+)?(?P<day>" + "|".join(WEEKDAYS) + r")\b", re.I
)


_COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_AGO = re.compile(
    r"\b(?P<n>a|one|two|three|four|five|six|\d{1,2})\s+(?P<unit>days?|weeks?)\s+ago\b", re.I
)


# What puts a bare weekday ahead of the story's day rather than behind it.
_AHEAD = re.compile(
    r"(?:\bfor|\b(?:will|shall|is set to|are set to|plans? to|is to|are to|scheduled|"
    r"planned)\b[^.;]{0,40}?\b(?:on)?|"
    # "will take up the plan … at its next meeting on Tuesday": a clause's future verb
    # further back, with no comma, no past verb and no saying between
    r"\b(?:will|shall)\s+(?:(?!\b(?:said|says|told|was|were|had|did)\b)[^.;,]){0,90}?\bon)\s*$",
    re.I,
)


def _weekday(published: dt.date, weekday: int, qualifier: str) -> dt.date:
    if qualifier == "coming":
        return published + dt.timedelta(days=(weekday - published.weekday()) % 7)
    back = (published.weekday() - weekday) % 7
    if qualifier == "next":
        return published + dt.timedelta(days=(weekday - published.weekday()) % 7 or 7)
    if qualifier == "last" and back == 0:
        back = 7
    return published - dt.timedelta(days=back)


def _month_before(published: dt.date, month: int, inclusive: bool = False) -> str:
    earlier = month <= published.month if inclusive else month < published.month
    year = published.year if earlier else published.year - 1
    return f"{year:04d}-{month:02d}"


def resolve_dates(text: str, published: dt.date | None) -> list[str]:
    """Every date the text states or implies, resolved against `published`, in text order."""
    return [value for _, value in dated_spans(text, published)]


def dated_spans(text: str, published: dt.date | None) -> list[tuple[int, str]]:
    """(offset, ISO date) of every date expression, in text order."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, value: str) -> None:
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        found.append((start, value))

    for m in _FULL_DATE.finditer(text):
        month, day = MONTHS[m["month"].lower()], int(m["day"])
        year = int(m["year"]) if m["year"] else (published.year if published else None)
        if year is None or not 1 <= day <= 31:
            continue
        try:
            when = dt.date(year, month, day)
        except ValueError:
            continue
        if not m["year"] and published and (when - published).days > 183:
            # "on Dec. 12" in a January story: the December before, not the one to come
            try:
                when = dt.date(year - 1, month, day)
            except ValueError:
                continue
        add(m.start(), m.end(), when.isoformat())
    for m in _MONTH_YEAR.finditer(text):
        add(m.start(), m.end(), f"{int(m['year']):04d}-{MONTHS[m['month'].lower()]:02d}")
    lower = text.lower()
    if published is not None:
        for m in _LAST_MONTHS.finditer(text):
            add(m.start(), m.end(), _month_before(published, MONTHS[m["month"].lower()]))
            second = (m["month2"] or "").lower()
            if second in MONTHS:
                found.append((m.start() + 1, _month_before(published, MONTHS[second])))
        relative = {
            "yesterday": published - dt.timedelta(days=1),
            "today": published,
            "tonight": published,
            "this morning": published,
            "this afternoon": published,
            "tomorrow": published + dt.timedelta(days=1),
        }
        for word, when in relative.items():
            for m in re.finditer(r"\b" + word + r"\b", lower):
                add(m.start(), m.end(), when.isoformat())
        for word, value in (
            ("last year", str(published.year - 1)),
            ("this year", str(published.year)),
            ("last month", _month_before(published, (published.month - 2) % 12 + 1)),
            ("last week", (published - dt.timedelta(days=7)).isoformat()[:7]),
            ("this week", (published - dt.timedelta(days=published.weekday())).isoformat()[:7]),
            ("this month", f"{published.year:04d}-{published.month:02d}"),
        ):
            for m in re.finditer(r"\b" + word + r"\b", lower):
                add(m.start(), m.end(), value)
        for m in _AGO.finditer(text):  # "two weeks ago", "three days ago"
            count = int(m["n"]) if m["n"].isdigit() else _COUNTS[m["n"].lower()]
            if count:
                days = count * (7 if m["unit"].lower().startswith("week") else 1)
                add(m.start(), m.end(), (published - dt.timedelta(days=days)).isoformat())
        for m in _WEEKDAY.finditer(text):
            qualifier = (m["last"] or "").strip().lower()
            if not qualifier and _AHEAD.search(text[max(0, m.start() - 110) : m.start()]):
                qualifier = "coming"  # "scheduled a session for Tuesday", "will vote Monday"
            weekday = _weekday(published, WEEKDAYS[m["day"].lower()], qualifier)
            add(m.start(), m.end(), weekday.isoformat())
    if published is not None:
        # a month named alone ("the February letter", "in November") is the last one so named
        for m in [*_BARE_MONTH.finditer(text), *_MAY.finditer(text)]:
            month = MONTHS[m["month"].lower()]
            if _AHEAD_MONTH.search(text[: m.start("month")]):
                year = published.year + (month < published.month)
                add(m.start("month"), m.end("month"), f"{year:04d}-{month:02d}")
                continue
            add(m.start("month"), m.end("month"), _month_before(published, month, inclusive=True))
    for m in _YEAR.finditer(text):
        add(m.start("year"), m.end("year"), m["year"])
    return sorted(found)
