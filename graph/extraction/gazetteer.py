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

    def kind(self, iri: str) -> str | None:
        known = self.by_iri.get(iri)
        return known.kind if known else None

    def lookup(self, name: str) -> list[Known]:
        return [self.by_iri[i] for i in self.names.get(name, [])]

    def state_named(self, name: str, codes: bool = True) -> Known | None:
        """The state a name (or, with `codes`, a two-letter postal code) denotes."""
        key = name.strip().lower().rstrip(".")
        if not codes and len(key) == 2:
            return None
        iri = self.states.get(key)
        return self.by_iri.get(iri) if iri else None


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
    for event, date in curated.subject_objects(CIV.onDate):
        for cls in curated.objects(event, RDF.type):
            if isinstance(cls, URIRef) and cls != CIV.Event and CIV.Event in supers.get(cls, set()):
                key = (str(cls).rsplit("#", 1)[-1], str(date))
                seen.setdefault(key, []).append(str(event).split("/id/", 1)[-1])
    gaz.events = {key: paths[0] for key, paths in seen.items() if len(set(paths)) == 1}
    for post in curated.subjects(RDF.type, CIV.Post):
        office = curated.value(post, CIV.officeTitle)
        holder = curated.value(post, CIV.postIn)
        if office is not None and holder is not None:
            gaz.posts[str(post)] = (str(office), str(holder))
    return gaz
