"""Opening the driver and the start-up checks, with errors that name their cause.

Unreachable server, wrong credentials, a missing database, a server older than
:data:`~graph.neo4j.config.MIN_VERSION` and a statement that timed out each
become a :class:`~ontology.errors.StoreError` (``StoreUnavailableError`` when the
server cannot be reached) whose message says which, and what to do.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from graph.neo4j.config import MIN_VERSION, Neo4jConfig
from ontology.errors import StoreError, StoreUnavailableError

if TYPE_CHECKING:
    from neo4j import Driver

log = logging.getLogger(__name__)

_VERSION_RE = re.compile(r"^(\d+)\.(\d+)")
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def translate(exc: Exception, config: Neo4jConfig, action: str) -> StoreError:
    """A driver exception as the one councilkg error that names its cause."""
    from neo4j import exceptions as nx

    where = f"Neo4j at {config.uri} (database {config.database!r})"
    code = getattr(exc, "code", "") or ""
    if isinstance(exc, nx.AuthError) or code.startswith("Neo.ClientError.Security.Unauthorized"):
        return StoreError(f"{action}: {where} refused the credentials of user "
                          f"{config.user!r}: check NEO4J_USER and NEO4J_PASSWORD",
                          cause="authentication", uri=config.uri)
    if code == "Neo.ClientError.Database.DatabaseNotFound":
        return StoreError(f"{action}: the database {config.database!r} does not exist on "
                          f"{config.uri}: create it or set NEO4J_DATABASE",
                          cause="database-not-found", database=config.database)
    if "TransactionTimedOut" in code or "TransactionTimedOutClientConfiguration" in code:
        return StoreError(f"{action}: a statement on {where} timed out after "
                          f"{config.timeout:g} s", cause="timeout", uri=config.uri)
    if isinstance(exc, nx.ServiceUnavailable | nx.SessionExpired | OSError):
        return StoreUnavailableError(f"{action}: {where} is unreachable: {exc}; is the server "
                                     "running and NEO4J_URI right?",
                                     cause="unreachable", uri=config.uri)
    if isinstance(exc, nx.ConfigurationError | ValueError):
        return StoreError(f"{action}: bad Neo4j connection settings ({config.uri}): {exc}",
                          cause="configuration", uri=config.uri)
    message = getattr(exc, "message", None) or str(exc)
    return StoreError(f"{action} failed on {where}: {code or type(exc).__name__}: {message}",
                      cause="server", code=code)


def parse_version(text: str) -> tuple[int, int]:
    match = _VERSION_RE.match(text.strip())
    if match is None:
        raise StoreError(f"cannot read the Neo4j version {text!r}", version=text)
    return int(match.group(1)), int(match.group(2))


def check_version(components: Iterable[dict[str, Any]]) -> str:
    """The kernel's version from ``dbms.components()``; raise if older than needed.

    Calendar versions (2025.01 and later) are newer than every 5.x."""
    needed = ".".join(map(str, MIN_VERSION))
    for row in components:
        if row.get("name") != "Neo4j Kernel":
            continue
        versions = row.get("versions") or []
        if not versions:
            break
        found = str(versions[0])
        if parse_version(found) < MIN_VERSION:
            raise StoreError(f"Neo4j {found} ({row.get('edition')}) is too old: councilkg needs "
                             f"Neo4j {needed} or newer (vector indexes created with CREATE "
                             "VECTOR INDEX)", found=found, needed=needed)
        return found
    raise StoreError(f"dbms.components() named no Neo4j Kernel version; councilkg needs "
                     f"Neo4j {needed} or newer", needed=needed)


def open_driver(config: Neo4jConfig) -> Driver:
    """One driver (a connection pool) for the process; checked before it is returned."""
    try:
        import neo4j
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise StoreError("the Neo4j backend needs the 'neo4j' package (pip install neo4j)") \
            from exc
    scheme = config.uri.split("://", 1)[0] if "://" in config.uri else ""
    if scheme not in SCHEMES:
        raise StoreError(f"NEO4J_URI {config.uri!r} is not a Bolt address: use bolt://host:7687 "
                         "or neo4j://host:7687 (+s/+ssc for TLS)", cause="configuration",
                         uri=config.uri)
    try:
        driver = neo4j.GraphDatabase.driver(
            config.uri, auth=(config.user, config.password),
            connection_timeout=min(config.timeout, 15.0),
            max_transaction_retry_time=config.max_retry_time)
    except Exception as exc:
        raise translate(exc, config, "opening the Neo4j driver") from exc
    try:
        driver.verify_connectivity()
    except Exception as exc:
        driver.close()
        raise translate(exc, config, "connecting") from exc
    return driver
