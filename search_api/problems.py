"""The one mapping from councilkg errors to HTTP problem responses (RFC 9457)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ontology.errors import (
    AmbiguousError,
    AuthenticationError,
    CouncilKGError,
    EmptyInputError,
    IngestError,
    InputTooLargeError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    StoreUnavailableError,
    UnsupportedInputError,
)

log = logging.getLogger(__name__)

PROBLEM_TYPE_BASE = "https://w3id.org/councilkg/problems/"
MEDIA_TYPE = "application/problem+json"

#: most specific class first
STATUS_BY_ERROR: tuple[tuple[type[CouncilKGError], int], ...] = (
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (AmbiguousError, 409),
    (InvalidRequestError, 422),
    (InputTooLargeError, 413),
    (EmptyInputError, 422),
    (UnsupportedInputError, 415),
    (IngestError, 422),  # any other input that could not be ingested, with the reason
    (StoreUnavailableError, 503),
)


def status_for(exc: CouncilKGError) -> int:
    for cls, status in STATUS_BY_ERROR:
        if isinstance(exc, cls):
            return status
    return 500


#: structured error fields passed on as problem extension members
EXTENSIONS = ("candidates", "near_matches")


#: RFC 9110: a 401 names the scheme the client should use
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="councilkg"'}


def problem(status: int, code: str, title: str, detail: str,
            extensions: dict[str, object] | None = None) -> JSONResponse:
    body: dict[str, object] = {"type": PROBLEM_TYPE_BASE + code, "title": title,
                               "status": status, "detail": detail}
    body.update(extensions or {})
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE,
                        headers=CHALLENGE if status == 401 else None)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(CouncilKGError)
    async def _councilkg(_: Request, exc: CouncilKGError) -> JSONResponse:
        status = status_for(exc)
        if status >= 500:
            log.error("request failed: %s", exc.message)
        extra = {k: exc.detail[k] for k in EXTENSIONS if k in exc.detail}
        return problem(status, exc.code, type(exc).__name__, exc.message, extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path"))
            parts.append(f"{where}: {err.get('msg')}")
        return problem(422, "invalid-request", "InvalidRequest", "; ".join(parts))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, "http-error", "HTTPError", str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return problem(500, "internal-error", "InternalError",
                       "an internal error occurred; it has been logged")
