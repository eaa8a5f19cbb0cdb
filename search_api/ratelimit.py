"""Per-client rate limiting: a token bucket per presented credential (or per address).

The client is the API key it presents (``Authorization: Bearer <key>`` or ``X-API-Key``),
hashed at once so the key itself is never kept or logged; a request without one is keyed
by its address. A bucket holds ``burst`` tokens and refills at ``rate`` per second; a
request takes one or gets ``429`` with ``Retry-After`` (whole seconds until a token is
back). Buckets live in this process's memory: with several workers each keeps its own,
so the effective limit is ``workers x rate``. The middleware runs on the event loop,
one request at a time, so the buckets need no lock.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from search_api.problems import problem

#: liveness and readiness probes come from the orchestrator and must never be refused
EXEMPT_PATHS = frozenset({"/health", "/ready"})
#: buckets kept at most; the least recently seen client is forgotten first
MAX_CLIENTS = 100_000


def client_key(headers: dict[bytes, bytes], address: str | None) -> str:
    """``key:<sha256 prefix>`` for a credential, else ``addr:<ip>``."""
    auth = headers.get(b"authorization", b"")
    credential = b""
    if auth[:7].lower() == b"bearer ":
        credential = auth[7:].strip()
    if not credential:
        credential = headers.get(b"x-api-key", b"").strip()
    if credential:
        return "key:" + hashlib.sha256(credential).hexdigest()[:32]
    return f"addr:{address or 'unknown'}"


class TokenBuckets:
    def __init__(self, rate: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, at

    def take(self, key: str) -> float:
        """Take a token: 0.0 when granted, else the seconds until one is available."""
        now = self.clock()
        tokens, at = self._buckets.pop(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) * self.rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > MAX_CLIENTS:
            self._buckets.popitem(last=False)
        return wait


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, *, rate: float, burst: int) -> None:
        self.app = app
        self.buckets = TokenBuckets(rate, burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        client = scope.get("client")
        wait = self.buckets.take(client_key(headers, client[0] if client else None))
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        retry = max(1, math.ceil(wait))
        response = problem(429, "too-many-requests", "TooManyRequests",
                           f"rate limit of {self.buckets.rate:g} requests/s "
                           f"(burst {self.buckets.burst}) exceeded; retry in {retry} s",
                           headers={"Retry-After": str(retry)})
        await response(scope, receive, send)
