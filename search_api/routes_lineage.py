"""Read-only lineage routes: an APIRouter that ``create_app`` includes before the
``/documents/{id:path}`` and ``/entities/{id:path}`` routes, so ``C23/52/lineage``
reaches lineage and not the document ``C23/52/lineage``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from graph.lineage import MAX_DEPTH
from graph.store import GraphStore
from search_api import lineage as ops
from search_api.auth import principal_of
from search_api.schemas import Ident
from search_api.schemas_lineage import LineageOut, PathsOut, ResolutionOut, TimelineOut

router = APIRouter(tags=["lineage"])

Depth = Annotated[int, Query(ge=1, le=MAX_DEPTH, description=f"hops, 1..{MAX_DEPTH}")]
Types = Annotated[str | None, Query(max_length=500, description="comma-separated relation "
                                    "types (CITES,REVISES,...); MENTIONS = document mentions")]
Limit = Annotated[int, Query(ge=1, le=ops.MAX_PAGE, description="items per page")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000)]
Passages = Annotated[bool, Query(description="add each edge's whole evidence passage "
                                             "(the evidence words and span are always given)")]


def _locked(request: Request) -> Any:
    """The app's state (service + read/write lock, see search_api.rwlock)."""
    return request.app.state.councilkg


def _store(request: Request, state: Any) -> GraphStore:
    """The store as the caller sees it (with the lock held for reading)."""
    store: GraphStore = state.kg.store_for(principal_of(request).clearance)
    return store


@router.get("/documents/{document_id:path}/lineage", response_model=LineageOut)
def document_lineage(request: Request, document_id: Ident,
                     direction: Annotated[str, Query(pattern="^(out|in|both)$")] = "out",
                     depth: Depth = 1, types: Types = None, limit: Limit = 100,
                     offset: Offset = 0, passages: Passages = False) -> LineageOut:
    """What a document builds on (out), what builds on it (in), or both; a graph with
    evidence plus a flat list in tree order. Cited documents not ingested yet are
    included with ``ingested: false``."""
    state = _locked(request)
    with state.lock.reading():
        return ops.lineage(_store(request, state), document_id, direction=direction,
                           depth=depth, types=ops.parse_types(types), limit=limit,
                           offset=offset, passages=passages)


@router.get("/entities/{entity_id:path}/neighbors", response_model=LineageOut)
def entity_neighbors(request: Request, entity_id: Ident, depth: Depth = 1, types: Types = None,
                     limit: Limit = 100, offset: Offset = 0,
                     passages: Passages = False) -> LineageOut:
    """Nodes within ``depth`` hops of an entity, either direction."""
    state = _locked(request)
    with state.lock.reading():
        return ops.neighbors(_store(request, state), entity_id, depth=depth,
                             types=ops.parse_types(types), limit=limit, offset=offset,
                             passages=passages)


@router.get("/resolutions/{resolution_id:path}", response_model=ResolutionOut)
def resolution(request: Request, resolution_id: Ident) -> ResolutionOut:
    """A resolution: its versions in order and who cites, reports on or implements each."""
    state = _locked(request)
    with state.lock.reading():
        return ops.resolution(_store(request, state), resolution_id)


@router.get("/paths", response_model=PathsOut)
def paths(request: Request,
          source: Annotated[str, Query(alias="from", min_length=1, max_length=200)],
          target: Annotated[str, Query(alias="to", min_length=1, max_length=200)],
          max_depth: Depth = 3, types: Types = None,
          limit: Annotated[int, Query(ge=1, le=50)] = 10) -> PathsOut:
    """Shortest paths between two nodes with each edge's evidence; empty if none."""
    state = _locked(request)
    with state.lock.reading():
        return ops.paths(_store(request, state), source, target, max_depth=max_depth,
                         types=ops.parse_types(types), limit=limit)


@router.get("/timeline", response_model=TimelineOut)
def timeline(request: Request,
             entity: Annotated[str | None, Query(max_length=200)] = None,
             topic: Annotated[str | None, Query(max_length=200)] = None,
             year_from: Annotated[int | None, Query(alias="from", ge=1865, le=2200)] = None,
             year_to: Annotated[int | None, Query(alias="to", ge=1865, le=2200)] = None,
             ) -> TimelineOut:
    """Dated documents and events about an entity or a topic, in order."""
    state = _locked(request)
    with state.lock.reading():
        return ops.timeline(_store(request, state), entity=entity, topic=topic, year_from=year_from,
                            year_to=year_to)
