"""Probes for an orchestrator: ``/health`` (liveness) and ``/ready`` (readiness).

Liveness must stay cheap and never wait: it touches neither the store nor the lock a long
``/ask`` or ingest may hold, so a busy server is not restarted for being busy. Readiness
says whether requests can be served: the service is open (start-up done, shutdown not
begun), the model is loaded and the store answers a point lookup.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from ontology.errors import StoreUnavailableError

router = APIRouter(tags=["ops"])
log = logging.getLogger(__name__)

#: a readiness probe does not queue behind a long request: a held lock means the store
#: is open and in use
PROBE_WAIT_SECONDS = 0.5


class HealthOut(BaseModel):
    status: str = Field(description="'ok' while the process serves requests")
    backend: str | None = Field(None, description="graph backend (None before start-up)")
    model: str | None = Field(None, description="embedding model (None before start-up)")


class ReadyOut(BaseModel):
    status: str = Field(description="'ready'")
    backend: str
    model: str
    dimension: int = Field(description="embedding dimension of the loaded model")


def _state(request: Request) -> Any:
    return getattr(request.app.state, "councilkg", None)


@router.get("/health", response_model=HealthOut)
def health(request: Request) -> HealthOut:
    """Liveness: the process answers. No store call, no lock."""
    state = _state(request)
    if state is None:
        return HealthOut(status="ok")
    return HealthOut(status="ok", backend=getattr(state.kg.store, "backend", None),
                     model=state.kg.embedder.name)


@router.get("/ready", response_model=ReadyOut)
def ready(request: Request) -> ReadyOut:
    """Readiness: store open and answering, model loaded; a 503 problem otherwise."""
    state = _state(request)
    if state is None or state.closing:
        raise StoreUnavailableError("not ready: the service is starting or shutting down")
    kg = state.kg
    dimension = getattr(kg.embedder, "dimension", 0)
    if not dimension:
        raise StoreUnavailableError("not ready: the embedding model is not loaded")
    if state.lock.acquire_read(timeout=PROBE_WAIT_SECONDS):
        try:
            kg.store.document_hash("readiness-probe")
        except Exception as exc:
            log.warning("readiness probe failed: %s", exc)
            raise StoreUnavailableError(f"not ready: the store does not answer ({exc})") from exc
        finally:
            state.lock.release_read()
    return ReadyOut(status="ready", backend=getattr(kg.store, "backend", "unknown"),
                    model=kg.embedder.name, dimension=dimension)
