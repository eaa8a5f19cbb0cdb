"""API keys: created by the operator (``councilkg keys create``), stored hashed.

A key is ``ckg_<id>_<secret>``: the id (8 hex digits) finds the row, the secret is 256 random
bits. Only the SHA-256 of the whole key is stored and compared in constant time; a slow
password hash (bcrypt, argon2) would add nothing against guessing 256 random bits and cost
milliseconds on every request. The file lives beside the ingest log in the store directory,
so it serves either backend, and the CLI can create or revoke keys while the server runs
(each request reads the row: a revocation takes effect at once).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from ontology.errors import NotFoundError
from ontology.records import AccessLevel

PREFIX = "ckg_"
#: beside ingest-log.sqlite in the store directory
KEYS_FILE = "keys.sqlite"
_KEY_RE = re.compile(r"^ckg_(?P<id>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{20,100})$")


class Scope(StrEnum):
    READ = "read"
    WRITE = "write"  # implies read

    def allows(self, needed: Scope) -> bool:
        return self is Scope.WRITE or needed is Scope.READ


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: put on ``request.state.principal`` by the API."""

    key_id: str | None  # None: anonymous, in public-read mode
    scope: Scope
    clearance: AccessLevel
    name: str = ""


@dataclass(frozen=True, slots=True)
class KeyInfo:
    id: str
    name: str
    scope: str
    clearance: str
    created: str
    revoked: str | None


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        with self._lock, self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
                "hash TEXT NOT NULL, scope TEXT NOT NULL, clearance TEXT NOT NULL, "
                "created TEXT NOT NULL, revoked TEXT)")

    def create(self, *, scope: Scope | str, clearance: AccessLevel | str = AccessLevel.PUBLIC,
               name: str = "") -> tuple[KeyInfo, str]:
        """A new key; the key itself is returned once and never stored."""
        scope, clearance = Scope(scope), AccessLevel(clearance)
        with self._lock, self._db:
            while True:
                key_id = secrets.token_hex(4)
                if self._db.execute("SELECT 1 FROM api_keys WHERE id = ?",
                                    (key_id,)).fetchone() is None:
                    break
            key = f"{PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
            created = datetime.now(UTC).isoformat(timespec="seconds")
            self._db.execute("INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?, NULL)",
                             (key_id, name, digest(key), scope.value, clearance.value, created))
        return KeyInfo(key_id, name, scope.value, clearance.value, created, None), key

    def verify(self, key: str) -> Principal | None:
        """The principal of a valid, unrevoked key; None otherwise."""
        match = _KEY_RE.match(key.strip())
        if match is None:
            return None
        with self._lock:
            row = self._db.execute("SELECT hash, scope, clearance, name FROM api_keys "
                                   "WHERE id = ? AND revoked IS NULL",
                                   (match.group("id"),)).fetchone()
        if row is None or not hmac.compare_digest(row[0], digest(key.strip())):
            return None
        return Principal(match.group("id"), Scope(row[1]), AccessLevel(row[2]), row[3])

    def list(self) -> list[KeyInfo]:
        with self._lock:
            rows = self._db.execute("SELECT id, name, scope, clearance, created, revoked "
                                    "FROM api_keys ORDER BY rowid").fetchall()
        return [KeyInfo(*row) for row in rows]

    def revoke(self, key_id: str) -> KeyInfo:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock, self._db:
            self._db.execute("UPDATE api_keys SET revoked = ? WHERE id = ? AND revoked IS NULL",
                             (now, key_id))
        found = [k for k in self.list() if k.id == key_id]
        if not found:
            raise NotFoundError(f"no API key {key_id!r}", id=key_id)
        return found[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
