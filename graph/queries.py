"""Saved queries: `queries/*.rq` with a grlc-style `#+` header and BASIL-style parameters.

The header is a small YAML subset (`key: value`, or `key:` followed by `- item` or
`- name: value` lines). Parameters are the query's variables named by the BASIL convention:
`?_name` (a required string), `?__name` (optional), `?_name_iri`, `?_name_integer`,
`?_name_en` (a language-tagged string), `?_name_xsd_date` (a literal of that datatype).
Values are bound through the engine (initBindings), never pasted into the query text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph
import rdflib
from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from graph.errors import CivicgraphError, QueryFileError
from graph.namespaces import PREFIXES

VIEWS = ("table", "timeline", "graph", "bar")
_VARIABLE = re.compile(r"\?(__?[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)")


class ParameterError(CivicgraphError):
    """A parameter value is missing or not of its type; the message names the parameter."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"parameter {parameter!r}: {message}")
        self.parameter = parameter


@dataclass(frozen=True)
class Parameter:
    """One parameter of a saved query."""

    name: str
    variable: str  # without the "?"
    kind: str  # iri, string, integer, date, lang, literal
    required: bool
    datatype: str | None = None
    language: str | None = None
    default: str | None = None
    cls: str | None = None  # for an IRI: the class its value must have
    enumerate: bool = False

    def term(self, value: str) -> Node:
        """The RDF term for a value given as text; ParameterError if it is not of the type."""
        value = value.strip()
        if self.kind == "iri":
            if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", value) or not is_iri(value):
                raise ParameterError(self.name, f"expected an http(s) IRI, not {value!r}")
            return URIRef(value)
        if self.kind == "integer":
            if not re.fullmatch(r"[+-]?\d{1,18}", value):
                raise ParameterError(self.name, f"expected an integer, not {value!r}")
            return Literal(int(value), datatype=XSD.integer)
        if self.kind == "date":
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise ParameterError(
                    self.name, f"expected a date YYYY-MM-DD, not {value!r}"
                ) from None
            return Literal(value, datatype=XSD.date)
        if self.kind == "lang":
            return Literal(value, lang=self.language)
        if self.kind == "literal":
            return Literal(value, datatype=URIRef(self.datatype or ""))
        return Literal(value)


