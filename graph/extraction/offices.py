"""Offices people hold ("Quillby Mayor X", "X, chairman of the Y") and their parties."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from graph.extraction.entities import EntityMention, NewThing
from graph.extraction.gazetteer import Gazetteer
from graph.iri import mint_path

_TITLES = [
    "deputy press secretary", "press secretary", "attorney general", "district attorney",
    "city attorney", "county attorney", "chief lawyer", "state senator", "state representative",
    "state sen.", "state rep.", "corporation counsel", "chief deputy", "mayor-elect",
    "police commissioner",
    "lieutenant governor", "police chief", "chief of police", "county executive",
    "county commissioner", "county judge", "council member", "councilmember", "councilman",
    "councilwoman", "commissioner", "mayor", "governor", "gov.", "secretary", "sheriff",
    "spokeswoman", "spokesman", "spokesperson", "chairwoman", "chairman", "chair",
    "vice president", "president", "senator", "sen.", "representative", "rep.", "director",
    "judge", "superintendent", "undersheriff", "executive director", "chief executive",
]  # fmt: skip
TITLE = (
    r"(?P<title>" + "|".join(re.escape(t) for t in sorted(_TITLES, key=len, reverse=True)) + r")"
)
_EXPAND = {
    "gov.": "governor", "sen.": "senator", "rep.": "representative",
    "state sen.": "state senator", "state rep.": "state representative",
}  # fmt: skip
# Local offices named with no place: the place of that kind named last before the person.
_LOCAL = {"sheriff": "County", "mayor": "City", "commissioner": "County", "county judge": "County",
          "police chief": "City", "chief of police": "City", "county executive": "County",
          "city attorney": "City", "county attorney": "County", "corporation counsel": "City",
          "mayor-elect": "City", "chief deputy": "County"}  # fmt: skip
# Offices that, named with no place or body, belong to the country ("Sen.", "Rep." in AP style
# are members of Congress; a state legislator is "state Sen.", "state Rep.").
_NATIONAL = {"president", "attorney general", "vice president", "senator", "representative"}
# Offices that, named with no place or body, belong to the state the article is about.
_STATEWIDE = {"governor", "lieutenant governor", "state senator", "state representative"}
_JUSTICE = "organization/us-department-of-justice"
_MODIFIER = (
    r"(?:(?:acting|interim|former|then-|deputy|assistant|u\.s\.|us|federal|state|county|city)\s+)*"
)

_BEFORE = re.compile(TITLE + r"\s+$", re.IGNORECASE)
_APPOSITIVE = re.compile(
    r"^,\s+(?:who\s+is\s+(?:also\s+)?|who\s+was\s+)?(?:the\s+|a\s+|an\s+)?" + _MODIFIER + TITLE
    + r"\s+(?:of|for|at)\s+(?:the\s+)?",
    re.IGNORECASE,
)  # fmt: skip
_APPOSITIVE_HOLDER = re.compile(
    r"^,\s+(?:a\s+|an\s+|the\s+)?(?P<holder>[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,5})(?:[’']s)?\s+"
    + _MODIFIER
    + TITLE
    + r"\b",
    re.IGNORECASE,
)
_STATE_MARK = re.compile(r"^\s*\([DRI][-–](?P<state>[A-Z][A-Za-z. ]+)\)")
_OWN_TITLE = re.compile(TITLE + r"\s+(?=\S)", re.IGNORECASE)
_LIKE = re.compile(
    TITLE + r"s,?\s+(?:like|such as|including)\s+(?:[^.;]*?\band\s+|[^.;]*?,\s+)?$", re.IGNORECASE
)
_OF_AFTER = re.compile(r"^\s*(?:\([^)]*\)\s*)?\s*of\s+(?:the\s+)?", re.IGNORECASE)
_POSSESSIVE = re.compile(r"[’']s\s+" + TITLE + r",\s+$", re.IGNORECASE)
_PARTY_MARK = re.compile(r"^\.?\s*\((?P<p>[DRI])(?:[-–][^)]*)?\)")  # "Jr. (R-Ore.)": after "Jr."
_BOTH = re.compile(
    r"^(?:\s+of\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)?,?\s+(?:both|all)\s+(?P<p>Democrats|Republicans)\b"
)
_APPOS_PARTY = re.compile(
    r"^\.?,\s+(?:an?\s+(?P<p>Democrat|Republican)\b|(?P<q>[DR])-[A-Z][\w.]*(?:\s[A-Z][\w.]*){0,2},)"
)
_PARTY_BEFORE = re.compile(
    r"\b(?P<p>Democrat(?:ic)?|Republican)\s+(?:" + TITLE + r"\s+)?$", re.IGNORECASE
)


@dataclass(frozen=True)
class Tenure:
    person: str  # path
    post: str  # path
    office: str  # as a title, e.g. "Mayor"
    holder: str  # path of the jurisdiction or organisation
    start: int  # evidence span
    end: int


@dataclass(frozen=True)
class Affiliation:
    person: str
    party: str
    start: int
    end: int
    marker: tuple[int, int]  # the words that name the party: "D" in "(D)", "Democrats"


def _holder_name(path: str, gaz: Gazetteer, new: dict[str, NewThing]) -> str:
    known = gaz.by_path.get(path)
    if known is not None:
        if known.kind == "jurisdiction":
            if "Country" in known.classes:
                return "the " + known.label
            if known.state and "State" not in known.classes:
                state = gaz.by_iri.get(known.state)
                return f"{known.label} {state.postal_code if state else ''}".strip()
            return known.label
        return "the " + known.label
    thing = new.get(path)
    if thing is None:
        return path.rsplit("/", 1)[-1].replace("-", " ")
    if thing.kind == "jurisdiction":
        state = gaz.by_path.get(thing.state or "")
        code = state.postal_code if state else ""
        return f"{thing.label} {code}".strip() if "State" not in thing.classes else thing.label
    return "the " + thing.label


def _office(title: str, holder: str, gaz: Gazetteer) -> str:
    office = _EXPAND.get(title.lower(), title.lower())
    known = gaz.by_path.get(holder)
    if office == "chief lawyer":
        county_only = (
            known is not None and "City" not in known.classes and "County" in known.classes
        )
        office = "county attorney" if county_only else "city attorney"
    return " ".join(w.capitalize() for w in office.split())


def _is_state(path: str, gaz: Gazetteer) -> bool:
    known = gaz.by_path.get(path)
    return known is not None and "State" in known.classes


def _in_congress(title: str) -> bool:
    return title.lower() in ("rep.", "sen.", "representative", "senator")


def _state_of_places(
    mentions: list[EntityMention], gaz: Gazetteer, new: dict[str, NewThing]
) -> str | None:
    """The state (IRI) most of the article's cities and counties lie in, if one is most."""
    counts: Counter[str] = Counter()
    for m in mentions:
        if m.kind != "jurisdiction":
            continue
        known = gaz.by_path.get(m.iri)
        state = known.state if known else None
        if known is None and m.iri in new and new[m.iri].state:
            found = gaz.by_path.get(str(new[m.iri].state))
            state = found.iri if found else None
        if state:
            counts[state] += 1
    ranked = [*counts.most_common(2), ("", 0), ("", 0)]
    return ranked[0][0] or None if ranked[0][1] > ranked[1][1] else None


