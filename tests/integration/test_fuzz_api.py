"""schemathesis against the live app's own OpenAPI (bench/fuzz_api.py, fewer cases): a real
server on loopback over a real store of samples/corpus; every response must be a non-5xx,
with a documented status code, media type and body schema."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from bench.fuzz_api import fuzz
from bench.servers import live_server
from search_api.api import create_app
from tests.conftest import SAMPLES
from tests.integration.conftest import key_for, open_kg

#: positive and as many negative cases per operation: ~300 in all
EXAMPLES = 12
#: another header to send instead of the suite's own key (e.g. "Authorization: Bearer KEY")
HEADER = os.environ.get("COUNCILKG_FUZZ_HEADER")


@pytest.fixture(scope="module")
def served(tmp_path_factory, embedder) -> Iterator[tuple[str, dict[str, str]]]:  # type: ignore[no-untyped-def]
    """The live app and the headers of a write key with restricted clearance (every route
    is fuzzed past authentication; the 401 path has its own tests)."""
    kg = open_kg(Path(tmp_path_factory.mktemp("fuzz")) / "store", embedder)
    try:
        assert {o.status for o in kg.ingest([SAMPLES / "corpus"])} == {"ingested"}
        headers = {"X-API-Key": key_for(kg)}
        if HEADER:
            name, value = HEADER.split(":", 1)
            headers = {name.strip(): value.strip()}
        app = create_app(kg.settings.model_copy(update={"rate_limit": 0}), kg=kg)
        with live_server(app) as url:
            yield url, headers
    finally:
        kg.close()


def test_no_server_error_nor_schema_violation(served) -> None:  # type: ignore[no-untyped-def]
    base_url, headers = served
    report = fuzz(base_url, examples=EXAMPLES, headers=headers)
    assert report.failures == [], "\n".join(report.lines())
    assert report.cases >= 250, report.lines()
    assert {"GET /search", "GET /ask", "GET /documents", "DELETE /documents/{document_id}",
            "GET /documents/{document_id}/lineage", "GET /paths"} <= set(report.by_operation)
    assert report.statuses[200] > 0 and report.statuses[422] > 0  # valid and invalid cases
    assert not any(status >= 500 for status in report.statuses)


def test_the_harness_reports_what_it_must() -> None:
    """A 500 and an undocumented body on a tiny app are both caught (the checks run)."""
    app = FastAPI()

    @app.get("/broken", responses={200: {"content": {"application/json": {
        "schema": {"type": "object", "required": ["n"],
                   "properties": {"n": {"type": "integer"}}}}}}})
    def broken(x: int = 0) -> dict[str, object]:
        if x % 2:
            raise RuntimeError("odd")
        return {"n": "not an integer"}

    with live_server(app) as url:
        report = fuzz(url, examples=5)
    text = "\n".join(report.failures)
    assert report.statuses[500] > 0 and "Server error" in text
    assert "does not conform to the schema" in text or "schema" in text.lower()
