"""What the curated graph knows about named things, in a form the extractor can look up.

Built once in the main process from the curated graph (labels, aliases, types, states) and
handed to the extraction workers; it holds no article's names of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, Graph, URIRef

from graph.namespaces import CIV

KIND_OF_CLASS = {
    CIV.Person: "person",
    CIV.Organization: "organization",
    CIV.GovernmentBody: "organization",
    CIV.NewsOutlet: "organization",
    CIV.PoliticalParty: "party",
    CIV.Jurisdiction: "jurisdiction",
    CIV.Country: "jurisdiction",
    CIV.State: "jurisdiction",
    CIV.County: "jurisdiction",
    CIV.City: "jurisdiction",
    CIV.Statute: "statute",
}
_ORG_DROP = re.compile(r"\b(the|u\.?\s?s\.?|us|united states|federal)\b")


def org_key(name: str) -> str:
    """A loose key for an organisation's name: "the U.S. Dept. of Labor" ~ "Labor Department"."""
    text = name.lower().replace("’", "'").replace("dept.", "department").replace("&", "and")
    text = re.sub(r"'s\b", "", text)
    text = _ORG_DROP.sub(" ", text)
    words = re.findall(r"[a-z0-9]+", text)
    # "justice department" → "department of justice"
    if (
        len(words) >= 2
        and words[-1] in ("department", "agency", "office", "bureau")
        and "of" not in words
    ):
        words = [words[-1], "of", *words[:-1]]
    return " ".join(words)


@dataclass(frozen=True)
class Known:
    """A named thing the curated graph knows."""

    iri: str
    kind: str
    label: str
    classes: frozenset[str] = frozenset()
    postal_code: str | None = None  # a state's
    state: str | None = None  # the IRI of the state a city or county lies in
    short_name: str | None = None


@dataclass
class Gazetteer:
    """Known things by IRI, by surface name, and the few indexes extraction needs."""

    by_iri: dict[str, Known] = field(default_factory=dict)
    by_path: dict[str, Known] = field(default_factory=dict)  # "person/jeff-sessions" → Known
    names: dict[str, list[str]] = field(default_factory=dict)  # exact surface form → IRIs
    org_keys: dict[str, str] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)  # lower-case name or code → state IRI
    posts: dict[str, tuple[str, str]] = field(default_factory=dict)  # post IRI → (office, holder)
    events: dict[tuple[str, str], str] = field(default_factory=dict)  # (class, date) → path
    letters: set[str] = field(default_factory=set)  # paths of the curated letters
    tenures: set[str] = field(default_factory=set)  # paths of the curated tenures
    # (class, date) → every curated event of that kind that day: (path, its agents' paths, the
    # words that describe it), to tell apart two events of one kind on one day
    same_day: dict[tuple[str, str], list[tuple[str, frozenset[str], frozenset[str]]]] = field(
        default_factory=dict
    )

    def is_event(self, path: str) -> bool:
        """Whether `path` is a curated event's."""
        return any(path == c[0] for found in self.same_day.values() for c in found)

    def kind(self, iri: str) -> str | None:
        known = self.by_iri.get(iri)
        return known.kind if known else None

    def lookup(self, name: str) -> list[Known]:
        return [self.by_iri[i] for i in self.names.get(name, [])]

    def state_named(self, name: str, codes: bool = True) -> Known | None:
        """The state a name (or, with `codes`, a two-letter postal code) denotes; the curated
        graph's aliases give the AP stylebook's abbreviations ("Ariz.", "Calif.")."""
        key = name.strip().lower().rstrip(".")
        if not codes and len(key) == 2:
            return None
        iri = self.states.get(key)
        return self.by_iri.get(iri) if iri else None


_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "by",
        "with",
        "from",
        "at",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "that",
        "this",
        "it",
        "its",
        "their",
        "his",
        "her",
        "they",
        "he",
        "she",
        "we",
        "our",
        "or",
        "not",
        "no",
    ]
)


def content_words(text: str) -> frozenset[str]:
    """The words of a text that say what it is about: lower case, no short or common words,
    each cut to its first five letters ("subpoena" and "subpoenas" alike)."""
    return frozenset(
        w[:5] for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 3 and w not in _STOP
    )