def find_tenures(
    text: str,
    mentions: list[EntityMention],
    sentences: list[tuple[int, int]],
    gaz: Gazetteer,
    new: dict[str, NewThing],
    article_state: str | None,
) -> list[Tenure]:
    """Each (person, office) the text states, with the place or body the office belongs to."""
    us = gaz.by_path.get("jurisdiction/united-states")
    if article_state is None:  # no state named most: the one its cities and counties lie in
        article_state = _state_of_places(mentions, gaz, new)
    out: dict[tuple[str, str], Tenure] = {}
    by_default: set[tuple[str, str]] = set()  # tenures whose holder no words gave

    def sentence_of(pos: int) -> tuple[int, int]:
        return next(((s, e) for s, e in sentences if s <= pos < e), (0, len(text)))

    def mention_ending(pos: int, kinds: tuple[str, ...]) -> EntityMention | None:
        return next((m for m in mentions if m.end == pos and m.kind in kinds), None)

    def mention_at(pos: int, kinds: tuple[str, ...]) -> EntityMention | None:
        return next((m for m in mentions if m.start == pos and m.kind in kinds), None)

    def by_head_noun(word: str, before: int) -> str | None:
        local = word.lower() in ("county", "city", "state")
        kinds = ("jurisdiction",) if local else ("organization", "jurisdiction")
        for m in reversed([m for m in mentions if m.end <= before and m.kind in kinds]):
            if word.lower() in m.text.lower() or word.lower() in m.iri:
                return m.iri
        return None

    def state_near(person: EntityMention) -> str | None:
        mark = _STATE_MARK.match(text[person.end : person.end + 30])
        if mark:
            state = gaz.state_named(mark.group("state"))
            if state is not None:
                return state.iri.split("/id/", 1)[-1]
        s_start, s_end = sentence_of(person.start)
        named = [
            m.iri
            for m in mentions
            if m.kind == "jurisdiction" and s_start <= m.start < s_end and m.end <= person.start
            and (gaz.by_path.get(m.iri) and "State" in gaz.by_path[m.iri].classes)
        ]  # fmt: skip
        return named[-1] if named else None

    def last_place(kind: str, before: int) -> str | None:
        for m in sorted((m for m in mentions if m.kind == "jurisdiction"), key=lambda m: -m.start):
            known = gaz.by_path.get(m.iri)
            classes = known.classes if known else new[m.iri].classes if m.iri in new else set()
            if m.start < before and kind in classes:
                return m.iri
        return None

    def federal(person: EntityMention) -> bool:
        return any(m.iri == _JUSTICE and m.start < person.start for m in mentions)

    def add(person: EntityMention, title: str, holder: str | None, start: int, end: int) -> None:
        office_key = _EXPAND.get(title.lower(), title.lower())
        defaulted = holder is None
        if holder is None:
            if office_key == "attorney general" and (
                (near_state := state_near(person))
                or (article_state and person.iri not in gaz.by_path and not federal(person))
            ):
                # "Attorney General X" in a story about one state is that state's, unless
                # the curated graph knows the person or the story has named the Justice
                # Department before (the country's attorney general)
                holder = near_state or str(article_state).split("/id/", 1)[-1]
            elif office_key in _NATIONAL and us is not None:
                holder = "jurisdiction/united-states"
            elif office_key in _STATEWIDE and (near_state := state_near(person)):
                holder = near_state
            elif office_key in _STATEWIDE and article_state:
                holder = article_state.split("/id/", 1)[-1]
            elif office_key in _LOCAL:
                holder = last_place(_LOCAL[office_key], person.start)
                if holder is None:
                    return
            else:
                return
        office = _office(title, holder, gaz)
        post = None
        holder_known = gaz.by_path.get(holder)
        for iri, (known_office, known_holder) in gaz.posts.items():
            if (
                known_office.lower() == office.lower()
                and holder_known
                and known_holder == holder_known.iri
            ):
                post = iri.split("/id/", 1)[-1]
        if post is None:
            post = mint_path("post", office, _holder_name(holder, gaz, new))
        key = (person.iri, post)
        if key not in out:
            out[key] = Tenure(person.iri, post, office, holder, start, end)
            if defaulted:
                by_default.add(key)
        elif not defaulted:
            by_default.discard(key)

    for person in (m for m in mentions if m.kind == "person"):
        s_start, s_end = sentence_of(person.start)
        left = text[s_start : person.start]
        right = text[person.end : s_end]
        own = _OWN_TITLE.match(person.text)
        if own:
            left = left + own.group(0)
        like = _LIKE.search(left)
        after = _OF_AFTER.match(right)
        if like and after:
            h = mention_at(person.end + after.end(), ("jurisdiction", "organization"))
            if h is not None:
                add(person, like.group("title"), h.iri, person.start, h.end)
        m = _BEFORE.search(left)
        if m:
            title_start = s_start + m.start()
            before_title = text[s_start:title_start].rstrip()
            holder_m = mention_ending(len(before_title) + s_start, ("jurisdiction", "organization"))
            holder = holder_m.iri if holder_m else None
            if holder is None:  # "Oregon Attorney General …", "New Jersey Gov. …": the state
                words = before_title.split()
                for size in (2, 1):
                    named = (
                        gaz.state_named(" ".join(words[-size:]), codes=False)
                        if len(words) >= size
                        else None
                    )
                    if named is not None:
                        holder = named.iri.split("/id/", 1)[-1]
                        break
            if holder is None:
                word = re.search(
                    r"\b(county|city|state|conference|department|office|board|council)$",
                    before_title,
                    re.I,
                )
                if word and word.group(1).lower() == "state" and article_state:
                    holder = article_state.split("/id/", 1)[-1]
                elif word:
                    holder = by_head_noun(word.group(1), title_start)
            if holder is None:
                after = _OF_AFTER.match(right)
                if after:
                    h = mention_at(person.end + after.end(), ("jurisdiction", "organization"))
                    holder = h.iri if h else None
                    if h is not None and _is_state(h.iri, gaz) and _in_congress(m.group("title")):
                        holder = None  # "Rep. X of Texas": a member of Congress from Texas
            add(
                person,
                m.group("title"),
                holder,
                holder_m.start if holder_m else title_start,
                person.end,
            )
        m = _APPOSITIVE.match(right)
        if m:
            h = mention_at(person.end + m.end(), ("jurisdiction", "organization"))
            holder = h.iri if h else None
            if holder is None:
                word = re.match(r"([a-z’']+(?:\s+[a-z’']+)?)", right[m.end() :])
                if word:
                    holder = by_head_noun(word.group(1).split()[-1].rstrip("’'s"), person.start)
            add(
                person,
                m.group("title"),
                holder,
                person.start,
                person.end + m.end() + (h.end - h.start if h else 0),
            )
        m = _POSSESSIVE.search(left)
        if m:
            h = mention_ending(s_start + m.start(), ("jurisdiction", "organization"))
            if h is not None:
                add(person, m.group("title"), h.iri, h.start, person.end)
        # "X, Quillby's police chief", "X, a Labor Department spokesman"
        m = _APPOSITIVE_HOLDER.match(right)
        if m:
            h = mention_at(person.end + m.start("holder"), ("jurisdiction", "organization"))
            # "A, Ashmont County Sheriff B and …": the title is the next person's, not A's
            names_next = re.match(r"\s+[A-Z]", right[m.end() :])
            if h is not None and h.end <= person.end + m.start("title") and not names_next:
                add(person, m.group("title"), h.iri, person.start, person.end + m.end())
    # "Oregon Attorney General Ana Ruiz" … "Attorney General Ruiz": one office, the state's
    for key in by_default:
        tenure = out[key]
        if any(
            other.person == tenure.person and other.office == tenure.office and k not in by_default
            for k, other in out.items()
        ):
            del out[key]
    return list(out.values())


