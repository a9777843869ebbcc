"""Letters and events: what was sent to whom and when, and what happened, with whom, when."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from graph.extraction.dates import dated_spans, resolve_dates
from graph.extraction.entities import EntityMention
from graph.extraction.quotes import Quotation
from graph.extraction.text import _DATELINE, Paragraph
from graph.iri import mint_path


def _trigger(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(alternatives), re.IGNORECASE)


EVENT_TRIGGERS: list[tuple[str, re.Pattern[str]]] = [
    ("Boycott", _trigger(r"\bboycott\w*", r"\bskip(?:ped|s|ping)?\b", r"declined (?:an )?invitations?",
                         r"did ?n[o’']t attend", r"not be attending", r"stayed away", r"walk(?:ed)? out",
                         r"\b(?:would|will)\s+not\s+(?:go|come|take\s+part|participate)\b",
                         r"\bwon[’']t\s+(?:go|come|attend|take\s+part|participate)\b",
                         r"\b(?:also\s+)?declined(?=\s*[.;])",
                         r"declined to attend", r"\b(?:would|will) not attend", r"stayed home",
                         r"\bcancell?ed\s+(?:[\w-]+\s+){0,3}?(?:meetings?|summits?|sessions?|visits?|talks|"
                         r"appearances?|hearings?|ceremon(?:y|ies))\b")),
    ("Meeting", _trigger(r"\bmeeting\b", r"\bmet with\b", r"\bsummit\b", r"\broundtable\b",
                         # held by someone the sentence names (see `_ORGANISER_ONLY`)
                         r"\bround table\b", r"\b(?:listening\s+)?session\b", r"\bhearing\b", r"\bceremony\b",
                         r"\bdinner\b", r"\b(?:meets|will meet)\b",
                         # "turned down invitations to the Quillby Institute": a meeting the inviter holds
                         r"\binvitations?\s+to\b")),
    ("Demand", _trigger(r"\bdemand(?:s|ed|ing)\b", r"\bcall(?:ed|s)\s+on\b(?=(?:[^.;]|\.(?=\s+(?-i:[A-Z]))){0,80}?\bto\s+(?-i:[a-z]))",
                        r"\bask(?:ed|s)\s+(?=that\b|(?:the\s+|an?\s+)?[\w’'.-]+(?:\s+[\w’'.-]+){0,6}?\s+to\s+"
                        r"(?!(?:the|a|an|his|her|its|their)\b)(?-i:[a-z]))", r"(?<!his )(?<!her )(?<!its )(?<!their )\brequest(?:ed|ing|s)?\b", r"\basking\b",
                        r"\basked\b.*\bto (?:provide|certify|prove|show|hand)")),
    ("Threat", _trigger(r"\bthreaten(?:s|ed|ing)?\b", r"\bwarn(?:ed|ing|s)?\b", r"could face",
                        r"would face", r"will exercise", r"\bvow\w*", r"\bwithhold\w*", r"\bcut off\b",
                        r"not be eligible", r"\b(?:could|would|will|may|might) lose\b", r"\brisks? losing\b")),
    ("StatementEvent", _trigger(r"in a (?:written )?statement", r"statement (?:released|issued)",
                                r"said in a statement", r"press release",
                                r"\btold (?:the )?(?:media|reporters|press|(?-i:[A-Z]{2,})\b)",
                                r"\bin an? (?:\w+ )?(?:interview|e-?mail)\b", r"\bspeaking to reporters\b",
                                r"\btold (?:the )?(?:(?-i:[A-Z])[\w.]*\s+){0,3}(?:council|committee|board|commission)\b",
                                # "X said Sunday he would …": a saying the story dates
                                r"\b(?:said|says)\s+(?=(?:on\s+|late\s+|early\s+)?(?:(?:last|this)\s+)?(?:monday|tuesday|"
                                r"wednesday|thursday|friday|saturday|sunday|yesterday|today|week|month)\b|in\s+(?-i:[A-Z])[a-z]+\b"
                                r"(?!\s+(?-i:[A-Z])))")),
    ("PressConference", _trigger(r"press conference", r"news conference")),
    ("Tweet", _trigger(r"\btweet(?:ed|s)?\b", r"on twitter")),
    ("Lawsuit", _trigger(r"\blawsuits?\b", r"\bsued\b", r"\bsues?\b", r"filed suit", r"legal challenge")),
    ("CourtRuling", _trigger(r"\bruled\b(?!\s+out\b)", r"\bruling\b", r"court decisions?",
                             r"\b(?:judges?|courts?)\b.*\b(?:blocked|ordered|barred|enjoined|struck down)\b",
                             r"\binjunction\b")),
    ("ExecutiveOrder", _trigger(r"executive order")),
    ("Review", _trigger(r"\breview\b", r"\bflagged\b", r"\baudit\b", r"\binvestigation\b",
                        r"\b(?:is|are|was|were)\s+(?:now\s+|still\s+|also\s+)?(?:reviewing|investigating)\b")),
]  # fmt: skip
# "wrote to the mayor": a letter, not "wrote to say" (an infinitive) nor "she wrote" (a post)
_LETTER = re.compile(
    r"\bletters?\b|\bmemos?\b|\b(?:wrote|writes|written)\s+(?=to\s+(?!(?:say|ask|tell|urge|"
    r"thank|complain|express|explain|request|announce)\b))",
    re.I,
)
# What a sentence must say for a round of letters: sent, dated, received, what they ask.
_SENDING = re.compile(
    r"\b(?:sent|send(?:s|ing)?|went out|went to|dated|received|mailed|issued|arrived|ask(?:s|ed|ing)?|"
    r"(?:wrote|writes|written) to|letters? from|"
    r"told|demand(?:s|ed|ing)?|warn(?:s|ed|ing)?|threaten(?:s|ed|ing)?|request(?:s|ed|ing)?|gives?|gave)\b",
    re.I,
)
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
    demands: list[str] = field(default_factory=list)
    evidence: list[tuple[int, int]] = field(default_factory=list)
    where: dict[str, tuple[int, int]] = field(default_factory=dict)  # recipient: its sentence
    named: list[EntityMention] = field(default_factory=list)  # bodies only the run names
    told: list[tuple[int, int]] = field(default_factory=list)  # sentences that go on about it


# What letters ask for: the clause after the verb of asking, up to the end of the clause.
_DEMANDS = re.compile(
    r"\b(?:ask(?:ed|ing)?|demand(?:ed|ing)|request(?:ed|ing))\b\s+(?:(?:for|that|each|them|the\s+\w+|to)\s+)*"
    r"(?P<what>[^.;:]{12,240})",
    re.IGNORECASE,
)
# A story that speaks of earlier requests: its later rounds follow up its earlier ones.
_FOLLOW_UP = re.compile(
    r"\b(?:previous|earlier|prior|follow(?:ed|ing|s)?[ -]up|again|new round|last year|did not respond)\b",
    re.I,
)


def link_rounds(rounds: list[Letters], text: str) -> list[tuple[Letters, Letters]]:
    """(later, earlier) pairs of rounds, when the story presents the later as a follow-up."""
    if not _FOLLOW_UP.search(text):
        return []
    dated = sorted((r for r in rounds if r.date), key=lambda r: str(r.date))
    return [
        (later, earlier)
        for i, later in enumerate(dated)
        for earlier in dated[:i]
        if not str(later.date).startswith(str(earlier.date))
        and not str(earlier.date).startswith(str(later.date))
    ]


@dataclass
class Event:
    type: str
    date: str | None
    participants: dict[tuple[str, str], None] = field(default_factory=dict)  # (role, path)
    evidence: list[tuple[int, int]] = field(default_factory=list)
    places: dict[str, None] = field(default_factory=dict)  # where it happened: paths
    sources: dict[str, None] = field(default_factory=dict)  # "according to X": X's path
    on_story_day: bool = False  # dated only because the story reports it


def _in(m: EntityMention, span: tuple[int, int]) -> bool:
    return span[0] <= m.start and m.end <= span[1]


# Where a sentence starts to name who letters went to, and where the names stop.
_TO = re.compile(
    r"\b(?:(?:went|were sent|was sent|addressed|sent)\s+(?:\w+\s+)?to|to|including|among them|"
    r"such as|recipients?(?:\s+(?:were|included|include))?|among\s+(?:those|the\s+\w+)\s+"
    r"(?:receiving|that\s+received|who\s+received)(?:\s+(?:them|the\s+letters?|letters?))?"
    r"\s+(?:were|are))\b\s*:?\s*",
    re.I,
)
# "The letter asks Ann Lee to…", "which gave the agency until Tuesday": whom the letters address
_ADDRESSES = re.compile(
    r"\b(?:asks?|asked|urge[sd]?|gave|gives?|giving|orders?|ordered|directs?|directed|told|tells|"
    r"notified|informed|warned|warns)\s+"
    r"(?=(?:the\s+|each\s+|both\s+)?[A-Z]|the\s+(?:\w+\s+)?(?:city|county|cities|counties|agency|"
    r"department|office|board|council|committee|company|companies|governor|mayor|sheriff)\b)",
)
_NOT_A_NAME_NEXT = re.compile(  # "asked them to provide …": a verb, not a recipient
    r"(?:provide|hand|explain|produce|stop|show|comply|certify|give|answer|respond|disclose|"
    r"turn|share|end|halt|make|keep|be|do|take|pay|submit|release|preserve|report|identify|"
    r"describe|confirm|reconsider|follow|prove|cooperate|appear|testify|meet|review|check|"
    r"detail|list|send|return|justify|cease|change|adopt|have|repeal|withdraw|write|open|drop|"
    r"restore|reverse|fill|hire|seek|enforce|rescind|correct|update|clarify|notify|explain)\b",
    re.I,
)
_DETERMINERS = re.compile(
    r"(?:the|a|an|both|each|all|every|several|some|many|more|other|its|his|her|their|our|state|"
    r"local|federal|city|county|two|three|four|five|six|seven|eight|nine|ten|dozens|\d[\d,]*)\b",
    re.I,
)


def _verb_next(after: str) -> bool:
    """Whether "to" opens a verb ("to house families", "to have the authority act"), not a run
    of names: a lowercase word that is no determiner, number or plural, and none follows."""
    words = after.split()[:2]
    if not words or not words[0][:1].islower() or _DETERMINERS.fullmatch(words[0].strip(",")):
        return False
    plural = [w for w in words if re.fullmatch(r"[a-z-]+[^s]s", w.strip(",;"))]
    return not plural


_LIST_ENDS = re.compile(
    r",?\s+(?:asking|demanding|requesting|seeking|urging|warning|telling|ordering|giving|"
    r"saying|which|who|whose|that|about|over|regarding|concerning|after|because|since|"
    r"threatening|would|will|could|should|must|until|and\s+(?:asked|demanded|warned|gave|told|said|"
    r"threatened))\b|\s+on\s+(?=[A-Z\d])|\s+to\s+(?!the\b)(?=[a-z])|\s+in\s+writing\b|"
    r"—|(?<!\bInc)(?<!\bCo)(?<!\bCorp)(?<!\bLtd)(?<!\bSen)(?<!\bRep)(?<!\bGov)(?<!\bDr)(?<!\bMr)"
    r"(?<!\bMrs)(?<!\bMs)(?<!\bSt)(?<!\bLt)\.\s|\.$",
)
_OUTLET = re.compile(
    r"\b(?:times|post|news|journal|tribune|herald|press|radio|magazine|gazette|chronicle|"
    r"observer|reuters|independent|guardian|cnn|nbc|abc|cbs|npr|msnbc|fox|bloomberg|politico|"
    r"axios|associated press)\b|(?-i:^[KW][A-Z]{2,3}\b)",  # a call sign is in capitals
    re.I,
)
_REPORTED = re.compile(
    r"(?:obtained by|reported by|first reported by|according to|told|seen by|reviewed by)\s+"
    r"(?:the\s+)?$",
    re.I,
)


# One item of a run of names: capitalised words (with "of", "&", "and" inside a name kept
# apart by the split), ending before a comma, "and", "or" or the run's end.
_SUFFIX = r"(?:Inc|LLC|L\.L\.C|Co|Corp|Ltd|LP|L\.P|PLLC)\b\.?"
_ITEM_SPLIT = re.compile(
    r",(?!\s*" + _SUFFIX + r")\s*(?:and\s+|or\s+)?|"
    r"\s+and\s+|\s+or\s+|\n+"
)
_A_NAME = re.compile(r"(?:[A-Z][\w’'&.-]*|of|the|&)(?:\s+(?:[A-Z][\w’'&.-]*|of|the|&)){0,5}")


def _unnamed_in_runs(
    mentions: list[EntityMention], text: str, windows: list[tuple[int, int]]
) -> list[EntityMention]:
    """Names in a run of recipients the entity finder did not know ("platforms such as
    Homewise, Lakeview Rentals and …"): each capitalised item no mention covers is a body's name."""
    found: list[EntityMention] = []
    for begin, end in windows:
        position = begin
        for item in [*_ITEM_SPLIT.split(text[begin:end])]:
            at = text.find(item, position, end)
            position = at + len(item) if at >= 0 else position
            bare = item.strip().removeprefix("the ").strip()
            lead = _A_NAME.match(bare)
            name = lead.group(0).rstrip(".,;:") if lead else ""
            suffix = re.match(r",?\s*" + _SUFFIX, bare[len(name) :]) if name else None
            name += suffix.group(0) if suffix else ""  # "Quillby, Inc.": the suffix is the name's
            if name.split() and name.split()[-1] in ("of", "the", "&"):
                continue
            if at < 0 or not name or not name[:1].isupper():
                continue
            start = text.find(name, at)
            stop = start + len(name)
            if any(m.start < stop and start < m.end for m in [*mentions, *found]):
                continue
            if len(name) < 3 or name.split()[0] in ("The", "A", "An"):
                continue
            # a name the article gives elsewhere as a place or body ("Ashmont, Ariz.") is that
            same = next(
                (
                    m
                    for m in mentions
                    if m.text == name and m.kind in ("jurisdiction", "organization", "person")
                ),
                None,
            )
            found.append(
                EntityMention(start, stop, name, same.iri, same.kind)
                if same
                else EntityMention(
                    start, stop, name, mint_path("organization", name), "organization"
                )
            )
    return found


_IN_A_LETTER_TO = re.compile(
    r"\s*In\s+(?:a|an|the|his|her|their|its)?\s*(?:[\w-]+\s+){0,3}letters?\s+to\s+[^,]*,"
)
# "to the city", "to the association's board": a body or place the story named before
_HEAD_NOUN = re.compile(
    r"(?:the|its|their|his|her|both|each|all)\s+(?:(?P<count>two|three|four|five|six)\s+)?"
    r"(?:\w+\s+)?(?P<noun>city|county|village|town|department|agency|committee|board|association|"
    r"council|company|commission|office|governor|mayor|sheriff|senator|director|cities|counties|"
    r"towns|companies)\b",
    re.I,
)
_PLURAL = {"cities": "city", "counties": "county", "towns": "town", "companies": "company"}
_COUNT = {"both": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# how a story titles the official a head noun points back to ("Gov. Ann Lee", "Governor Lee")
_TITLES = {
    "governor": r"\bGov(?:\.|ernor)", "mayor": r"\bMayor", "sheriff": r"\bSheriff",
    "senator": r"\bSen(?:\.|ator)", "director": r"\bDirector",
}  # fmt: skip


def _pointed_at_all(
    found: re.Match[str], earlier: list[EntityMention], states: set[str], text: str
) -> list[str]:
    """What a head noun points back to: the official named last before with that title ("the
    governor": "Gov. Ann Lee"), the places named last before ("both cities": the last two
    cities), or the one body or place ("the department")."""
    noun = found.group("noun").lower()
    if noun in _TITLES:
        for m in reversed(earlier):
            if m.kind == "person" and re.search(
                _TITLES[noun] + r"[\w.]*\s+(?:[\w.-]+\s+){0,3}$",
                text[max(0, m.start - 40) : m.start],
            ):
                return [m.iri]
        return []
    if noun in _PLURAL:
        count = _COUNT.get((found.group("count") or found.group(0).split()[0]).lower())
        if count is None:
            return []
        out: list[str] = []
        for m in reversed(earlier):
            one = _pointed_at(_PLURAL[noun], [m], states)
            if one and one not in out:
                out.append(one)
            if len(out) == count:
                return out[::-1]
        return []
    one = _pointed_at(noun, earlier, states)
    return [one] if one else []


def _pointed_at(noun: str, earlier: list[EntityMention], states: set[str]) -> str | None:
    """The body or place named last before that a head noun ("the city", "the department")
    points back to."""
    for m in reversed(earlier):
        county = re.search(r"-county(?:-|$)", m.iri)  # "tulare-county-ca", "tulare-county"
        if noun in ("city", "village", "town"):
            fits = m.kind == "jurisdiction" and m.iri not in states and not county
        elif noun == "county":
            fits = m.kind == "jurisdiction" and bool(county)
        else:
            fits = m.kind == "organization" and (noun in m.iri or noun in m.text.lower())
        if fits and m.iri != "jurisdiction/united-states":
            return m.iri
    return None


def _is_outlet(m: EntityMention, text: str) -> bool:
    return bool(_OUTLET.search(m.text)) or bool(
        _REPORTED.search(text[max(0, m.start - 30) : m.start])
    )


def _recipients(
    mentions: list[EntityMention],
    text: str,
    span: tuple[int, int],
    states: set[str],
    sender: str | None = None,
    start: int | None = None,
) -> list[str]:
    """Who a sentence names as the letters' recipients: the places, bodies and people named
    in the run that follows "to", "including", "among them", "such as" or "recipients" (after
    `start`, the word "letter" or its verb), up to where the run ends ("asking…", "which…");
    a state that only qualifies a place ("Ashmont, Illinois") is not one of them."""
    sentence = text[span[0] : span[1]]
    begin = (start or span[0]) - span[0]
    windows: list[tuple[int, int]] = []
    cues = [*_TO.finditer(sentence, begin), *_ADDRESSES.finditer(sentence, begin)]
    addressed = False  # a run after "to" or "asked" taken: a later "to" is another preposition's
    for cue in sorted(cues, key=lambda c: c.start()):
        after = sentence[cue.end() :]
        word = cue.group(0).split()[0].lower()
        if word == "to" and (addressed or _NOT_A_NAME_NEXT.match(after) or _verb_next(after)):
            continue
        if cue.re is _ADDRESSES and (
            re.search(r"\b(?:would|will|to|could|should|may|might)\s+$", sentence[: cue.start()])
            or re.search(r"\b(?:said|says|called|told)\b", sentence[begin : cue.start()])
        ):
            continue  # "she would ask the board": not what the letter asks
        addressed = addressed or word == "to" or cue.re is _ADDRESSES
        # "went to four companies: A, B and C": the run starts after the colon
        counted = re.match(r"(?:[a-z\d][\w-]*\s+){1,3}?[a-z][\w-]*:\s*", after)
        opens = cue.end() + (counted.end() if counted else 0)
        stop = _LIST_ENDS.search(sentence, opens)
        windows.append((span[0] + opens, span[0] + (stop.start() if stop else len(sentence))))
    # "In a letter to the department, Rep. Ann Lee asked…": the recipient ends at the comma
    opening = _IN_A_LETTER_TO.match(sentence)
    if opening:
        comma = span[0] + opening.end()
        windows = [(b, min(e, comma) if b < comma else e) for b, e in windows]
    if not windows:
        return []
    kinds = ("jurisdiction", "organization", "person")
    earlier = [m for m in mentions if m.end <= span[0] and m.kind in kinds]
    pointed: list[str] = []
    for b, e in windows:
        if any(m.kind in kinds and b <= m.start < e for m in mentions):
            continue
        noun = _HEAD_NOUN.match(text, b, e)
        if noun:
            for found in _pointed_at_all(noun, earlier, states, text):
                if found != sender and found not in pointed:
                    pointed.append(found)
        for found in _counted_back(text[b:e], earlier, states, sender):
            if found not in pointed:
                pointed.append(found)
    if pointed and not any(
        any(m.kind in kinds and b <= m.start < e for m in mentions) for b, e in windows
    ):
        return pointed
    mentions.extend(_unnamed_in_runs(mentions, text, windows))
    mentions.sort(key=lambda m: m.start)
    named = [
        m
        for m in mentions
        if m.kind in kinds
        and any(b <= m.start < e for b, e in windows)
        and m.iri != sender
        and not _is_outlet(m, text)
        # "to pharmacies in Ashmont", "Quillby County in Oregon": where they are, not whom
        and not _WHERE.search(text, max(0, m.start - 20), m.start)
    ]
    # "told the city and Quillby County": an item that points back beside the names
    for b, e in windows:
        for item in _ITEM_SPLIT.split(text[b:e]):
            noun = _HEAD_NOUN.fullmatch(item.strip().rstrip(".,;:"))
            if noun and named:
                for found in _pointed_at_all(noun, earlier, states, text):
                    if found != sender and found not in pointed:
                        pointed.append(found)
    return [
        *_list_item(named, text, states),
        *(p for p in pointed if p not in {m.iri for m in named}),
    ]


_WHERE = re.compile(r"\bin\s+(?:the\s+(?:state|city|county)\s+of\s+)?$")
# "wrote on Friday to both", "to all three": the places or bodies named last before
_BARE_COUNT = re.compile(
    r"(?:both|(?:all|the|those|these)\s+(?P<count>two|three|four|five|six))(?:\s+of\s+them)?"
    r"\s*(?:[,.;:]|$)",
    re.I,
)


def _counted_back(
    run: str, earlier: list[EntityMention], states: set[str], sender: str | None
) -> list[str]:
    """What a bare count ("both", "all three") in a run of recipients points back to: the last
    so many places and bodies named before the sentence (not the sender, a state that only
    qualifies a place, the country, or an outlet)."""
    count = _BARE_COUNT.match(run.strip())
    if count is None:
        return []
    wanted = _COUNT[(count.group("count") or "both").lower()]
    out: list[str] = []
    for m in reversed(earlier):
        if (
            m.kind == "person"
            or m.iri in (sender, "jurisdiction/united-states")
            or (
                m.iri in states
                and any(o.kind == "jurisdiction" and o.end < m.start <= o.end + 3 for o in earlier)
            )
        ):
            continue
        if m.iri not in out:
            out.append(m.iri)
        if len(out) == wanted:
            return out[::-1]
    return []


# a title before a name: "Sen.", "Attorney General", "chief executive" (up to three words)
_TITLE_WORDS = r"(?:(?:[A-Z][\w.]*|chief|executive|general|director)\s+){0,3}"


def _sender(
    text: str,
    span: tuple[int, int],
    bodies: list[EntityMention],
    letter_at: int,
    verb_at: int | None = None,
) -> str | None:
    """Who sent the letters a sentence speaks of: "a letter from X", "signed by X"; else the
    body or official named last before the verb of sending or the word "letter" (never the
    outlet that reported it); else the body a head noun points back to ("the department's
    letters"); else the body or official named last before the sentence."""
    senders = [m for m in bodies if not _is_outlet(m, text)]
    inside = [m for m in senders if _in(m, span)]
    for m in inside:
        before_m = text[max(span[0], m.start - 40) : m.start]
        # "signed by Sen. Ann Lee": the signer, however far from the word "letter"
        if re.search(r"\bsigned\s+by\s+(?:the\s+)?" + _TITLE_WORDS + r"$", before_m):
            return m.iri
        if re.search(r"\b(?:from|by)\s+(?:the\s+)?" + _TITLE_WORDS + r"$", before_m) and (
            _LETTER.search(text[max(span[0], m.start - 60) : m.start])
        ):
            return m.iri
    # "In letters sent Friday to A and B, the governor said …", "In a letter to A, Ruiz wrote":
    # the subject of the clause after the comma
    opening = re.match(
        r"\s*In\s+(?:a|an|the|his|her|their|its)?\s*(?:[\w-]+\s+){0,3}letters?\b[^,]*,",
        text[span[0] : span[1]],
    )
    if opening:
        comma = span[0] + opening.end()
        after = [m for m in inside if comma <= m.start <= comma + 30]
        if after:
            return after[0].iri
        if re.match(r"\s*(?:she|he)\b", text[comma : span[1]], re.I):
            people = [m for m in senders if m.end <= span[0] and m.kind == "person"]
            if people:  # "In a letter sent back Monday, she asked…": the one named last
                return people[-1].iri
    until = max(letter_at, verb_at or 0)
    before = [m for m in inside if m.start < until]
    people = [m for m in before if m.kind == "person"]
    # "Sen. Ann Lee, a senior member of the Quillby Committee, wrote to…": the official the
    # apposition describes, not the body it names
    if people and re.fullmatch(
        r"\.?(?:\s*\([^)]*\))?,[^,;]*,\s*(?:(?:on\s+)?[A-Z]?[a-z]*day\s+|today\s+)?",
        text[people[-1].end : until],
    ):
        return people[-1].iri
    if before:
        persons_with_titles = [m for m in before if m.kind == "person"]
        bodies_before = [m for m in before if m.kind == "organization"]
        last = before[-1]
        # "Sen. Ann Lee (R-Ore.), Chairman of the Quillby Committee, sent…": the official whose
        # title names the body, not the body
        if last.kind == "organization" and len(before) > 1 and before[-2].kind == "person":
            between = text[before[-2].end : last.start]
            if re.fullmatch(
                r"(?:\s*\([^)]*\))?,\s*(?:[\w.’'-]+\s+){1,5}(?:of|for|at|on)\s+(?:the\s+)?",
                between,
            ):
                return before[-2].iri
        # "The committee's chairman, Rep. Ann Lee, sent…": the official; "the department sent"
        return (
            last.iri if last in persons_with_titles or not bodies_before else bodies_before[-1].iri
        )
    # "the department's letters", "a letter the department sent": the body named before
    head = re.search(
        r"\b(department|agency|office|administration|committee|governor|attorney general)\b",
        text[span[0] : until],
        re.I,
    )
    earlier = [m for m in senders if m.end <= span[0]]
    if head:
        for m in reversed(earlier):
            if head.group(1).lower() in m.text.lower() or head.group(1).lower() in m.iri:
                return m.iri
    # a court the story names (one that ruled on the letters, one a suit was filed in) sends none
    earlier = [m for m in earlier if not _A_COURT_NAME.search(m.text)]
    return earlier[-1].iri if earlier else None


_A_COURT_NAME = re.compile(r"\bCourt\b")


# What a round threatens, in the sentences that go on about it: "They warn that the office will
# seek a court order", "It said it would consider all options, including a subpoena", "the
# state will freeze the money", "would not receive their awards".
_THREAT_CUE = re.compile(
    r"\b(?:warn(?:s|ed|ing)?|threaten\w*|subpoena\w*|compulsory process|court order|"
    r"legal action|civil investigative demands?|risks? losing|not be eligible|"
    r"(?:could|would|will|may|might) (?:lose|face|not receive|freeze|withhold|cut off|sue|pull|"
    r"end the|be (?:withheld|held back|cut|frozen|paused|sued|served|denied|suspended))|"
    r"(?:every|any) (?:lawful )?tools?|all options|use its (?:\w+ )?power)\b",
    re.I,
)
_THREAT_KINDS = [
    ("subpoena", re.compile(r"subpoena|compulsory process", re.I)),
    ("funding cut", re.compile(
        r"\bgrants?\b|\bfund(?:s|ing)\b|money|awards?\b|revenue|eligible|withh[oe]ld|freeze|"
        r"frozen|paused|held back|cut off", re.I)),
]  # fmt: skip
# "Gov. Ana Ruiz on Friday told the city of Quillby, Ashmont County and Orlen County that they
# could lose…", "Ruiz says Quillby, Ashmont County and the village of Orlen could lose…": whom a
# lead names
_TOLD = re.compile(r"\b(?:told|tells|warned|warns|says|said|notified|informed)\s+", re.I)
_TOLD_ENDS = re.compile(
    r"\s+(?:that|could|would|will|might|may|must|should|if|unless|to|they|it)\b|[.;:—]"
)


_MADE_PUBLIC = re.compile(
    r"\b(?:until|by|before|no later than|deadline of|due)\s*$|"
    r"\b(?:released|made public|published|obtained|posted|disclosed|reviewed)\b"
    r"(?:\s+(?:by|to)\s+(?:\w+[’']?s?\s+){1,3})?\s*(?:on\s+)?$",
    re.I,
)


def _body_start(text: str, span: tuple[int, int]) -> int:
    """Where a sentence's words begin, after the dateline ("PHOENIX (AP) — ") that names
    where the story was filed, not who took part."""
    dateline = _DATELINE.match(text[span[0] : span[1]])
    return span[0] + dateline.end() if dateline else span[0]


def _threat_kind(sentence: str) -> str:
    return next((name for name, p in _THREAT_KINDS if p.search(sentence)), "legal action")


def _goes_on_about(
    entry: Letters,
    text: str,
    sentences: list[tuple[int, int]],
    para_of: dict[tuple[int, int], int],
    others: set[tuple[int, int]],
    bodies: list[EntityMention],
) -> None:
    """A round's threat told in its own sentence or in the two that follow it in its
    paragraph or the next ("The letters warn that…", "It said it would…"), by nobody named
    but its sender; and, for a round that names no recipient, those the sentence before it
    says its sender told ("…told Quillby, Ashmont County and Orlen County that they could lose…")."""
    own = [s for s in entry.evidence if s in para_of]
    if not own or entry.sender is None:
        return
    last = sentences.index(own[-1])
    following = [
        s
        for s in sentences[last + 1 : last + 3]
        if para_of.get(s, -9) - para_of[own[-1]] <= 1 and s not in others
    ]
    # "… the letter says. It gives the companies 30 days and warns …": a sentence further on
    # while the one before still speaks of the letters
    for at in range(last + 3, min(last + 5, len(sentences))):
        s, prior = sentences[at], sentences[at - 1]
        if (
            prior in following
            and para_of.get(s, -9) - para_of[own[-1]] <= 1
            and s not in others
            and (
                _LETTER.search(text, prior[0], prior[1])
                or re.match(r"\s*(?:It|They|The letters?|Each letter)\b", text[s[0] : s[1]])
            )
        ):
            following.append(s)
    first = sentences.index(own[0])
    lead = sentences[first - 1] if first else None
    if lead is None or lead in others or para_of[own[0]] - para_of.get(lead, -9) > 1:
        lead = None
    for span in [*([lead] if lead else []), *own, *following]:
        sentence = text[span[0] : span[1]]
        cue = _THREAT_CUE.search(sentence)
        if cue is None or re.search(
            r"\b(?:(?:do|does|did)\s+not|never|no)\s+$", sentence[: cue.start()]
        ):
            continue  # "The letters do not threaten fines, but …": no threat of the letters
        before = [
            m
            for m in bodies_and_places(bodies)
            if _body_start(text, span) <= m.start < span[0] + cue.start()
            and m.iri != "jurisdiction/united-states"  # "Title 8 of the U.S. Code"
        ]
        # "The chairman of the Quillby Committee … said he would issue a subpoena": the
        # sender the lead names by title (the body in the title is no one else)
        titled = (
            span == lead
            and (entry.sender or "").startswith("person/")
            and _TITLED_SUBJECT.match(text, _body_start(text, span))
            and not any(m.kind == "person" for m in before)
        )
        if titled:
            before = []
        elif any(m.iri != entry.sender for m in before):
            continue  # someone else's threat
        if span == lead and not before and not titled:
            continue  # the sentence before: its sender must be named as the one who threatens
        entry.threatens.add(_threat_kind(sentence[cue.start() :]))
        if span not in entry.told and span not in entry.evidence:
            entry.told.append(span)
    if entry.recipients or lead is None:
        return
    for cue in _TOLD.finditer(text, lead[0], lead[1]):
        if not any(m.iri == entry.sender and lead[0] <= m.start < cue.start() for m in bodies):
            continue
        stop = _TOLD_ENDS.search(text, cue.end(), lead[1])
        end = stop.start() if stop else lead[1]
        named = [
            m
            for m in bodies_and_places(bodies)
            if cue.end() <= m.start < end and m.iri != entry.sender
        ]
        if named:
            entry.recipients.extend(r for r in dict.fromkeys(m.iri for m in named))
            entry.told.append(lead)
            return


def bodies_and_places(mentions: list[EntityMention]) -> list[EntityMention]:
    return [m for m in mentions if m.kind in ("jurisdiction", "organization", "person")]


# a date in a relative clause about something else ("the Act, which lawmakers passed in April")
_OTHER_CLAUSE = re.compile(
    r",\s+which\s+(?![^,]*\b(?:sent|dated|mailed|went|arrived|received)\b)[^,]*$", re.I
)
# what may stand before a word for letters that tells of letters sent, not of letters at large
_ROUND_BEFORE = re.compile(
    r"(?:\b(?:a|an|the|these|those|this|that|its|his|her|their|our|each|every|both|one|new|"
    r"sent|mailed|issued|received|signed|warning|demand|via|by|in|through|with)|\d|[’']s?|"
    r"[A-Z][\w.]*)\s*$"
)
_ROUND_AFTER = re.compile(
    r"\s*(?:to|from|dated|sent|went|were|was|signed|asking|demanding|warning|on|in|last)\b"
    # "letters the Quillby Department sent": a clause that tells who sent them
    r"|\s*(?:that\s+)?(?:the\s+)?(?:(?-i:[A-Z][\w.’'-]*)\s+(?:(?:of|for)\s+(?:the\s+)?)?){1,6}"
    r"(?:sent|mailed|wrote|issued|signed)\b",
    re.I,
)


def _a_round(sentence: str, letter: re.Match[str]) -> bool:
    """Whether a word for letters tells of letters sent ("the letters", "sent letters to",
    "wrote to") or of letters at large ("rules, not letters", "Letters like these")."""
    if not letter.group(0).lower().startswith(("letter", "memo")):
        return True
    before = sentence[max(0, letter.start() - 30) : letter.start()]
    return bool(
        (_ROUND_BEFORE.search(before) and not re.search(r"(?:^|[.!?]\s*)$", before))
        or _ROUND_AFTER.match(sentence, letter.end())
        or re.search(r"\b(?:sent|send|mailed|issued|received)\s+(?:\w+\s+){0,2}$", before)
    )


_TITLED_SUBJECT = re.compile(
    r"\s*The\s+(?:[\w-]+\s+){0,2}?(?:chairman|chairwoman|chair|governor|mayor|attorney general|"
    r"secretary|director|senator|sheriff|commissioner|executive)\b",
    re.I,
)


def _lead_date(
    text: str,
    sentences: list[tuple[int, int]],
    span: tuple[int, int],
    sender: str | None,
    mentions: list[EntityMention],
    published: dt.date | None,
) -> tuple[list[str], tuple[int, int] | None]:
    """The day of a round its sentence does not date, from the sentence before (or the one
    before that) when it names the sender doing it on a day ("X on Tuesday demanded records
    from four companies. The letters went to …"), in the same paragraph or the one before; and that sentence."""
    at = sentences.index(span) if span in sentences else 0
    if not at or sender is None:
        return [], None
    # the sentence before, or the one before that ("When X threatened two weeks ago to …, it
    # named three states. None has given ground.\n\nThe letters demanded …")
    for lead in sentences[max(0, at - 2) : at][::-1]:
        if text[lead[1] : span[0]].count("\n\n") > 1:
            return [], None
        sentence = text[lead[0] : lead[1]]
        verb = _SENDING.search(sentence)
        # "The chairwoman of the Quillby Board on Friday set a deadline …" before "Ann Lee
        # asked …": the official the lead names by title alone (no one named before its verb)
        titled = (
            sender.startswith("person/")
            and verb is not None
            and _TITLED_SUBJECT.match(text, _body_start(text, lead))
            and not any(
                m.kind == "person" and lead[0] <= m.start < lead[0] + verb.start() for m in mentions
            )
        )
        if not titled and not any(
            m.iri == sender and lead[0] <= m.start < lead[1] for m in mentions
        ):
            continue
        days = [
            d
            for p, d in dated_spans(sentence, published)
            if verb
            and abs(p - verb.start()) <= 40
            and not _MADE_PUBLIC.search(sentence[max(0, p - 40) : p])
        ]
        return days[:1], lead if days else None
    return [], None


# "…, it named three states: A, B and C", "listed A and B": whom a lead says the sender named
_NAMED_IN = re.compile(
    r"\b(?:named|listed|singled out|identified)\s+(?:(?:[\w-]+\s+){0,3}[\w-]+:\s*)?"
)


def _named_in(
    text: str, lead: tuple[int, int], mentions: list[EntityMention], states: set[str], sender: str
) -> list[str]:
    """The places and bodies a lead names after "named", "listed" (through a colon), up to
    where the run ends."""
    cue = _NAMED_IN.search(text, lead[0], lead[1])
    if cue is None:
        return []
    stop = _LIST_ENDS.search(text, cue.end(), lead[1])
    end = stop.start() if stop else lead[1]
    named = [
        m
        for m in mentions
        if m.kind in ("jurisdiction", "organization")
        and cue.end() <= m.start < end
        and m.iri != sender
        and not _is_outlet(m, text)
    ]
    return _list_item(named, text, states)


# "X received letters", "X was one of the cities that received a letter", "X learned of the
# fine in a letter": X is a recipient
_RECEIVED = re.compile(
    r"\b(?:received|receives|got|gets|learned\s+(?:of|about)\b[^.;]{0,80}?\bin)\s+"
    r"(?:[\w’'.-]+\s+){0,3}?letters?\b",
    re.I,
)


def _receivers(
    text: str,
    span: tuple[int, int],
    masked: str,
    mentions: list[EntityMention],
    states: set[str],
    sender: str | None,
) -> list[str]:
    """The subject of "received a letter" (or "learned of … in a letter"): the places, bodies
    and people named before the verb (not in a relative clause about them, nor before "said"),
    or what a head noun there points back to ("The city learned of it in a letter")."""
    verb = _RECEIVED.search(masked)
    if verb is None:
        return []
    begin = _body_start(text, span)
    end = span[0] + verb.start()
    said = list(re.finditer(r"\b(?:said|says|told|according to)\b", text[begin:end]))
    begin += said[-1].end() if said else 0
    relative = re.search(r",\s*(?:which|who|whose)\b", text[begin:end])
    end = begin + relative.start() if relative else end
    named = [
        m
        for m in bodies_and_places(mentions)
        if begin <= m.start < end and m.iri != sender and not _is_outlet(m, text)
    ]
    if named:
        return _list_item(named, text, states)
    noun = _HEAD_NOUN.match(text[begin:end].strip())
    if noun is None:
        return []
    earlier = [m for m in bodies_and_places(mentions) if m.end <= span[0]]
    return [p for p in _pointed_at_all(noun, earlier, states, text) if p != sender]


# "The letters say …", "Each letter cites …": a sentence about what the round told last says
_LETTERS_SAY = re.compile(
    r"\s*(?:The|These|Those|Its|His|Her|Their|Each|Both)\s+letters?\s+"
    r"(?:also\s+)?(?:say|says|said|cite|cites|cited|argue|argues|argued|state|states|stated|"
    r"contend|contends|note|notes|noted|allege|alleges|alleged)\b"
)
# a round told as an earlier one: "X first wrote to Y on May 4", "Earlier letters went out …"
_EARLIER_ROUND = re.compile(
    r"\b(?:first\s+(?:wrote|sent|asked|demanded)|earlier|previous(?:ly)?|prior|had\s+(?:sent|written))\b",
    re.I,
)


def _told_of(rounds: dict[str | None, Letters], background: set[str | None]) -> str | None:
    """The round "the letter" points back to: the one told last, less one told as earlier
    ("X first wrote to Y on May 4. … The letter warns …": the story's own letter)."""
    current = [r for r in rounds if r not in background]
    return current[-1] if current else list(rounds)[-1]


# a sentence that goes on to name recipients of the round before
_MORE_RECIPIENTS = re.compile(
    r"\s*(?:Among\s+(?:those|the\s+\w+)\s+(?:receiving|that\s+received|who\s+received)\b|"
    r"(?:The\s+)?(?:other\s+)?recipients\b(?:\s+(?:were|included|include)\b|\s*,\s*among\s+them\b))",
)


def find_letters(
    text: str,
    sentences: list[tuple[int, int]],
    paragraphs: list[Paragraph],
    mentions: list[EntityMention],
    statutes: list[tuple[int, int, str]],
    published: dt.date | None,
    states: set[str],
    quoted: Sequence[tuple[int, int]] = (),
) -> list[Letters]:
    """Rounds of letters the text describes, merged by date (words inside quotation marks
    are someone's, not the story's: they send nothing)."""
    bodies = [m for m in mentions if m.kind in ("organization", "person")]
    places_too = mentions  # read after the runs have added the names they found
    rounds: dict[str | None, Letters] = {}
    defaulted: set[str | None] = set()  # rounds dated by the story's day for want of their own
    background: set[str | None] = set()  # rounds told as earlier ones ("first wrote to X in May")
    for span in sentences:
        sentence = text[span[0] : span[1]]
        if rounds and not _LETTER.search(sentence) and _MORE_RECIPIENTS.match(sentence):
            # "Among the cities that received letters were A and B.", "Other recipients,
            # among them A, …": more recipients of the round told last
            entry = rounds[list(rounds)[-1]]
            for r in _recipients(mentions, text, span, states, entry.sender):
                if r not in entry.recipients:
                    entry.recipients.append(r)
                entry.where.setdefault(r, span)
            if span not in entry.evidence:
                entry.evidence.append(span)
            continue
        if not _LETTER.search(sentence) or sentence.rstrip(" ”\"'’").endswith("?"):
            continue  # a question ("Where did the letters go?") reports nothing
        masked = "".join(
            " " if any(b <= span[0] + i < e for b, e in quoted) else ch
            for i, ch in enumerate(sentence)
        )
        sending = _SENDING.search(masked)
        if sending is None and rounds and _LETTERS_SAY.match(masked):
            # "The letters say the fees may break the Act": what the round told last says
            latest_round = rounds[_told_of(rounds, background)]
            if span not in latest_round.told and span not in latest_round.evidence:
                latest_round.told.append(span)
            continue
        if sending is None or not any(_a_round(masked, m) for m in _LETTER.finditer(masked)):
            continue  # "their letter" in an answer, "write rules, not letters": no round
        # "Ashmont sued on Friday, asking …; the fight goes back to a letter from the agency
        # in March": the verb that tells of the letter is the one nearest it
        words = [m.start() for m in _LETTER.finditer(masked)]
        sending = min(
            _SENDING.finditer(masked), key=lambda v: min(abs(v.start() - w) for w in words)
        )
        # "released Tuesday", "obtained Friday": the day the story got the letters, not theirs;
        # "the Act, which lawmakers passed in April,": the day of something else
        spans = [
            (p, d)
            for p, d in dated_spans(sentence, published)
            if not _MADE_PUBLIC.search(sentence[max(0, p - 40) : p])
            and not _OTHER_CLAUSE.search(sentence[max(0, p - 60) : p])
        ]
        # dates joined by "and" ("last April and November") are rounds each; otherwise the
        # date nearest the verb of sending is the round's
        near = sorted(spans, key=lambda d: abs(d[0] - sending.start()))
        dates = [near[0][1]] if near else []
        dates += [d for p, d in spans if near and p != near[0][0] and abs(p - near[0][0]) <= 16]
        letter_at = _LETTER.search(sentence).start() + span[0]  # type: ignore[union-attr]
        sender = _sender(text, span, bodies, letter_at, span[0] + sending.start())
        # "The letters, which the office released Tuesday, …": a sentence that speaks of the
        # letters already told of, with no date of sending, is about the latest round
        back = re.search(
            r"\b(?:the|these|those|its|his|her|their|each|every)\s+(?:\w+[’']s\s+)?letters?\b",
            sentence,
            re.I,
        )
        latest = list(rounds)[-1] if rounds else None
        if (
            back
            and back.start() < 4
            and latest
            and len(dates) == 1
            and dates[0] != latest
            and (dates[0].startswith(latest) or latest in defaulted)
            and dates[0] not in rounds
        ):
            # "…sent letters last week…. The letters, dated July 12, …": the round's own day;
            # "…according to a letter…. The letter, dated May 4 and signed by Sen. Ann Lee":
            # the day and the signer of a round the sentence before gave neither
            if latest in defaulted and any(m.iri == sender and _in(m, span) for m in bodies):
                rounds[latest].sender = sender
            defaulted.discard(latest)
            rounds[dates[0]] = rounds.pop(latest)
            rounds[dates[0]].date = dates[0]
        receivers = _receivers(text, span, masked, mentions, states, sender)
        if rounds and back and not _near_sending(spans, sending.start()):
            dates = []
            when: list[str | None] = [_told_of(rounds, background)]
        elif rounds and receivers and not dates:
            # "Quillby County, which also received a letter, …": the round the story is about
            when = [next(iter(rounds))]
        else:
            if not dates:
                dates, lead = _lead_date(text, sentences, span, sender, mentions, published)
                if lead is not None and sender is not None:
                    receivers += _named_in(text, lead, mentions, states, sender)
            when = [*dates] or [published.isoformat() if published else None]
            if not dates and when[0] not in rounds:
                defaulted.add(when[0])
            defaulted.difference_update(dates)  # a round the text dates is its own day's
        for date in when:
            entry = rounds.setdefault(date, Letters(sender, date))
            entry.sender = entry.sender or sender
            if len(dates) <= 1:
                for r in [
                    *receivers,
                    *_recipients(
                        mentions,
                        text,
                        span,
                        states,
                        sender,
                        min(letter_at, span[0] + sending.start()),
                    ),
                ]:
                    if r not in entry.recipients:
                        entry.recipients.append(r)
                    entry.where.setdefault(r, span)
            cited = [s for b, e, s in statutes if span[0] <= b < span[1]]
            entry.statute = entry.statute or (cited[0] if cited else None)
            for name, pattern in _THREATS:
                if pattern.search(sentence):
                    entry.threatens.add(name)
            asked = _DEMANDS.search(sentence)
            if asked:
                what = " ".join(asked.group("what").split()).strip(" ,")
                if what not in entry.demands:
                    entry.demands.append(what)
            entry.evidence.append(span)
            if _EARLIER_ROUND.search(sentence) and len(rounds) > 1:
                background.add(date)
    # a list of places in short paragraphs ("Ashmont;", "Quillby County, Illinois;") after a
    # sentence about letters or recipients: the recipients of the latest round
    run: list[Paragraph] = []
    told = False  # the paragraph before told of letters: a list of names may follow
    teller: Paragraph | None = None  # that paragraph
    for para in [*paragraphs, None]:
        short = (
            para is not None
            and para.body
            and len(para.text.split()) <= 8
            and (
                any(
                    m.kind in ("jurisdiction", "organization") and para.start <= m.start < para.end
                    for m in mentions
                )
                or ((told or run) and bool(_A_NAME.fullmatch(para.text.strip().rstrip(".,;"))))
            )
        )
        if short and para is not None:
            run.append(para)
            continue
        tells = para is not None and bool(_LETTER.search(para.text)) and not run
        if len(run) >= 3 and rounds:
            # the round the paragraph before the list tells of ("On May 4, she sent letters to
            # three more counties:"), else the round of the story's day, else the first told
            before = sorted(
                (
                    (b, r)
                    for r in rounds
                    for b, _ in rounds[r].evidence
                    if teller is not None and teller.start <= b < teller.end
                ),
                key=lambda found: found[0],
            )
            key = (
                before[-1][1]
                if before
                else published.isoformat()
                if published and published.isoformat() in rounds
                else next(iter(rounds))
            )
            entry = rounds[key]
            mentions.extend(_unnamed_in_runs(mentions, text, [(p.start, p.end) for p in run]))
            mentions.sort(key=lambda m: m.start)
            for p in run:
                in_item = [
                    m
                    for m in mentions
                    if m.kind in ("jurisdiction", "organization") and p.start <= m.start < p.end
                ]
                for r in _list_item(in_item, text, states):
                    if r not in entry.recipients:
                        entry.recipients.append(r)
                    entry.where.setdefault(r, (p.start, p.end))
            entry.evidence.append((run[0].start, run[-1].end))
        run = []
        told, teller = tells, para if tells else None
    para_of = {
        span: i
        for span in sentences
        for i, p in enumerate(paragraphs)
        if p.start <= span[1] and span[0] < p.end
    }
    for entry in rounds.values():
        others = {s for r in rounds.values() if r is not entry for s in r.evidence}
        _goes_on_about(entry, text, sentences, para_of, others, places_too)
    _statutes_of_rounds(rounds.values(), text, sentences, statutes)
    return [r for r in rounds.values() if r.sender is not None]


# A sentence about a suit or a ruling: a law it names is the suit's or the court's, not letters'.
_COURT_WORDS = re.compile(
    r"\b(?:su(?:ed|es?|ing|it)|lawsuits?|judges?|courts?|ruled|rulings?|decision|argu(?:es|ed)|"
    r"alleg(?:es|ed)|complaint|appeal\w*)\b",
    re.I,
)
# what a sentence says of a law that letters may be about: someone complies with it, violates
# it, or acts under it ("may be breaking the Quillby Act", "acting under the Act"), not a law
# only described ("The Act, passed in 2011, sets …")
_COMPLYING = re.compile(
    r"\b(?:compl(?:y|ies|ied|ying|iance|iant)|violat\w*|breach\w*|break(?:s|ing)?|under|obey\w*)\b",
    re.I,
)
# "letters about the same law", "asking for proof they are not violating the law"
_THE_LAW = re.compile(r"\bthe\s+(?:same\s+)?(?:law|statute|act)\b", re.I)


def _statutes_of_rounds(
    rounds: Iterable[Letters],
    text: str,
    sentences: list[tuple[int, int]],
    statutes: list[tuple[int, int, str]],
) -> None:
    """The law each round of letters concerns, when the text ties one to it: cited in the
    round's own sentences or in those going on about it ("They warn … under the Act"), or
    pointed back to ("letters about the same law": the law named last before). A round of the
    same sender that cites a law shares it with the sender's other rounds ("earlier rounds of
    letters"); when no round cites the article's one law, and the article names it somewhere
    other than in a suit or a ruling, the letters are about it. A law a suit is brought under,
    or another sender's letters cite, is not a round's."""
    rounds = list(rounds)
    for entry in rounds:
        if entry.statute is None:
            told = [x for x in entry.told if x not in entry.evidence]
            tied = [s for b, _, s in statutes if any(x <= b < y for x, y in told)]
            for b, _ in [] if tied else entry.evidence:
                back = _THE_LAW.search(text, b, next((e for s, e in sentences if s == b), b))
                earlier = [s for at, _, s in statutes if at < (back.start() if back else 0)]
                tied += earlier[-1:]
            entry.statute = tied[0] if tied else None
    for entry in rounds:
        if entry.statute is None:
            cited = {r.statute for r in rounds if r.statute and r.sender == entry.sender}
            entry.statute = cited.pop() if len(cited) == 1 else None
    named = sorted({s for _, _, s in statutes})
    if len(named) != 1 or any(r.statute for r in rounds):
        return
    free = [
        b
        for b, _, _ in statutes
        if not any(x <= b < y and _COURT_WORDS.search(text, x, y) for x, y in sentences)
        and any(x <= b < y and _COMPLYING.search(text, x, y) for x, y in sentences)
    ]
    for entry in rounds if free else []:
        entry.statute = named[0]


def with_rounds_as_events(events: list[Event], rounds: list[Letters]) -> list[Event]:
    """Each round of letters is a demand by its sender of its recipients, and a threat too
    when the letters threaten something: on the round's date, the sender the agent, the
    recipients the targets. An event of that kind that day the text already told of (with the
    same agent, or none), or one found in the sentences that tell of the round ("…sent letters
    to A and B demanding records": not a demand by B), is the same event: it gains the round's
    participants, and when the round names its recipients they are its only targets."""
    out = list(events)
    claimed: set[int] = set()  # events a round made its own: no other round's by its sentences
    senders = [r.sender for r in rounds if r.sender is not None]
    for letters in rounds:
        if letters.sender is None:
            continue
        told = {*letters.evidence, *letters.told}
        kinds = ["Demand"] + (["Threat"] if letters.threatens else [])
        for kind in kinds:
            same = [
                e
                for e in out
                if e.type == kind
                and (
                    (
                        (
                            e.date == letters.date
                            # "X is threatening to cut …" on the story's day, beside X's one
                            # round of letters: that round's
                            or (e.on_story_day and senders.count(letters.sender) == 1)
                        )
                        and {p for r, p in e.participants if r == "agent"} <= {letters.sender}
                    )
                    or (id(e) not in claimed and e.evidence and all(s in told for s in e.evidence))
                )
            ]
            event = same[0] if same else Event(kind, letters.date)
            if not same:
                out.append(event)
            for other in same[1:]:
                out.remove(other)
                event.evidence.extend(s for s in other.evidence if s not in event.evidence)
                event.participants.update(other.participants)
            claimed.add(id(event))
            event.date = letters.date
            if letters.recipients:
                event.participants = {}
            event.participants = {(r, p): None for r, p in event.participants if r != "agent"}
            event.participants[("agent", letters.sender)] = None
            for recipient in letters.recipients:
                event.participants[("target", recipient)] = None
            event.evidence.extend(s for s in letters.evidence if s not in event.evidence)
            if kind == "Threat":
                event.evidence.extend(s for s in letters.told if s not in event.evidence)
    return out


def _near_sending(spans: list[tuple[int, str]], sending_at: int) -> bool:
    """Whether a date stands by the verb of sending ("sent Friday", "dated May 5")."""
    return any(abs(position - sending_at) <= 25 for position, _ in spans)


def _list_item(named: list[EntityMention], text: str, states: set[str]) -> list[str]:
    """The recipients among things named in a run or a list item ("Ashmont, Illinois;"),
    once each, less a state that only qualifies the place before it (and the country)."""
    out: list[str] = []
    for i, m in enumerate(named):
        qualifier = (  # "Ashmont, Illinois", not "the states of Illinois, Oregon and …"
            i > 0
            and named[i - 1].iri not in states
            and re.fullmatch(r",\s*", text[named[i - 1].end : m.start])
        )
        if (qualifier and m.iri in states) or m.iri == "jurisdiction/united-states":
            continue
        if m.iri not in out:
            out.append(m.iri)
    return out


_SPEECH = {"StatementEvent", "Tweet", "PressConference"}
_RELATED = {"Threat": ("Demand",), "Demand": ("Threat",)}
# Kinds of event a story reports without naming who took part ("several lawsuits were filed").
_MAY_BE_ANONYMOUS = {"Lawsuit", "CourtRuling", "Review", "Meeting", "Boycott"}
_REPORTER = re.compile(r"(?:told|according to|reported by)\s+(?:the\s+)?$", re.I)
_CHANNEL_EVENTS = {
    "tweet": "Tweet", "statement": "StatementEvent", "press release": "StatementEvent",
    "press conference": "PressConference", "told media": "StatementEvent",
}  # fmt: skip
# what a quotation's frame names when its channel is a written statement the speaker made
# ("said in a statement", "a press release"), not a judge's "wrote that" or "called the letters"
_WRITTEN_STATEMENT = re.compile(r"\bstatements?\b|\bpress release\b", re.I)
# a live blog's entries open with their time ("1:20 p.m."): all of them the blog's day
_TIMESTAMP = re.compile(r"^\s*\d{1,2}:\d{2}\s*[ap]\.?m\.?\s*$", re.M | re.I)
# what a speech event may speak of, that dates it: "after the summit", "addressed the boycott",
# "reviewing the decision", "within an hour of the news conference"
_SPOKEN_OF = [
    (("Boycott", "Meeting"), re.compile(r"\bboycott\w*|\bwalk(?:ed|s)?[ -]?out\b|\bskipp(?:ed|ing)\b", re.I)),
    (("Meeting", "Boycott"), re.compile(r"\b(?:meeting|summit|hearing|session|roundtable)\b", re.I)),
    (("CourtRuling",), re.compile(r"\b(?:ruling|decision)\b", re.I)),
    (("PressConference",), re.compile(r"\b(?:news|press) conference\b", re.I)),
]  # fmt: skip


# a date after the event's word that only qualifies another noun ("its review of the June
# shooting", "her March 10 letter"): not the event's
_ATTRIBUTIVE = re.compile(r"\b(?:the|his|her|its|their)\s+$", re.I)
# what stands before a speech event's word when it points back to one told of already
_SPOKEN_BACK = re.compile(
    r"\b(?:after|before|of|since|following|during|from|until)\s+(?:the|that|his|her|their|its)\s+$",
    re.I,
)
# "X said Monday that …", "X, the county's lawyer, told reporters Monday": a saying on a day
_SAID_ON = re.compile(
    r"(?:\s*\([^)]*\))?(?:,[^,.]{0,80},)?\s+(?:on\s+\w+\s+)?(?:said|says|told|announced)\b", re.I
)


def _lead_day(
    text: str,
    sentences: list[tuple[int, int]],
    span: tuple[int, int],
    speaker: str | None,
    mentions: list[EntityMention],
    published: dt.date | None,
) -> str | None:
    """The day one of the three sentences before, or the story's lead, gives the speaker's
    saying ("Ann Lee said Monday that …" before "…," Lee said at a news conference.)."""
    at = next((i for i, s in enumerate(sentences) if s[1] > span[0]), 0)
    if speaker is None or not at:
        return None
    before = sentences[max(0, at - 3) : at]
    # and the story's lead ("X said Monday that …" opening a story that later tells where)
    leads = [s for s in sentences[:3] if s not in before and s[1] <= span[0]]
    for lead in [*reversed(before), *leads]:
        for m in mentions:
            if m.iri != speaker or not lead[0] <= m.start < lead[1]:
                continue
            verb = _SAID_ON.match(text, m.end, lead[1])
            if verb is None:
                continue
            near = text[m.end : min(lead[1], verb.end() + 30)]
            days = [d for p, d in dated_spans(near, published) if p <= verb.end() - m.end + 4]
            if days:
                return days[0]
    return None


# a time told from the one before ("about an hour later", "that evening")
_LATER = re.compile(
    r"\b(?:later|that\s+(?:evening|night|morning|afternoon|day)|the\s+same\s+day)\b", re.I
)


def _day_before(
    text: str, sentences: list[tuple[int, int]], span: tuple[int, int], published: dt.date | None
) -> str | None:
    """The day a speech event told from the one before ("replied on Twitter two hours
    later", "shared it that evening") takes from the last day the two sentences before give."""
    if not _LATER.search(text[span[0] : span[1]]):
        return None
    at = next((i for i, s in enumerate(sentences) if s[1] > span[0]), 0)
    for before in reversed(sentences[max(0, at - 2) : at]):
        days = [
            d
            for _, d in dated_spans(text[before[0] : before[1]], published)
            if len(d) == 10 and (published is None or d <= published.isoformat())
        ]  # the day it tells of, not a deadline ahead
        if days:
            return days[-1]
    return None


def _context_day(
    sentence: str,
    kind: str,
    events: dict[tuple[str, str | None, str | None], Event],
    dated: set[tuple[str, str | None, str | None]],
    published: dt.date | None,
) -> str | None:
    """The day of the one event of another kind a speech event speaks of, when the story
    dates it and it is not ahead of the story (a meeting's day is its boycott's, and the
    other way round)."""
    for others, pattern in _SPOKEN_OF:
        if kind in others or not pattern.search(sentence):
            continue
        for other in others:
            days = {
                k[1]
                for k in events
                if k[0] == other and k[1] and (published is None or k[1] <= published.isoformat())
            }
            told = days & {k[1] for k in dated if k[0] == other}  # days the text gives
            if len(told) == 1 or len(days) == 1:
                return (told or days).pop()
    return None


# words that name a threat's act or a demand's verb where no one threatens or demands: the act
# barred or denied ("barred X from withholding", "cannot cut off", "no authority to withhold"),
# allowed by a law ("lets the state withhold"), a threat spoken of ("his threat to withhold"),
# "without warning"; asking kept from or kept up ("keeps officers from asking", "keep asking"), a
# suit's prayer ("a lawsuit asking a judge to …"), a request as a thing ("detainer requests",
# "a request for comment", "backed the request")
_IDLE_THREAT = re.compile(
    r"(?:\b(?:from|cannot|not|without|threat\s+to)|can[’']t|\bno\s+(?:\w+\s+)?"
    r"(?:authority|right|power|basis)\s+to|\b(?:lets?|allows?|permits?|authori[sz]es?)\s+"
    r"(?:the\s+)?[\w-]+\s+(?:to\s+)?)\s*$",
    re.I,
)
_IDLE_ASKING = re.compile(r"\b(?:from|keeps?|kept|out|stop(?:ped)?)\s+$", re.I)
_A_SUITS_PRAYER = re.compile(r"\s*(?:a|the)\s+(?:[\w.-]+\s+){0,2}(?:judge|court)s?\b", re.I)
_A_REQUEST = re.compile(
    r"\b(?:a|an|the|our|any|no|this|that|every|such|its|his|her|their|[a-z]+(?:er|ion|al|s))\s+$"
)


# a suit that may come, not one filed: "could be sued", "they may sue", "whether he expected
# lawsuits", "threatened to sue"; "regulators sue" (what such people do, not a suit)
_IDLE_SUIT = re.compile(
    r"(?:\b(?:could|would|may|might|will|can|should|must)\s+(?:not\s+)?(?:be\s+)?|"
    r"\bexpect\w*\s+(?:\w+\s+)?|\bthreat\w*\s+to\s+)$",
    re.I,
)


def _idle(kind: str, masked: str, hit: re.Match[str]) -> bool:
    """Whether a trigger's words tell of no one doing it here (see `_IDLE_THREAT`)."""
    before = masked[: hit.start()]
    word = hit.group(0).lower()
    if kind == "Lawsuit":
        plural_subject = word == "sue" and re.search(r"\b(?-i:[a-z]+)\s+$", before)
        return bool(_IDLE_SUIT.search(before) or plural_subject)
    if kind == "Threat":
        return bool(_IDLE_THREAT.search(before))
    if kind == "Demand" and word.startswith("ask"):
        return bool(_IDLE_ASKING.search(before) or _A_SUITS_PRAYER.match(masked, hit.end()))
    if kind == "Demand" and word in ("request", "requests"):
        return bool(_A_REQUEST.search(before))
    return False


_APPEAL = re.compile(r"(?:call(?:ed|s)\s+on|ask(?:ed|s))\s+", re.I)
_OWN_BODY = re.compile(
    r"(?:the\s+)?[\w-]+[’']s\s+(?P<noun>office|department|board|council|committee|agency)\b", re.I
)
_ASKER = re.compile(_HEAD_NOUN.pattern + r"\s+(?:had\s+|has\s+|have\s+)?$", re.I)


def _appeal_parties(
    text: str,
    span: tuple[int, int],
    appeal: re.Match[str],
    inside: list[EntityMention],
    mentions: list[EntityMention],
    agent: EntityMention | None,
) -> dict[tuple[str, str], None]:
    """Who asks and of whom, in "X called on the agency to …" or "… said the county asked
    the department to …": the one asked is named (or pointed back to: "the agency") right
    after the verb, the one who asks is the body a head noun just before it points back to
    ("the county asked"), or else the one named last before it. Places the sentence names
    elsewhere take no part."""
    out: dict[tuple[str, str], None] = {}
    kinds = ("person", "organization", "jurisdiction")
    verb_at, object_at = span[0] + appeal.start(), span[0] + appeal.end()
    asker = _ASKER.search(text, span[0], verb_at)
    if asker is not None:
        earlier = [m for m in mentions if m.end <= asker.start() and m.kind in kinds]
        for found in _pointed_at_all(asker, earlier, set(), text)[:1]:
            out[("agent", found)] = None
    if not out and re.search(r"\band\s+$", text[span[0] : verb_at]):
        # "X rejected Y's demand and called on Y to …": the clause's subject, X
        first = [m for m in inside if m.kind in ("person", "organization") and m.start < verb_at]
        agent = first[0] if first else agent
    if not out and agent is not None and agent.start < verb_at:
        out[("agent", agent.iri)] = None
    after = [m for m in inside if m.kind in kinds and m.start >= object_at]
    gap = text[object_at : after[0].start] if after else ""
    if after and len(gap.split()) <= 3 and not re.search(r"[,;:]|\bto\b", gap):
        out.setdefault(("target", after[0].iri), None)
        return out
    earlier = [m for m in mentions if m.end <= verb_at and m.kind in kinds]
    own = _OWN_BODY.match(text, object_at, span[1])  # "the sheriff's office": an office
    if own is not None:
        body = _pointed_at(own.group("noun").lower(), earlier, set())
        if body:
            out.setdefault(("target", body), None)
        return out
    noun = _HEAD_NOUN.match(text, object_at, span[1])
    if noun is not None:
        for found in _pointed_at_all(noun, earlier, set(), text)[:1]:
            out.setdefault(("target", found), None)
    return out


def _subject_pointed_at(
    text: str, span: tuple[int, int], mentions: list[EntityMention], outside: Callable[[int], bool]
) -> EntityMention | None:
    """The one a sentence's subject head noun ("The sheriff spoke …", "The department said
    …") points back to: a mention of it, where the subject is."""
    at = span[0] + len(text[span[0] : span[1]]) - len(text[span[0] : span[1]].lstrip())
    subject = _HEAD_NOUN.match(text, at, span[1])
    if subject is None or re.match(r"[’']s\b|\s+of\b", text[subject.end() : span[1]]):
        return None
    earlier = [m for m in mentions if m.end <= at and outside(m.start)]
    for found in _pointed_at_all(subject, earlier, set(), text)[:1]:
        kind = next((m.kind for m in earlier if m.iri == found), "organization")
        return EntityMention(subject.start(), subject.end(), subject.group(0), found, kind)
    return None


# meeting words that are a meeting only when the sentence names who holds it
_ORGANISER_ONLY = re.compile(
    r"round table|(?:listening\s+)?session|hearing|ceremony|dinner|meets|will meet|"
    r"invitations?\s+to",
    re.I,
)
# a verb of holding a meeting and the words between it and the meeting's word: "will hold an
# open forum session", "opened her water policy summit", "will chair a budget hearing",
# "called a special session"
_HOLDS = re.compile(
    r"\b(?:hold|holds|holding|held|host|hosts|hosting|plan|plans|planned|planning|"
    r"schedul(?:e|es|ed|ing)|conven(?:e|es|ed|ing)|open(?:s|ed)?|presid(?:e|es|ed|ing)\s+over|"
    r"call(?:s|ed)?)\s+(?:[\w’'-]+\s+){0,4}$",
    re.I,
)


_HELD_BY_PRONOUN = re.compile(
    r"\s+(?:that\s+|which\s+)?(?:he|she|they)\s+(?:had\s+)?(?:hosted|held|organi[sz]ed|convened|called)\b",
    re.I,
)


def _organiser(
    text: str,
    span: tuple[int, int],
    masked: str,
    hit: re.Match[str],
    actors: list[EntityMention],
    mentions: list[EntityMention],
    outside: Callable[[int], bool],
) -> str | None:
    """Who holds a meeting the sentence tells of: the subject of a verb of holding it ("Gov.
    Lee opened her summit", "The board called a special session"), of "meets" ("The board
    meets again on May 2"), or of a sentence about "its next meeting"."""
    before = masked[: hit.start()]
    holds = _HOLDS.search(before)
    if hit.group(0).lower() in ("meets", "will meet"):
        at = hit.start()
    elif re.match(_HELD_BY_PRONOUN, masked[hit.end() :]):
        at = hit.start()  # "signed it at a ceremony she held": the sentence's subject
    elif holds is not None and not re.search(
        r"\b(?:a|an|the|its|his|her|their)\s+$", before[: holds.start()], re.I
    ):
        at = holds.start()  # a verb, not "a scheduled meeting"
    elif re.search(r"\b(?:its|their)\s+(?:[\w-]+\s+){0,2}$", before):
        at = hit.start()
    else:
        return None
    if re.search(r"\b(?:who|which|that)\s+(?:will\s+)?$", masked[:at]):
        return None
    subject = [m for m in actors if m.start < span[0] + at and not _reported_by(text, m)]
    subject = [m for m in subject if not re.match(r"[’']s\b", text[m.end : m.end + 2])]
    if subject:
        return subject[-1].iri
    pointed = _subject_pointed_at(text, span, mentions, outside)
    return pointed.iri if pointed is not None else None


def _in_a_name(hit: re.Match[str], span: tuple[int, int], inside: list[EntityMention]) -> bool:
    """Whether a trigger's word is inside a name that is not the event's ("Summit Quillby
    LLC", not "the Ashmont Water Summit")."""
    at = span[0] + hit.start()
    return any(
        m.start <= at < m.end and not m.text.lower().endswith(hit.group(0).lower().strip())
        for m in inside
    )


# a place that holds an office ("Ashmont Attorney General", "Ashmont Gov."), not its target
_SETTING_OR_OFFICE = re.compile(
    r"\s+(?:Attorney\s+General|Gov(?:ernor|\.)|Lt\.|Lieutenant|Mayor|Sen(?:ator|\.)|Rep\.|"
    r"Secretary|Sheriff|Comptroller|Treasurer|Auditor)\b"
)
# "towns in Ashmont and Quillby County": where the ones named are, not whom it is aimed at
_IN_PLACES = re.compile(r"\b[Ii]n\s+(?:(?:[A-Z][\w.'-]*\s+){1,3}(?:and|or)\s+)?$")
_THE_PLACES = re.compile(
    r"\s*(?:The|Both)\s+(?:two\s+|three\s+|four\s+)?(?P<noun>cities|counties|towns)\b"
)


def _places_pointed_at(
    text: str, span: tuple[int, int], mentions: list[EntityMention], outside: Callable[[int], bool]
) -> list[str]:
    """The places a plural subject points back to ("The cities filed suit in May."): the two to
    four the story named before, of that kind (a city or county has its state's postal code in
    its IRI, a state none), when it named no more."""
    subject = _THE_PLACES.match(text, span[0], span[1])
    if subject is None:
        return []
    county = subject.group("noun").lower() == "counties"
    out: list[str] = []
    for m in mentions:
        local = m.iri.split("/")[-1]
        if (
            m.end <= span[0]
            and outside(m.start)
            and m.kind == "jurisdiction"
            and re.search(r"-[a-z]{2}$", local)
            and ("-county-" in local) == county
            and m.iri not in out
        ):
            out.append(m.iri)
    return out if 2 <= len(out) <= 4 else []


# the names right after "with", or after "with some 40 visitors, including"
_A_RUN_OF_NAMES = re.compile(
    r"(?:(?:[\w-]+\s+){0,4}?[\w-]+,?\s+(?:including|among\s+them)\s+)?"
    r"(?:(?:[A-Z][\w.’'-]*|and|the|of|&|,)\s*)*"
)
_WALKOUT = "walkout"  # the key a boycott by walking out has in place of an agent
_SAYS = re.compile(r"\s+(?:said|says|told|tells|wrote|writes|added|adds)\b")


def _sayer(text: str, q: Quotation, frame: str, mentions: list[EntityMention]) -> str:
    """Who makes a speech event: the official a subject head noun points back to ("The
    governor wrote on Twitter: …"); else the quotation's speaker, unless that is a place and
    its frame names a person as the one saying ("In a statement, Lee said the county …": Lee,
    not the county she runs)."""
    speaker = str(q.speaker)
    start = q.sentence[0]
    # "The Republican governor wrote on Twitter: …": the governor the story named before
    at = start + len(frame) - len(frame.lstrip())
    subject = _HEAD_NOUN.match(frame, at - start)
    if subject is not None and _SAYS.match(frame, subject.end()):
        earlier = [m for m in mentions if m.end <= start]
        for found in _pointed_at_all(subject, earlier, set(), text)[:1]:
            if found.startswith("person/"):
                return found
    if not speaker.startswith("jurisdiction/"):
        return speaker
    for m in mentions:
        if (
            m.kind == "person"
            and start <= m.start < q.sentence[1]
            and frame[m.start - start : m.end - start].strip()
            and _SAYS.match(frame, m.end - start)
        ):
            return m.iri
    return speaker


# Kinds of event a story dates to its own day when the sentence gives no other date.
_REPORTED_DAY = {"Demand", "Threat", "Meeting", "Boycott", *_SPEECH}


def find_events(
    text: str,
    sentences: list[tuple[int, int]],
    mentions: list[EntityMention],
    published: dt.date | None,
    quoted: Sequence[tuple[int, int]] = (),
    quotations: Sequence[Quotation] = (),
) -> list[Event]:
    """Events by kind and date, each with the people, bodies and places taking part.

    Triggers are looked for outside quotations (a speaker's words are not the story's
    events). Speech events (statements, tweets, press conferences) are one per speaker;
    other kinds are one per date in an article.
    """
    events: dict[tuple[str, str | None, str | None], Event] = {}
    # events dated only because the story reports them (its own day), and those the text dates
    defaulted: set[tuple[str, str | None, str | None]] = set()
    dated: set[tuple[str, str | None, str | None]] = set()
    sayings: set[tuple[str, str | None, str | None]] = set()  # "X said Monday" in prose

    def outside(pos: int) -> bool:
        return not any(b <= pos < e for b, e in quoted)

    # the quotations that make speech events, and their sentences: no trigger makes another
    said: list[tuple[Quotation, str, list[str], str]] = []
    for q in quotations:
        span = q.sentence
        frame = "".join(
            ch if outside(span[0] + i) else " " for i, ch in enumerate(text[span[0] : span[1]])
        )
        frame_dates = resolve_dates(frame, published)
        # a plain "said" is a statement event only when the story dates it ("it said Wednesday")
        channel = q.channel
        if channel == "statement" and not _WRITTEN_STATEMENT.search(frame):
            channel = "said"  # "wrote that …", "called the letters …": words, not the act
        kind = _CHANNEL_EVENTS.get(channel) or ("StatementEvent" if frame_dates else None)
        if kind is None or q.speaker is None:
            continue
        said.append((q, kind, frame_dates, _sayer(text, q, frame, mentions)))
    speech_sentences = {q.sentence for q, _, _, _ in said}
    live = len(_TIMESTAMP.findall(text)) >= 2

    def speech_day(
        kind: str, span: tuple[int, int], speaker: str | None
    ) -> tuple[str | None, bool]:
        """The day of a speech event its sentence does not date: the day a sentence just
        before gives the speaker's saying ("X said Monday that …"); the day of the one event
        it speaks of ("after the summit", "addressed the boycott"); in a live blog, the blog's
        day; a tweet or a press conference, the story's day; a statement, none."""
        known = (
            _lead_day(text, sentences, span, speaker, mentions, published)
            or _context_day(text[span[0] : span[1]], kind, events, dated, published)
            or _day_before(text, sentences, span, published)
        )
        if known:
            return known, False
        if published is not None and (live or kind != "StatementEvent"):
            return published.isoformat(), True
        return None, False

    prepared: dict[tuple[int, int], tuple[str, list[EntityMention], list[tuple[int, str]]]] = {}
    for speech in (False, True):
        if speech:  # the quotations' speech events, once the other events are known
            for q, kind, frame_dates, speaker in said:
                if frame_dates:
                    said_on: str | None = frame_dates[0]
                    by_default = False
                else:
                    said_on, by_default = speech_day(kind, q.sentence, speaker)
                    by_default = by_default or said_on is None
                (defaulted if by_default else dated).add((kind, said_on, speaker))
                event = events.setdefault((kind, said_on, speaker), Event(kind, said_on))
                event.participants[("agent", speaker)] = None
                event.evidence.append(q.sentence)
        for span in sentences:
            if span not in prepared:  # the same for both passes
                sentence = text[span[0] : span[1]]
                masked = "".join(
                    ch if outside(span[0] + i) else " " for i, ch in enumerate(sentence)
                )
                words_at = _body_start(text, span)
                inside = [
                    m
                    for m in mentions
                    if _in(m, span)
                    and m.start >= words_at
                    and outside(m.start)
                    and not _REPORTER.search(text[max(0, m.start - 16) : m.start])
                ]
                prepared[span] = (masked, inside, dated_spans(masked, published))
            masked, inside, dates = prepared[span]
            for kind, pattern in EVENT_TRIGGERS:
                if (kind in _SPEECH) != speech:
                    continue
                hits = [
                    h
                    for h in pattern.finditer(masked)
                    if not _idle(kind, masked, h) and not _in_a_name(h, span, inside)
                ]
                # a bare dated "said" only where the sentence tells of no other statement
                hits.sort(key=lambda h: bool(re.fullmatch(r"(?:said|says)\s+", h.group(0), re.I)))
                hit = hits[0] if hits else None
                if not hit or (
                    kind in _SPEECH
                    and any(b < span[1] and span[0] < e for b, e in speech_sentences)
                ):
                    continue
                trigger_at = span[0] + hit.start()
                where = hit.start()
                which = masked.find(", which", where)
                usable = [
                    d
                    for d in dates
                    if (which == -1 or d[0] < which)
                    and not (d[0] > where and _ATTRIBUTIVE.search(masked[: d[0]]))
                ]
                if kind == "Boycott":
                    # "told the committee on Monday that she would not attend": the day she told
                    saying = re.search(
                        r"\b(?:told|said|says|announced|wrote)\b[^.;]*?\bthat\b[^.;]*$",
                        masked[:where],
                    )
                    if saying:
                        usable = [d for d in usable if not saying.start() <= d[0] < where]
                if kind in _SPEECH:
                    # "told reporters that the board will decide Friday": the decision's day
                    content = re.search(r"\b(?:told|said|says|wrote)\b[^.;]*?\bthat\b", masked)
                    if content and content.end() > where:
                        usable = [d for d in usable if d[0] < content.end()]
                perfect = re.search(r"\b(?:has|have|had)\s+(?:\w+\s+)?$", masked[:where])
                if kind in _SPEECH and _SPOKEN_BACK.search(masked[:where]):
                    continue  # "within an hour of the news conference": one told of already
                actors = [m for m in inside if m.kind in ("person", "organization")]
                before = [m for m in actors if m.start < trigger_at]
                agent = before[-1] if before else (actors[0] if actors else None)
                if kind in _SPEECH and not before:
                    # "The sheriff took questions at a news conference": the one it points to
                    agent = _subject_pointed_at(text, span, mentions, outside) or agent
                said_by = _ASKER.search(masked[: hit.start()]) if kind in _SPEECH else None
                if said_by is not None and hit.group(0)[:4].lower() in ("said", "told"):
                    # "…, the city said in a statement": the city named last before
                    earlier = [
                        m
                        for m in mentions
                        if m.end <= span[0] + said_by.start() and outside(m.start)
                    ]
                    for found in _pointed_at_all(said_by, earlier, set(), text)[:1]:
                        kind_of = next((m.kind for m in earlier if m.iri == found), "organization")
                        at = span[0] + said_by.start()
                        agent = EntityMention(at, at + len(said_by.group(0)), "", found, kind_of)
                by_default = False
                # "called on the agency to …", "asked the city to …": who asks, of whom
                appeal = _APPEAL.match(masked, hit.start()) if kind == "Demand" else None
                if usable:
                    date: str | None = min(usable, key=lambda d: abs(d[0] - where))[1]
                elif kind in _SPEECH:
                    date, by_default = speech_day(kind, span, agent.iri if agent else None)
                    by_default = by_default or date is None
                elif published is not None and kind in _REPORTED_DAY and not perfect and not appeal:
                    date, by_default = published.isoformat(), True
                else:
                    date = None
                places = [
                    m
                    for m in inside
                    if m.kind == "jurisdiction" and m.iri != "jurisdiction/united-states"
                ]
                participants: dict[tuple[str, str], None] = {}
                mentioned_only = re.search(
                    r"(?:\bthe|\ba|\btheir|[’']s?)\s*$", masked[: hit.start()]
                )
                if kind == "Boycott":
                    for m in (
                        before if not mentioned_only else []
                    ):  # "the boycott": no one does it here
                        if m.kind == "person":
                            participants[("boycotter", m.iri)] = None
                    if not participants and len(hits) > 1:
                        # "no one knew how many stayed home, but A and B did not attend"
                        last = span[0] + hits[-1].start()
                        for m in actors:
                            if m.kind == "person" and trigger_at < m.start < last:
                                participants[("boycotter", m.iri)] = None
                    # "The mayors of A and B stayed away": the A Mayor and B Mayor the story names
                    if not mentioned_only:
                        for iri in _holders(text, masked[: hit.start()], span[0], inside, mentions):
                            participants[("boycotter", iri)] = None
                    # "A and B stayed away, as did Mayor C": C too
                    as_did = re.search(r",\s+as\s+did\s+", masked[hit.end() :])
                    named_at = trigger_at + len(hit.group(0)) + (as_did.end() if as_did else 0)
                    for m in actors if as_did and not mentioned_only else []:
                        gap = text[named_at : m.start]
                        if m.kind == "person" and m.start > trigger_at and len(gap.split()) <= 3:
                            participants[("boycotter", m.iri)] = None
                elif kind == "Meeting":
                    with_at = masked.find(" with ", hit.start())
                    for m in actors:
                        # "with Gov. A and Mayor B": the run of names right after "with"
                        after_with = (
                            with_at != -1
                            and m.start > span[0] + with_at
                            and _A_RUN_OF_NAMES.fullmatch(text, span[0] + with_at + 6, m.start)
                            is not None
                        )
                        possessor = (
                            re.match(r"[’']s\s+(?:[\w-]+\s+){0,2}$", text[m.end : trigger_at])
                            is not None
                        )
                        # "the summit, hosted by Gov. Ann Lee,": who holds it, its agent
                        host = re.search(
                            r"\b(?:hosted|organi[sz]ed|convened|led)\s+by\s+(?:[\w.]+\s+){0,3}$",
                            text[max(trigger_at, m.start - 40) : m.start],
                        )
                        if host and m.start > trigger_at and m.start - trigger_at < 120:
                            participants[("agent", m.iri)] = None
                        elif possessor and m.kind == "organization" and m.start >= trigger_at - 60:
                            participants[("agent", m.iri)] = None  # "the committee's hearing"
                        elif (after_with or possessor) and m.start >= trigger_at - 40:
                            participants[("attendee", m.iri)] = None
                    # "… opened with a few officials. Among them was Mayor Ann Lee"
                    at = sentences.index(span) if span in sentences else -1
                    if with_at != -1 and 0 <= at < len(sentences) - 1:
                        nxt = sentences[at + 1]
                        if re.match(r"\s*Among\s+them\s+(?:was|were)\b", text[nxt[0] : nxt[1]]):
                            for m in mentions:
                                if _in(m, nxt) and m.kind == "person" and outside(m.start):
                                    participants[("attendee", m.iri)] = None
                    if hit.group(0).lower().startswith("invitation"):
                        # the inviter named right after "to": the meeting's only participant
                        host = re.match(r"\s+(?:the\s+)?", text[trigger_at + len(hit.group(0)) :])
                        at = trigger_at + len(hit.group(0)) + (host.end() if host else 0)
                        named = [m for m in actors if m.start == at]
                        participants = {("agent", named[0].iri): None} if named else {}
                        if not named:
                            continue
                    organiser = _organiser(text, span, masked, hit, actors, mentions, outside)
                    if organiser is not None:
                        participants[("agent", organiser)] = None
                    if _ORGANISER_ONLY.fullmatch(hit.group(0)) and not any(
                        r == "agent" for r, _ in participants
                    ):
                        continue  # "a hearing", "the dinner": a meeting when someone holds it
                elif kind == "CourtRuling":
                    participants.update(_ruling_parties(text, span, inside, mentions))
                elif kind == "Lawsuit":
                    # who sues is named before "sued"/"lawsuit", whom it sues after "sued"/"against"
                    # ("the Quillby Ledger, which sued the city": the one the clause is about)
                    relative = re.search(r",\s+(?:which|who)\s+(?:\w+\s+)?$", masked[: hit.start()])
                    for m in [*actors, *places]:
                        if (
                            relative
                            and m.start < trigger_at
                            and text[m.end : span[0] + relative.start()].strip(" ,’'s")
                        ):
                            continue
                        qualified = len(text[: m.start].rstrip(", "))  # where "Fresno" ends
                        if qualified < m.start and any(p.end == qualified for p in places):
                            continue  # "Fresno, Calif.": the state only says where Fresno is
                        if m.start < trigger_at and not _reported_by(text, m):
                            participants[("agent", m.iri)] = None
                        elif re.search(
                            r"\b(?:sued|sues|sue|against|challenging)\s+(?:the\s+)?(?:\w+\s+){0,3}$",
                            text[max(span[0], m.start - 40) : m.start],
                        ):
                            participants[("target", m.iri)] = None
                    if not any(r == "agent" for r, _ in participants):
                        # "The cities filed suit in May.": the cities the story named
                        for iri in _places_pointed_at(text, span, mentions, outside):
                            participants[("agent", iri)] = None
                    # "sued the city": the place or body named last before that it points back to
                    sued = re.search(r"\b(?:sued|sues|against)\s+", masked[hit.start() :])
                    noun = sued and _HEAD_NOUN.match(text, trigger_at + sued.end(), span[1])
                    if noun and not any(r == "target" for r, _ in participants):
                        earlier = [m for m in mentions if m.end <= trigger_at and outside(m.start)]
                        for found in _pointed_at_all(noun, earlier, set(), text)[:1]:
                            participants.pop(("agent", found), None)
                            participants[("target", found)] = None
                elif agent is not None:
                    participants[("agent", agent.iri)] = None
                if appeal is not None:
                    participants = _appeal_parties(text, span, appeal, inside, mentions, agent)
                elif kind in ("Demand", "Threat"):
                    for m in places:
                        qualified = len(text[: m.start].rstrip(", "))
                        if qualified < m.start and any(p.end == qualified for p in places):
                            continue  # "Ashmont, Mo.": the state only says where the city is
                        if _SETTING_OR_OFFICE.match(text, m.end) or _IN_PLACES.search(
                            text[max(span[0], m.start - 40) : m.start]
                        ):
                            continue  # "In Ashmont, Gov. X warned", "Ashmont Attorney General X"
                        participants[("target", m.iri)] = None
                if kind == "Review" and not _a_review(masked, hit, usable, before):
                    continue  # "under review", "said it was reviewing the letter": talk of one
                if not participants and kind not in _MAY_BE_ANONYMOUS:
                    continue  # nobody named takes part: nothing to say about it
                said_on_day = kind == "StatementEvent" and bool(
                    re.fullmatch(r"(?:said|says)\s+", hit.group(0), re.I)
                )
                if said_on_day:
                    # "X, a Democrat, said Friday": X's own saying, not "an X spokeswoman said"
                    says = agent and _SAID_ON.match(text, agent.end, span[1])
                    if not says or says.end() != trigger_at + 4:
                        continue
                key_agent = (
                    agent.iri
                    if agent is not None and kind not in ("Boycott", "Meeting", "CourtRuling")
                    else None
                )
                if kind == "Boycott" and participants and re.match(r"walk", hit.group(0), re.I):
                    # named people walking out of a meeting: another act than staying away
                    key_agent = _WALKOUT
                same_day = [k for k in events if k[:2] == (kind, date) and k[2] != _WALKOUT]
                if key_agent is None and len(same_day) == 1:
                    key_agent = same_day[0][
                        2
                    ]  # no one named as agent: the event of that kind that day
                (defaulted if by_default else dated).add((kind, date, key_agent))
                event = events.setdefault((kind, date, key_agent), Event(kind, date))
                if said_on_day:
                    sayings.add((kind, date, key_agent))
                event.evidence.append(span)
                event.participants.update(participants)
                # "at the city hall", "in the capital": the place named right after the trigger
                for m in inside:
                    gap = text[trigger_at + len(hit.group(0)) : m.start]
                    if (
                        m.kind in ("jurisdiction", "organization")
                        and len(gap) < 40
                        and re.search(r"\b(?:at|in)\s+(?:the\s+)?$", gap)
                    ):
                        event.places[m.iri] = None
                for m in mentions:
                    if _in(m, span) and re.search(
                        r"according to\s+(?:the\s+)?$", text[max(0, m.start - 20) : m.start]
                    ):
                        event.sources[m.iri] = None
    # "X said Monday that …" leading a story whose X spoke at a news conference that day: the
    # news conference, told twice
    for key in sayings:
        conference = ("PressConference", key[1], key[2])
        if conference in events and key in events:
            absorbed = events.pop(key)
            events[conference].evidence.extend(absorbed.evidence)
    _judge_next(events, text, sentences, [m for m in mentions if outside(m.start)])
    # a boycott the text does not date, of the one meeting it dates in the week before the story
    # ("stayed away" from the ceremony "on Friday"): that meeting's day; and a meeting the text
    # does not date ("The forum … was held anyway"), of the one boycott it dates, that day
    for kind, other in (("Boycott", "Meeting"), ("Meeting", "Boycott")):
        days = {k[1] for k in dated if k[0] == other and k in events and k[1]}
        if len(days) != 1 or any(k[0] == kind and k in events for k in dated):
            continue
        day = days.pop()
        if not (
            published is not None
            and len(day) == 10
            and 0 <= (published - dt.date.fromisoformat(day)).days <= 7
        ):
            continue
        for key in [k for k in defaulted - dated if k[0] == kind and k in events]:
            moved = (key[0], day, key[2])
            event = events.pop(key)
            event.date = day
            if moved in events:
                events[moved].participants.update(event.participants)
                events[moved].evidence.extend(event.evidence)
            else:
                events[moved] = event
                dated.add(moved)
    for key in defaulted - dated:
        if key in events:
            events[key].on_story_day = True
    merged = _merge_defaulted(events, defaulted - dated, dated)
    _defendant_of_the_ruling(merged)
    return merged


def _defendant_of_the_ruling(events: list[Event]) -> None:
    """A suit whose sentence names who sued but not whom ("Quillby sued in March. … A judge on
    Tuesday barred the department from …") is against the one the story's ruling binds (when
    the story tells of one ruling, binding one)."""
    rulings = [e for e in events if e.type == "CourtRuling" and e.participants]
    bound = [p for r, p in rulings[0].participants if r == "target"] if len(rulings) == 1 else []
    if len(bound) != 1:
        return
    for event in events:
        roles = {r for r, _ in event.participants}
        if (
            event.type == "Lawsuit"
            and roles == {"agent"}
            and ("agent", bound[0]) not in event.participants
        ):
            event.participants[("target", bound[0])] = None


def _judge_next(
    events: dict[tuple[str, str | None, str | None], Event],
    text: str,
    sentences: list[tuple[int, int]],
    mentions: list[EntityMention],
) -> None:
    """The judge the sentence after a ruling names, and her court, are the ruling's agents ("A
    federal judge on Tuesday ordered … . U.S. District Judge Ann Lee of the U.S. District Court
    for … wrote that …")."""
    for (kind, _, _), event in events.items():
        if kind != "CourtRuling":
            continue
        for span in list(event.evidence):
            at = sentences.index(span) if span in sentences else -1
            if at < 0 or at + 1 >= len(sentences):
                continue
            nxt = sentences[at + 1]
            inside = [m for m in mentions if _in(m, nxt)]
            judges = [
                m
                for m in inside
                if m.kind == "person" and _JUDGE_TITLE.search(text[max(0, m.start - 12) : m.start])
            ]
            if not judges:
                continue
            for m in judges:
                event.participants[("agent", m.iri)] = None
            for m in inside:
                if m.kind == "organization" and _A_COURT.search(m.text):
                    event.participants[("agent", m.iri)] = None


# a body's review told as its own: "X opened an investigation into …", "until X finishes its
# review of …", "X launched an audit"
_OWN_REVIEW = re.compile(
    r"\b(?:opened|opens|launched|launches|began|begins|started|starts|finish(?:es|ed)?|"
    r"complet(?:es|ed)|conduct(?:s|ed|ing))\s+(?:a|an|its|their)\s+(?:[\w-]+\s+)?"
    r"(?:review|investigation|audit|inquiry)\b",
    re.I,
)
_SAYING = re.compile(r"\b(?:said|says|say|told|tells|added)\b", re.I)


_OFFICES_OF = re.compile(r"\b(?:the\s+)?(?P<office>mayors|sheriffs|governors)\s+of\s+[^,;]*$", re.I)
_TITLE_OF = {"mayors": r"Mayor", "sheriffs": r"Sheriff", "governors": r"Gov(?:\.|ernor)"}


def _holders(
    text: str,
    before: str,
    offset: int,
    inside: list[EntityMention],
    mentions: list[EntityMention],
) -> list[str]:
    """Who "the mayors of Quillby and Ashmont" are: the people the story names "Quillby Mayor …"
    and "Ashmont Mayor …" (one per place, where the story names one)."""
    run = _OFFICES_OF.search(before)
    if run is None:
        return []
    title = _TITLE_OF[run.group("office").lower()]
    out: list[str] = []
    for place in inside:
        if place.kind != "jurisdiction" or not offset + run.start() <= place.start < offset + len(
            before
        ):
            continue
        pattern = re.compile(re.escape(place.text) + r"\s+" + title + r"\s+$")
        held = [
            m.iri
            for m in mentions
            if m.kind == "person" and pattern.search(text[max(0, m.start - 60) : m.start])
        ]
        if held and held[0] not in out:
            out.append(held[0])
    return out


def _a_review(
    masked: str, hit: re.Match[str], usable: list[tuple[int, str]], before: list[EntityMention]
) -> bool:
    """Whether a sentence tells of a review, not of talk of one: a body opening, doing or
    finishing its own ("X opened an investigation into …", "until X finishes its review");
    in the story's own words, a body that "is reviewing" (not "said it was reviewing the
    letter"); a review the sentence dates ("flagged three landlords in 2019"), unless someone's
    words tell of it ("told reporters on Sunday that the yearly audit …")."""
    own = _OWN_REVIEW.search(masked)
    if own and before and any(m.kind == "organization" for m in before):
        return True
    if _SAYING.search(masked[: hit.start()]):
        return False
    if re.match(r"(?:is|are|was|were)\b", hit.group(0), re.I):
        return bool(before) and before[-1].kind == "organization"
    return bool(usable)


# kinds of event an article tells of once, dated, and speaks of again without the date
_ONE_DATED = {"Lawsuit", "CourtRuling"}
# a ruling's words and whom it binds: "ordered the department to …", "barred X from …", "ruled
# Thursday that the city of X must …", "blocked efforts by Mr. X"
_RULES_ON = re.compile(
    r"\b(?:ordered|orders|barred|bars|blocked|blocks|enjoined|ruled|rules|ruling|struck down)\b"
    r"(?!\s+out\b)",
    re.I,
)
_JUDGE_TITLE = re.compile(r"\bJudge\s+$")
_A_COURT = re.compile(r"\bcourt\b", re.I)


def _ruling_parties(
    text: str, span: tuple[int, int], inside: list[EntityMention], mentions: list[EntityMention]
) -> dict[tuple[str, str], None]:
    """Who takes part in a ruling its sentence tells of: the judge ("U.S. District Judge Ann
    Lee") and the court named ("of the U.S. District Court for …") are its agents; the one it
    binds, named first within six words after the ruling's verb ("ordered the department",
    "ruled that Quillby County had …"), or the body a head noun there points back to ("ordered
    the company to comply"), its target. Places that only say where a court sits or whose judge
    it is ("an Ashmont County judge", "courts in Ohio") take no part."""
    out: dict[tuple[str, str], None] = {}
    kinds = ("person", "organization", "jurisdiction")
    for m in inside:
        judge = m.kind == "person" and _JUDGE_TITLE.search(text[max(0, m.start - 12) : m.start])
        if judge or (m.kind == "organization" and _A_COURT.search(m.text)):
            out[("agent", m.iri)] = None
    for verb in _RULES_ON.finditer(text, span[0], span[1]):
        at = re.match(r"\s*(?:that\s+)?", text[verb.end() : span[1]])
        noun = _HEAD_NOUN.match(text, verb.end() + (at.end() if at else 0), span[1])
        named = noun and any(noun.start() <= m.start < noun.end() for m in inside)
        if noun and not named and not re.match(r"\s+of\b", text[noun.end() : span[1]]):
            earlier = [m for m in mentions if m.end <= span[0] and m.kind in kinds]
            for found in _pointed_at_all(noun, earlier, set(), text)[:1]:
                out.setdefault(("target", found), None)
            continue
        after = [m for m in inside if m.kind in kinds and m.start >= verb.end()]
        gap = text[verb.end() : after[0].start] if after else ""
        near = after and len(gap.split()) <= 6 and not re.search(r"[,;:]", gap)
        if near and ("agent", after[0].iri) not in out:
            out[("target", after[0].iri)] = None
    return out


def _reported_by(text: str, m: EntityMention) -> bool:
    return bool(_REPORTER.search(text[max(0, m.start - 16) : m.start]))


def _merge_defaulted(
    events: dict[tuple[str, str | None, str | None], Event],
    defaulted: set[tuple[str, str | None, str | None]],
    dated: set[tuple[str, str | None, str | None]],
) -> list[Event]:
    """An event dated only by the story's day (a headline's "Mayors boycott…") is the event of
    that kind the text dates ("…canceled a meeting yesterday"), when there is one: one event,
    not two on two days."""

    Key = tuple[str, str | None, str | None]

    def merge(key: Key, target: Key) -> None:
        absorb(events.pop(key), target)

    def absorb(event: Event, target: Key) -> None:
        into = events[target]
        into.evidence.extend(s for s in event.evidence if s not in into.evidence)
        into.participants.update(event.participants)
        into.places.update(event.places)
        into.sources.update(event.sources)

    for key in sorted(defaulted, key=str):
        kind, _, agent = key
        same = [
            k
            for k in dated
            if k in events and k[0] == kind and (agent is None or k[2] in (None, agent))
        ]
        if len(same) > 1 and kind in ("Meeting", "Boycott"):
            # "The summit was held anyway." beside the summit held Friday and one
            # planned for January: the one already held
            same = [k for k in same if k[1] and key[1] and k[1] <= str(key[1])]
        if len(same) == 1 and key in events:
            merge(key, same[0])
            continue
        # a demand's threat (or a threat's demand) of the same agent: the day the text gives it
        related = {
            k[1]
            for k in dated
            if k in events and k[0] in _RELATED.get(kind, ()) and k[2] == agent and agent
        }
        if len(related) == 1 and key in events:
            event = events.pop(key)
            event.date = related.pop()
            event.on_story_day = False
            moved = (kind, event.date, agent)
            if moved in events:
                absorb(event, moved)
            else:
                events[moved] = event
    # an event no one is named the agent of, on the day of the one event of its kind that has
    # one ("Wednesday's warning letters" beside "the department threatened Wednesday"): one event
    for key in [k for k in events if k[2] is None]:
        same = [k for k in events if k[:2] == key[:2] and k[2] is not None]
        if len(same) == 1 and key[0] not in ("Boycott", "Meeting"):
            merge(key, same[0])
    # a ruling dated only by its year ("… added the conditions this year") beside the one of
    # that year the text dates to the day: that one
    for key in [k for k in events if k[0] == "CourtRuling" and k[1] and len(k[1]) < 10]:
        finer = [
            k
            for k in events
            if k[0] == key[0] and k[1] and k[1] != key[1] and k[1].startswith(str(key[1]))
        ]
        if len(finer) == 1 and key in events:
            merge(key, finer[0])
    # an undated suit or ruling beside the one of its kind the text dates ("The cities sued in
    # December. … the lawsuit argues …"), with no one taking part the dated one lacks: that one
    for key in [k for k in events if k[1] is None and k[0] in _ONE_DATED]:
        same = [k for k in events if k[0] == key[0] and k[1] is not None]
        agents = {p for r, p in events[key].participants if r == "agent"}
        if len(same) == 1 and agents <= {
            p for r, p in events[same[0]].participants if r == "agent"
        }:
            merge(key, same[0])
    return list(events.values())
