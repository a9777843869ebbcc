"""Finding people, organisations, jurisdictions and parties in text and linking them to IRIs.

Known things come from the gazetteer (curated labels and aliases); names the gazetteer does
not know get new IRIs minted from the name, so the same name gets the same IRI everywhere.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from rapidfuzz import fuzz

from graph.extraction.gazetteer import Gazetteer, Known, org_key
from graph.iri import mint_path, slugify

PERSON_TITLES = re.compile(
    r"^(?:(?:mr|mrs|ms|dr|gov|sen|rep|atty|lt|gen|col|sgt|det|insp|supt)\.?|president|mayor|"
    r"governor|senator|representative|secretary|sheriff|judge|commissioner|chief|attorney|"
    r"general|chairman|chairwoman|chair|deputy|press|spokesman|spokeswoman|spokesperson|"
    r"director|officer|councilman|councilwoman|councilmember|council|member|state|county|"
    r"city|u\.s\.|us|federal|acting|former|then|vice|white|house|homeland|security|"
    r"justice|department|la|nyc)\s+",
    re.IGNORECASE,
)
GOVERNMENT_WORDS = re.compile(
    r"\b(department|dept|agency|office|bureau|police|sheriff|council|court|administration|"
    r"commission|board|authority|service|services|enforcement|security|congress|senate|"
    r"house|legislature|ministry|patrol|attorney|prosecutor|government|guard|ice|dhs|doj|fbi)\b",
    re.IGNORECASE,
)
ORG_WORDS = re.compile(
    r"\b(conference|association|committee|party|union|coalition|center|centre|institute|"
    r"university|college|foundation|project|league|network|alliance|caucus|council|"
    r"organization|group|society|fund|campaign|times|post|news|journal|tribune|herald|"
    r"press|radio|magazine|gazette|chronicle|reuters|inc|corp|company|school)\b",
    re.IGNORECASE,
)
# The last word of a company's name ("Granite Drug Co.", "Bluepath Data LLC"): a name ending
# so is a company's, whatever the model took it for.
COMPANY_WORDS = re.compile(
    r"\b(?:Inc|LLC|LLP|Corp|Corporation|Co|Company|Pharmacy|Pharmacies|Drug|Drugs|Rx|Health|"
    r"Healthcare|Energy|Solar|Power|Data|Analytics|Solutions|Partners|Services|Systems|"
    r"Technologies|Technology|Labs|Bank|Insurance|Group|Holdings|Markets|Search|Finder|Foods|"
    r"Motors|Media|Software|Logistics|Capital|Realty|Properties|Management)\.?$"
)
# A name the model takes for a person's that is a programme's, a law's, a building's or a
# place's: one of these words follows it, or it is initials alone ("N. M.").
NOT_A_PERSON = re.compile(
    r"(?<![\w’'-])(?:Memorial|Grant|Grants|Program|Programme|Act|Building|Center|Centre|Hall|Bridge|Park|"
    r"Street|Avenue|Road|Foundation|Award|Prize|Fund|Scholarship|Initiative|Plan|Code|Law|"
    r"Courthouse|Airport|Station|School|Academy|Library|Museum|Tower|Plaza)\b"
)
# A sentence's first word the model takes into the name after it ("On Thursday", "When Ashmont").
_LEADING_WORD = re.compile(
    r"(?:On|In|At|When|After|Before|While|But|And|As|If|Since|Until|For|From|With|Under|Then|"
    r"Now|Last|This|Next|Meanwhile|Still|Yet|So)\s+(?=[A-Z])"
)
# A title after a name: the name is the place or body whose office it is ("Quillby Mayor").
_TITLE_AFTER = re.compile(
    r"\s+(?:Mayor|Sheriff|Governor|Commissioner|Executive|Judge|Chief|Councilman|Councilwoman|"
    r"Chair|Chairman|Chairwoman|Director|Attorney|Prosecutor|Administrator|Manager|Clerk)$"
)
# A company's officer after its name: "Ashmont Wingline chief executive Orlen Vasquez-Tam".
_CORPORATE_TITLE = re.compile(
    r"\s+(?:chief executive(?: officer)?|CEO|chief operating officer|founder|co-founder|"
    r"general counsel|president and chief executive)\s+[A-Z]"
)
# A body's name that names its field after "of", which may go on with "and …" ("Department of
# Health and Human Services"): no two companies' names.
_OF_A_FIELD = re.compile(
    r"\b(?:Department|Office|Bureau|Division|Secretary|Institute|Agency|Ministry|Committee)\s+"
    r"of\s+(?:the\s+)?[A-Z][\w’'-]*$"
)
# The last word of a building's name: a venue, neither a body nor a place.
VENUE_WORDS = re.compile(
    r"\b(?:Building|Coliseum|Arena|Stadium|Auditorium|Courthouse|Capitol|Hall|Pavilion)$"
)
VENUE_CONTEXT = re.compile(
    r"\b(?:at|outside|inside|in front of|on the steps of)\s+(?:the\s+)?(?:[\w’']+[’']s\s+)?$",
    re.I,
)
# A body named by its kind alone: "the House", "the council", "the department", "City Council".
GENERIC_BODY = re.compile(
    r"(?:The\s+)?(?:(?:City|County|State|Common|Town)\s+)?(?:House|Senate|Council|Department|Press|"
    r"Office|Agency|Committee|Court|Board|Commission|Administration|Legislature|Bureau|"
    r"Government|Assembly)",
    re.I,
)
INITIALS = re.compile(r"(?:[A-Z]\.\s?)+[A-Z]?\.?")
# A name the model takes for a place's that ends as a body's or an office's does.
NOT_A_PLACE = re.compile(
    r"\b(?:Council|District|Police|Executive|Assistant|Department|Office|Committee|Court|Board|"
    r"Agency|Sheriff|Attorney|Commission|Commissioner|Administration|Bureau|Authority)$"
)
PLACE_LAST_WORD = re.compile(r"^(?:County|City|Township|Parish|Borough|Village|Town)$")
OUTLET_WORDS = re.compile(
    r"\b(times|post|news|journal|tribune|herald|press|radio|magazine|gazette|chronicle|"
    r"reuters|independent|guardian|cnn|nbc|abc|cbs|npr|msnbc|fox|bloomberg|politico|axios|"
    r"observer|sentinel|ledger|courier|dispatch|inquirer|examiner|bulletin|telegram|"
    r"statesman|courant)\b",
    re.IGNORECASE,
)
# The last word of a newspaper's name ("The Quillby Sentinel", "Ashmont Ledger"): a name
# ending so is the paper's, whatever the model took it for.
NEWSPAPER_WORDS = re.compile(
    r"\b(?:Times|Post|Journal|Tribune|Herald|Gazette|Chronicle|Observer|Sentinel|Ledger|"
    r"Courier|Dispatch|Inquirer|Examiner|Bulletin|Telegram|Statesman|Courant|Record-Ledger)$"
)
# A broadcaster's call sign: K or W and three capitals ("KQBX").
CALL_SIGN = re.compile(r"[KW][A-Z]{3}")
OUTLET_CONTEXT = re.compile(
    r"(?:told|according to|reported by|said to|in an interview with)\s+$", re.I
)
_NAME = r"[A-Z][\w’'-]+(?:\s[“\"][A-Z][\w’'-]*[”\"])?(?:\s[A-Z]\.)?(?:\s(?:de|van|von|del|la)?\s?[A-Z][\w’'-]+){1,2}"
_TITLED_NAME = re.compile(
    r"(?P<place>(?:(?:[A-Z][\w’'-]+|St\.)\s){1,3})?(?:Mayor|Sheriff|Commissioner|Chair|Chairman|Chairwoman|"
    r"Gov\.|Governor|Sen\.|Senator|Rep\.|Representative|Judge|Councilman|Councilwoman|"
    r"Council Member|Councilmember|Attorney General|Secretary|Director|Chief|Executive)\s+(?P<name>"
    + _NAME
    + r")"
)
_BODY_NAME = re.compile(
    r"(?P<org>(?:[A-Z][\w’'-]+\s){1,3}(?:Sheriff[’']s Office|Sheriff[’']s Department|Police Department|"
    r"City Council|County Commission|County Board|Board of Supervisors|District Attorney[’']s Office|"
    r"Attorney[’']s Office|Department of Corrections)\b)"
)
_COMPANY_NAME = re.compile(
    r"(?<![\w’'])(?:(?:[A-Z][\w’'&-]*|of|&)\s){1,4}(?:Inc|LLC|LLP|Corp|Corporation|Co|"
    r"Company|Pharmacy|Drug Co|Health|Energy|Solar|Power|Data|Analytics|Solutions|Partners|"
    r"Services|Technologies|Labs|Search|Finder|Insurance|Holdings|Law School)\b\.?"
    r"(?:,?\s(?:Inc|LLC|LLP|Corp|Co|Ltd)\b\.?)?"
)
# A federal court by its full name: "U.S. District Court for the Western District of Ashmont",
# "U.S. Court of Appeals for the 9th Circuit", "U.S. Bankruptcy Court for the District of …".
_COURT_NAME = re.compile(
    r"(?:U\.S\.|United States)\s+(?:(?:District|Bankruptcy)\s+Court|Court\s+of\s+Appeals)\s+"
    r"for\s+the\s+(?:(?:(?:Northern|Southern|Eastern|Western|Middle|Central)\s+)?District\s+of\s+"
    r"(?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+)?|\w+\s+Circuit|District\s+of\s+Columbia\s+Circuit)"
)
# one word with a capital inside after three letters or more: a brand ("QuillRent"), not a
# place (a place's inner capital follows a short prefix: "Mc", "Mac", "De", "La")
_CAMEL_CASE = re.compile(r"[A-Z][a-z]{2,}(?<!Mac)[A-Z][a-z]+")
# "the Ashmont nonprofit Quillby Data Watch", "the advocacy group Quillby Watch": a
# body the story introduces by what it is
_INTRODUCED_BODY = re.compile(
    r"\b(?:nonprofit|non-profit|advocacy group|watchdog group|trade group|think tank|law firm|"
    r"coalition|charity|foundation|union)\s+(?P<org>(?:[A-Z][\w’'&-]*\s){0,4}[A-Z][\w’'&-]*)"
)
_COURT_TITLE = re.compile(r"\s+(?:District|Magistrate|Bankruptcy|Circuit)\s+Judge\b")
_APPOSITIVE_NAME = re.compile(
    r"(?P<name>"
    + _NAME
    + r"),\s+(?:a |an |the )?(?:[a-z]+\s+){0,2}(?:mayor|sheriff|chief|attorney|"
    r"spokesman|spokeswoman|spokesperson|chair|chairman|chairwoman|commissioner|governor|director|"
    r"counsel|secretary|senator|representative|judge)\b"
)
_SAID_NAME = re.compile(
    r"\b(?:said|says|according to)\s+(?P<name>" + _NAME + r"),\s+(?:a|an|the)\s"
)
_NOT_PLACES = {
    "State",
    "The",
    "U.S.",
    "US",
    "Federal",
    "City",
    "County",
    "Deputy",
    "Former",
    "Acting",
}
# Capitals at a line's start that are no city: a press release's or a live blog's labels.
_NOT_DATELINE = {
    "FOR", "IMMEDIATE", "RELEASE", "UPDATE", "UPDATED", "BREAKING", "NEWS", "CONTACT", "MEDIA",
    "EDITOR", "EDITOR'S", "NOTE", "ADVISORY", "LIVE", "THE", "AND", "END", "MORE", "PHOTO",
}  # fmt: skip
COUNTY_WORDS = re.compile(r"\b(county|parish|borough)$", re.IGNORECASE)
# A dateline: the city in capitals at a paragraph's start, its state as the AP writes it, the
# wire's or station's credit, a dash ("DES MOINES, Iowa (AP) —"); in a roundup of briefs the
# city in capitals alone on its line ("HARRISBURG").
_DATELINE = re.compile(
    r"(?P<city>[A-Z][A-Z.’'-]+(?: [A-Z][A-Z.’'-]+){0,3})"
    r"(?:,\s+(?P<state>[A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)?))?"
    r"(?:\s*\((?P<credit>[A-Za-z0-9 .&-]{1,30})\))?"
    r"(?:\s*[—–-]{1,2}\s|\s*$)"
)


@dataclass(frozen=True)
class EntityMention:
    """A span of text that names a thing."""

    start: int
    end: int
    text: str
    iri: str  # a path below id/, e.g. person/jeff-sessions
    kind: str  # person, organization, jurisdiction, party


@dataclass
class NewThing:
    """A thing the curated graph does not know, described from the text."""

    path: str
    kind: str
    label: str
    classes: set[str] = field(default_factory=set)
    state: str | None = None  # path of the containing state


# Federal bodies reporters name by their initials alone (a general vocabulary).
FEDERAL_ABBREVIATIONS = {
    "FBI": "Federal Bureau of Investigation",
    "CBP": "U.S. Customs and Border Protection",
    "GSA": "General Services Administration",
    "HUD": "U.S. Department of Housing and Urban Development",
    "IRS": "Internal Revenue Service",
    "SSA": "Social Security Administration",
    "DEA": "Drug Enforcement Administration",
    "ATF": "Bureau of Alcohol, Tobacco, Firearms and Explosives",
    "EPA": "Environmental Protection Agency",
    "USCIS": "U.S. Citizenship and Immigration Services",
    "FEMA": "Federal Emergency Management Agency",
}
# Federal bodies a story names by a short name: the name they are known by.
FEDERAL_SHORT_NAMES = {"Congress": "United States Congress", **FEDERAL_ABBREVIATIONS}
_PHOTO_CREDIT = re.compile(r"\((?:Photo|Photograph|Image|[A-Z][\w ]{0,20} photo)s?\s*(?::|/|by\b)")
_CONTACT = re.compile(r"^(?:media |press )?contacts?:", re.IGNORECASE)


def _without_contact_blocks(text: str, body: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The body without a press release's contact block (the line "Contact: …" and the lines
    under it up to the next blank line: a press officer, a phone number) nor a photo's caption
    (a line with its credit in brackets, "(Photo: …)")."""
    blocks = []
    for m in re.finditer(r"(?m)^[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*", text):
        if _CONTACT.match(m.group(0).lstrip()):
            blocks.append((m.start(), m.end()))
    for m in re.finditer(r"[^\n]+", text):
        if _PHOTO_CREDIT.search(m.group(0)):
            blocks.append((m.start(), m.end()))  # a photo's caption, its credit in brackets
    if not blocks:
        return body
    return [(b, e) for b, e in body if not any(cb <= b < ce for cb, ce in blocks)]


