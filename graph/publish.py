"""`civicgraph publish`: load every named graph of a build into a remote SPARQL store.

It speaks the SPARQL 1.1 Graph Store HTTP Protocol: for each graph that `manifest.json` lists,
one `PUT URL?graph=<graph IRI>` with the graph's Turtle file from the build as the body. PUT
replaces the graph as a whole, so publishing twice never duplicates a triple, and nothing but
the build's own graphs is touched on the remote.

Credentials go by HTTP Digest or Basic authentication: `auto` answers whichever the server's
challenge asks for (Virtuoso's `/sparql-graph-crud-auth` asks for Digest).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from graph.errors import CivicgraphError

AUTH_SCHEMES = ("auto", "digest", "basic")
TIMEOUT_SECONDS = 120.0
CONTENT_TYPE = "text/turtle; charset=utf-8"
_EXCERPT_CHARS = 300


class PublishError(CivicgraphError):
    """The build could not be published; the message names the graph and the server's answer."""


@dataclass(frozen=True)
class GraphFile:
    """One named graph of the build: its IRI, its Turtle file and its triple count."""

    iri: str
    path: Path
    triples: int
    sha256: str | None


@dataclass(frozen=True)
class Published:
    """One graph as published: the server's status and the seconds the PUT took."""

    iri: str
    triples: int
    status: int
    seconds: float


def graphs_of(build_dir: Path) -> list[GraphFile]:
    """The build's named graphs in manifest order; PublishError if the build is unusable."""
    path = build_dir / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest.get("files", {})
        graphs = [
            GraphFile(
                iri=str(entry["iri"]),
                path=build_dir / str(entry["file"]),
                triples=int(entry["triples"]),
                sha256=(files.get(entry["file"]) or {}).get("sha256"),
            )
            for entry in manifest["graphs"]
        ]
    except OSError as exc:
        raise PublishError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PublishError(
            f"{path} is not a build manifest ({type(exc).__name__}: {exc})"
        ) from None
    if not graphs:
        raise PublishError(f"{path} lists no graphs")
    # The union too, each triple once: a store whose default graph repeats a triple held by
    # several graphs (Virtuoso's does) is queried with this graph as its default graph.
    union = files.get("graph.ttl") or {}
    graphs.append(
        GraphFile(
            iri=union_graph_iri(str(manifest.get("base", ""))),
            path=build_dir / "graph.ttl",
            triples=int(manifest.get("union_triples", 0)),
            sha256=union.get("sha256"),
        )
    )
    return graphs


def union_graph_iri(base: str) -> str:
    """The graph a published build's union goes to (it is no graph of the build itself)."""
    return f"{base}graph/union"


def graph_store_url(endpoint: str, graph_iri: str) -> str:
    """The Graph Store Protocol's URL of one graph: `endpoint?graph=<IRI>` (indirect naming)."""
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}graph={quote(graph_iri, safe='')}"


def publish(
    build_dir: Path,
    endpoint: str,
    user: str | None = None,
    password: str | None = None,
    auth: str = "auto",
    timeout: float = TIMEOUT_SECONDS,
    progress: Callable[[str], Any] = print,
) -> list[Published]:
    """PUT every named graph of `build_dir` to the graph store at `endpoint`.

    `progress` receives one line per graph. Raises PublishError at the first failure, naming
    the graph, the HTTP status and an excerpt of the server's answer (graphs before it stay
    published: each PUT is complete in itself).
    """
    if not endpoint.startswith(("http://", "https://")):
        raise PublishError(f"the graph store URL must be http(s), not {endpoint!r}")
    if auth not in AUTH_SCHEMES:
        raise PublishError(f"unknown auth scheme {auth!r}; choose one of {', '.join(AUTH_SCHEMES)}")
    if password is not None and user is None:
        raise PublishError("a password needs a user (--user)")
    # The version `build` points to now, once: a rebuild meanwhile does not mix two builds.
    graphs = graphs_of(build_dir.resolve())
    credentials = _Credentials(user, password or "", auth) if user is not None else None
    done: list[Published] = []
    with requests.Session() as session:
        for graph in graphs:
            body = _body(graph)
            started = time.perf_counter()
            response = _put(session, endpoint, graph, body, credentials, timeout, len(done))
            seconds = time.perf_counter() - started
            done.append(Published(graph.iri, graph.triples, response.status_code, seconds))
            progress(
                f"{graph.iri}  {graph.triples} triples  ({response.status_code}, {seconds:.2f} s)"
            )
    return done


