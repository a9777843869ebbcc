"""schemathesis against `/openapi.json` of a running `civicgraph serve`, for every operation.

The schema is loaded from the live server, as a client would, and every operation (one per saved
query, GET, and POST where a query says `method: POST`) gets requests generated from it:
valid values in every format the operation documents (by Accept), then — for an operation with
parameters — invalid ones. Every response goes through schemathesis's checks: no 5xx, the
status code, Content-Type and headers the document declares, the body valid against the
declared schema (SPARQL results JSON, the error object), invalid input refused with a 4xx and
valid input accepted.

schemathesis's own pytest integration (`from_fixture(...).parametrize()`) does not run under
pytest 9 (it sets `Function._nodeid`, which pytest 9 no longer has), so each operation is run
through a Hypothesis `@given` over `operation.as_strategy()` here, which is the same generator.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from live import civicgraph_serve
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from graph.queries import load_queries

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAVED = load_queries(PROJECT_ROOT / "queries")
QUERIES = sorted(query.name for query in SAVED)
WITH_PARAMETERS = sorted(query.name for query in SAVED if query.parameters)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 8  # per operation and format: a bounded run (the whole module takes about 30 s)
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def api(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The OpenAPI document as `civicgraph serve` (gunicorn, on a free port) serves it."""
    log = tmp_path_factory.mktemp("openapi") / "serve.log"
    with civicgraph_serve(build_dir, log, "--query-workers", "2") as (base, _):
        schema = schemathesis.openapi.from_url(base + "/openapi.json", timeout=30)
        assert schema.get_base_url().rstrip("/") == base  # the document names this server
        yield schema


def operations(api: Any, name: str | None = None) -> list[Any]:
    found = [result.ok() for result in api.get_all_operations()]
    return [op for op in found if name is None or op.path == f"/queries/{name}"]


def documented_formats(operation: Any) -> list[str]:
    """The media types the operation's 200 response documents."""
    return list(operation.definition.raw["responses"]["200"]["content"])


def fuzz(operation: Any, mode: GenerationMode, checks: list[Any], **fixed: Any) -> None:
    @FUZZ_SETTINGS
    @given(case=operation.as_strategy(mode, **fixed))
    def run(case: Any) -> None:
        case.call_and_validate(checks=checks, timeout=30)

    run()


def test_the_document_has_an_operation_for_every_saved_query(api: Any) -> None:
    assert {op.path for op in operations(api)} == {f"/queries/{name}" for name in QUERIES}
    assert all(documented_formats(op) for op in operations(api))


@pytest.mark.parametrize("name", QUERIES)
def test_valid_requests_get_answers_the_document_describes(api: Any, name: str) -> None:
    for operation in operations(api, name):
        fuzz(operation, GenerationMode.POSITIVE, [*CHECKS, positive_data_acceptance])
        for media_type in documented_formats(operation):
            fuzz(operation, GenerationMode.POSITIVE, CHECKS, headers={"Accept": media_type})


@pytest.mark.parametrize("name", WITH_PARAMETERS)  # without any, nothing invalid can be sent
def test_invalid_requests_are_refused_with_a_4xx(api: Any, name: str) -> None:
    for operation in operations(api, name):
        fuzz(operation, GenerationMode.NEGATIVE, [*CHECKS, negative_data_rejection])
