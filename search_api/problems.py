"""The one mapping from councilkg errors to HTTP problem responses (RFC 9457)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus

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
from search_api.logs import request_id_var

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


def problem_body(status: int, code: str, title: str, detail: str,
                 extensions: Mapping[str, object] | None = None) -> dict[str, object]:
    """The problem document; ``request_id`` ties it to the server's log lines."""
    body: dict[str, object] = {"type": PROBLEM_TYPE_BASE + code, "title": title,
                               "status": status, "detail": detail}
    body.update(extensions or {})
    rid = request_id_var.get()
    if rid is not None:
        body["request_id"] = rid
    return body


def problem(status: int, code: str, title: str, detail: str,
            extensions: Mapping[str, object] | None = None,
            headers: Mapping[str, str] | None = None) -> JSONResponse:
    if status == 401:
        headers = {**CHALLENGE, **(headers or {})}
    return JSONResponse(problem_body(status, code, title, detail, extensions),
                        status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _slug(status: int) -> str:
    """``404`` -> ``not-found``: a stable problem type per HTTP status."""
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "-")
    except ValueError:
        return "http-error"


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
        # keeps the exception's headers (405's Allow, 401's WWW-Authenticate)
        slug = _slug(exc.status_code)
        title = "".join(w.capitalize() for w in slug.split("-"))
        return problem(exc.status_code, slug, title, str(exc.detail), headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return problem(500, "internal-error", "InternalError",
                       "an internal error occurred; it has been logged")