def _title_case_headline_end(text: str) -> int:
    """The end of the first line if it is a headline in title case, which capitalises its verbs
    and nouns too ("Ruiz Demands Jail Records From Three Counties"), else 0."""
    first = text.split("\n", 1)[0]
    words = re.findall(r"[A-Za-z][\w’'-]*", first)
    return len(first) if sum(w[0].isupper() for w in words) > 0.7 * len(words) > 3 else 0


def _leading(word: str, name: str) -> bool:
    """`word` (with its space) is a sentence's opening word before `name` ("In ")."""
    lead = _LEADING_WORD.match(word + name)
    return lead is not None and lead.end() == len(word)


def path_of(iri: str) -> str:
    return iri.split("/id/", 1)[1] if "/id/" in iri else iri


def _clean(text: str) -> str:
    text = re.sub(r"[’']s$", "", text.strip())
    text = re.sub(r"\s*\([^)]*\)$", "", text)
    return re.sub(r"^the\s+", "", text, flags=re.IGNORECASE).strip(" ,.;:")


class EntityFinder:
    """Finds and links named things in one spaCy document at a time."""

    def __init__(self, nlp: Any, gazetteer: Gazetteer) -> None:
        from spacy.matcher import PhraseMatcher

        self.gaz = gazetteer
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        for index, name in enumerate(sorted(gazetteer.names)):
            self.matcher.add(f"g{index}", [nlp.make_doc(name)])
        self._names = sorted(gazetteer.names)
        self.known_persons = [k for k in gazetteer.by_iri.values() if k.kind == "person"]
        self._state_paths = {path_of(k.iri) for k in gazetteer.by_iri.values() if k.postal_code}

    # -- the whole document ------------------------------------------------------------
    def find(
        self, doc: Any, body: list[tuple[int, int]]
    ) -> tuple[list[EntityMention], dict[str, NewThing]]:
        text = doc.text
        body = _without_contact_blocks(text, body)

        def in_body(start: int, end: int) -> bool:
            return any(b <= start and end <= e for b, e in body)

        candidates: list[tuple[int, int, str, str, int]] = []  # start, end, path, kind, priority
        new: dict[str, NewThing] = {}
        datelines = self._datelines(text, body)
        dateline_state = next((d[2] for d in datelines if d[2]), None)
        article_state = self._dominant_state(text, doc, dateline_state)
        credits: list[tuple[int, int]] = []  # "(NPW)" in a dateline: a byline, no body named
        dateline_places: dict[str, str] = {}  # "ASHMONT, Kan. —": name → that place
        for place, credit, state, state_span in datelines:
            if credit is not None:
                credits.append(credit)
            found = self._link_place(place, text, new, state or article_state, stated=state)
            if found is not None:
                candidates.append((*found, 3))
                if state is not None:
                    dateline_places[place.text] = found[2]
            if state is not None and state_span is not None:
                candidates.append((*state_span, path_of(state), "jurisdiction", 3))
        for match_id, s, e in self.matcher(doc):
            span = doc[s:e]
            if not in_body(span.start_char, span.end_char):
                continue
            name = self._names[int(doc.vocab.strings[match_id][1:])]
            known = self._choose(self.gaz.lookup(name), text, span.start_char, span.end_char)
            if known is not None:
                candidates.append(
                    (span.start_char, span.end_char, path_of(known.iri), known.kind, 2)
                )
        persons_full: dict[str, str] = {}  # surname → path, from full names in this article
        ents = [e for e in doc.ents if in_body(e.start_char, e.end_char)]
        for ent in sorted([*ents, *self._patterns(text)], key=lambda e: -len(e.text.split())):
            if not in_body(ent.start_char, ent.end_char):
                continue
            found = self._link_entity(ent, text, persons_full, new, article_state)
            if found is not None:
                start, end, path, kind = found
                candidates.append((start, end, path, kind, 1))
        # "the General Services Administration … GSA": an abbreviation of a body named in full
        for m in re.finditer(r"(?<![\w.])[A-Z]{2,6}(?![\w.])", text):
            if not in_body(m.start(), m.end()):
                continue
            same = [c for c in candidates if (c[0], c[1]) == m.span()]
            if any(c[4] == 2 for c in same) or any(
                c[0] <= m.start() and m.end() <= c[1] and (c[0], c[1]) != m.span()
                for c in candidates
            ):
                continue  # known to the curated graph, or part of a longer name
            body_path = self._abbreviated(m.group(0), candidates, text, new)
            if body_path is None and CALL_SIGN.fullmatch(m.group(0)):
                body_path = self._station(m.group(0), text, m.start(), new)
            if body_path is not None:
                candidates = [c for c in candidates if c not in same]
                candidates.append((m.start(), m.end(), body_path, "organization", 1))
        # "the cities of Ashmont and Quillby" … "Quillby, Ariz.": a name the story gives
        # with its state is that place wherever it stands alone
        stated_places = {**dateline_places, **self._stated_places(candidates, text)}
        for name, path in {**self._named_places(candidates, text), **stated_places}.items():
            for m in re.finditer(rf"(?<![\w’'-]){re.escape(name)}\b(?!\s+[A-Z])", text):
                before = re.search(r"[A-Z][\w’'.-]*\s$", text[max(0, m.start() - 30) : m.start()])
                if in_body(m.start(), m.end()) and (
                    before is None or _leading(before.group(0), name)
                ):  # "Port Ashmont" is another place; "In Ashmont," is the one
                    candidates.append((m.start(), m.end(), path, "jurisdiction", 0))
        # … and a namesake elsewhere the curated geography knows is that place too
        # ("the City of Ashmont", "The Ashmont ordinance", "Ashmont City Hall")
        for index, (start, end, path, kind, priority) in enumerate(candidates):
            if kind != "jurisdiction" or priority >= 3 or path in self._state_paths:
                continue
            words = re.sub(
                r"^(?:the\s+)?(?:city|town|village) of\s+", "", text[start:end], flags=re.I
            )
            if stated_places.get(words, path) != path:
                candidates[index] = (start, end, stated_places[words], kind, priority)
        # a surname alone, once the full name has been seen ("Ruiz wrote")
        lone_surnames: set[tuple[int, int]] = set()
        for called, path in persons_full.items():
            if called.startswith("\0"):
                continue  # a full name, kept for "Ruiz Vega" after "Ana Ruiz Vega"
            for m in re.finditer(rf"\b{re.escape(called)}\b", text):
                if in_body(m.start(), m.end()):
                    candidates.append((m.start(), m.end(), path, "person", 0))
                    lone_surnames.add(m.span())
        # "Later, Okoro said": a place the model alone saw in a surname given in full before
        # is that person (a place the curated geography knows stays one)
        candidates = [
            c
            for c in candidates
            if not (
                c[3] == "jurisdiction"
                and c[4] == 1
                and (c[0], c[1]) in lone_surnames
                and c[2] not in self.gaz.by_path
            )
        ]
        candidates = self._headline_persons(candidates, text)
        candidates = self._one_kind_per_name(candidates, text)
        candidates = [c for cand in candidates for c in self._split(cand, text)]
        candidates = [c for c in candidates if not any(c[0] < e and b < c[1] for b, e in credits)]
        # longest first, the gazetteer before the model at equal length, then text order
        chosen: list[tuple[int, int, str, str, int]] = []
        for cand in sorted(candidates, key=lambda c: (-(c[1] - c[0]), -c[4], c[0])):
            if any(cand[0] < c[1] and c[0] < cand[1] for c in chosen):
                continue
            chosen.append(cand)
        mentions = [EntityMention(s, e, text[s:e], p, k) for s, e, p, k, _ in sorted(chosen)]
        used = {m.iri for m in mentions}
        new = {
            p: t for p, t in new.items() if p in used or (t.kind == "jurisdiction" and p in used)
        }
        for thing in list(new.values()):
            if thing.state and thing.state not in used:
                pass  # the state is known to the gazetteer; nothing more to describe
        return mentions, new

    def _named_places(
        self, candidates: list[tuple[int, int, str, str, int]], text: str
    ) -> dict[str, str]:
        """A place's name of two words or more the story links somewhere to one place ("Port
        Quillby", "Ashmont County"): that place wherever the model read the name as
        something else (a person, a building). Not a state's name ("New York" is a city too)."""
        paths: dict[str, set[str]] = {}
        for start, end, path, kind, _ in candidates:
            if kind == "jurisdiction":
                paths.setdefault(text[start:end], set()).add(path)
        return {
            name: next(iter(found))
            for name, found in paths.items()
            if len(found) == 1
            and len(name.split()) > 1
            and not name.isupper()
            and self.gaz.state_named(name) is None
            and next(iter(found)) not in self._state_paths
        }

    def _headline_persons(
        self, candidates: list[tuple[int, int, str, str, int]], text: str
    ) -> list[tuple[int, int, str, str, int]]:
        """In a headline in title case, a "person" the body never names is capitals run
        together ("Vasquez-Tam Rebuffs Mayor’s Demand"): dropped, so the name the body
        gives wins there."""
        end = _title_case_headline_end(text)
        if not end:
            return candidates
        named = {p for s, _, p, k, _ in candidates if k == "person" and s >= end}
        return [
            c for c in candidates if not (c[3] == "person" and c[0] < end and c[2] not in named)
        ]

    def _one_kind_per_name(
        self, candidates: list[tuple[int, int, str, str, int]], text: str
    ) -> list[tuple[int, int, str, str, int]]:
        """A name of two words or more the story uses for a place or a body somewhere
        ("Ashmont Falls Mayor Orlen Vasquez-Tam", "Ashmont Wingline chief executive …") is that
        place or body wherever the model took it for a person's; the person goes."""
        other = {
            text[s:e]: (p, k)
            for s, e, p, k, _ in candidates
            if k in ("jurisdiction", "organization") and " " in text[s:e].strip()
        }
        gone = {
            p
            for s, e, p, k, _ in candidates
            if k == "person"
            and text[s:e] in other
            and not any(x.kind == "person" for x in self.gaz.lookup(text[s:e]))
        }
        out = []
        for s, e, p, k, priority in candidates:
            if p not in gone:
                out.append((s, e, p, k, priority))
            elif text[s:e] in other:
                out.append((s, e, *other[text[s:e]], priority))
        return out

    def _abbreviated(
        self, letters: str, candidates: list[tuple[int, int, str, str, int]], text: str,
        new: dict[str, NewThing],
    ) -> str | None:  # fmt: skip
        """The body an abbreviation stands for: one the story names in full, whose initials
        (or those of its words after "of": Department of Housing and Urban Development, HUD)
        it is; else a federal body of the general vocabulary."""
        for start, end, path, kind, _ in candidates:
            if kind != "organization":
                continue
            words = re.sub(r"^U\.S\.\s+", "", text[start:end]).split()
            tail = words[words.index("of") + 1 :] if "of" in words else []
            for run in (words, tail):
                initials = "".join(w[0] for w in run if w[:1].isupper())
                if len(initials) >= 2 and initials == letters and len(run) > 1:
                    return path
        full = FEDERAL_ABBREVIATIONS.get(letters)
        return self._federal(full, new) if full else None

    def _station(self, sign: str, text: str, start: int, new: dict[str, NewThing]) -> str | None:
        """A call sign a source speaks to or a report is credited to ("told KQBX", "according
        to WQBX"): a broadcaster."""
        if not OUTLET_CONTEXT.search(text[max(0, start - 25) : start]):
            return None
        path = mint_path("organization", sign)
        new.setdefault(path, NewThing(path, "organization", sign, {"Organization", "NewsOutlet"}))
        return path

    def _federal(self, full: str, new: dict[str, NewThing]) -> str:
        """The path of a federal body named in full: the curated one, or a new one."""
        for known in self.gaz.lookup(full):
            if known.kind == "organization":
                return path_of(known.iri)
        iri = self.gaz.org_keys.get(org_key(full))
        if iri is not None:
            return path_of(iri)
        path = mint_path("organization", full)
        new.setdefault(
            path, NewThing(path, "organization", full, {"Organization", "GovernmentBody"})
        )
        return path

    def _state_written(self, words: str) -> str | None:
        """The state's name at the start of `words` ("New Mexico", "Ore." of "Ore. They")."""
        for name in (words, words.split()[0]):
            if self.gaz.state_named(name) is not None:
                return name
        return None

    def _stated_places(
        self, candidates: list[tuple[int, int, str, str, int]], text: str
    ) -> dict[str, str]:
        """Cities and counties the story writes with their state ("Quillby, Ariz."): name →
        path."""
        out: dict[str, str] = {}
        for start, end, path, kind, _ in candidates:
            if kind != "jurisdiction" or path in self.gaz.states.values():
                continue
            name = text[start:end]
            after = re.match(r",\s*([A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)?)", text[end : end + 30])
            named_state = after is not None and self._state_written(after.group(1))
            if named_state and name.istitle() and not self.gaz.state_named(name):
                out[name] = path
        return out

    def _patterns(self, text: str) -> list[Any]:
        """Names the language model may miss: "Quillby Mayor Ana Ruiz", "said Ana Ruiz, a",
        a company named by its last word ("MedCorner Pharmacy", "Keystone People Search")."""
        found = []
        # a headline in title case capitalises its verbs and nouns too ("Ruiz Demands Jail
        # Records From Three Counties"): runs of capitals there are no names by themselves
        headline_end = _title_case_headline_end(text)
        for m in _COMPANY_NAME.finditer(text, headline_end):
            found.append(
                SimpleNamespace(
                    text=m.group(0).rstrip(",;: "), start_char=m.start(),
                    end_char=m.start() + len(m.group(0).rstrip(",;: ")), label_="ORG",
                )
            )  # fmt: skip
        for m in _TITLED_NAME.finditer(text, headline_end):
            name = m.group("name")
            if any(k.kind != "person" for k in self.gaz.lookup(name)):
                continue
            found.append(
                SimpleNamespace(
                    text=name, start_char=m.start("name"), end_char=m.end("name"), label_="PERSON"
                )
            )
            place = re.sub(
                r"\s+(?:Police|Fire|County Sheriff's)$", "", (m.group("place") or "").strip()
            )
            # "Ashmont County Deputy Sheriff": the place's words, not the title's
            while len(place.split()) > 1 and place.split()[-1] in _NOT_PLACES - {"County", "City"}:
                place = place.rsplit(" ", 1)[0]
            if (
                place
                and (place.split()[-1] not in _NOT_PLACES or len(place.split()) > 1)
                and place.split()[0] not in _NOT_PLACES
            ):
                found.append(
                    SimpleNamespace(
                        text=place,
                        start_char=m.start("place"),
                        end_char=m.start("place") + len(place),
                        label_="GPE",
                    )
                )
        for m in _BODY_NAME.finditer(text):
            found.append(
                SimpleNamespace(
                    text=m.group("org"),
                    start_char=m.start("org"),
                    end_char=m.end("org"),
                    label_="ORG",
                )
            )
        for m in _INTRODUCED_BODY.finditer(text, headline_end):
            found.append(
                SimpleNamespace(
                    text=m.group("org"), start_char=m.start("org"), end_char=m.end("org"),
                    label_="ORG", introduced=True,
                )
            )  # fmt: skip
        for m in _APPOSITIVE_NAME.finditer(text):
            name = m.group("name")
            if not any(k.kind != "person" for k in self.gaz.lookup(name)):
                found.append(
                    SimpleNamespace(
                        text=name,
                        start_char=m.start("name"),
                        end_char=m.end("name"),
                        label_="PERSON",
                    )
                )
        for m in _SAID_NAME.finditer(text):
            found.append(
                SimpleNamespace(
                    text=m.group("name"),
                    start_char=m.start("name"),
                    end_char=m.end("name"),
                    label_="PERSON",
                )
            )
        return found

    def _split(
        self, cand: tuple[int, int, str, str, int], text: str
    ) -> list[tuple[int, int, str, str, int]]:
        """A "Place, State" name is the place and the state; "X administration" is no person."""
        start, end, path, kind, priority = cand
        if kind == "person" and re.match(r"\s+administration\b", text[end : end + 20]):
            return []
        if kind == "jurisdiction" and _COURT_TITLE.match(text, end):
            return []  # "U.S. District Judge": a federal court's judge, no mention of the country
        m = re.fullmatch(r"(.+?),\s*([A-Z][A-Za-z. ]+)", text[start:end])
        if kind == "jurisdiction" and m:
            state = self.gaz.state_named(m.group(2))
            if state is not None:
                state_start = start + m.start(2)
                return [(start, start + len(m.group(1)), path, kind, priority),
                        (state_start, end, path_of(state.iri), kind, priority)]  # fmt: skip
        return [cand]

    def _datelines(
        self, text: str, body: list[tuple[int, int]]
    ) -> list[tuple[Any, tuple[int, int] | None, str | None, tuple[int, int] | None]]:
        """Each dateline's city (as the model would give a place, its name in title case),
        the span of its credit with the brackets, the state it names and that name's span. A
        city alone on its line is a dateline when the place is known or the story is a
        roundup (two such lines or more)."""
        found = []
        for line in re.finditer(r"[^\n]+", text):
            if line.start() == 0 or not any(b < line.end() and line.start() <= e for b, e in body):
                continue  # the headline, or page furniture
            m = _DATELINE.match(line.group(0))
            if m is None or set(m.group("city").split()) & _NOT_DATELINE:
                continue
            alone = not m.group(0).rstrip().endswith(("—", "–", "-"))
            if alone and (m.group("state") or m.group("credit") or len(m.group("city")) < 3):
                continue
            found.append((line.start(), m, alone))
        roundup = sum(alone for _, _, alone in found) >= 2
        out: list[tuple[Any, tuple[int, int] | None, str | None, tuple[int, int] | None]] = []
        for offset, m, alone in found:
            city = " ".join(w.capitalize() for w in m.group("city").split())
            if (
                alone
                and not roundup
                and not any(k.kind == "jurisdiction" for k in self.gaz.lookup(city))
            ):
                continue
            state, state_span = None, None
            if m.group("state"):
                named = self.gaz.state_named(m.group("state"))
                if named is None:
                    continue  # "SMITH, Jones —" is no dateline
                state, state_span = named.iri, (offset + m.start("state"), offset + m.end("state"))
            start = offset + m.start("city")
            place = SimpleNamespace(
                text=city, start_char=start, end_char=start + len(city), label_="GPE"
            )
            credit = m.span("credit") if m.group("credit") else None
            if credit is not None:
                credit = (offset + credit[0] - 1, offset + credit[1] + 1)
            out.append((place, credit, state, state_span))
        return out

    def _dominant_state(self, text: str, doc: Any, dateline: str | None = None) -> str | None:
        counts: Counter[str] = Counter()
        if dateline is not None:  # the state the story is filed from
            counts[dateline] += 2
        ambiguous = {n.lower() for n, iris in self.gaz.names.items() if len(iris) > 1}
        for ent in doc.ents:
            name = _clean(ent.text)
            if ent.label_ in ("GPE", "ORG", "NORP") and name.lower() not in ambiguous:
                state = self.gaz.state_named(name, codes=False)
                if state is not None:
                    counts[state.iri] += 1
            if ent.label_ == "ORG":  # a state's body: "Arizona Department of Public Safety"
                words = name.split()
                for size in (2, 1):
                    state = self.gaz.state_named(" ".join(words[:size]), codes=False)
                    if len(words) > size and state is not None:
                        counts[state.iri] += 1
                        break
        for m in re.finditer(
            r"\([DRI][-–]([A-Z][A-Za-z. ]+)\)|,\s*([A-Z][a-z]+(?: [A-Z][a-z]+)?)\b", text
        ):
            state = self.gaz.state_named(m.group(1) or m.group(2))
            if state is not None and (m.group(2) or "").lower() not in ambiguous:
                counts[state.iri] += 1
        if not counts:
            return None
        ranked = [*counts.most_common(2), ("", 0)]
        return ranked[0][0] if ranked[0][1] > ranked[1][1] else None

    # -- choosing among several known things with one name ---------------------------------
    def _choose(self, knowns: list[Known], text: str, start: int, end: int) -> Known | None:
        if len(knowns) <= 1:
            return knowns[0] if knowns else None
        before = text[max(0, start - 40) : start]
        after = text[end : end + 30]
        states = [k for k in knowns if "State" in k.classes]
        others = [k for k in knowns if "State" not in k.classes]
        if states and others:
            after_place = re.search(r"[A-Z][\w.]*(?: [A-Z][\w.]*)*,\s*$", before)
            if (
                after_place
                or re.match(r"\s+(state|State)\b", after)
                or self._beside_a_state(text, start, end)
            ):
                return states[0]
            return others[0]
        return knowns[0]

    # -- one entity the language model found -----------------------------------------------
    def _link_entity(
        self, ent: Any, text: str, persons_full: dict[str, str], new: dict[str, NewThing],
        article_state: str | None,
    ) -> tuple[int, int, str, str] | None:  # fmt: skip
        raw = ent.text
        if "/" in raw or "@" in raw or "\n" in raw:
            return None
        lead = _LEADING_WORD.match(raw)
        if lead:  # "On Thursday", "When Ashmont": a sentence's first word is no part of a name
            ent = SimpleNamespace(
                text=raw[lead.end() :], start_char=ent.start_char + lead.end(),
                end_char=ent.end_char, label_=ent.label_,
            )  # fmt: skip
            raw = ent.text
        label = ent.label_
        if (
            label in ("PERSON", "GPE", "LOC")
            and NEWSPAPER_WORDS.search(_clean(raw))
            and len(_clean(raw).split()) > 1
            and not self.gaz.lookup(_clean(raw))
        ):
            return self._link_org(ent, text, new, "ORG", article_state)  # "Quillby Sentinel"
        if label != "PERSON" and self._venue(_clean(raw), text, ent.start_char):
            return None  # "at the Quillby Office Building": a building, neither body nor place
        if label == "PERSON":
            return self._link_person(ent, text, persons_full, new, article_state)
        if label in ("ORG", "FAC", "NORP"):
            introduced = getattr(ent, "introduced", False)  # "the nonprofit Quillby Watch"
            return self._link_org(ent, text, new, label, article_state, company=introduced)
        if label in ("GPE", "LOC"):
            return self._link_place(ent, text, new, article_state)
        return None

    def _venue(self, name: str, text: str, start: int) -> bool:
        """A building or hall: a name ending so ("Quillby Office Building", "City Hall"), or a
        centre or plaza where something happens ("outside the county's Records Center")."""
        if self.gaz.lookup(name):
            return False
        if VENUE_WORDS.search(name):
            return True
        return bool(re.search(r"\b(?:Center|Centre|Plaza)$", name)) and bool(
            VENUE_CONTEXT.search(text[max(0, start - 40) : start])
        )

    def _span_of(self, ent: Any, name: str) -> tuple[int, int]:
        offset = ent.text.find(name)
        if offset < 0:  # the name as read differs from the text (a nickname left out)
            return ent.start_char, ent.end_char
        start = ent.start_char + offset
        return start, start + len(name)

    def _link_person(
        self, ent: Any, text: str, persons_full: dict[str, str], new: dict[str, NewThing],
        article_state: str | None = None,
    ) -> tuple[int, int, str, str] | None:  # fmt: skip
        name = _clean(ent.text)
        inner = re.search(r"\b(?:mayor|sheriff|commissioner|chair|chairman|chairwoman|governor|gov\.|"
                          r"sen\.|rep\.|senator|representative|attorney|secretary|president|judge|"
                          r"chief|director|spokeswoman|spokesman)\s+", name, re.IGNORECASE)  # fmt: skip
        if inner and inner.start() > 0:
            name = name[inner.start() :]
        while PERSON_TITLES.match(name):
            name = PERSON_TITLES.sub("", name, count=1)
        name = re.sub(r"\s+[“\"][^”\"]{1,20}[”\"]\s+", " ", name.strip())  # a nickname
        titled = _TITLE_AFTER.search(name)
        if titled and name == ent.text and not self.gaz.lookup(name):
            place = SimpleNamespace(
                text=name[: titled.start()], start_char=ent.start_char,
                end_char=ent.start_char + titled.start(), label_="GPE",
            )  # fmt: skip
            return self._link_place(place, text, new, article_state)  # "Quillby Mayor"
        if _CORPORATE_TITLE.match(text, ent.end_char) and not self.gaz.lookup(name):
            return self._link_org(ent, text, new, "ORG", company=True)  # "Ashmont Wingline"
        words = name.split()
        if not words or any(ch.isdigit() for ch in name) or not name[0].isupper():
            return None
        if COMPANY_WORDS.search(name) and not self.gaz.lookup(name):
            return self._link_org(ent, text, new, "ORG")  # "Prairie Rx": a company
        stated = re.match(r",\s*([A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)?)", text[ent.end_char :])
        if (
            stated
            and name == ent.text
            and self.gaz.state_named(stated.group(1))
            and not any(k.kind == "person" for k in self.gaz.lookup(name))
        ):
            return self._link_place(ent, text, new, None)  # "Tamsin Falls, Ore.": a city
        # the run of capitalised words the name stands in: "Edward Byrne| Memorial Justice
        # Grant", "Justice |Assistance Grant"; a name ending in County is a place
        following = re.match(r"(?:\s+[A-Z][\w’'.-]*){1,4}", text[ent.end_char :])
        preceding = re.search(
            r"(?:[A-Z][\w’'.-]*\s+){1,4}$", text[max(0, ent.start_char - 60) : ent.start_char]
        )
        after = following.group(0) if following else ""
        in_a_title = bool(preceding) and bool(NOT_A_PERSON.search(words[-1]))
        if (
            NOT_A_PERSON.search(after)
            or in_a_title
            or INITIALS.fullmatch(name)
            or PLACE_LAST_WORD.search(words[-1])
        ) and not self.gaz.lookup(name):
            return None  # "… Memorial Justice Assistance Grant", "N. M.", "Quillby County"
        start, end = self._span_of(ent, name)
        for known in self.gaz.lookup(name):
            if known.kind == "person":
                if len(words) > 1:
                    persons_full[surname(words)] = path_of(known.iri)
                return start, end, path_of(known.iri), "person"
        for key, seen in list(persons_full.items()):  # full names are kept under "\0" + name
            full = key[1:]
            if (
                key.startswith("\0")
                and len(words) > 1
                and full != name
                and full.endswith(" " + name)
            ):
                return start, end, seen, "person"  # "Ruiz Vega" after "Ana Ruiz Vega"
        if len(words) == 1:
            alone = persons_full.get(name)
            if alone is None:
                matches = [k for k in self.known_persons if k.label.split()[-1] == name]
                if len(matches) == 1:
                    alone = path_of(matches[0].iri)
            return (start, end, alone, "person") if alone else None
        for known in self.known_persons:
            if (
                known.label.split()[0] == words[0]
                and fuzz.ratio(known.label, name) >= 85
                and known.label.split()[-1][:3] == words[-1][:3]
            ):
                persons_full[surname(words)] = path_of(known.iri)
                return start, end, path_of(known.iri), "person"
        path = mint_path("person", name)
        persons_full[surname(words)] = path
        persons_full["\0" + name] = path
        new.setdefault(path, NewThing(path, "person", name, {"Person"}))
        return start, end, path, "person"

    def _link_org(
        self, ent: Any, text: str, new: dict[str, NewThing], label: str,
        article_state: str | None = None, company: bool = False,
    ) -> tuple[int, int, str, str] | None:  # fmt: skip
        name = _clean(ent.text)
        titled = _TITLED_NAME.search(name)
        if titled and titled.end() == len(name):
            return None  # "Quillby Sheriff Ana Ruiz" is a person with a title, not a body
        more = re.match(
            r"\s+(?:for|of) the (?:[A-Z][\w.’']*\s?)+(?:of (?:[A-Z][\w.’']*\s?)+)?",
            text[ent.end_char :],
        )
        if (
            label == "ORG"
            and more
            and re.search(r"\b(court|district|office)\b", name + more.group(0), re.I)
        ):
            name = (name + more.group(0)).strip()
        rest = text[ent.start_char + max(ent.text.find(name), 0) :]
        if name.startswith("Office of the ") and rest.startswith(name):
            # "the Office of the Attorney| General of Ashmont": one name, the office's and
            # the place's it serves
            whole = re.match(
                re.escape(name) + r"(?:\s+[A-Z][\w’'-]*)*(?:\s+of\s+(?:the\s+)?[A-Z][\w’'.-]*"
                r"(?:\s+[A-Z][\w’'.-]*)*)?",
                rest,
            )
            if whole:
                name = whole.group(0).rstrip(".")
        if re.match(r"University of ", name):
            name = name.rstrip("–-")  # "the University of Ashmont–" as the model cut it
        after_name = ent.start_char + max(ent.text.find(name), 0) + len(name)
        campus = re.match(r"[–-][A-Z][\w’'-]*(?:\s[A-Z][\w’'-]*){0,2}", text[after_name:])
        if campus and re.match(r"University of ", name) and name == _clean(ent.text).rstrip("–-"):
            name += campus.group(0)  # "University of Ashmont–Quillby": a campus, one name
        suffix = re.match(r",?\s+(?:Inc|LLC|LLP|Corp|Co|Ltd)\b\.?", text[ent.end_char :])
        if suffix and COMPANY_WORDS.search(name) and name == _clean(ent.text):
            name += suffix.group(0)  # "Ashmont Health Services, Inc.": the company's name
        written: int | None = None
        kind_first = re.fullmatch(r"([A-Z][a-z]+) Department", name)
        if kind_first:  # "the Quillby Department" after "the Department of Quillby"
            long = re.search(
                r"(?:U\.S\.\s+)?Department of " + kind_first.group(1) + r"\b(?! and)", text
            )
            if long:
                name = long.group(0)
                written = len(kind_first.group(0))  # the span is the words written here
        if len(name) < 2 or GENERIC_BODY.fullmatch(name):
            return None  # "the House", "the council", "the department": no name of a body
        halves = re.split(r"\s+and\s+", name)
        if (
            len(halves) == 2
            and all(COMPANY_WORDS.search(h) for h in halves)
            and not _OF_A_FIELD.search(halves[0])  # "Department of Health and Human Services"
        ):
            # "Sunward Energy and Lakeline Solar": two companies, the first here (the
            # second is found by its own name)
            name = halves[0]
        start = ent.start_char + max(ent.text.find(name[:10]), 0)
        end = start + (written or len(name))
        if text[max(0, start - 5) : start] == "U.S. " and not name.startswith("U.S."):
            name, start = "U.S. " + name, start - 5  # "U.S. District Court …", "U.S. Customs …"
        for known in self.gaz.lookup(name):
            if known.kind in ("organization", "party"):
                return start, end, path_of(known.iri), known.kind
        if name in FEDERAL_SHORT_NAMES.values():  # "U.S. Customs and Border Protection"
            return start, end, self._federal(name, new), "organization"
        if name in FEDERAL_SHORT_NAMES and not self.gaz.org_keys.get(org_key(name)):
            return start, end, self._federal(FEDERAL_SHORT_NAMES[name], new), "organization"
        iri = self.gaz.org_keys.get(org_key(name))
        if iri is not None:
            return start, end, path_of(iri), self.gaz.by_iri[iri].kind
        if label == "NORP":
            return None
        before = text[max(0, start - 25) : start]
        acronym = name.isupper() and 3 <= len(name) <= 6 and name.isalpha()
        outlet = bool(OUTLET_CONTEXT.search(before)) and (
            acronym or bool(OUTLET_WORDS.search(name)) or name.istitle()
        )
        if NEWSPAPER_WORDS.search(name) and len(name.split()) > 1:
            outlet = True  # "the Quillby Sentinel": a paper, named "The …" when so written
            if text[max(0, start - 4) : start] == "The " and re.search(
                r"[a-z,]\s$", text[max(0, start - 6) : max(0, start - 4)]
            ):
                name, start = "The " + name, start - 4
        company = company or bool(COMPANY_WORDS.search(name)) or bool(_CAMEL_CASE.fullmatch(name))
        if not (
            outlet or acronym or company or GOVERNMENT_WORDS.search(name) or ORG_WORDS.search(name)
        ):
            after = text[ent.end_char : ent.end_char + 40]
            if re.match(
                r"(?:,\s*[A-Z][a-z]+|\s+(?:Mayor|mayor|City|city council|County|police))", after
            ):
                return self._link_place(ent, text, new, article_state)
            return None
        if not name[0].isupper() or (len(name.split()) > 8 and not _COURT_NAME.fullmatch(name)):
            return None
        if _CAMEL_CASE.fullmatch(name):
            # a brand's short name is the company the story names in full
            # ("QuillCoin" and "QuillCoin Finance", "AshLedger" and "AshLedger Inc.")
            longer = re.search(re.escape(name) + r"(?:\s(?-i:[A-Z])[\w&’'-]*){1,3}", text)
            if longer and not _TITLED_NAME.search(longer.group(0)):
                name = longer.group(0)
        path = mint_path("organization", name)
        classes = {"Organization"}
        if outlet or (OUTLET_WORDS.search(name) and not GOVERNMENT_WORDS.search(name)):
            classes.add("NewsOutlet")
        elif GOVERNMENT_WORDS.search(name):
            classes.add("GovernmentBody")
        new.setdefault(path, NewThing(path, "organization", name, classes))
        return start, end, path, "organization"

    def _link_place(
        self, ent: Any, text: str, new: dict[str, NewThing], article_state: str | None,
        stated: str | None = None,
    ) -> tuple[int, int, str, str] | None:  # fmt: skip
        name = _clean(ent.text)
        classes = {"City"}
        for prefix, kinds in (
            ("city and county of ", {"City", "County"}),
            ("city of ", {"City"}),
            ("state of ", {"State"}),
            ("county of ", {"County"}),
        ):
            if name.lower().startswith(prefix):
                name, classes = name[len(prefix) :], kinds
                break
        if not name or not name[0].isupper() or any(ch.isdigit() for ch in name):
            return None
        if NOT_A_PLACE.search(name):
            return None  # "Western District", "Ashmont County Executive", "the Council"
        start, end = ent.start_char, ent.end_char
        knowns = self.gaz.lookup(name)
        state = self.gaz.state_named(name)
        if state is not None and (
            "State" in classes or not [k for k in knowns if "State" not in k.classes]
        ):
            return start, end, path_of(state.iri), "jurisdiction"
        follow = re.match(
            r",\s*([A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)?)", text[ent.end_char : ent.end_char + 30]
        )
        state_iri = stated
        written = self._state_written(follow.group(1)) if follow else None
        if written and state_iri is None:
            state_iri = self.gaz.state_named(written).iri  # type: ignore[union-attr]
        places = [k for k in knowns if k.kind == "jurisdiction"]
        abbreviated = written and re.fullmatch(r"[A-Z][a-z]*\.(?:\s?[A-Z][a-z]*\.)?", written)
        if state_iri is not None and (stated is not None or abbreviated):
            # "ASHMONT, Kan. —", "Ashmont, Kan.": a city or county of that name in another
            # state is not it (a state written in full may be the next of a list)
            places = [k for k in places if k.state is None or k.state == state_iri]
        known = self._choose(places, text, start, end)
        if known is not None:
            return start, end, path_of(known.iri), "jurisdiction"
        if COUNTY_WORDS.search(name):
            classes = {"County"}
        if state_iri is None:
            state_iri = article_state
        code = self.gaz.by_iri[state_iri].postal_code if state_iri else None
        try:
            path = mint_path("jurisdiction", name, state=code)
        except ValueError:
            return None
        known_by_path = self.gaz.by_path.get(path)
        if known_by_path is not None:
            return start, end, path_of(known_by_path.iri), "jurisdiction"
        new.setdefault(
            path,
            NewThing(
                path, "jurisdiction", name, classes, path_of(state_iri) if state_iri else None
            ),
        )
        return start, end, path, "jurisdiction"

    def _beside_a_state(self, text: str, start: int, end: int) -> bool:
        """A name coordinated with a state's name is a state too ("in Ashmont and Oregon",
        "Oregon and Ashmont", "Idaho, Ashmont and Utah")."""
        name = r"([A-Z][a-z]+(?: [A-Z][a-z]+)?)"
        before = re.search(name + r"(?:,| and| or)\s+$", text[max(0, start - 40) : start])
        after = re.match(r"(?:,| and| or)\s+" + name, text[end : end + 40])
        return any(
            m is not None
            and (other := self.gaz.state_named(m.group(1))) is not None
            and not [k for k in self.gaz.lookup(m.group(1)) if "State" not in k.classes]
            and other.iri is not None
            for m in (before, after)
        )


_SUFFIXES = {"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"}


def surname(words: list[str]) -> str:
    """The word a person is called by alone: the last, suffixes ("Jr.") left out."""
    kept = [w for w in words if w not in _SUFFIXES] or words
    return kept[-1]


def person_slug(path: str) -> str:
    return slugify(path.rsplit("/", 1)[-1])
