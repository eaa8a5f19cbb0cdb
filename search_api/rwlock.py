"""Many readers or one writer: reads run side by side, a write runs alone.

Reads (search, documents, lineage) only need the store not to change under them; the one
thing they may not share, the embedded graph's connection, serialises itself
(``LadybugGraph``). Writes (upload, delete, shutdown) wait for the running reads and keep
new ones out; a waiting writer stops new readers so a stream of searches cannot starve it.
Not re-entrant: a reader must not ask for the lock again while holding it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class ReadWriteLock:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    def acquire_read(self, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._writing or self._writers_waiting:
                if not self._wait(deadline):
                    return False
            self._readers += 1
            return True

    def release_read(self) -> None:
        with self._cond:
            self._readers -= 1
            if not self._readers:
                self._cond.notify_all()

    def acquire_write(self, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._writers_waiting += 1
            try:
                while self._writing or self._readers:
                    if not self._wait(deadline):
                        return False
                self._writing = True
                return True
            finally:
                self._writers_waiting -= 1
                self._cond.notify_all()  # readers held back by this writer re-check

    def release_write(self) -> None:
        with self._cond:
            self._writing = False
            self._cond.notify_all()

    def _wait(self, deadline: float | None) -> bool:
        if deadline is None:
            self._cond.wait()
            return True
        left = deadline - time.monotonic()
        return left > 0 and (self._cond.wait(left) or time.monotonic() < deadline)

    @contextmanager
    def reading(self) -> Iterator[None]:
        self.acquire_read()
        try:
            yield
        finally:
            self.release_read()

    @contextmanager
    def writing(self) -> Iterator[None]:
        self.acquire_write()
        try:
            yield
        finally:
            self.release_write()
