"""The HTTP API (FastAPI). One store and one model per process, opened at start-up."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from typing import Annotated

import anyio.to_thread
from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.responses import Response

from graph.search import MAX_K, MAX_QUERY_CHARS, SearchMode
from graph.store import GraphStore
from ontology.errors import NotFoundError
from ontology.records import AccessLevel
from search_api.answer_schemas import AskOut
from search_api.answering import answer
from search_api.auth import Caller, authenticate, document_exemptions
from search_api.export import (
    MEDIA_TYPES,
    RdfFormat,
    context_text,
    export_graph,
    ontology_text,
    serialize,
    shapes_text,
)
from search_api.facets import FacetsOut, check_document_type, facets
from search_api.identifiers import canonical_document_id
from search_api.keys import KEYS_FILE, KeyStore, Principal
from search_api.metrics import Metrics
from search_api.metrics import router as metrics_router
from search_api.middleware import install_middleware
from search_api.problems import MEDIA_TYPE, install_problem_handlers
from search_api.routes_documents import router as documents_router
from search_api.routes_explorer import install as install_explorer
from search_api.routes_lineage import router as lineage_router
from search_api.routes_ops import router as ops_router
from search_api.rwlock import ReadWriteLock
from search_api.schemas import (
    DocumentDetailOut,
    DocumentListOut,
    DocumentOut,
    EntityDetailOut,
    FailureOut,
    Ident,
    ProblemOut,
    SearchOut,
    StatsOut,
)
from search_api.service import CouncilKG
from search_api.settings import Settings

log = logging.getLogger(__name__)

MAX_OFFSET = 1_000_000_000  # beyond any corpus; keeps offsets inside every store's integers
#: every error a route may give, documented as what is sent: application/problem+json
#: with the ProblemOut schema (so a fuzzer validates problem bodies too)
PROBLEMS = {status: {"model": ProblemOut, "content": {MEDIA_TYPE: {
                "schema": {"$ref": "#/components/schemas/ProblemOut"}}}}
            for status in (400, 401, 403, 404, 405, 409, 413, 422, 429, 500, 503)}


class AppState:
    """The service plus a lock: requests read side by side, a write (upload, delete,
    shutdown) runs alone (search_api.rwlock)."""

    def __init__(self, kg: CouncilKG) -> None:
        self.kg = kg
        self.lock = ReadWriteLock()
        self.closing = False  # set at shutdown: /ready answers 503

    def store(self, principal: Principal) -> GraphStore:
        """The store as this caller sees it (call with the lock held for reading)."""
        return self.kg.store_for(principal.clearance)


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.councilkg
    return state


State = Annotated[AppState, Depends(get_state)]


def negotiate(accept: str) -> RdfFormat:
    """Pick an RDF format from an Accept header (Turtle unless JSON-LD or N-Triples is asked)."""
    lowered = accept.lower()
    if "application/ld+json" in lowered or "application/json" in lowered:
        return RdfFormat.JSONLD
    if "application/n-triples" in lowered:
        return RdfFormat.NT
    return RdfFormat.TURTLE


def close_when_idle(state: AppState, timeout: float) -> None:
    """Close the store once no request holds it: uvicorn has stopped taking requests and
    waited for the running ones, but a worker thread of a cancelled one may still be in
    the store, and closing under it could crash the process mid-write. If it does not
    let go in time the store is left to the process exit (the graph replays its
    write-ahead log on the next open)."""
    if not state.lock.acquire_write(timeout=max(timeout, 0.1)):
        log.warning("store not closed: a request still held it after %.0f s", timeout)
        return
    try:
        state.kg.close()
        log.info("store closed")
    finally:
        state.lock.release_write()


def create_app(settings: Settings | None = None, *, kg: CouncilKG | None = None) -> FastAPI:
    """App factory; pass ``kg`` to serve an already open service (tests, embedding)."""

    settings = settings or (kg.settings if kg is not None else Settings())
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = kg is None
        service = kg or CouncilKG.open(settings)
        service.observers.append(metrics.observe_ingest)
        state = AppState(service)
        # the query encoder and the store's search indexes are ready before requests
        await anyio.to_thread.run_sync(service.warm)
        app.state.councilkg = state
        app.state.keys = KeyStore(service.settings.store / KEYS_FILE)
        app.state.public_read = settings.public_read  # the app's settings, as middleware's
        if settings.public_read:
            log.warning("public-read mode: callers without a key read public documents")
        try:
            yield
        finally:
            state.closing = True
            service.observers.remove(metrics.observe_ingest)
            app.state.keys.close()
            if owned:  # in a thread: waiting for the lock must not block the event loop
                await anyio.to_thread.run_sync(close_when_idle, state, settings.shutdown_timeout)

    app = FastAPI(title="councilkg", version="0.1.0", lifespan=lifespan,
                  description="Knowledge graph and hybrid search over ITU Council documents. "
                              "Every route but /health needs an API key (README, Access).",
                  responses=PROBLEMS,  # type: ignore[arg-type]
                  dependencies=[Depends(authenticate)])
    install_problem_handlers(app)
    app.state.metrics = metrics
    install_middleware(app, settings, metrics)
    app.include_router(ops_router)
    app.include_router(metrics_router)
    app.include_router(lineage_router)  # before /documents/{id:path}: matched first
    install_explorer(app)  # the page at / and /documents/{id}/passages, also before
    app.include_router(documents_router)

    document_exemptions(app)

    @app.get("/search", response_model=SearchOut, tags=["search"])
    def search(
        state: State, caller: Caller,
        q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS,
                                description="question or keywords")],
        k: Annotated[int, Query(ge=1, le=MAX_K, description="number of hits")] = 10,
        mode: SearchMode = SearchMode.HYBRID,
        document: Annotated[str | None, Query(max_length=200,
                                              description="only this document")] = None,
        year_from: Annotated[int | None, Query(ge=1865, le=2200)] = None,
        year_to: Annotated[int | None, Query(ge=1865, le=2200)] = None,
        body: Annotated[str | None, Query(max_length=200, description="only documents "
                                          "submitted to this body (see /facets)")] = None,
        document_type: Annotated[str | None, Query(max_length=100, description="only this "
                                                   "kind of document (see /facets)")] = None,
    ) -> Response:
        with state.lock.reading():  # question analysis may read the store (its entity lexicon)
            request = state.kg.request(q, k=k, mode=mode, document=document,
                                       year_from=year_from, year_to=year_to, body=body,
                                       document_type=check_document_type(document_type),
                                       clearance=caller.clearance)
        vector = state.kg.vector_later(request)  # encoded while the store runs BM25
        with state.lock.reading():
            hits = state.store(caller).search(request, vector)
        # serialised here: FastAPI would validate the built model once more (~3 ms for
        # ten hits, a tenth of a search at 100k passages); the schema stays documented
        return Response(SearchOut.of(q, mode.value, hits).model_dump_json(),
                        media_type="application/json")

    @app.get("/ask", response_model=AskOut, tags=["search"])
    def ask(
        state: State, caller: Caller,
        q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS,
                                description="a question in your own words")],
        k: Annotated[int, Query(ge=1, le=20, description="number of answer passages")] = 5,
    ) -> AskOut:
        """The passages that answer (with the answering sentence), the graph facts about the
        entities the question names, and related documents, each statement with a citation."""
        with state.lock.reading():
            return AskOut.of(answer(state.kg, q, k=k, clearance=caller.clearance))

    @app.get("/documents", response_model=DocumentListOut, tags=["graph"])
    def documents(state: State, caller: Caller,
                  limit: Annotated[int, Query(ge=1, le=500)] = 100,
                  offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> DocumentListOut:
        with state.lock.reading():
            docs = state.store(caller).list_documents(limit=limit, offset=offset)
        return DocumentListOut(documents=[DocumentOut.of(d) for d in docs], limit=limit,
                               offset=offset)

    @app.get("/documents/{document_id:path}", response_model=DocumentDetailOut, tags=["graph"])
    def document(state: State, caller: Caller, document_id: Ident) -> DocumentDetailOut:
        ident = canonical_document_id(document_id)
        with state.lock.reading():
            view = state.store(caller).get_document(ident)
        if view is None:
            raise NotFoundError(f"no document {document_id!r}", id=document_id)
        return DocumentDetailOut.of(view)

    @app.get("/entities/{entity_id:path}", response_model=EntityDetailOut, tags=["graph"])
    def entity(state: State, caller: Caller, entity_id: Ident) -> EntityDetailOut:
        with state.lock.reading():
            view = state.store(caller).get_entity(entity_id)
        if view is None:
            raise NotFoundError(f"no entity {entity_id!r}", id=entity_id)
        return EntityDetailOut.of(view)

    @app.get("/ontology", tags=["linked data"], response_class=Response,
             responses={200: {"content": {m: {} for m in MEDIA_TYPES.values()}}})
    def ontology(accept: Annotated[str, Header()] = "text/turtle",
                 format: RdfFormat | None = None) -> Response:
        """The ontology; Turtle by default, JSON-LD or N-Triples by Accept header or format."""
        fmt = format or negotiate(accept)
        return Response(ontology_text(fmt), media_type=MEDIA_TYPES[fmt])

    @app.get("/ontology/shapes", tags=["linked data"], response_class=Response,
             responses={200: {"content": {"text/turtle": {}}}})
    def shapes() -> Response:
        """The SHACL shapes the exported data conforms to."""
        return Response(shapes_text(), media_type="text/turtle")

    @app.get("/ontology/context.jsonld", tags=["linked data"], response_class=Response,
             responses={200: {"content": {"application/ld+json": {}}}})
    def jsonld_context() -> Response:
        """The JSON-LD context used by JSON-LD exports."""
        return Response(context_text(), media_type="application/ld+json")

    @app.get("/export", tags=["linked data"], response_class=Response,
             responses={200: {"content": {m: {} for m in MEDIA_TYPES.values()}}})
    def export(state: State, caller: Caller, format: RdfFormat = RdfFormat.TURTLE,
               document: Annotated[str | None, Query(max_length=200)] = None) -> Response:
        """The whole graph, or one document's neighbourhood, as RDF."""
        ident = canonical_document_id(document) if document else None
        with state.lock.reading():
            graph = export_graph(state.store(caller), document_id=ident,
                                 base=state.kg.settings.iri_base)
        return Response(serialize(graph, format), media_type=MEDIA_TYPES[format])

    @app.get("/facets", response_model=FacetsOut, tags=["search"])
    def search_facets(state: State, caller: Caller) -> FacetsOut:
        """The years, bodies and document types of the documents this caller may see,
        with counts: the values the /search filters can take."""
        with state.lock.reading():
            return facets(state.store(caller))

    @app.get("/stats", response_model=StatsOut, tags=["ops"])
    def stats(state: State, caller: Caller) -> StatsOut:
        """Counts of what this caller may see; failed inputs (file names and reasons) are
        listed to keys with restricted clearance only."""
        full = caller.clearance is AccessLevel.RESTRICTED
        with state.lock.reading():
            failures = [FailureOut(**asdict(f)) for f in state.kg.failures()] if full else []
            return StatsOut.of(state.store(caller).stats(), failures)

    return app
