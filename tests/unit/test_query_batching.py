"""Concurrent query encodes share model calls; each caller gets its own texts' vectors."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np
import pytest

from search_api.query_batching import CoalescingEmbedder


class SlowModel:
    """Vector = [len(text), first char code]; each call takes 50 ms, one at a time."""

    name = "slow"
    dimension = 2

    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[list[str]] = []
        self.fail_on = fail_on
        self.active = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:  # type: ignore[type-arg]
        self.active += 1
        assert self.active == 1, "the model is never entered twice at once"
        self.calls.append(list(texts))
        time.sleep(0.05)
        self.active -= 1
        if self.fail_on in texts:
            raise RuntimeError("model failed")
        return np.array([[len(t), ord(t[0])] for t in texts], dtype=np.float32)


def run_concurrently(embedder: CoalescingEmbedder, batches: list[list[str]]) -> list[object]:
    results: list[object] = [None] * len(batches)

    def call(i: int) -> None:
        try:
            results[i] = embedder.embed(batches[i])
        except RuntimeError as exc:
            results[i] = exc

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(batches))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_concurrent_callers_share_calls_and_get_their_own_vectors() -> None:
    model = SlowModel()
    embedder = CoalescingEmbedder(model, max_texts=16)
    batches = [[f"{chr(97 + i)}" * (i + 1)] for i in range(12)] + [["xy", "zzz"]]
    results = run_concurrently(embedder, batches)
    for texts, vectors in zip(batches, results, strict=True):
        assert isinstance(vectors, np.ndarray)
        assert vectors.tolist() == [[len(t), ord(t[0])] for t in texts]
    assert len(model.calls) < len(batches)  # queued callers were encoded together
    assert sorted(t for call in model.calls for t in call) == sorted(
        t for texts in batches for t in texts)  # every text encoded exactly once


def test_batches_respect_max_texts() -> None:
    model = SlowModel()
    embedder = CoalescingEmbedder(model, max_texts=3)
    run_concurrently(embedder, [["a"], ["bb"], ["ccc"], ["dddd"], ["eeeee"], ["ffffff", "g"]])
    assert all(len(call) <= 3 for call in model.calls)


def test_a_lone_caller_is_one_call_and_errors_reach_every_caller_of_the_batch() -> None:
    model = SlowModel()
    embedder = CoalescingEmbedder(model)
    assert embedder.embed(["solo"]).tolist() == [[4, ord("s")]]
    assert model.calls == [["solo"]]
    failing = CoalescingEmbedder(SlowModel(fail_on="boom"))
    with pytest.raises(RuntimeError, match="model failed"):
        failing.embed(["boom"])
    assert failing.embed(["fine"]).shape == (1, 2)  # the embedder is usable afterwards


@pytest.mark.slow
def test_the_real_model_gives_the_same_vector_alone_or_batched(embedder) -> None:  # type: ignore[no-untyped-def]
    texts = ["Who chairs the ICTGC?", "Resolution 71", "What did the Council decide on the "
             "ITU Headquarters premises project and its financing?"]
    together = embedder.embed(texts)
    for i, text in enumerate(texts):
        assert np.allclose(embedder.embed([text])[0], together[i], atol=1e-5)
