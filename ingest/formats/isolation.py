"""Run a third-party format reader in a child process with a time and memory budget.

pypdf and python-docx are pure Python: a crafted file can make them loop or allocate
without end, and a thread cannot be interrupted. So the Word and PDF readers run in a
child forked by a small reader host (:mod:`ingest.formats.reader_host`: a clean,
single-threaded process that has imported only the readers, started once per
process that reads files). The child gets an address-space cap (``RLIMIT_AS``); the
host kills it after ``timeout`` seconds. Either way the file fails alone with a
:class:`ReaderLimitError` that says which budget it exceeded; the batch goes on.

(``multiprocessing``'s fork server is not used: its children re-import the parent's
``__main__``, which for the ``councilkg`` command is the whole service and torch.)
"""

from __future__ import annotations

import logging
import os
import pickle
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ingest.formats.reader_host import read_frame, write_frame
from ontology import errors
from ontology.errors import IngestError, ReaderLimitError

log = logging.getLogger(__name__)

T = TypeVar("T")
#: how long past the reader's own limit the parent waits for the host before giving up
_HOST_GRACE = 15.0


@dataclass(frozen=True, slots=True)
class ReaderLimits:
    """Budget of one reader call; ``timeout`` 0 runs the reader in this process (no budget)."""

    timeout: float = 25.0
    memory_bytes: int = 2 * 1024**3


class _ReaderHost:
    """The one reader host of this process; calls are serialised (one read at a time)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None

    def _started(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "ingest.formats.reader_host"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        return self._proc

    def _stop(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None

    def call(self, reference: str, data: bytes, limits: ReaderLimits) -> tuple[Any, ...]:
        with self._lock:
            proc = self._started()
            assert proc.stdin is not None and proc.stdout is not None
            try:
                write_frame(proc.stdin, pickle.dumps(
                    (reference, data, limits.memory_bytes, limits.timeout)))
                ready, _, _ = select.select([proc.stdout], [], [],
                                            limits.timeout + _HOST_GRACE)
                frame = read_frame(proc.stdout) if ready else None
            except OSError as exc:
                log.warning("reader host failed: %s", exc)
                frame = None
            if frame is None:  # the host itself died or hung: a new one next time
                self._stop()
                return ("died", None)
            outcome: tuple[Any, ...] = pickle.loads(frame)
            return outcome


_HOST = _ReaderHost()


def _rebuild(name: str, message: str, detail: dict[str, object]) -> IngestError:
    cls = getattr(errors, name, None)
    if not (isinstance(cls, type) and issubclass(cls, IngestError)):
        cls = IngestError
    return cls(message, **detail)


def run_limited(func: Callable[[bytes], T], data: bytes, limits: ReaderLimits) -> T:
    """``func(data)`` in a child process within ``limits``; its IngestErrors pass through.

    ``func`` must be a module-level function (the child imports it by name)."""
    if limits.timeout <= 0:
        return func(data)
    started = time.monotonic()
    outcome = _HOST.call(f"{func.__module__}:{func.__qualname__}", data, limits)
    kind = outcome[0]
    log.debug("%s: %s in %.3f s", func.__qualname__, kind, time.monotonic() - started)
    if kind == "ok":
        result: T = outcome[1]
        return result
    if kind == "error":
        raise _rebuild(*outcome[1:])
    if kind == "time":
        raise ReaderLimitError(
            f"reading took longer than {limits.timeout:g} s and was stopped (a broken or "
            "hostile file; COUNCILKG_READER_TIMEOUT raises the limit)",
            limit="time", seconds=limits.timeout)
    if kind == "memory":
        mib = limits.memory_bytes // 2**20
        raise ReaderLimitError(
            f"reading needed more than {mib:,} MiB and was stopped (a broken or hostile "
            "file; COUNCILKG_READER_MEMORY_MB raises the limit)", limit="memory", mib=mib)
    if kind == "died":
        raise ReaderLimitError(f"the reader died (exit code {outcome[1]}) before returning",
                               limit="crash", exitcode=outcome[1])
    raise IngestError(f"internal reader error: {outcome[1]}")
