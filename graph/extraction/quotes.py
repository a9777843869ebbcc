"""Direct quotations and who said them.

A quotation is text between double quotation marks that the sentence attributes to someone:
a reporting verb (said, tweeted, told, added, …) whose subject names a person or a body, or
a pronoun resolved to the person last named, or — for a quotation standing alone — the
speaker of the quotation just before it or the one the next sentence names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graph.extraction.entities import EntityMention
from graph.extraction.text import QuoteSpan

REPORTING = {
    "say", "tweet", "tell", "add", "write", "state", "declare", "note", "warn", "reply",
    "respond", "explain", "argue", "announce", "continue", "insist", "ask", "call", "urge",
    "post", "remark", "recall", "acknowledge", "admit", "complain", "claim", "contend", "vow",
    "conclude", "emphasize", "stress", "testify", "predict", "counter", "caution", "quip",
    "joke", "observe", "mention", "suggest", "maintain",
}  # fmt: skip
TITLE_NOUNS = {
    "mayor", "sheriff", "governor", "chief", "spokesman", "spokeswoman", "spokesperson",
    "commissioner", "senator", "representative", "judge", "director", "chairman", "chairwoman",
    "chair", "president", "secretary", "attorney", "counsel", "superintendent",
}  # fmt: skip
PLACE_NOUNS = {"city": "City", "county": "County", "state": "State"}
BODY_NOUNS = {
    "office",
    "department",
    "agency",
    "administration",
    "council",
    "court",
    "board",
    "commission",
}
PRONOUNS = {"he", "she", "they", "it", "i", "we"}
_CHANNELS = [
    (re.compile(r"\btweet|\btwitter\b|@\w+", re.I), "tweet"),
    (re.compile(r"press release", re.I), "press release"),
    (re.compile(r"press conference|news conference|press briefing", re.I), "press conference"),
    (re.compile(r"\bstatement\b", re.I), "statement"),
    (
        re.compile(
            r"\b(?:told|interview)\b.*\b(?:media|reporters?|cnn|nbc|abc|cbs|npr|fox|times|post|news|journal)\b|in an interview",
            re.I,
        ),
        "told media",
    ),
    (re.compile(r"\bwrote\b|\bletters?\b", re.I), "statement"),
]


@dataclass(frozen=True)
class Quotation:
    start: int
    end: int
    text: str
    speaker: str | None  # path of a person or organisation
    channel: str
    partial: bool
    sentence: tuple[int, int]


def _channel(frame: str, before: str = "") -> str:
    """The channel a quotation's frame names; "she wrote" after a post on a platform (the
    sentence before: "posted on Twitter", "on X", "on Facebook") is that post's."""
    for pattern, name in _CHANNELS:
        if pattern.search(frame):
            if (
                name == "statement"
                and _WROTE.fullmatch(frame.strip(' ,.”"'))
                and _POSTED.search(before)
            ):
                return "tweet"
            return name
    return "said"


_WROTE = re.compile(r"(?:(?:she|he|they|it)\s+wrote|wrote\s+\w+(?:[\s-]\w+)?|[\w-]+\s+wrote)", re.I)
_POSTED = re.compile(r"\btwitter\b|\btweet|\bon (?-i:X)\b|\bfacebook\b|\bposted\b", re.I)


def _is_partial(text: str, full_text: str, start: int, end: int) -> bool:
    if not text[:1].isupper() and not text[:1].isdigit():
        return True
    after = full_text[end : end + 3]
    ends_sentence = bool(re.search(r"[.!?,…—–-]$", text)) or bool(
        re.match(r"^[”\"]?\s*[.!?]", after[:3])
    )
    before = full_text[max(0, start - 3) : start - 1]
    inside_sentence = bool(re.search(r"[a-z]\s*$", before)) and not re.search(r"[:,]\s*$", before)
    return not ends_sentence or (inside_sentence and not ends_sentence)


# the parts of a subject that name others: "who met Gov. B", "a spokeswoman for Gov. B"
_ASIDE_DEPS = {"relcl", "acl", "prep", "advcl"}


def _subject_speaker(
    subj: Any,
    speakers: list[EntityMention],
    speaker_at: Callable[[int, int], EntityMention | None],
) -> EntityMention | None:
    """The speaker a subject names: the person whose name is the subject's own word ("Mayor
    A, who met Gov. B, said" is A; "said A, a spokeswoman for Gov. B" is A), else the last
    person of the subject without its clauses and prepositional phrases ("Gov. B's
    spokeswoman, A"), else the last one of its whole subtree."""
    own = [m for m in speakers if m.kind == "person" and m.start <= subj.idx < m.end]
    if own:
        return own[-1]
    aside = {
        t.i for c in subj.subtree if c.dep_ in _ASIDE_DEPS and c is not subj for t in c.subtree
    }
    kept = [t for t in subj.subtree if t.i not in aside]
    persons = [
        m for m in speakers if m.kind == "person" and any(m.start <= t.idx < m.end for t in kept)
    ]
    if persons:
        return persons[-1]
    words = list(subj.subtree)
    return speaker_at(words[0].idx, words[-1].idx + len(words[-1].text))