def _body(graph: GraphFile) -> bytes:
    try:
        body = graph.path.read_bytes()
    except OSError as exc:
        raise PublishError(
            f"graph <{graph.iri}>: cannot read {graph.path}: {exc.strerror or exc}"
        ) from None
    if graph.sha256 is not None and hashlib.sha256(body).hexdigest() != graph.sha256:
        raise PublishError(
            f"graph <{graph.iri}>: {graph.path} does not match manifest.json's sha256 "
            "(changed since the build)"
        )
    return body


class _Credentials:
    """Digest or Basic credentials; `auto` starts with Digest (which sends the password only as
    a hash) and switches to Basic for good if the server's challenge asks for Basic."""

    def __init__(self, user: str, password: str, scheme: str) -> None:
        self.user, self.password = user, password
        self.scheme = "digest" if scheme == "auto" else scheme
        self.may_switch = scheme == "auto"
        self.auth = self._make()

    def _make(self) -> AuthBase:
        if self.scheme == "basic":
            return HTTPBasicAuth(self.user, self.password)
        return HTTPDigestAuth(self.user, self.password)

    def switch_for(self, response: requests.Response) -> bool:
        """Whether a 401 asked for Basic while Digest was tried (and now Basic is used)."""
        challenge = response.headers.get("WWW-Authenticate", "").strip().lower()
        if not (self.may_switch and self.scheme == "digest" and challenge.startswith("basic")):
            return False
        self.scheme, self.may_switch = "basic", False
        self.auth = self._make()
        return True


def _put(
    session: requests.Session,
    endpoint: str,
    graph: GraphFile,
    body: bytes,
    credentials: _Credentials | None,
    timeout: float,
    published: int,
) -> requests.Response:
    url = graph_store_url(endpoint, graph.iri)
    headers = {"Content-Type": CONTENT_TYPE}
    before = f"; {published} graph(s) were published before it" if published else ""
    try:
        for _attempt in range(2):
            response = session.put(
                url,
                data=body,
                headers=headers,
                auth=credentials.auth if credentials else None,
                timeout=timeout,
                allow_redirects=False,  # a redirected PUT may turn into a GET and "succeed"
            )
            if not (
                response.status_code == 401 and credentials and credentials.switch_for(response)
            ):
                break
    except requests.Timeout:
        hint = ""
        if urlsplit(endpoint).path.rstrip("/").endswith("/sparql"):
            hint = (
                " (a query endpoint? publish needs the store's Graph Store Protocol endpoint, "
                "e.g. Virtuoso's /sparql-graph-crud-auth; Virtuoso's /sparql never answers a PUT)"
            )
        raise PublishError(
            f"graph <{graph.iri}>: {endpoint} did not answer within {timeout:g} s{hint}{before}"
        ) from None
    except requests.ConnectionError as exc:
        raise PublishError(
            f"graph <{graph.iri}>: cannot reach {endpoint}: {_reason(exc)}{before}"
        ) from None
    except requests.RequestException as exc:
        raise PublishError(
            f"graph <{graph.iri}>: cannot PUT to {endpoint}: {exc}{before}"
        ) from None
    if 200 <= response.status_code < 300:  # 201 Created, 204 No Content, 200 OK
        return response
    raise PublishError(
        f"graph <{graph.iri}>: PUT {endpoint} answered {response.status_code} "
        f"{response.reason or ''}".rstrip()
        + _hint(response, credentials)
        + (f": {_excerpt(response.text)}" if response.text.strip() else "")
        + before
    )


def _hint(response: requests.Response, credentials: _Credentials | None) -> str:
    if response.status_code == 401:
        return " (wrong --user or --password)" if credentials else " (needs --user and --password)"
    if response.status_code == 403:
        return " (the user may not write graphs there)"
    if 300 <= response.status_code < 400:
        return f" (redirected to {response.headers.get('Location', '?')}; give that URL)"
    return ""


def _excerpt(text: str) -> str:
    """The server's answer as one short line: tags dropped, entities decoded, spaces collapsed."""
    text = re.sub(r"(?is)<(script|style|title)\b.*?</\1>", " ", text)
    text = html.unescape(re.sub(r"<[^>]*>", " ", text))
    line = " ".join(text.split())
    return line if len(line) <= _EXCERPT_CHARS else line[: _EXCERPT_CHARS - 1] + "…"


def _reason(exc: requests.ConnectionError) -> str:
    """The operating system's reason in a connection error (e.g. 'Connection refused')."""
    text = str(exc)
    match = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", text)
    return match.group(1).strip() if match else text
