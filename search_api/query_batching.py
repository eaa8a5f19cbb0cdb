"""Concurrent query encodes share one model call.

The model encodes one call at a time (torch modules are not re-entrant), so under load
queries queue for it, and one query costs about as much as a batch of two: ~20 ms for
one, ~25 ms for two, ~36 ms for four, ~65 ms for eight on this machine (one torch
thread). So a caller that finds the model busy leaves its texts in a queue, and whoever
takes the model next encodes everything queued, up to ``max_texts``, in one call
(leader/follower: no thread of its own). A lone caller pays nothing extra. The model
attends to each text alone (padding is masked out), so a text's vector does not depend
on what it was batched with, beyond float rounding.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ingest.embedding import Embedder, EmbedderWrapper, Vectors


@dataclass(eq=False)
class _Job:
    texts: list[str]
    vectors: Vectors | None = None
    error: BaseException | None = None
    done: bool = field(default=False)


class CoalescingEmbedder(EmbedderWrapper):
    def __init__(self, inner: Embedder, *, max_texts: int = 16) -> None:
        super().__init__(inner)
        self.max_texts = max_texts
        self._cond = threading.Condition()
        self._queue: list[_Job] = []
        self._busy = False
        self.calls = 0  # model calls made (tests, metrics)

    def embed(self, texts: Sequence[str]) -> Vectors:
        job = _Job(list(texts))
        with self._cond:
            self._queue.append(job)
            while not job.done:
                if self._busy:
                    self._cond.wait()
                    continue
                self._busy = True  # this caller leads: it encodes what is queued
                batch = self._take()
                self._cond.release()
                try:
                    self._run(batch)
                finally:
                    self._cond.acquire()
                    self._busy = False
                    self._cond.notify_all()
        return self._result(job)

    def _take(self) -> list[_Job]:
        """Queued jobs in arrival order while they fit in ``max_texts`` (at least one)."""
        batch: list[_Job] = []
        size = 0
        while self._queue and (not batch or size + len(self._queue[0].texts) <= self.max_texts):
            job = self._queue.pop(0)
            batch.append(job)
            size += len(job.texts)
        return batch

    def _run(self, batch: list[_Job]) -> None:
        texts = [t for job in batch for t in job.texts]
        try:
            vectors = self.inner.embed(texts) if texts else np.zeros(
                (0, self.dimension), dtype=np.float32)
            self.calls += 1
        except BaseException as exc:
            for job in batch:
                job.error, job.done = exc, True
            return
        start = 0
        for job in batch:
            job.vectors = vectors[start: start + len(job.texts)]
            job.done = True
            start += len(job.texts)

    @staticmethod
    def _result(job: _Job) -> Vectors:
        if job.error is not None:
            raise job.error
        assert job.vectors is not None
        return job.vectors
