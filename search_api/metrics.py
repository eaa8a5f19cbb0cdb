"""Prometheus metrics (``GET /metrics``): request latency by route template, request
counts, requests in flight, and ingest outcomes.

Each app gets its own registry (several apps in one process - tests, embedding - must
not collide in the global one). Ingest counters are fed through the service's
observer hook (``CouncilKG.observers``), so ``graph``/``ingest`` never import this module.
With several worker processes each serves its own counts; see the README.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from search_api.service import IngestOutcome

#: seconds; /search sits around 20-60 ms, /ask a few hundred, ingest longer
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: the label of requests that matched no route (keeps the label set bounded)
UNMATCHED = "<unmatched>"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        labels = ("route", "method", "status")
        self.latency = Histogram("councilkg_http_request_duration_seconds",
                                 "Time from request to last response byte, by route template",
                                 labels, buckets=BUCKETS, registry=self.registry)
        self.requests = Counter("councilkg_http_requests", "Requests answered",
                                labels, registry=self.registry)
        self.in_flight = Gauge("councilkg_http_requests_in_flight",
                               "Requests being served", registry=self.registry)
        self.documents = Counter("councilkg_ingest_documents",
                                 "Files ingested, by outcome (ingested, unchanged, failed)",
                                 ("outcome",), registry=self.registry)
        self.passages = Counter("councilkg_ingest_passages",
                                "Passages written by ingests", registry=self.registry)
        for outcome in ("ingested", "unchanged", "failed"):
            self.documents.labels(outcome)  # exported as 0 before the first ingest

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.latency.labels(route, method, str(status)).observe(seconds)
        self.requests.labels(route, method, str(status)).inc()

    def observe_ingest(self, outcome: IngestOutcome) -> None:
        """The service's ingest hook: one call per file."""
        self.documents.labels(outcome.status).inc()
        if outcome.status == "ingested":
            self.passages.inc(outcome.passages)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


router = APIRouter(tags=["ops"])


@router.get("/metrics", response_class=Response,
            responses={200: {"description": "Prometheus text exposition format",
                             "content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}}})
def metrics(request: Request) -> Response:
    """Prometheus metrics of this process."""
    registry: Metrics = request.app.state.metrics
    return Response(registry.exposition(), media_type=CONTENT_TYPE_LATEST)
