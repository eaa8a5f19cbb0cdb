"""The ingest ledger: the last outcome of every input, so failures are never silent.

A small SQLite file beside the store (like the embedding cache) keeps, per input
path, the last status and the reason of a failure; ``councilkg stats`` and
``GET /stats`` list the inputs whose last ingest failed. A later success of the
same path clears its failure.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Failure:
    path: str
    reason: str
    at: str


class IngestLog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS outcome (path TEXT PRIMARY KEY, "
                         "status TEXT NOT NULL, document_id TEXT, reason TEXT, at TEXT NOT NULL)")
        self._db.commit()

    def record(self, path: str, status: str, document_id: str | None,
               reason: str | None) -> None:
        at = datetime.now(UTC).isoformat(timespec="seconds")
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO outcome VALUES (?, ?, ?, ?, ?)",
                             (path, status, document_id, reason, at))

    def forget_document(self, document_id: str) -> None:
        """A deleted document's inputs are no longer outcomes of the store."""
        with self._db:
            self._db.execute("DELETE FROM outcome WHERE document_id = ?", (document_id,))

    def failures(self) -> list[Failure]:
        rows = self._db.execute("SELECT path, reason, at FROM outcome WHERE status = 'failed' "
                                "ORDER BY path").fetchall()
        return [Failure(p, r or "", a) for p, r, a in rows]

    def close(self) -> None:
        self._db.close()