def is_iri(value: str) -> bool:
    """Whether `value` is an absolute IRI by RFC 3987, read by Oxigraph's parser (oxiri): one
    that every store can hold and rdflib writes as one term."""
    try:
        pyoxigraph.NamedNode(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class SavedQuery:
    """A saved query with its description and parameters."""

    name: str
    text: str
    query_type: str
    summary: str
    description: str = ""
    tags: tuple[str, ...] = ()
    view: str = "table"
    method: str = "GET"
    parameters: tuple[Parameter, ...] = field(default=())

    def bindings(self, values: dict[str, str]) -> dict[str, Node]:
        """initBindings for the given values (defaults fill in); ParameterError on a bad one."""
        out: dict[str, Node] = {}
        for p in self.parameters:
            value = values.get(p.name)
            if value is None or value == "":
                value = p.default
            if value is None or value == "":
                if p.required:
                    raise ParameterError(p.name, "is required")
                continue
            out[p.variable] = p.term(value)
        unknown = sorted(set(values) - {p.name for p in self.parameters})
        if unknown:
            raise ParameterError(unknown[0], "is not a parameter of this query")
        return out


def parse_header(text: str) -> dict[str, Any]:
    """The `#+` decorators at the top of a query, as a dict (lists for list-valued keys)."""
    header: dict[str, Any] = {}
    key: str | None = None
    for line in text.splitlines():
        if not line.startswith("#+"):
            if line.strip() and not line.lstrip().startswith("#"):
                break
            continue
        body = line[2:].rstrip()
        item = re.match(r"\s+-\s+(.*)$", body)
        if item and key is not None:
            value = item.group(1).strip()
            pair = re.match(r"([\w-]+):\s*(.*)$", value)
            entry: Any = {pair.group(1): pair.group(2).strip()} if pair else value
            if not isinstance(header.get(key), list):
                header[key] = []
            header[key].append(entry)
            continue
        pair = re.match(r"\s*([\w-]+):\s*(.*)$", body)
        if pair is None:
            raise ValueError(f"cannot read the header line {line!r}")
        key, value = pair.group(1), pair.group(2).strip()
        header[key] = value if value else []
    return header


def _pairs(entries: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for entry in entries or []:
        if isinstance(entry, dict):
            out.update(entry)
    return out


def _expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES and not local.startswith("//") else curie


def _parameter(
    variable: str, defaults: dict[str, str], classes: dict[str, str], enumerated: set[str]
) -> Parameter:
    required = not variable.startswith("__")
    parts = variable.lstrip("_").split("_")
    name, suffix = parts[0], parts[1:]
    kind, datatype, language = "string", None, None
    if suffix == ["iri"]:
        kind = "iri"
    elif suffix == ["integer"]:
        kind = "integer"
    elif suffix == ["xsd", "date"]:
        kind = "date"
    elif len(suffix) == 2:
        kind, datatype = "literal", _expand(":".join(suffix))
    elif len(suffix) == 1 and len(suffix[0]) == 2:
        kind, language = "lang", suffix[0]
    elif suffix:
        raise ValueError(f"?{variable}: unknown parameter type {'_'.join(suffix)!r}")
    return Parameter(
        name=name,
        variable=variable,
        kind=kind,
        required=required and name not in defaults,
        datatype=datatype,
        language=language,
        default=defaults.get(name),
        cls=_expand(classes[name]) if name in classes else None,
        enumerate=name in enumerated,
    )


def load_query(path: Path, parsed: dict[str, str] | None = None) -> SavedQuery:
    """Read and check one .rq file; QueryFileError names the file and what is wrong.

    `parsed` maps `parse_key(text)` to the query form of each text rdflib parsed before (a
    build keeps it, as parsing takes rdflib tens of milliseconds a query); this adds to it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryFileError(f"{path}: cannot read: {exc}") from None
    parsed = {} if parsed is None else parsed
    key = parse_key(text)
    if key not in parsed:
        from rdflib.plugins.sparql import prepareQuery  # here: a tenth of a second to import

        try:
            prepared = prepareQuery(text)
        except Exception as exc:  # pyparsing and rdflib raise several unrelated types
            raise QueryFileError(f"{path}: the query does not parse: {exc}") from None
        parsed[key] = prepared.algebra.name.replace("Query", "").upper()
    try:
        header = parse_header(text)
        defaults = _pairs(header.get("defaults"))
        classes = _pairs(header.get("classes"))
        enumerated = {
            e if isinstance(e, str) else next(iter(e)) for e in header.get("enumerate") or []
        }
        variables = sorted(set(_VARIABLE.findall(text)))
        parameters = tuple(_parameter(v, defaults, classes, enumerated) for v in variables)
    except ValueError as exc:
        raise QueryFileError(f"{path}: {exc}") from None
    view = str(header.get("view") or "table")
    if view not in VIEWS:
        raise QueryFileError(f"{path}: view must be one of {', '.join(VIEWS)}, not {view!r}")
    summary = str(header.get("summary") or "")
    if not summary:
        raise QueryFileError(f"{path}: the header needs a '#+ summary:' line")
    tags = header.get("tags") or []
    return SavedQuery(
        name=path.stem,
        text=text,
        query_type=parsed[key],
        summary=summary,
        description=str(header.get("description") or ""),
        tags=tuple(str(t) for t in (tags if isinstance(tags, list) else [tags])),
        view=view,
        method=str(header.get("method") or "GET").upper(),
        parameters=parameters,
    )


def load_queries(folder: Path, parsed: dict[str, str] | None = None) -> list[SavedQuery]:
    """Every saved query of a folder, by name; none when the folder does not exist."""
    if not folder.is_dir():
        return []
    return [load_query(path, parsed) for path in sorted(folder.glob("*.rq"))]


def parse_key(text: str) -> str:
    """What a query's parse depends on: its text and rdflib's version, hashed."""
    return hashlib.sha256(f"{rdflib.__version__}\n{text}".encode()).hexdigest()