def find_quotations(
    doc: Any,
    spans: list[QuoteSpan],
    mentions: list[EntityMention],
    body: list[tuple[int, int]],
    place_classes: Callable[[str], set[str]] = lambda path: set(),
) -> list[Quotation]:
    """Attributed quotations, in text order; an unattributed fragment is dropped."""
    text = doc.text
    inside = [(q.start, q.end) for q in spans]

    def quoted(pos: int) -> bool:
        return any(s <= pos < e for s, e in inside)

    speakers = [m for m in mentions if m.kind in ("person", "organization") and not quoted(m.start)]
    places: list[EntityMention] | None = [
        m for m in mentions if m.kind == "jurisdiction" and not quoted(m.start)
    ]

    def speaker_at(start: int, end: int) -> EntityMention | None:
        found = [m for m in speakers if m.start < end and start < m.end]
        persons = [m for m in found if m.kind == "person"]
        best = persons or found
        return best[-1] if best else None

    def last_named(before: int, kind: str = "person") -> EntityMention | None:
        found = [m for m in speakers if m.end <= before and m.kind == kind]
        return found[-1] if found else None

    out: list[Quotation] = []
    previous: Quotation | None = None
    for q in spans:
        if not any(b <= q.start and q.end <= e for b, e in body):
            continue
        sents = [s for s in doc.sents if s.start_char < q.end + 1 and q.start - 1 < s.end_char]
        if not sents:
            continue
        # a quotation's frame never crosses its paragraph
        p_start = text.rfind("\n", 0, q.start) + 1
        p_end = text.find("\n", q.end)
        p_end = len(text) if p_end == -1 else p_end
        s_start, s_end = max(sents[0].start_char, p_start), min(sents[-1].end_char, p_end)
        frame_tokens = [
            t
            for s in sents
            for t in s
            if s_start <= t.idx < s_end and not quoted(t.idx) and not t.is_punct and not t.is_space
        ]
        frame = " ".join(t.text for t in frame_tokens)
        speaker: EntityMention | None = None
        named_before = False  # a named subject of a reporting verb before the quotation
        verbs = [
            t
            for t in frame_tokens
            if t.lemma_.lower() in REPORTING
            and (t.pos_ in ("VERB", "AUX") or (t.pos_ == "NOUN" and t.lemma_.lower() == "tweet"))
        ]
        # a participle used as an adjective ("written policies") reports nothing
        verbs = [t for t in verbs if t.dep_ not in ("amod", "acl", "relcl", "compound")]
        # a verb with a subject of its own first, then the nearest
        verbs.sort(
            key=lambda t: (
                not any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children),
                min(abs(t.idx - q.start), abs(t.idx - q.end)),
            )
        )
        for verb in verbs[:1]:
            head, subjects = verb, []
            # the parse may run on into the line above (the headline, a time stamp): then
            # the subject is the paragraph's last word before the verb that hangs on it
            hung = [
                t for t in frame_tokens if p_start <= t.idx < verb.idx and t.head.idx < p_start
            ][-1:]
            for _ in range(6):
                subjects = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
                if subjects and all(c.idx < p_start for c in subjects):
                    subjects = hung
                    break
                if subjects or head.head is head:
                    break
                if head.head.idx < p_start:
                    subjects = hung
                    break
                head = head.head
            for subj in subjects:
                if subj.lower_ in PRONOUNS:
                    speaker = last_named(
                        q.start, "organization" if subj.lower_ == "it" else "person"
                    )
                    break
                speaker = _subject_speaker(subj, speakers, speaker_at)
                named_before = speaker is not None and verb.idx < q.start
                if (
                    speaker is not None
                    and speaker.kind == "organization"
                    and not speaker.start <= subj.idx < speaker.end
                ):
                    speaker = None  # "a senior Labor Department official": no one named
                if speaker is None and subj.lower_ in TITLE_NOUNS:
                    # "the sheriff said": the person last named with that title
                    titled = [
                        m
                        for m in speakers
                        if m.kind == "person"
                        and m.end <= q.start
                        and subj.lower_ in text[max(0, m.start - 40) : m.end + 40].lower()
                    ]
                    speaker = titled[-1] if titled else None
                if speaker is None and subj.lower_ in BODY_NOUNS:
                    # "the sheriff's office said": the body of that kind named last
                    bodies = [m for m in speakers if m.kind == "organization" and m.end <= q.start]
                    speaker = next(
                        (m for m in reversed(bodies) if subj.lower_ in m.text.lower()), None
                    )
                if speaker is None and subj.lower_ in PLACE_NOUNS and places is not None:
                    # "the city said in a statement": the place of that kind named last
                    kind = PLACE_NOUNS[subj.lower_]
                    speaker = next(
                        (
                            m
                            for m in reversed(places)
                            if m.end <= q.start and kind in place_classes(m.iri)
                        ),
                        None,
                    )
            if not subjects:
                # "said Attorney General X", "according to X": the name after the verb
                near = [m for m in speakers if s_start <= m.start < s_end and m.start > verb.idx]
                speaker = next((m for m in near if m.kind == "person"), near[0] if near else None)
        partial = _is_partial(q.text, text, q.start, q.end)
        if speaker is None and not frame_tokens and previous is not None and previous.speaker:
            # a quotation standing alone goes on the words of the one just before
            speaker = next((m for m in speakers if m.iri == previous.speaker), None)
        if speaker is None and not partial and len(q.text.split()) >= 4:
            nxt = next((s for s in doc.sents if s.start_char >= s_end), None)
            if (
                nxt is not None
                and any(t.lemma_ in REPORTING for t in nxt)
                and not any(quoted(t.idx) for t in nxt)
            ):
                speaker = speaker_at(nxt.start_char, nxt.end_char)
        if speaker is None:
            continue
        if partial and len(q.text.split()) < 3 and not named_before:
            follow = text[q.end : q.end + 25]
            if not re.match(r"^[,”\"\s]*(?:\w+\s+)?(?:said|says|added|wrote|tweeted)\b", follow):
                continue  # a scare-quoted term, not somebody's words
        quotation = Quotation(
            q.start,
            q.end,
            q.text,
            speaker.iri,
            _channel(frame, text[max(0, s_start - 200) : s_start]),
            partial,
            (s_start, s_end),
        )
        out.append(quotation)
        previous = quotation
    return out
