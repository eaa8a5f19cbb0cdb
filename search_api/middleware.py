"""The request pipeline around the routes (pure ASGI: no body buffering, no extra task).

Outermost first: request context (request id, access log line, metrics, a problem body
for any unhandled exception), CORS, rate limit, body cap. The order matters: every
response - a 429, a 413, a 500 - gets the request id and, for allowed origins, the CORS
headers a browser needs to read it.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from search_api.logs import install_request_ids, request_id_var
from search_api.metrics import UNMATCHED, Metrics
from search_api.problems import problem
from search_api.ratelimit import RateLimitMiddleware
from search_api.settings import Settings

access_log = logging.getLogger("councilkg.access")
log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
#: an incoming id is kept only if it is short and plain (it is echoed and logged)
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
CORS_HEADERS = ["Authorization", "X-API-Key", "X-Request-ID", "Content-Type", "Accept"]


def request_id_from(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text: str = bytes(value).decode("latin-1")
            if SANE_REQUEST_ID.fullmatch(text):
                return text
            break
    return uuid.uuid4().hex


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id_from(scope)
        token = request_id_var.set(rid)
        status = 500
        started = False
        start = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = rid
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error")
            if started:  # too late for a problem body; the server closes the connection
                raise
            response = problem(500, "internal-error", "InternalError",
                               "an internal error occurred; it has been logged")
            await response(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - start
            self.metrics.in_flight.dec()
            route = getattr(scope.get("route"), "path", None) or UNMATCHED
            self.metrics.observe_request(route, scope["method"], status, seconds)
            access_log.info("%s %s %d", scope["method"], scope["path"], status, extra={
                "method": scope["method"], "path": scope["path"], "status": status,
                "duration_ms": round(seconds * 1000, 2)})
            request_id_var.reset(token)


class BodyTooLarge(HTTPException):
    """An HTTPException, so FastAPI's body reader lets it through (it turns other errors
    into a 400) and the problem handler gives the 413."""


class BodyLimitMiddleware:
    """413 for a declared ``Content-Length`` over the cap before a byte is read, and for a
    chunked body as soon as it passes the cap."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def too_large(self) -> BodyTooLarge:
        return BodyTooLarge(413, f"request body over the limit of {self.max_bytes} bytes")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                exc = self.too_large()
                response = problem(413, "content-too-large", "ContentTooLarge", exc.detail)
                await response(scope, receive, send)
                return
        received = 0
        started = False

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise self.too_large()
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, tracked)
        except BodyTooLarge as exc:  # read outside FastAPI's body reader
            if started:
                raise
            await problem(413, "content-too-large", "ContentTooLarge", exc.detail)(
                scope, receive, send)


def install_middleware(app: FastAPI, settings: Settings, metrics: Metrics) -> None:
    """Added innermost first (Starlette wraps each new one around the previous)."""
    install_request_ids()
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.body_limit(settings.max_file_bytes))
    if settings.rate_limit > 0:
        app.add_middleware(RateLimitMiddleware, rate=settings.rate_limit,
                           burst=settings.rate_burst)
    if settings.cors_origins:
        if settings.cors_credentials and "*" in settings.cors_origins:  # model_copy skips
            raise ValueError("CORS: the origin '*' with credentials is refused; "  # validation
                             "list the allowed origins")
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_credentials=settings.cors_credentials,
                           allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
                           allow_headers=CORS_HEADERS,
                           expose_headers=["X-Request-ID", "Retry-After"], max_age=600)
    app.add_middleware(RequestContextMiddleware, metrics=metrics)