def find_affiliations(
    text: str, mentions: list[EntityMention], gaz: Gazetteer
) -> list[Affiliation]:
    """Party membership stated by "(D)", "(R-Texas)", "both Democrats", "a Republican"."""

    def party(word: str) -> str | None:
        word = {"D": "Democrat", "R": "Republican"}.get(word, word)
        for name in (word, word.rstrip("s"), word + "s", word.replace("Democratic", "Democrat")):
            for known in gaz.lookup(name):
                if known.kind == "party":
                    return known.iri.split("/id/", 1)[-1]
        return None

    out: dict[tuple[str, str], Affiliation] = {}
    persons = [m for m in mentions if m.kind == "person"]

    def add(person: EntityMention, p: str, start: int, end: int, mark: tuple[int, int]) -> None:
        out.setdefault((person.iri, p), Affiliation(person.iri, p, start, end, mark))

    for i, person in enumerate(persons):
        right = text[person.end : person.end + 40]
        for pattern in (_PARTY_MARK, _APPOS_PARTY):
            m = pattern.match(right)
            which = "p" if m and m.group("p") else "q"  # "(D)", ", a Democrat" / ", D-Ashmont,"
            if m and m.group(which) and (p := party(m.group(which))):
                mark = (person.end + m.start(which), person.end + m.end(which))
                add(person, p, person.start, person.end + m.end(), mark)
        window = max(0, person.start - 40)
        m = _PARTY_BEFORE.search(text[window : person.start])
        if m and (p := party(m.group("p").capitalize())):
            mark = (window + m.start("p"), window + m.end("p"))
            add(person, p, mark[0], person.end, mark)
        m = _BOTH.match(right)
        if m and (p := party(m.group("p"))):
            # "A and B, both Democrats": every person of the coordination before the comma
            group = [person]
            for prev in reversed(persons[:i]):
                gap = text[prev.end : group[-1].start]
                if re.fullmatch(r"\s*(?:,|and|,\s*and)\s*(?:(?:[A-Z][\w.’']*|of)\s+){0,5}", gap):
                    group.append(prev)
                else:
                    break
            mark = (person.end + m.start("p"), person.end + m.end("p"))
            for member in group:
                add(member, p, member.start, person.end + m.end(), mark)
    return list(out.values())