def build_gazetteer(curated: Graph, ontology: Graph) -> Gazetteer:
    """Index the curated graph's named things (types closed over the ontology's subclasses)."""
    supers: dict[URIRef, set[URIRef]] = {}
    for cls in set(ontology.subjects(RDF.type, None)) | set(KIND_OF_CLASS):
        if isinstance(cls, URIRef):
            supers[cls] = {
                c
                for c in ontology.transitive_objects(cls, RDFS.subClassOf)
                if isinstance(c, URIRef)
            }
    gaz = Gazetteer()
    gaz.tenures = {
        str(tenure).split("/id/", 1)[-1]
        for tenure in curated.subjects(RDF.type, CIV.Tenure)
        if isinstance(tenure, URIRef)
    }
    gaz.letters = {
        str(letter).split("/id/", 1)[-1]
        for letter in curated.subjects(RDF.type, CIV.Letter)
        if isinstance(letter, URIRef)
    }
    for thing in sorted(set(curated.subjects(RDF.type, None)), key=str):
        if not isinstance(thing, URIRef):
            continue
        classes: set[URIRef] = set()
        for cls in curated.objects(thing, RDF.type):
            if isinstance(cls, URIRef):
                classes |= supers.get(cls, {cls})
        kinds = [
            KIND_OF_CLASS[c]
            for c in (
                CIV.Person,
                CIV.PoliticalParty,
                CIV.Organization,
                CIV.Jurisdiction,
                CIV.Statute,
            )
            if c in classes
        ]
        if not kinds:
            continue
        label = str(curated.value(thing, RDFS.label) or "")
        if not label:
            continue
        postal = curated.value(thing, CIV.postalCode)
        state = None
        for place in curated.objects(thing, CIV.locatedIn):
            if (place, RDF.type, CIV.State) in curated:
                state = str(place)
        short = curated.value(thing, CIV.shortName)
        known = Known(
            iri=str(thing),
            kind=kinds[0],
            label=label,
            classes=frozenset(
                str(c).rsplit("#", 1)[-1] for c in classes if str(c).startswith(str(CIV))
            ),
            postal_code=str(postal) if postal else None,
            state=state,
            short_name=str(short) if short else None,
        )
        gaz.by_iri[known.iri] = known
        gaz.by_path[known.iri.split("/id/", 1)[-1]] = known
        names = {label} | {str(a) for a in curated.objects(thing, CIV.alias)}
        for name in names:
            iris = gaz.names.setdefault(name, [])
            if known.iri not in iris:
                iris.append(known.iri)
            if known.kind in ("organization", "party"):
                gaz.org_keys.setdefault(org_key(name), known.iri)
        if known.postal_code:
            for name in (*names, known.postal_code):
                gaz.states[name.lower().rstrip(".")] = known.iri
    seen: dict[tuple[str, str], list[str]] = {}
    nodes: dict[str, URIRef] = {}
    for event, date in curated.subject_objects(CIV.onDate):
        for cls in curated.objects(event, RDF.type):
            if isinstance(cls, URIRef) and cls != CIV.Event and CIV.Event in supers.get(cls, set()):
                key = (str(cls).rsplit("#", 1)[-1], str(date))
                path = str(event).split("/id/", 1)[-1]
                seen.setdefault(key, []).append(path)
                nodes[path] = event  # type: ignore[assignment]
    gaz.events = {key: paths[0] for key, paths in seen.items() if len(set(paths)) == 1}
    for key, paths in seen.items():
        for path in sorted(set(paths)):
            event = nodes[path]
            agents = frozenset(
                str(a).split("/id/", 1)[-1] for a in curated.objects(event, CIV.agent)
            )
            text = " ".join(
                str(o)
                for p in (RDFS.label, CIV.threatens, CIV.demands, RDFS.comment)
                for o in curated.objects(event, p)
            )
            gaz.same_day.setdefault(key, []).append((path, agents, content_words(text)))
    for post in curated.subjects(RDF.type, CIV.Post):
        office = curated.value(post, CIV.officeTitle)
        holder = curated.value(post, CIV.postIn)
        if office is not None and holder is not None:
            gaz.posts[str(post)] = (str(office), str(holder))
    return gaz
