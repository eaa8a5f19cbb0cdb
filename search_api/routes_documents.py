"""The write routes: upload (and ingest) one document, delete one. Both need a write key.

An upload goes through the same pipeline as ``councilkg ingest`` (``CouncilKG.ingest``): the
file is kept under ``<store>/uploads/<sha256 prefix>/<name>`` (its ``source``), parsed,
classified (the optional ``access`` field forces the level, as ``--access`` does) and
written; re-uploading the same bytes at the same level is ``unchanged``.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from ontology.errors import IngestError, InputTooLargeError, NotFoundError
from ontology.records import AccessLevel
from search_api.auth import Writer
from search_api.identifiers import canonical_document_id
from search_api.schemas import Ident, IngestOut

router = APIRouter(tags=["graph"])
CHUNK = 1 << 20
_UNSAFE_RE = re.compile(r"[^\w.()\-]+", re.UNICODE)


def safe_name(filename: str | None) -> str:
    """The base name only, in a safe alphabet (never a path the client chose)."""
    name = _UNSAFE_RE.sub("_", Path(filename or "").name).strip("._")[:120]
    return name or "upload"


def _keep(upload: UploadFile, uploads: Path, cap: int) -> tuple[Path, bool]:
    """Copy the upload under ``uploads``, refusing it past ``cap`` bytes (413); also say
    whether the same bytes were already kept under that name."""
    uploads.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=uploads, delete=False, suffix=".part") as out:
        part = Path(out.name)
        try:
            while chunk := upload.file.read(CHUNK):
                size += len(chunk)
                if size > cap:
                    raise InputTooLargeError(f"the upload exceeds the {cap:,}-byte limit "
                                             "(COUNCILKG_MAX_FILE_BYTES)", limit=cap)
                digest.update(chunk)
                out.write(chunk)
        except BaseException:
            out.close()
            part.unlink(missing_ok=True)
            raise
    target = uploads / digest.hexdigest()[:16] / safe_name(upload.filename)
    target.parent.mkdir(exist_ok=True)
    existed = target.exists()
    part.replace(target)
    return target, existed


@router.post("/documents", status_code=201, response_model=IngestOut,
             responses={200: {"model": IngestOut, "description": "unchanged: already stored"}})
def upload_document(
    request: Request, principal: Writer,
    file: Annotated[UploadFile, File(description="one document: .txt, .md, .html, .docx, .pdf")],
    access: Annotated[AccessLevel | None, Form(
        description="force the access level; default: the document's own marking")] = None,
) -> Any:
    """Upload and ingest one document. 201 when stored, 200 when unchanged, a problem
    (413, 422) with the reason when it cannot be ingested."""
    state = request.app.state.councilkg
    settings = state.kg.settings
    path, existed = _keep(file, settings.store / "uploads", settings.max_file_bytes)
    with state.lock.writing():
        outcome = state.kg.ingest([path], access=access, clearance=principal.clearance)[0]
    if outcome.status == "failed":
        if not existed:  # keep nothing that was not ingested
            path.unlink(missing_ok=True)
            path.parent.rmdir()
        raise IngestError(f"{safe_name(file.filename)}: {outcome.reason}", path=outcome.path)
    body = IngestOut(status=outcome.status, document_id=outcome.document_id,
                     passages=outcome.passages, access_level=outcome.access_level,
                     source=str(path))
    return JSONResponse(body.model_dump(),
                        status_code=201 if outcome.status == "ingested" else 200)


@router.delete("/documents/{document_id:path}", status_code=204)
def delete_document(request: Request, principal: Writer, document_id: Ident) -> Response:
    """Delete a document, its passages and what only it derived (cited documents stay)."""
    state = request.app.state.councilkg
    ident = canonical_document_id(document_id)
    with state.lock.writing():
        seen = state.kg.store_for(principal.clearance).get_document(ident)
        deleted = seen is not None and seen.document.ingested and state.kg.delete(ident)
    if not deleted:
        raise NotFoundError(f"no ingested document {document_id!r}", id=document_id)
    return Response(status_code=204)
