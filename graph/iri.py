"""Minting IRIs: the one place that turns names into `BASE/id/{type}/{slug}`.

The extractor mints with these functions and a test holds the curated files to them, so a thing
named in an article and the same thing written by hand get the same IRI.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import URIRef

from graph.namespaces import DEFAULT_BASE

_DROP = re.compile(r"[’'`.\u00a7]")  # apostrophes, periods and § join their neighbours
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

KINDS = (
    "person",
    "organization",
    "jurisdiction",
    "post",
    "tenure",
    "statute",
    "letter",
    "event",
    "article",
    "statement",
    "source",
    "method",
    "query",
)


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens.

    "U.S. Department of Justice" → "us-department-of-justice".
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = ascii_text.replace("&", " and ")
    ascii_text = _DROP.sub("", ascii_text.lower())
    slug = _NON_ALNUM.sub("-", ascii_text).strip("-")
    if not slug:
        raise ValueError(f"nothing to make a slug of in {text!r}")
    return slug


def normalise_quote(text: str) -> str:
    """Canonical quoted text, to identify a statement: ASCII, lower case, words only."""
    text = re.sub(r"[’'`]", "", text)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


def mint_path(kind: str, *parts: str, state: str | None = None) -> str:
    """The path below `id/` for a thing of `kind` named by `parts`.

    - person/organization/article/source/method: one name → its slug.
    - jurisdiction: name, and `state` (a postal code) for anything below a state or country:
      ("Chicago", state="IL") → jurisdiction/chicago-il; ("California",) → jurisdiction/california.
    - post: office, holder body or jurisdiction → post/{office}-of-{holder}
      ("Mayor", "New Orleans LA") → post/mayor-of-new-orleans-la.
    - tenure: person slug or name, post slug or name → tenure/{person}/{post}.
    - statute: code, title, section → statute/usc/8/1373.
    - letter: date, sender short name, recipient → letter/2018-01-24/doj-to-chicago-il.
    - event: date, short name → event/2018-01-24/boycott-white-house-meeting.
    - statement: the quoted text → statement/{first 16 hex of sha256 of its normalised form}.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown IRI kind {kind!r}; one of {', '.join(KINDS)}")
    if not parts:
        raise ValueError(f"mint_path({kind!r}) needs a name")
    if kind == "jurisdiction":
        (name,) = parts
        slug = slugify(name)
        return f"jurisdiction/{slug}-{slugify(state)}" if state else f"jurisdiction/{slug}"
    if kind == "post":
        office, holder = parts
        return f"post/{slugify(office)}-of-{slugify(holder)}"
    if kind == "tenure":
        person, post = parts
        return f"tenure/{slugify(person)}/{slugify(post)}"
    if kind == "statute":
        return "statute/" + "/".join(slugify(p) for p in parts)
    if kind == "letter":
        date, sender, recipient = parts
        return f"letter/{slugify(date)}/{slugify(sender)}-to-{slugify(recipient)}"
    if kind == "event":
        date, name = parts
        return f"event/{slugify(date)}/{slugify(name)}"
    if kind == "statement":
        (text,) = parts
        digest = hashlib.sha256(normalise_quote(text).encode("utf-8")).hexdigest()
        return f"statement/{digest[:16]}"
    (name,) = parts
    return f"{kind}/{slugify(name)}"


def mint_iri(kind: str, *parts: str, state: str | None = None, base: str = DEFAULT_BASE) -> URIRef:
    """The IRI `BASE/id/{mint_path(...)}`; see mint_path for the slug rules."""
    return URIRef(f"{base}id/{mint_path(kind, *parts, state=state)}")
