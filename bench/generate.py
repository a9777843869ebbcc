"""Synthetic articles in the style of the corpus, for measuring the build at scale.

Run: .venv/bin/python bench/generate.py N OUTDIR [--seed S]

Writes N articles (`NAME.txt` + `NAME.meta.json`, the corpus's format) about rounds of Justice
Department letters to jurisdictions over 8 U.S.C. § 1373, and what mayors, sheriffs, governors
and attorneys general said and did about them: quotations, boycotts, meetings, lawsuits,
dates. Everything varies with a seeded random generator, so the same N and seed give the same
files: new people (names drawn from the lists below), places (the curated gazetteer's cities,
counties and states, and made-up towns named with their state, "Maple Falls, Ohio", which the
extractor knows from the pattern), offices, quotes, dates and sentence shapes.

The names are the generator's own data; the extractor knows none of them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Graph, URIRef

from graph.iri import slugify
from graph.namespaces import CIV

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words("""
Aaron Abigail Adrian Aisha Alejandro Alicia Amara Andre Angela Anita Arjun Astrid Beatriz
Benjamin Bernadette Bianca Boris Brandon Bridget Caleb Camila Carmen Cedric Celeste Chandra
Charlotte Clarence Colette Connor Dalia Damon Daniela Darnell Deborah Desmond Diego Dolores
Dorothy Eduardo Eileen Elena Elijah Esther Ezra Fatima Felix Fernando Fiona Gabriel Gloria
Graham Greta Gustavo Hannah Harold Hector Helena Hiroshi Imani Ingrid Isaac Isabel Ivan
Jacqueline Jamal Janet Javier Jerome Joanna Jonah Josefina Julian Kamala Karen Keisha Kenji
Lamar Latoya Leonard Lillian Lorenzo Lucia Malcolm Marcus Margaret Marisol Martin Maya Mei
Miguel Miriam Nadia Nathan Nina Oliver Olivia Omar Pablo Patricia Pedro Priscilla Quentin
Rafael Ramona Raymond Rebecca Ricardo Rosa Ruth Samuel Sandra Santiago Simone Sofia Stanley
Tamika Theodore Tomas Trevor Valeria Vernon Victoria Vincent Walter Wendell Ximena Yolanda
Yusuf Zachary Zora
""")
LAST_NAMES = _words("""
Abernathy Acosta Adeyemi Alcott Alvarado Ambrose Archuleta Ashby Baptiste Barrientos Beaumont
Belcourt Benavides Blackwood Bondarenko Bradford Brennan Calloway Carrasco Castellanos Chavira
Chen Cisneros Coleridge Corrigan Costa Crowley Dabrowski Delacroix Donnelly Duarte Eckhart
Ellsworth Escobedo Fairbanks Farrow Feliciano Fitzgerald Galloway Garrido Gillespie Goldberg
Granger Guerrero Halvorsen Hargrove Hathaway Holloway Ibarra Iverson Jablonski Jennings
Kaminski Kavanagh Kessler Kowalczyk Lachance Landry Langford Lindqvist Lockhart Lombardi
Maldonado Marchand Mccarthy Medina Montoya Morrissey Nakamura Navarro Nwosu Okafor Olmstead
Oyelaran Pacheco Palmieri Pemberton Quintero Radcliffe Ramakrishnan Redmond Rinaldi Rosales
Saavedra Salazar Sandoval Santangelo Schofield Serrano Sorensen Stanhope Takahashi Tolliver
Trujillo Valdivia Vance Villanueva Wainwright Whitaker Winslow Yamamoto Zamora Zielinski
""")
TOWN_STARTS = _words("""
Ash Bay Birch Cedar Clear Cold Copper Crystal Deer Eagle Elm Fair Falcon Fox Glen Gold Green
Hazel Iron Lake Laurel Maple Meadow Mill Oak Pine Pleasant Red River Rock Rose Silver Spring
Stone Sun Walnut West Willow Wolf
""")
TOWN_ENDS = _words("""
brook burg dale field ford gate haven hill land mont port ridge ton vale view ville wood
""")
TOWN_WORDS = ["Falls", "Springs", "Heights", "Junction", "Harbor", "Valley", "Crossing"]
OUTLETS = [
    "The Valley Courier", "Riverside Ledger", "The Prairie Sentinel", "Coastal Daily Record",
    "The Capitol Observer", "Harbor City Dispatch", "Midland Public Radio", "The Lakeshore Post",
    "Frontier News Service", "The Granite State Monitor", "Metro Wire", "The Evening Bulletin",
]  # fmt: skip
PARTIES = ["D", "R", "D", "D", "R", "I"]
NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

# Quotations: a jurisdiction's answer, the department's case, and what the boycott meant.
DEFIANT = [
    "{place} will not be bullied into turning its police into immigration agents.",
    "Our officers keep this city safe by earning the trust of every resident.",
    "We have answered every question the department asked, and we will answer this one too.",
    "Nothing in federal law requires us to hold anyone without a judge's warrant.",
    "This letter is a fishing expedition dressed up as a compliance check.",
    "We follow the law, and we will keep following it.",
    "Threatening our grant money will not change who we are.",
    "If the department wants to take this to court, we are ready.",
    "Our residents should never be afraid to call the police.",
    "The Constitution does not allow Washington to commandeer our deputies.",
    "We will protect every family in {place}, whatever their papers say.",
    "This is politics, and it has nothing to do with public safety.",
    "We are proud of our policies and we are in full compliance with Section 1373.",
    "Our jail is not a waiting room for federal agents.",
]  # fmt: skip
SUPPORTIVE = [
    "Protecting criminal aliens from federal immigration authorities undermines the rule of law.",
    "Jurisdictions that refuse to cooperate put their own residents at risk.",
    "The law is clear, and every jurisdiction that takes federal grants must follow it.",
    "We expect a complete answer, and we expect it on time.",
    "Sharing information with federal officers is not optional.",
    "Too many communities have been put at risk by these policies.",
    "The department will use every lawful tool to get these records.",
]  # fmt: skip
BOYCOTT = [
    "I will not be attending a meeting with an administration that threatens our cities.",
    "An attack on one of our mayors is an attack on all of us.",
    "We will not be props in a photo opportunity while our cities are threatened.",
    "When the administration is ready for an honest conversation, we will be there.",
]  # fmt: skip
STATUTE_FORMS = [
    "Section 1373", "8 U.S.C. § 1373", "8 USC 1373", "Title 8, Section 1373 of the U.S. Code",
    "8 U.S.C. 1373",
]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


@dataclass
class Place:
    """A jurisdiction and the people who speak for it."""

    name: str  # as a story names it alone: "Maple Falls", "Dane County", "Ohio"
    kind: str  # city, county, state
    state: str  # the state's name ("" for a state itself)
    officials: dict[str, str] = field(default_factory=dict)  # office → person
    parties: dict[str, str] = field(default_factory=dict)  # person → party letter

    def qualified(self) -> str:
        """How a list of recipients names it: "Maple Falls, Ohio", "State of Ohio"."""
        return f"State of {self.name}" if self.kind == "state" else f"{self.name}, {self.state}"


def curated_places() -> tuple[list[Place], list[str]]:
    """The curated gazetteer's cities and counties with a state, and the states' names."""
    graph = Graph()
    for name in ("us-geography.ttl", "us-places.ttl"):
        graph.parse(PROJECT_ROOT / "graph" / "curated" / name, format="turtle")
    states = {
        s: str(graph.value(s, RDFS.label))
        for s in graph.subjects(RDF.type, CIV.State)
        if graph.value(s, CIV.postalCode) is not None
    }
    places = []
    for thing in sorted(set(graph.subjects(RDF.type, None)), key=str):
        kinds = set(graph.objects(thing, RDF.type))
        state = next((states[o] for o in graph.objects(thing, CIV.locatedIn) if o in states), None)
        label = str(graph.value(thing, RDFS.label) or "")
        if state and label and kinds & {CIV.City, CIV.County}:
            kind = "county" if CIV.County in kinds and label.endswith("County") else "city"
            places.append(Place(label, kind, state))
    names = sorted(v for k, v in states.items() if isinstance(k, URIRef))
    return places, [n for n in names if n not in ("District of Columbia",)]


class World:
    """The places and people the stories of one seed are about."""

    def __init__(self, rng: random.Random, size: int) -> None:
        self.rng = rng
        self.used_names: set[str] = set()
        known, self.states = curated_places()
        places = rng.sample(known, min(len(known), max(8, size // 2)))
        made_up: set[str] = set()
        while len(places) < size:
            state = rng.choice(self.states)
            if rng.random() < 0.3:
                name, kind = f"{rng.choice(LAST_NAMES)} County", "county"
            elif rng.random() < 0.5:
                name, kind = f"{rng.choice(TOWN_STARTS)} {rng.choice(TOWN_WORDS)}", "city"
            else:
                name, kind = rng.choice(TOWN_STARTS) + rng.choice(TOWN_ENDS), "city"
            if (name, state) not in made_up:
                made_up.add((name, state))
                places.append(Place(name, kind, state))
        self.places = places
        self.state_places = {s: Place(s, "state", "") for s in self.states}
        self.attorneys_general = [self.person() for _ in range(3)]
        self.spokespeople = [self.person() for _ in range(4)]

    def person(self) -> str:
        while True:
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            if self.rng.random() < 0.12:
                last = f"{last}-{self.rng.choice(LAST_NAMES)}"
            name = f"{first} {last}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def official(self, place: Place, office: str) -> str:
        """The person holding `office` for `place` (the same one in every story)."""
        if office not in place.officials:
            person = self.person()
            place.officials[office] = person
            place.parties[person] = self.rng.choice(PARTIES)
        return place.officials[office]


def surname(person: str) -> str:
    return person.split()[-1]


def quote(
    rng: random.Random, bank: list[str], place: str, most: int = 3, lead: bool = False
) -> str:
    """One to `most` sentences of a bank; `lead`: followed by its attribution ("…,” X said)."""
    chosen = rng.sample(bank, rng.randint(1, min(most, len(bank))))
    words = " ".join(s.format(place=place) for s in chosen)
    return words[:-1] + "," if lead and words.endswith(".") else words


def date_words(rng: random.Random, day: dt.date, published: dt.date) -> str:
    """How a story dates something relative to its own date."""
    delta = (published - day).days
    if delta == 0:
        return rng.choice(["today", f"on {WEEKDAYS[day.weekday()]}", WEEKDAYS[day.weekday()]])
    if delta == 1:
        return rng.choice(["yesterday", f"on {WEEKDAYS[day.weekday()]}"])
    if delta < 7:
        return f"on {WEEKDAYS[day.weekday()]}"
    return f"on {MONTHS[day.month - 1]} {day.day}"


BACKGROUND = [
    "{statute} says that state and local governments may not stop their employees from sharing "
    "information about a person's citizenship or immigration status with federal officials.",
    "So-called sanctuary jurisdictions limit how far their police and jails help federal "
    "immigration agents, most often by refusing to hold people past their release dates "
    "without a judge's warrant.",
    "Several federal courts have blocked earlier attempts by the administration to attach new "
    "immigration conditions to police grants, and the lawsuits are still being litigated.",
    "The grants at stake pay for police overtime, body cameras and programs in local jails, and "
    "in some places they are worth several million dollars a year.",
    "Supporters of the policies say that residents who fear deportation stop reporting crimes "
    "when local police are seen as an arm of immigration enforcement.",
    "The administration argues that the policies let people who have committed crimes go free "
    "when they could have been handed to federal officers.",
    "Local officials have pointed out that their jails already tell federal officers when an "
    "inmate is released if the agency asks in writing.",
]  # fmt: skip
CLOSINGS = [
    "The Justice Department did not respond to a request for comment.",
    "A spokesman for U.S. Immigration and Customs Enforcement declined to comment.",
    "Officials in several of the other jurisdictions did not return calls.",
    "The deadline for answers is at the end of next month.",
    "It was not clear how many of the jurisdictions planned to answer.",
]  # fmt: skip


def weekday_before(day: dt.date, rng: random.Random) -> dt.date:
    """A working day a few days before `day` (letters are not sent at weekends)."""
    sent = day - dt.timedelta(days=rng.choice([0, 0, 1, 1, 2, 3, 5, 9]))
    while sent.weekday() >= 5:
        sent -= dt.timedelta(days=1)
    return sent


def listing(rng: random.Random, places: list[Place]) -> str:
    """The recipients in a sentence ("A, Ohio; B, Iowa; and C") or as a bulleted list."""
    names = [p.qualified() for p in places]
    if len(names) >= 4 and rng.random() < 0.25:
        bullets = "\n".join(f"  • {n};" for n in names[:-1]) + f"\n  • {names[-1]}."
        return rng.choice(["The letters went to:", "The jurisdictions were:"]) + "\n\n" + bullets
    joined = "; ".join(names[:-1]) + f"; and {names[-1]}" if len(names) > 1 else names[0]
    return rng.choice(
        [
            f"The letters went to {joined}.",
            f"Identical letters were sent to {joined}.",
            f"Among the recipients were {joined}.",
        ]
    )


def reaction(rng: random.Random, world: World, place: Place, published: dt.date) -> list[str]:
    """What an official of `place` said: one or two paragraphs with a quotation."""
    office = {
        "city": rng.choice(["Mayor", "Mayor", "Police Chief"]),
        "county": rng.choice(["Sheriff", "Sheriff", "Commissioner"]),
        "state": rng.choice(["Governor", "Attorney General"]),
    }[place.kind]
    person = world.official(place, office)
    party = place.parties[person]
    said = date_words(rng, published - dt.timedelta(days=rng.choice([0, 0, 1])), published)
    titled = f"{office} {person}"
    shape = rng.randrange(6)
    if shape == 0:
        words = quote(rng, DEFIANT, place.name)
        text = f"{place.name} {titled} ({party}) said {said} that the letter changed nothing. “{words}”"
    elif shape == 1:
        words = quote(rng, DEFIANT, place.name, lead=True)
        text = f"“{words}” {place.name} {titled} said in a statement released {said}."
    elif shape == 2:
        words = quote(rng, DEFIANT, place.name)
        text = (
            f"{person}, the {office.lower()} of {place.name}, answered on Twitter {said}: “{words}”"
        )
    elif shape == 3:
        words = quote(rng, DEFIANT, place.name, lead=True)
        since = published.year - rng.randint(1, 9)
        text = (
            f"“{words}” said {person}, a {rng.choice(['Democrat', 'Republican'])} who has "
            f"served as {office.lower()} of {place.name} since {since}."
        )
    elif shape == 4:
        words = quote(rng, DEFIANT, place.name)
        text = f"At a news conference {said}, {place.name} {titled} said: “{words}”"
    else:
        words = quote(rng, DEFIANT, place.name, lead=True)
        text = f"“{words}” {titled} of {place.name} told reporters {said}."
    paragraphs = [text]
    if rng.random() < 0.5:
        more = quote(rng, [s for s in DEFIANT if s.format(place=place.name) not in words],
                     place.name, most=2, lead=True)  # fmt: skip
        paragraphs.append(f"“{more}” {surname(person)} added.")
    return paragraphs


def article(rng: random.Random, world: World, index: int) -> tuple[str, str, dict[str, str]]:
    """One story: (file stem, text, sidecar)."""
    published = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365))
    sent = weekday_before(published, rng)
    recipients = rng.sample(world.places, rng.randint(2, 7))
    if rng.random() < 0.4:
        recipients.append(world.state_places[rng.choice(world.states)])
    lead = recipients[0]
    statute = rng.choice(STATUTE_FORMS)
    sent_words = date_words(rng, sent, published)
    attorney_general = rng.choice(world.attorneys_general)
    count = NUMBERS[len(recipients)] if len(recipients) < 10 else str(len(recipients))
    others = len(recipients) - 1
    title = rng.choice(
        [
            f"Justice Department warns {lead.name} over sanctuary policies",
            f"{lead.name} among {count} jurisdictions told to prove immigration cooperation",
            f"DOJ letters demand records from {lead.name} and {NUMBERS[others]} other"
            + ("s" if others > 1 else ""),
            f"{lead.name} officials push back on Justice Department records demand",
            f"Sanctuary fight: {count} jurisdictions face subpoena threat",
        ]
    )
    kinds = (
        "cities, counties and states"
        if any(p.kind == "state" for p in recipients)
        else ("jurisdictions")
    )
    paragraphs = [title]
    paragraphs.append(
        rng.choice(
            [
                f"The Justice Department sent letters {sent_words} to {count} {kinds}, "
                f"demanding records showing that their police share information with federal "
                f"immigration agents as {statute} requires.",
                f"The U.S. Department of Justice {sent_words} threatened to subpoena {count} "
                f"{kinds} that it says have not shown they comply with {statute}, the "
                f"federal law on sharing immigration information.",
                f"The Justice Department's letters, sent {sent_words} to {count} {kinds}, ask "
                f"each to certify that it complies with {statute}.",
            ]
        )
    )
    paragraphs.append(listing(rng, recipients))
    paragraphs.append(
        rng.choice(
            [
                "The department warned that it could issue subpoenas if the records were not "
                "produced within 30 days.",
                "Jurisdictions that fail to respond could lose federal grant funding for police "
                "overtime and jail programs, the letters said.",
                "The letters threatened legal action and said federal grants could be withheld.",
            ]
        )
    )
    ag_says = rng.choice(["said in a statement", "said", "told reporters"])
    paragraphs.append(
        f"“{quote(rng, SUPPORTIVE, lead.name, lead=True)}” Attorney General {attorney_general} "
        f"{ag_says}."
    )
    background = rng.sample(BACKGROUND, rng.randint(0, 3))
    paragraphs.extend(b.format(statute=statute) for b in background[:1])
    for place in rng.sample(recipients, min(len(recipients), rng.randint(1, 3))):
        paragraphs.extend(reaction(rng, world, place, published))
    paragraphs.extend(b.format(statute=statute) for b in background[1:])
    if rng.random() < 0.45:
        boycotter = next((p for p in recipients if p.kind == "city"), recipients[0])
        mayor = world.official(boycotter, "Mayor")
        meeting_day = published - dt.timedelta(days=rng.choice([0, 1]))
        paragraphs.append(
            f"{boycotter.name} Mayor {mayor} also boycotted a meeting at the White House "
            f"{date_words(rng, meeting_day, published)}, saying the letters had made it untenable."
        )
        paragraphs.append(
            f"“{quote(rng, BOYCOTT, boycotter.name, most=2, lead=True)}” {surname(mayor)} said."
        )
    if rng.random() < 0.3:
        suer = rng.choice(recipients)
        paragraphs.append(
            f"{suer.name} filed a lawsuit {date_words(rng, published, published)} asking a "
            f"federal judge to stop the department from withholding public safety grants."
        )
    if rng.random() < 0.5:
        spokesperson = rng.choice(world.spokespeople)
        paragraphs.append(
            f"“{quote(rng, SUPPORTIVE, lead.name, most=2, lead=True)}” said {spokesperson}, a "
            f"spokesperson for the Justice Department."
        )
    if rng.random() < 0.35:
        earlier = MONTHS[(sent.month - 1 - rng.randint(2, 8)) % 12]
        paragraphs.append(
            f"The department first wrote to most of these jurisdictions last {earlier}, and "
            f"several did not respond or sent answers it judged incomplete."
        )
    paragraphs.append(rng.choice(CLOSINGS))
    text = "\n\n".join(paragraphs) + "\n"
    publisher = rng.choice(OUTLETS)
    stem = f"{published.isoformat()}-{slugify(title)[:60].rstrip('-')}-{index:05d}"
    sidecar = {
        "title": title,
        "publisher": publisher,
        "published": published.isoformat(),
        "published_basis": "generated by bench/generate.py",
        "url": f"https://news.example.com/{published.year}/{stem}",
        "source_file": f"generated-{index:05d}.txt",
    }
    return stem, text, sidecar


def generate(count: int, out: Path, seed: int = 1373) -> list[Path]:
    """Write `count` articles into `out` (created; existing generated files are replaced)."""
    rng = random.Random(seed)
    world = World(rng, size=max(12, count // 3))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for index in range(count):
        stem, text, sidecar = article(rng, world, index)
        path = out / f"{stem}.txt"
        path.write_text(text, encoding="utf-8")
        (out / f"{stem}.meta.json").write_text(
            json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="how many articles")
    parser.add_argument("out", type=Path, help="folder to write them into")
    parser.add_argument("--seed", type=int, default=1373, help="random seed (default 1373)")
    args = parser.parse_args()
    paths = generate(args.count, args.out, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} articles ({size / 1024:.0f} KiB of text) to {args.out}")


if __name__ == "__main__":
    main()
