"""`/download`: the files the build wrote, and only those the manifest lists.

`/download` lists them (size, triples, gzip copy); `/download/<name>` serves one with an ETag
(its sha256 from the manifest), Last-Modified (the build's time, the same for every request)
and Content-Disposition. A gzip copy is served for `<name>.gz`, or as `Content-Encoding: gzip`
when the client accepts it.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, send_file

from server.present import linked_data
from server.store import LoadedBuild

bp = Blueprint("download", __name__, url_prefix="/download")

CONTENT_TYPES = {
    ".ttl": "text/turtle; charset=utf-8",
    ".trig": "application/trig; charset=utf-8",
    ".nq": "application/n-quads; charset=utf-8",
    ".nt": "application/n-triples; charset=utf-8",
    ".jsonld": "application/ld+json",
    ".json": "application/json",
    ".rq": "application/sparql-query; charset=utf-8",
    ".gz": "application/gzip",
}
DESCRIPTIONS = {
    "dataset.trig": "every named graph (TriG)",
    "dataset.nq": "every named graph (N-Quads)",
    "graph.ttl": "the union of all graphs, each triple once (Turtle)",
    "graph.nt": "the union of all graphs, each triple once (N-Triples)",
    "graph.jsonld": "the union of all graphs, each triple once (JSON-LD)",
    "ontology.ttl": "the OWL ontology",
    "shapes.ttl": "the SHACL shapes the build validates with",
    "void.ttl": "the VoID/DCAT description of the dataset",
    "manifest.json": "counts, sizes and sha256 of every file",
}
MANIFEST = "manifest.json"


def _suffix(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1] if "." in name.rsplit("/", 1)[-1] else ""


def _content_type(name: str) -> str:
    return CONTENT_TYPES.get(_suffix(name), "application/octet-stream")


def _build() -> LoadedBuild:
    return linked_data().build


def _manifest_gzip(build: LoadedBuild) -> bytes:
    # The build writes no gzip copy of the manifest (it cannot list its own hash), so it is made
    # here; mtime=0 keeps the bytes, and so the ETag, a function of the manifest alone.
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as gz:
        gz.write((build.build_dir / MANIFEST).read_bytes())
    return buffer.getvalue()


def _send(name: str, *, encode: bool) -> Response:
    """Send the file `name` (or its gzip copy as Content-Encoding when `encode`)."""
    build = _build()
    stored = name + ".gz" if encode else name
    filename = name.replace("/", "-")
    if stored == MANIFEST + ".gz":
        data = _manifest_gzip(build)
        response = send_file(
            io.BytesIO(data),
            mimetype="application/gzip",
            etag=hashlib.sha256(data).hexdigest(),
            last_modified=linked_data().modified,
            conditional=True,
        )
    else:
        path = build.build_dir / stored
        if not path.is_file():
            abort(404, f"the file {name!r} is listed but missing from the build folder")
        response = send_file(
            path,
            # Naming a type stops werkzeug guessing one, which would mark `.gz` as
            # Content-Encoding (clients would unpack it); the header is then set whole.
            mimetype="application/octet-stream",
            etag=build.file_hashes.get(stored, True),
            last_modified=linked_data().modified,
            conditional=True,
        )
    response.headers["Content-Type"] = _content_type(name)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if encode:
        response.headers["Content-Encoding"] = "gzip"
    return response


@bp.route("/<path:name>")
def download(name: str) -> Response:
    build = _build()
    if name == MANIFEST + ".gz":
        return _send(name, encode=False)
    if name not in build.downloads:
        abort(404, f"no file {name!r} in this build; the manifest lists what can be downloaded")
    has_gzip = not name.endswith(".gz") and (name == MANIFEST or name + ".gz" in build.downloads)
    encode = has_gzip and request.accept_encodings["gzip"] > 0
    response = _send(name, encode=encode)
    if has_gzip:
        response.vary.add("Accept-Encoding")
    return response


@bp.route("")
def index() -> str:
    build = _build()
    return render_template(
        "download/index.html", sections=download_sections(build), manifest=build.manifest
    )


def download_sections(build: LoadedBuild) -> list[tuple[str, list[dict[str, Any]]]]:
    """The downloadable files grouped for the download page, each with size and triple count."""
    files: dict[str, Any] = dict(build.manifest.get("files", {}))
    manifest_path = build.build_dir / MANIFEST
    files[MANIFEST] = {
        "bytes": manifest_path.stat().st_size,
        "sha256": build.file_hashes.get(MANIFEST, ""),
    }
    graph_triples = {g.file: g.triples for g in build.graphs if g.file}
    titles = {g.file: g.iri for g in build.graphs if g.file}
    union = build.manifest.get("union_triples")
    quads = build.manifest.get("quads")

    def triples(name: str, info: dict[str, Any]) -> int | None:
        if isinstance(info.get("triples"), int):
            return int(info["triples"])
        if name in graph_triples:
            return graph_triples[name]
        if name.startswith("dataset."):
            return quads if isinstance(quads, int) else None
        if name.startswith("graph."):
            return union if isinstance(union, int) else None
        return None

    sections: dict[str, list[dict[str, Any]]] = {
        "The whole dataset": [],
        "The union graph": [],
        "Named graphs": [],
        "Vocabulary and description": [],
        "Saved queries": [],
        "Other files": [],
    }
    for name in sorted(files):
        if name.endswith(".gz"):
            continue
        info = files[name] if isinstance(files[name], dict) else {}
        gz_name = name + ".gz"
        gz_info = files.get(gz_name)
        row = {
            "name": name,
            "description": DESCRIPTIONS.get(name, titles.get(name, "")),
            "graph": titles.get(name),
            "bytes": info.get("bytes"),
            "sha256": info.get("sha256", ""),
            "triples": triples(name, info),
            "media_type": _content_type(name).split(";")[0],
            "gz": gz_name if gz_info is not None or name == MANIFEST else None,
            "gz_bytes": gz_info.get("bytes") if isinstance(gz_info, dict) else None,
        }
        if name.startswith("dataset."):
            sections["The whole dataset"].append(row)
        elif name.startswith("graph."):
            sections["The union graph"].append(row)
        elif name.startswith("graphs/"):
            sections["Named graphs"].append(row)
        elif name.startswith("queries/"):
            sections["Saved queries"].append(row)
        elif name in DESCRIPTIONS:
            sections["Vocabulary and description"].append(row)
        else:
            sections["Other files"].append(row)
    return [(title, rows) for title, rows in sections.items() if rows]
