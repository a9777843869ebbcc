"""`/download/<name>`: the files the build wrote, and only those the manifest lists."""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_from_directory

from server.sparql import loaded_build

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


@bp.route("/<path:name>")
def download(name: str) -> Response:
    build = loaded_build()
    if name not in build.downloads:
        abort(404, f"no file {name!r} in this build; the manifest lists what can be downloaded")
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    content_type = CONTENT_TYPES.get(suffix, "application/octet-stream")
    response = send_from_directory(
        build.build_dir,
        name,
        # Naming a type stops werkzeug guessing one, which would mark `.gz` as Content-Encoding
        # (clients would unpack it); the header is then set whole, so text/* has one charset.
        mimetype=content_type.split(";")[0],
        etag=build.file_hashes.get(name, True),
        conditional=True,
    )
    response.headers["Content-Type"] = content_type
    return response
