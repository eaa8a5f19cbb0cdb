"""Fuzz the live API from its own OpenAPI document with schemathesis.

Serves the real app (uvicorn, loopback, an ephemeral port) over a real embedded store
holding ``samples/corpus`` (built in a temporary directory unless ``--store`` names one),
then, for every operation of ``/openapi.json``, generates cases (valid ones, and invalid
ones the API must refuse with a documented 4xx) and checks each response: no 5xx, the
status code is documented, the body matches the documented schema and media type.
Deterministic: derandomized generation (the same cases on every run) and no example
database; ``--seed N`` explores other cases, still reproducibly.
Prints figures; exits 1 if any check failed. The test suite runs ``fuzz()`` with fewer
cases (tests/integration/test_fuzz_api.py). Usage:
    .venv/bin/python bench/fuzz_api.py [--examples 60] [--store DIR]
        [--header 'Authorization: Bearer KEY'] [--exclude-method DELETE]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from bench.servers import live_server  # noqa: E402  (after the path insert, for the script)

log = logging.getLogger("fuzz_api")


@dataclass
class FuzzReport:
    cases: int = 0
    seconds: float = 0.0
    by_operation: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.cases} cases over {len(self.by_operation)} operations in "
               f"{self.seconds:.1f} s; statuses: "
               + ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items())),
               f"5xx: {sum(n for s, n in self.statuses.items() if s >= 500)}; "
               f"failed checks: {len(self.failures)}; no cases to generate: "
               + (", ".join(self.skipped) or "none")]
        out += [f"  {op}: {n} cases" for op, n in sorted(self.by_operation.items())]
        out += [f"  FAILURE {f}" for f in self.failures[:50]]
        return out


def fuzz(base_url: str, *, examples: int, seed: int | None = None,
         headers: dict[str, str] | None = None,
         exclude_methods: tuple[str, ...] = ()) -> FuzzReport:
    """``examples`` positive and as many negative cases per operation."""
    import requests
    import schemathesis
    from schemathesis import GenerationMode

    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json", headers=headers or {})
    report = FuzzReport()
    session = requests.Session()
    started = time.perf_counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() in exclude_methods:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _cases(operation, mode, base_url=base_url, session=session, headers=headers,
                   examples=examples, seed=seed, report=report)
    report.seconds = time.perf_counter() - started
    return report


def _cases(operation: Any, mode: Any, *, base_url: str, session: Any,
           headers: dict[str, str] | None, examples: int, seed: int | None,
           report: FuzzReport) -> None:
    """One operation in one generation mode; every failure is recorded, none stops it."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hyp_seed
    from hypothesis.errors import Unsatisfiable
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance]
    label = f"{operation.method.upper()} {operation.path}"

    @hyp_seed(seed or 0)
    @settings(max_examples=examples, derandomize=seed is None, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = case.call(base_url=base_url, session=session, headers=headers, timeout=60)
        report.cases += 1
        report.by_operation[label] += 1
        report.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except BaseExceptionGroup as exc:  # keep going: count every failure, not the first
            report.failures.append(f"{label} query={case.query} path={case.path_parameters}"
                                   f" -> {response.status_code}: {str(exc)[:600]}")

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid (an operation without parameters)
        report.skipped.append(f"{label} ({mode.value})")


def sample_store(store: Path) -> Any:
    """A CouncilKG over ``store``, with samples/corpus ingested (idempotent)."""
    from search_api.service import CouncilKG
    from search_api.settings import Settings

    kg = CouncilKG.open(Settings(store=store))
    outcomes = kg.ingest([REPO / "samples" / "corpus"])
    log.info("store %s: %s", store, Counter(o.status for o in outcomes))
    return kg


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=60,
                        help="positive and negative cases per operation (each)")
    parser.add_argument("--seed", type=int, help="other cases than the derandomized ones")
    parser.add_argument("--store", type=Path, help="store to build or reuse")
    parser.add_argument("--header", action="append", default=[],
                        help="'Name: value' sent with every case (default: a fresh write "
                             "key's X-API-Key)")
    parser.add_argument("--exclude-method", action="append", default=[])
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    headers = dict(h.split(":", 1) for h in args.header)
    headers = {k.strip(): v.strip() for k, v in headers.items()}
    from search_api.api import create_app

    with tempfile.TemporaryDirectory() as tmp:
        kg = sample_store(args.store or Path(tmp) / "store")
        if not headers:  # past authentication: a write key with restricted clearance
            from search_api.keys import KEYS_FILE, KeyStore

            keys = KeyStore(kg.settings.store / KEYS_FILE)
            headers = {"X-API-Key": keys.create(scope="write", clearance="restricted",
                                                name="fuzz bench")[1]}
            keys.close()
        app = create_app(kg.settings.model_copy(update={"rate_limit": 0}), kg=kg)
        try:
            with live_server(app) as url:
                report = fuzz(url, examples=args.examples, seed=args.seed,
                              headers=headers or None,
                              exclude_methods=tuple(m.upper() for m in args.exclude_method))
        finally:
            kg.close()
    for line in report.lines():
        print(line)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
