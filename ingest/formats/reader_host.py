"""The reader host: a small single-threaded process that forks one child per file read.

Started once by :mod:`ingest.formats.isolation` (``python -m ingest.formats.reader_host``)
with only the readers imported, so a fork costs a millisecond or two and never copies
torch, the stores or the service's threads. For each request (a framed pickle on stdin:
reader reference, bytes, memory cap, time limit) it forks; the child caps its address
space, runs the reader and sends its result back through a pipe; the host kills a child
that outlives its time limit and answers the parent with the outcome on stdout. The
host exits when its stdin closes, i.e. with the process that started it.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import resource
import select
import signal
import struct
import sys
import time
import zlib
from collections.abc import Callable
from typing import IO, Any

from ontology.errors import IngestError

_HEADER = struct.Struct("!Q")
#: imported once by the host so that no child pays for them (the readers import lazily)
PRELOAD = ("ingest.formats.docx", "ingest.formats.pdf", "ingest.cleaning", "pypdf",
           "pypdf.errors", "docx", "docx.table", "docx.text.paragraph", "defusedxml",
           "defusedxml.ElementTree", "charset_normalizer")
_CAP_MARGIN = 32 * 2**20
#: how an allocation refused by RLIMIT_AS shows outside MemoryError
_OUT_OF_MEMORY = ("failed to map segment", "Cannot allocate memory")


def write_frame(out: IO[bytes], payload: bytes) -> None:
    out.write(_HEADER.pack(len(payload)) + payload)
    out.flush()


def read_frame(stream: IO[bytes]) -> bytes | None:
    """One frame, or None at end of stream."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    payload = stream.read(size)
    return payload if len(payload) == size else None


def resolve(reference: str) -> Callable[[bytes], Any]:
    module, _, name = reference.partition(":")
    func: Callable[[bytes], Any] = getattr(importlib.import_module(module), name)
    return func


def _outcome(reference: str, data: bytes) -> tuple[Any, ...]:
    try:
        return ("ok", resolve(reference)(data))
    except IngestError as exc:
        return ("error", type(exc).__name__, exc.message, exc.detail)
    except MemoryError:
        return ("memory",)
    except zlib.error as exc:  # zlib reports an allocation failure as Z_MEM_ERROR (-4)
        return ("memory",) if "Error -4 " in str(exc) else ("crash", f"zlib: {exc}")
    except Exception as exc:  # a reader bug, or the cap hit while mapping a library
        if any(sign in str(exc) for sign in _OUT_OF_MEMORY):
            return ("memory",)
        return ("crash", f"{type(exc).__name__}: {exc}")


def _near_cap(memory: int) -> bool:
    """The child's peak address space reached its cap: a parser that then fails (lxml
    says "XMLSyntaxError: unknown error" when an allocation is refused) ran out of
    memory, the file is not to blame for a syntax error."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024 >= memory - _CAP_MARGIN
    except (OSError, ValueError, IndexError):
        pass
    return False


def _child(write_fd: int, reference: str, data: bytes, memory: int) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        outcome = _outcome(reference, data)
        if outcome[0] in ("error", "crash") and _near_cap(memory):
            outcome = ("memory",)
        payload = pickle.dumps(outcome)
    except MemoryError:
        payload = pickle.dumps(("memory",))
    with os.fdopen(write_fd, "wb") as out:
        write_frame(out, payload)


def _collect(read_fd: int, pid: int, timeout: float) -> tuple[Any, ...]:
    deadline = time.monotonic() + timeout
    chunks = []
    while True:
        left = deadline - time.monotonic()
        ready, _, _ = select.select([read_fd], [], [], max(0.0, left))
        if not ready:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return ("time",)
        chunk = os.read(read_fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    body = b"".join(chunks)
    if len(body) < _HEADER.size:
        return ("died", os.waitstatus_to_exitcode(status))
    outcome: tuple[Any, ...] = pickle.loads(body[_HEADER.size:])
    return outcome


def run_one(reference: str, data: bytes, memory: int, timeout: float) -> tuple[Any, ...]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_fd)
        try:
            _child(write_fd, reference, data, memory)
        finally:
            os._exit(0)
    os.close(write_fd)
    try:
        return _collect(read_fd, pid, timeout)
    finally:
        os.close(read_fd)


def _warm_up() -> None:
    """Read an empty Word file and an empty PDF once, so that the modules the readers
    import on first use are in the host and no child imports them again."""
    import io

    import docx
    from pypdf import PdfWriter

    from ingest.formats.docx import read_docx
    from ingest.formats.pdf import read_pdf

    word, pdf = io.BytesIO(), io.BytesIO()
    docx.Document().save(word)
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    writer.write(pdf)
    for reader, data in ((read_docx, word.getvalue()), (read_pdf, pdf.getvalue())):
        with contextlib.suppress(IngestError):  # empty documents are refused: imports done
            reader(data)


def serve() -> None:
    # frames go to a private copy of stdout; anything a reader prints goes to stderr
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    for module in PRELOAD:
        importlib.import_module(module)
    _warm_up()
    while (request := read_frame(sys.stdin.buffer)) is not None:
        reference, data, memory, timeout = pickle.loads(request)
        write_frame(out, pickle.dumps(run_one(reference, data, memory, timeout)))


if __name__ == "__main__":
    serve()
