"""A rebuild while `civicgraph serve` runs, then SIGHUP: new build served, no request dropped.

gunicorn's master answers SIGHUP by starting new workers (which load whatever `build` points to
now) and stopping the old ones gracefully (they finish the requests they hold). Until then the
running workers go on serving the build they loaded, files included: a rebuild never mixes two
builds in one server.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from live import civicgraph_serve, copy_inputs

from graph.build import build
from graph.settings import Settings

ROOT = Path(__file__).parent.parent
MARKER = "ASK { ?s <http://www.w3.org/2000/01/rdf-schema#label> 'reload marker'@en }"
CURATED = b"""@prefix civ: <https://kg.example.org/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
<https://kg.example.org/id/source/zz-reload> a civ:Source ; rdfs:label "reload marker"@en ;
    rdfs:comment "a source added by the reload test"@en ;
    schema:url <https://example.org/reload> .
"""


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = copy_inputs(tmp_path_factory.mktemp("reload"))
    build(settings)
    return settings


class Traffic:
    """Client threads sending a mix of requests until stopped; every outcome is kept."""

    PATHS = (
        "/sparql?query=ASK%20%7B%20%3Fs%20a%20%3Fc%20%7D",
        "/download/manifest.json",
        "/page/person/jeff-sessions",
        "/queries/timeline.json",
    )

    def __init__(self, base: str, clients: int = 4) -> None:
        self.base = base
        self.stop = threading.Event()
        self.outcomes: list[str] = []
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(clients)]

    def run(self, index: int) -> None:
        session = requests.Session()
        count = index
        while not self.stop.is_set():
            path = self.PATHS[count % len(self.PATHS)]
            count += 1
            try:
                status = session.get(self.base + path, timeout=60).status_code
                self.outcomes.append(str(status))
            except requests.RequestException as exc:
                self.outcomes.append(f"{type(exc).__name__}: {exc}")
        session.close()

    def __enter__(self) -> Traffic:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


@pytest.fixture
def served(inputs: Settings, tmp_path: Path) -> Iterator[tuple[str, int]]:
    with civicgraph_serve(inputs.build_dir, tmp_path / "serve.log") as (base, master):
        yield base, master


def test_rebuild_then_sighup_switches_builds_without_dropping_requests(
    inputs: Settings, served: tuple[str, int]
) -> None:
    base, master = served
    old_manifest = requests.get(base + "/download/manifest.json", timeout=30).content
    marker = Path(inputs.curated) / "zz-reload.ttl"
    with Traffic(base) as traffic:
        marker.write_bytes(CURATED)
        try:
            build(inputs)  # requests in flight the whole time
        finally:
            marker.unlink()
        # Rebuilt, not reloaded: the old build, whole (its files too, not the new ones).
        assert (
            requests.get(base + "/sparql", params={"query": MARKER}, timeout=30).json()["boolean"]
            is False
        )
        assert requests.get(base + "/download/manifest.json", timeout=30).content == old_manifest
        before_hup = len(traffic.outcomes)
        os.kill(master, signal.SIGHUP)
        deadline = time.monotonic() + 120
        while not requests.get(base + "/sparql", params={"query": MARKER}, timeout=30).json()[
            "boolean"
        ]:
            assert time.monotonic() < deadline, "the new build was never served"
            time.sleep(0.2)
        during = len(traffic.outcomes) - before_hup
        time.sleep(1)  # and the new workers go on serving
    new_manifest = requests.get(base + "/download/manifest.json", timeout=30).content
    assert new_manifest == (inputs.build_dir / "manifest.json").read_bytes() != old_manifest
    assert len(traffic.outcomes) > 50
    assert [o for o in traffic.outcomes if o != "200"] == []
    assert during > 0  # requests were in flight while the workers were replaced
