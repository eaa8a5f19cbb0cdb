"""The API's read/write lock: reads overlap, a write runs alone and is not starved."""

from __future__ import annotations

import threading
import time

from search_api.rwlock import ReadWriteLock


def test_readers_overlap() -> None:
    lock = ReadWriteLock()
    inside = threading.Barrier(2, timeout=5)  # both readers must be inside at once

    def read() -> None:
        with lock.reading():
            inside.wait()

    threads = [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert not inside.broken


def test_writer_waits_for_readers_and_excludes_them() -> None:
    lock = ReadWriteLock()
    events: list[str] = []
    assert lock.acquire_read()
    writer = threading.Thread(target=lambda: (lock.acquire_write(), events.append("write"),
                                              lock.release_write()))
    writer.start()
    time.sleep(0.1)
    assert events == []  # the reader still holds it
    # a waiting writer keeps new readers out (no starvation by a stream of reads)
    assert not lock.acquire_read(timeout=0.1)
    events.append("read done")
    lock.release_read()
    writer.join(timeout=5)
    assert events == ["read done", "write"]
    assert lock.acquire_read(timeout=1)
    lock.release_read()


def test_timeouts_give_up_without_holding() -> None:
    lock = ReadWriteLock()
    assert lock.acquire_write()
    assert not lock.acquire_read(timeout=0.05)
    assert not lock.acquire_write(timeout=0.05)
    lock.release_write()
    assert lock.acquire_write(timeout=0.05)
    lock.release_write()
    assert lock.acquire_read(timeout=0.05)
    lock.release_read()
