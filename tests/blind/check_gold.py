"""Consistency check of a blind set's gold (FOLDER/gold/*.json) against its article texts.

Run from the repository root:  .venv/bin/python tests/blind/check_gold.py [FOLDER]
(FOLDER: tests/blind, the default, or tests/blind2)

It checks the form of the gold only (JSON, exact substrings, IRIs as graph.iri.mint_path mints
them, references between facts, same_as links, evidence sentences); it never runs the extractor.
"""

from __future__ import annotations

import datetime
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from graph.iri import mint_path, normalise_quote, slugify  # noqa: E402

HERE = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parent

STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
}
STATE_IRI = {mint_path("jurisdiction", n): (code, n) for code, n in STATES.items()}

EVENT_TYPES = {
    "Meeting",
    "Boycott",
    "Demand",
    "Threat",
    "StatementEvent",
    "PressConference",
    "Tweet",
    "Lawsuit",
    "CourtRuling",
    "ExecutiveOrder",
    "Review",
}
ROLES = {"agent", "target", "attendee", "boycotter"}
CHANNELS = {
    "said",
    "tweet",
    "statement",
    "press conference",
    "press release",
    "interview",
    "told media",
}
THREATS = {"subpoena", "legal action", "funding cut"}
ORG_KINDS = {"GovernmentBody", "Organization", "NewsOutlet", "PoliticalParty"}
JUR_KINDS = {"City", "County", "State", "Country"}
STATUSES = {"held", "scheduled", "canceled"}
KEYS = [
    "article",
    "published",
    "persons",
    "posts",
    "parties",
    "organizations",
    "jurisdictions",
    "statutes",
    "letters",
    "events",
    "quotes",
    "evidence",
]
FORBIDDEN = ["Sessions", "Landrieu", "de Blasio", "Emanuel", "Garcetti", "Conference of Mayors"]
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def check(path: Path) -> list[str]:
    errs: list[str] = []
    slug = path.stem

    def err(msg: str) -> None:
        errs.append(f"{slug}: {msg}")

    g = json.loads(path.read_text(encoding="utf-8"))
    text = (HERE / f"{slug}.txt").read_text(encoding="utf-8")
    meta = json.loads((HERE / f"{slug}.meta.json").read_text(encoding="utf-8"))
    flat = " ".join(text.split())

    def has(s: str) -> bool:
        return s in text or " ".join(s.split()) in flat

    for k in KEYS:
        if k not in g:
            err(f"missing key {k}")
    if g["article"] != slug or g["published"] != meta["published"] or slug[:10] != g["published"]:
        err("article/published do not match the file name and sidecar")
    if set(meta) != {"title", "publisher", "published", "published_basis"}:
        err(f"sidecar keys {sorted(meta)}")
    if text.split("\n", 1)[0].strip() != meta["title"]:
        err("first line is not the sidecar title")
    words = len(text.split())
    if not 150 <= words <= 450:
        err(f"{words} words")
    for name in FORBIDDEN:
        if name in text:
            err(f"forbidden name from the existing corpus: {name}")

    persons = {p["iri"]: p for p in g["persons"]}
    orgs = {o["iri"]: o for o in g["organizations"]}
    jurs = {j["iri"]: j for j in g["jurisdictions"]}
    statutes = {s["iri"] for s in g["statutes"]}
    entities = set(persons) | set(orgs) | set(jurs)
    for coll in (g["persons"], g["organizations"], g["jurisdictions"], g["statutes"]):
        iris = [e["iri"] for e in coll]
        if len(iris) != len(set(iris)):
            err(f"duplicate IRIs in {iris}")

    for p in g["persons"]:
        if p["iri"] != mint_path("person", p["name"]):
            err(f"person IRI {p['iri']} != mint_path of {p['name']!r}")
        surname = p["name"].replace(" Jr.", "").split()[-1]
        if surname not in text:
            err(f"person surname {surname!r} not in the text")
    for o in g["organizations"]:
        if o["iri"] != mint_path("organization", o["name"]):
            err(f"organization IRI {o['iri']} != mint_path of {o['name']!r}")
        if o["kind"] not in ORG_KINDS:
            err(f"organization kind {o['kind']}")
    for j in g["jurisdictions"]:
        kinds = set(j["kinds"])
        if not kinds or not kinds <= JUR_KINDS:
            err(f"jurisdiction kinds {j['kinds']}")
        if j["iri"] == "jurisdiction/washington-dc":
            ok = j["state"] == "jurisdiction/district-of-columbia" and j["kinds"] == ["City"]
        elif kinds & {"State", "Country"}:
            ok = j["state"] is None and j["iri"] == mint_path("jurisdiction", j["name"])
        else:
            code = STATE_IRI.get(j["state"], (None,))[0]
            ok = code is not None and j["iri"] == mint_path("jurisdiction", j["name"], state=code)
        if not ok:
            err(f"jurisdiction {j['iri']} inconsistent ({j['name']}, {j['state']})")
        if (
            j["state"]
            and j["state"] != "jurisdiction/district-of-columbia"
            and j["state"] not in STATE_IRI
        ):
            err(f"unknown state {j['state']}")

    for p in g["posts"]:
        if p["person"] not in persons:
            err(f"post of unlisted person {p['person']}")
        if not has(p["text"]):
            err(f"post text not in article: {p['text']!r}")
        of = p["of"]
        if of in jurs and set(jurs[of]["kinds"]) & {"City", "County"}:
            holder = f"{jurs[of]['name']} {STATE_IRI[jurs[of]['state']][0]}"
        elif of in STATE_IRI:
            holder = STATE_IRI[of][1]
        elif of == "jurisdiction/united-states":
            holder = "the United States"
        elif of in orgs:
            holder = "the " + orgs[of]["name"]
        else:
            holder = None
            if not p["post"].startswith(f"post/{slugify(p['office'])}-of-"):
                err(f"post {p['post']} does not start with the office")
        if holder is not None and p["post"] != mint_path("post", p["office"], holder):
            err(f"post {p['post']} != {mint_path('post', p['office'], holder)}")

    for pa in g["parties"]:
        if (
            pa["person"] not in persons
            or pa["party"] not in orgs
            or orgs[pa["party"]]["kind"] != "PoliticalParty"
        ):
            err(f"party fact {pa}")
    for s in g["statutes"]:
        if not has(s["text"]):
            err(f"statute text not in article: {s['text']!r}")

    for le in g["letters"]:
        if le["sender"] not in entities:
            err(f"letter sender {le['sender']} not listed")
        for r in le["recipients"]:
            if r not in entities:
                err(f"letter recipient {r} not listed")
        if le["date"] is not None and not DATE.match(le["date"]):
            err(f"letter date {le['date']}")
        if le["statute"] is not None and le["statute"] not in statutes:
            err(f"letter statute {le['statute']} not listed")
        if not set(le["threatens"]) <= THREATS:
            err(f"threatens {le['threatens']}")
        if not has(le["text"]):
            err(f"letter text not in article: {le['text']!r}")
        if le["sender"] in orgs and orgs[le["sender"]]["kind"] == "NewsOutlet":
            err("a news outlet as a letter's sender")

    for e in g["events"]:
        if e["type"] not in EVENT_TYPES:
            err(f"event type {e['type']}")
        if e["date"] is not None and not DATE.match(e["date"]):
            err(f"event date {e['date']}")
        for part in e["participants"]:
            if part["role"] not in ROLES or part["iri"] not in entities:
                err(f"participant {part}")
        if e["type"] == "Boycott" and any(p["role"] == "target" for p in e["participants"]):
            err("a target on a boycott")
        if "status" in e and (e["type"] != "Meeting" or e["status"] not in STATUSES):
            err(f"status {e['status']} on {e['type']}")
        if "via" in e and (e["via"] not in orgs or orgs[e["via"]]["kind"] != "NewsOutlet"):
            err(f"via {e['via']}")
        if not has(e["text"]):
            err(f"event text not in article: {e['text']!r}")

    for i, q in enumerate(g["quotes"]):
        if q["speaker"] is not None and q["speaker"] not in entities:
            err(f"quote speaker {q['speaker']} not listed")
        if q["channel"] not in CHANNELS:
            err(f"channel {q['channel']}")
        if not isinstance(q["partial"], bool):
            err("partial not a boolean")
        if not has(q["text"]):
            err(f"quote not in article: {q['text']!r}")
        if q["text"][:1] in '"“”' or q["text"][-1:] in '"“”':
            err(f"quote keeps its quotation marks: {q['text']!r}")
        if "same_as" in q:
            j = q["same_as"]
            if not (isinstance(j, int) and 0 <= j < i):
                err(f"same_as {j} of quote {i}")
            else:
                a, b = normalise_quote(q["text"]), normalise_quote(g["quotes"][j]["text"])
                if (a not in b and b not in a) or g["quotes"][j]["speaker"] != q["speaker"]:
                    err(f"same_as {j} of quote {i}: different words or speaker")

    facts = {
        "quote": {q["text"] for q in g["quotes"]},
        "letter": {le["text"] for le in g["letters"]},
        "event": {e["text"] for e in g["events"]},
        "person": set(persons),
    }
    if not 3 <= len(g["evidence"]) <= 6:
        err(f"{len(g['evidence'])} evidence entries")
    for ev in g["evidence"]:
        if ev["fact"] not in facts or ev["key"] not in facts[ev["fact"]]:
            err(f"evidence key not a {ev['fact']} of the gold: {ev['key']!r}")
        if not has(ev["sentence"]):
            err(f"evidence sentence not in article: {ev['sentence'][:60]!r}")
        if ev["fact"] == "person":
            surname = persons[ev["key"]]["name"].replace(" Jr.", "").split()[-1]
            if surname not in ev["sentence"]:
                err(f"evidence sentence does not name {ev['key']}")
        elif ev["fact"] == "quote" and ev["key"] not in ev["sentence"]:
            err(f"evidence sentence does not hold the quote {ev['key'][:40]!r}")
        elif ev["fact"] in ("letter", "event"):
            k, s = " ".join(ev["key"].split()), " ".join(ev["sentence"].split())
            if k not in s and s not in k:
                err(f"evidence sentence does not hold {ev['key'][:40]!r}")
    return errs


def main() -> int:
    files = sorted((HERE / "gold").glob("*.json"))
    errs: list[str] = []
    for f in files:
        errs += check(f)
    for t in sorted(HERE.glob("*.txt")):
        if not (HERE / "gold" / f"{t.stem}.json").exists():
            errs.append(f"{t.stem}: no gold")
    days = {datetime.date.fromisoformat(f.stem[:10]).strftime("%a") for f in files}
    for e in errs:
        print(e)
    print(f"{len(files)} gold files, {len(errs)} problems; weekdays: {' '.join(sorted(days))}")
    return 1 if errs else 0


if __name__ == "__main__":
    raise SystemExit(main())
