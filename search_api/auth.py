"""Who may call what: API keys on every route but the few in :data:`PUBLIC_ROUTES`.

``authenticate`` is an app-wide dependency: it reads ``Authorization: Bearer <key>`` or
``X-API-Key: <key>``, puts the :class:`~search_api.keys.Principal` on
``request.state.principal`` and raises 401 (no key, unknown or revoked key) through the one
problem mapping. With ``COUNCILKG_PUBLIC_READ`` set, a request without a key gets read scope
and public clearance instead of a 401 (a wrong key is still refused). ``require_write`` guards
the routes that change the store (403 for a read key).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from ontology.errors import AuthenticationError, PermissionDeniedError
from ontology.records import AccessLevel
from search_api.keys import KeyStore, Principal, Scope

#: route paths anyone may call without a key; the only list of exemptions
#: no key needed: probes (no data), the API description, and the explorer's page and
#: libraries (its data calls send the key); /metrics needs a read key (Prometheus sends one)
PUBLIC_ROUTES = frozenset({"/health", "/ready", "/openapi.json", "/docs",
                           "/docs/oauth2-redirect", "/redoc", "/", "/explorer/vendor/{name}",
                           "/explorer/static"})
ANONYMOUS = Principal(key_id=None, scope=Scope.READ, clearance=AccessLevel.PUBLIC,
                      name="anonymous (public-read mode)")

_bearer = HTTPBearer(auto_error=False, description="an API key: `Authorization: Bearer ckg_...`")
_header = APIKeyHeader(name="X-API-Key", auto_error=False,
                       description="an API key in its own header")


def route_path(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", request.url.path))


def authenticate(request: Request,
                 bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
                 header: Annotated[str | None, Depends(_header)]) -> Principal | None:
    if route_path(request) in PUBLIC_ROUTES:
        return None
    key = header or (bearer.credentials if bearer is not None else None)
    keys: KeyStore = request.app.state.keys
    if key:
        principal = keys.verify(key)
        if principal is None:
            raise AuthenticationError("the API key is unknown or revoked")
    elif request.app.state.public_read:
        principal = ANONYMOUS
    else:
        raise AuthenticationError(
            "an API key is required: send `Authorization: Bearer <key>` or `X-API-Key: <key>` "
            "(keys are made with `councilkg keys create`)")
    request.state.principal = principal
    return principal


def principal_of(request: Request) -> Principal:
    """The caller of a route behind ``authenticate``."""
    found: Principal | None = getattr(request.state, "principal", None)
    if found is None:  # a route outside PUBLIC_ROUTES always has one: fail closed
        raise AuthenticationError("no authenticated caller")
    return found


def require_write(request: Request) -> Principal:
    principal = principal_of(request)
    if not principal.scope.allows(Scope.WRITE):
        raise PermissionDeniedError("this operation needs a key with write scope",
                                    scope=principal.scope.value)
    return principal


def document_exemptions(app: FastAPI) -> None:
    """The app-wide dependency marks every operation as secured in the OpenAPI document;
    the exempt ones are not."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            for path in PUBLIC_ROUTES:
                for operation in schema.get("paths", {}).get(path, {}).values():
                    operation.pop("security", None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


Caller = Annotated[Principal, Depends(principal_of)]
Writer = Annotated[Principal, Depends(require_write)]
