"""`civicgraph publish`: load every named graph of a build into a remote SPARQL store.

It speaks the SPARQL 1.1 Graph Store HTTP Protocol, one graph after another in the order
`manifest.json` lists them, then the build's union (`graph.nt`, each triple once: N-Triples is
Turtle too) into
`<base>graph/union`. Each graph's Turtle file is read once and checked against the manifest's
sha256 before anything of that graph is sent; then:

- A graph of at most `chunk_triples` triples (100,000 by default; `--chunk-triples`) goes as
  before: one `PUT URL?graph=<graph IRI>` with the Turtle file as the body.
- A larger graph goes in parts, because one huge request can outlast the time limit (Virtuoso
  7.2 did not answer the PUT of a 2-million-triple inferred graph within 120 s). The bytes
  already read and hashed are parsed with pyoxigraph; the first `chunk_triples` triples go by
  PUT, which replaces the graph, and every further part by POST, which the protocol defines as
  a merge into the graph; each part is N-Triples (`application/n-triples`).
- A blank node's label names the same node only within one request, so every triple of a
  graph with a blank node goes in its first part (the union holds the ontology's; sent whole,
  its 4 million triples at 5,000 articles stalled Virtuoso 7.2 at 3.9 million, holding its
  locks until restarted). The whole file is parsed (and so found well-formed) before any part
  of a graph is sent.

Each graph starts with a PUT that empties it, so publishing twice never duplicates a triple,
and nothing but the build's own graphs is touched on the remote. Every request has its own
time limit (`timeout`, 120 s by default), and goes with the same credentials: HTTP Digest or
Basic authentication, where `auto` answers whichever the server's first challenge asks for
(Virtuoso's `/sparql-graph-crud-auth` asks for Digest) and keeps to it for every later request.
The first failure of any request stops publishing with one line: the graph, the method and
URL, the HTTP status and an excerpt of the server's answer (or the time-out, or why the server
could not be reached), and how many graphs were published before it. Graphs before it stay
published, each complete. A failure after a graph's first part says that the graph is now only
partly published, and publishing again repairs it (its first request replaces it whole); so
does a PUT the time limit ended, since the store may keep what it had loaded of it (Virtuoso
does). The progress line of each graph gives its triples, the first request's status, the time
and how many requests it took.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pyoxigraph
import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from graph.errors import CivicgraphError

AUTH_SCHEMES = ("auto", "digest", "basic")
TIMEOUT_SECONDS = 120.0
CHUNK_TRIPLES = 100_000
TURTLE = "text/turtle; charset=utf-8"
N_TRIPLES = "application/n-triples"
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
    """One graph as published: the status of its first request (the PUT), the seconds all
    its requests took, and how many there were (1 unless it went in parts)."""

    iri: str
    triples: int
    status: int
    seconds: float
    requests: int = 1


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
    union = files.get("graph.nt") or {}  # not graph.ttl: it repeats a triple two graphs hold
    graphs.append(
        GraphFile(
            iri=union_graph_iri(str(manifest.get("base", ""))),
            path=build_dir / "graph.nt",
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
    chunk_triples: int = CHUNK_TRIPLES,
) -> list[Published]:
    """Publish every named graph of `build_dir`, then their union, to the graph store at
    `endpoint`: one PUT each, or parts of `chunk_triples` (see the module's description).

    `progress` receives one line per graph. Raises PublishError at the first failure, naming
    the graph, the request, the HTTP status and an excerpt of the server's answer (graphs
    before it stay published, each complete; a graph failed after its first part is partly
    published until the next publish).
    """
    if not endpoint.startswith(("http://", "https://")):
        raise PublishError(f"the graph store URL must be http(s), not {endpoint!r}")
    if auth not in AUTH_SCHEMES:
        raise PublishError(f"unknown auth scheme {auth!r}; choose one of {', '.join(AUTH_SCHEMES)}")
    if password is not None and user is None:
        raise PublishError("a password needs a user (--user)")
    if isinstance(chunk_triples, bool) or not isinstance(chunk_triples, int) or chunk_triples < 1:
        raise PublishError(
            f"the chunk size (--chunk-triples) must be at least 1 triple, not {chunk_triples!r}"
        )
    # The version `build` points to now, once: a rebuild meanwhile does not mix two builds.
    graphs = graphs_of(build_dir.resolve())
    credentials = _Credentials(user, password or "", auth) if user is not None else None
    done: list[Published] = []
    with requests.Session() as session:
        for graph in graphs:
            body = _body(graph)
            started = time.perf_counter()
            sender = _Sender(session, endpoint, graph, credentials, timeout, len(done))
            status, sent, how = _send_graph(sender, graph, body, chunk_triples)
            seconds = time.perf_counter() - started
            done.append(Published(graph.iri, graph.triples, status, seconds, sent))
            progress(
                f"{graph.iri}  {graph.triples} triples  "
                f"({status}, {seconds:.2f} s, {sent} request{'' if sent == 1 else 's'}{how})"
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


def _parse(graph: GraphFile, body: bytes) -> Iterator[pyoxigraph.Quad]:
    """The graph's triples from the bytes that were read and hashed (its file is not read
    again); PublishError if they are not Turtle after all."""
    try:
        yield from pyoxigraph.parse(input=body, format=pyoxigraph.RdfFormat.TURTLE)
    except SyntaxError as exc:
        raise PublishError(f"graph <{graph.iri}>: cannot parse {graph.path}: {exc}") from None


def _has_blank_node(term: object) -> bool:
    if isinstance(term, pyoxigraph.BlankNode):
        return True
    return isinstance(term, pyoxigraph.Triple) and (
        _has_blank_node(term.subject) or _has_blank_node(term.object)
    )


def _blank_node_triples(graph: GraphFile, body: bytes) -> tuple[list[pyoxigraph.Quad], int]:
    """(the graph's triples with a blank node, how many triples it has): a whole pass over the
    file before anything of it is sent, so a parse error cannot leave it half sent."""
    blank: list[pyoxigraph.Quad] = []
    count = 0
    for quad in _parse(graph, body):
        if _has_blank_node(quad.subject) or _has_blank_node(quad.object):
            blank.append(quad)
        count += 1
    return blank, count


def _send_graph(
    sender: _Sender, graph: GraphFile, body: bytes, chunk_triples: int
) -> tuple[int, int, str]:
    """Send one graph whole or in parts: the first request's status, the number of requests,
    and how it went for the progress line."""
    if graph.triples <= chunk_triples:
        return sender.send("PUT", body, TURTLE), 1, ""
    blank, count = _blank_node_triples(graph, body)
    if count <= chunk_triples:  # the manifest counted more than the file holds
        return sender.send("PUT", body, TURTLE), 1, ""
    # Every triple with a blank node in the first part, however many: a blank node's label
    # names the same node only within one request.
    first = max(chunk_triples, len(blank))
    parts = 1 + -(-(count - first) // chunk_triples)
    rest = (
        q
        for q in _parse(graph, body)
        if not (_has_blank_node(q.subject) or _has_blank_node(q.object))
    )
    status, sent, arrived = 0, 0, 0
    for batch in _batches(rest, chunk_triples, blank, first):
        part = _Part(sent, parts, arrived, count)
        method = "PUT" if sent == 0 else "POST"  # PUT replaces the graph, POST merges into it
        answered = sender.send(method, _n_triples(batch), N_TRIPLES, part)
        status, sent, arrived = status or answered, sent + 1, arrived + len(batch)
    how = f" of up to {chunk_triples} triples"
    if blank:
        how += f", the {len(blank)} with blank nodes in the first"
    return status, sent, how


def _batches(
    quads: Iterator[pyoxigraph.Quad], size: int, first: list[pyoxigraph.Quad], first_size: int
) -> Iterator[list[pyoxigraph.Quad]]:
    """`first` filled up to `first_size` from `quads`, then the rest of `quads` by `size`."""
    batch, limit = list(first), first_size
    for quad in quads:
        batch.append(quad)
        if len(batch) >= limit:
            yield batch
            batch, limit = [], size
    if batch:
        yield batch


def _n_triples(quads: list[pyoxigraph.Quad]) -> bytes:
    data = pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert data is not None  # serialize() returns the bytes when given no output
    return data


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


@dataclass(frozen=True)
class _Part:
    """Part `index` (from 0) of a graph sent in `parts` parts; `arrived` of its `count` triples
    went in the parts before it."""

    index: int
    parts: int
    arrived: int
    count: int

    def after_later_part(self) -> str:
        """What a failure of this part leaves on the store if it is not the first."""
        return (
            f"; the graph is now only partly published ({self.arrived} of its {self.count} "
            "triples): publish again to repair it"
        )


class _Sender:
    """Sends one graph's requests, each with the same credentials, time limit and one-line
    errors, whether it is the graph's only PUT or one of its parts."""

    def __init__(
        self,
        session: requests.Session,
        endpoint: str,
        graph: GraphFile,
        credentials: _Credentials | None,
        timeout: float,
        published: int,
    ) -> None:
        self.session, self.endpoint, self.graph = session, endpoint, graph
        self.credentials, self.timeout = credentials, timeout
        self.url = graph_store_url(endpoint, graph.iri)
        self.before = f"; {published} graph(s) were published before it" if published else ""

    def send(self, method: str, body: bytes, content_type: str, part: _Part | None = None) -> int:
        """One request; its 2xx status, or PublishError."""
        endpoint, credentials = self.endpoint, self.credentials
        where = f"graph <{self.graph.iri}>"
        if part is not None:
            where += f" (part {part.index + 1} of {part.parts})"

        def left(unanswered: bool = False) -> str:
            """What a failure leaves on the store, and the graphs published before it."""
            if part is not None and part.index > 0:
                return part.after_later_part() + self.before
            if unanswered:  # Virtuoso keeps what it loaded of a PUT it was not waited for
                return (
                    "; the store may have loaded part of it, leaving the graph only partly "
                    f"published: publish again to repair it{self.before}"
                )
            return self.before  # a PUT refused or never sent changes nothing

        try:
            for _attempt in range(2):
                response = self.session.request(
                    method,
                    self.url,
                    data=body,
                    headers={"Content-Type": content_type},
                    auth=credentials.auth if credentials else None,
                    timeout=self.timeout,
                    allow_redirects=False,  # a redirected PUT may turn into a GET and "succeed"
                )
                if not (
                    response.status_code == 401 and credentials and credentials.switch_for(response)
                ):
                    break
        except requests.Timeout as exc:
            if urlsplit(endpoint).path.rstrip("/").endswith("/sparql"):
                after = (
                    " (a query endpoint? publish needs the store's Graph Store Protocol endpoint, "
                    "e.g. Virtuoso's /sparql-graph-crud-auth; Virtuoso's /sparql never answers "
                    f"a PUT){left()}"
                )
            else:
                after = left(unanswered=isinstance(exc, requests.ReadTimeout))
            raise PublishError(
                f"{where}: {method} {endpoint} did not answer within {self.timeout:g} s{after}"
            ) from None
        except requests.ConnectionError as exc:
            raise PublishError(
                f"{where}: cannot reach {endpoint}: {_reason(exc)}{left()}"
            ) from None
        except requests.RequestException as exc:
            raise PublishError(f"{where}: cannot {method} to {endpoint}: {exc}{left()}") from None
        if 200 <= response.status_code < 300:  # 201 Created, 204 No Content, 200 OK
            return response.status_code
        raise PublishError(
            f"{where}: {method} {endpoint} answered {response.status_code} "
            f"{response.reason or ''}".rstrip()
            + _hint(response, credentials)
            + (f": {_excerpt(response.text)}" if response.text.strip() else "")
            + left()
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
