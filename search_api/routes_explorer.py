"""The web explorer: one static page at ``/`` and its assets under ``/explorer``, plus the
one read the page needs that the JSON API lacked (a document's passages, in order).

The page is a client of the JSON API and holds no data itself. Its graph library
(cytoscape.js) is installed from npm by ``make setup`` (``npm ci`` in
``search_api/explorer``, from the committed lock file) and served from that
``node_modules``: nothing is fetched from a CDN at run time. Without it the page still
works and says, where a graph would be, how to install it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from ontology.errors import NotFoundError
from search_api.auth import Caller
from search_api.identifiers import canonical_document_id
from search_api.schemas import DocumentOut, PassageOut

EXPLORER = Path(__file__).parent / "explorer"
STATIC = EXPLORER / "static"
#: browser builds of the npm packages the page imports, by the name the page uses
VENDOR = {"cytoscape.mjs": EXPLORER / "node_modules" / "cytoscape" / "dist"
          / "cytoscape.esm.min.mjs"}
MAX_PASSAGES = 200

router = APIRouter()


class PassagesOut(BaseModel):
    document: DocumentOut
    total: int = Field(description="passages of the document")
    limit: int
    offset: int
    passages: list[PassageOut] = Field(description="this page, in document order")


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    """The explorer page (routes after ``#`` are the page's own: #/search?q=..)."""
    return FileResponse(STATIC / "index.html", media_type="text/html")


@router.get("/explorer/vendor/{name}", include_in_schema=False)
def vendor(name: str) -> FileResponse:
    path = VENDOR.get(name)
    if path is None or not path.is_file():
        raise NotFoundError(f"{name} is not installed: run `make setup` (npm ci in "
                            "search_api/explorer)", id=name)
    return FileResponse(path, media_type="text/javascript")


@router.get("/documents/{document_id:path}/passages", response_model=PassagesOut,
            tags=["graph"])
def document_passages(request: Request, caller: Caller, document_id: str,
                      limit: Annotated[int, Query(ge=1, le=MAX_PASSAGES)] = 100,
                      offset: Annotated[int, Query(ge=0)] = 0) -> PassagesOut:
    """A document's passages in order (ids are ``{document}#{ordinal}``), paginated."""
    state: Any = request.app.state.councilkg
    ident = canonical_document_id(document_id)
    with state.lock.reading():
        store = state.kg.store_for(caller.clearance)  # what this caller may see
        view = store.get_document(ident)
        if view is None or not view.document.ingested:
            raise NotFoundError(f"no ingested document {document_id!r}", id=document_id)
        ids = [f"{ident}#{i}" for i in range(offset, min(view.passages, offset + limit))]
        found = store.get_passages(ids)
    passages = sorted((found[i][0] for i in ids if i in found), key=lambda p: p.ordinal)
    return PassagesOut(document=DocumentOut.of(view.document), total=view.passages,
                       limit=limit, offset=offset,
                       passages=[PassageOut.of(p) for p in passages])


def install(app: FastAPI) -> None:
    """Add the explorer's routes (before ``/documents/{id:path}``) and static files."""
    app.include_router(router)
    app.mount("/explorer/static", StaticFiles(directory=STATIC), name="explorer")
