"""The sentence-transformers model run by ONNX Runtime: the same vectors, a third of the time.

A query is one short text, and torch spends most of its time on per-operator overhead
for it (~20 ms per query on this machine with one thread, ~6 ms with ONNX Runtime). The
model is exported once from the loaded sentence-transformers model (all its modules:
transformer, pooling, normalisation, any dense layer) with torch's own exporter, to a
file in a cache folder named by a fingerprint of the weights, so a changed model is
exported again and nothing is ever downloaded. Tokenisation stays the model's own
(``preprocess``), so the inputs are exactly the ones torch would see.

An export is only used when it reproduces the torch vectors: on load, probe texts are
encoded both ways and a cosine below ``MIN_AGREEMENT`` (or any export error, e.g. a model
torch cannot trace) falls back to torch with a warning. Float32 only: int8 dynamic
quantisation was measured at cosine 0.91-0.97 against the torch vectors, which moves
rankings, so it is not offered.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ingest.embedding import EmbedderWrapper

if TYPE_CHECKING:
    from ingest.embedding import SentenceTransformerEmbedder, Vectors

log = logging.getLogger(__name__)

MIN_AGREEMENT = 0.9999  # cosine between the ONNX and torch vectors of each probe text
PROBES = ("Who chairs the committee?", "Resolution 71 (Rev. Bucharest, 2022)",
          "The Council approved the financial plan and asked the Secretary-General to "
          "report on its implementation at the next session, including the budget.")
OPSET = 17


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "councilkg" / "onnx"


def fingerprint(model: Any) -> str:
    """Weights, module configuration and exporter versions: what the exported file is."""
    import torch

    digest = hashlib.sha256()
    digest.update(f"{torch.__version__}|{OPSET}|{model!r}|{model.max_seq_length}".encode())
    for name, tensor in model.state_dict().items():
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:20]


def _inputs(model: Any, texts: Sequence[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The model's own preprocessing, split into tensors (graph inputs) and the rest
    (constants such as the modality tag, fixed in the exported graph)."""
    import torch

    prepare = getattr(model, "preprocess", None) or model.tokenize
    features = prepare(list(texts))
    tensors = {k: v for k, v in features.items() if isinstance(v, torch.Tensor)}
    return tensors, {k: v for k, v in features.items() if k not in tensors}


def export(model: Any, target: Path) -> None:
    """Write the whole sentence-transformers module chain as one ONNX graph whose output
    is the sentence embedding (written to a temporary name, then renamed: concurrent
    server workers may export at the same time)."""
    import torch

    tensors, extras = _inputs(model, PROBES)
    names = list(tensors)

    class Chain(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *args: Any) -> Any:
            return self.model({**dict(zip(names, args, strict=True)), **extras}
                              )["sentence_embedding"]

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.part")
    axes: dict[str, dict[int, str]] = {n: {0: "batch", 1: "tokens"} for n in names}
    axes["sentence_embedding"] = {0: "batch"}
    try:
        # the tracer warns about every data-dependent branch of the model's Python code;
        # whether the graph is right is checked on the vectors (``agreement``) instead
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(Chain().eval(), tuple(tensors[n] for n in names), str(partial),
                              input_names=names, output_names=["sentence_embedding"],
                              dynamic_axes=axes, opset_version=OPSET, dynamo=False)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


class OnnxEmbedder(EmbedderWrapper):
    """Encodes with an exported copy of a loaded sentence-transformers model. Runs may
    overlap (an ONNX Runtime session is thread-safe); tokenisation is serialised (a fast
    tokenizer must not be used from two threads at once)."""

    def __init__(self, source: SentenceTransformerEmbedder, path: Path, *,
                 threads: int = 1) -> None:
        import onnxruntime as ort

        super().__init__(source)
        self.model = source.model  # its tokenizer prepares the inputs
        self.path = path
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(threads, 0)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(path), options,
                                             providers=["CPUExecutionProvider"])
        self._names = [i.name for i in self._session.get_inputs()]
        self._tokenize = threading.Lock()

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._tokenize:
            tensors, _ = _inputs(self.model, texts)
        feed = {n: tensors[n].numpy() for n in self._names}
        vectors = np.asarray(self._session.run(None, feed)[0], dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: Vectors = (vectors / np.where(norms == 0, 1.0, norms)).astype(np.float32)
        return unit

    def agreement(self) -> float:
        """The lowest cosine between this runtime's and torch's vectors of the probes."""
        ours, theirs = self.embed(PROBES), self.inner.embed(PROBES)
        return float(np.min(np.sum(ours * theirs, axis=1)))


def onnx_embedder(source: SentenceTransformerEmbedder, *, cache: Path | None = None,
                  threads: int = 1) -> OnnxEmbedder | None:
    """The ONNX twin of ``source``, exported on first use; None (torch stays) when ONNX
    Runtime is missing, the export fails or its vectors differ from torch's."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        log.warning("onnxruntime is not installed: queries are encoded by torch")
        return None
    model = source.model
    target = (cache or default_cache()) / f"{fingerprint(model)}.onnx"
    try:
        try:
            twin = OnnxEmbedder(source, target, threads=threads)
        except Exception:  # not exported yet, or a damaged file: export (again)
            log.info("exporting the embedding model to ONNX: %s", target)
            export(model, target)
            twin = OnnxEmbedder(source, target, threads=threads)
        agreement = twin.agreement()
    except Exception as exc:  # tracing/export/runtime errors of an arbitrary model
        log.warning("ONNX runtime not used for %s (%s): queries are encoded by torch",
                    source.name, exc)
        return None
    if agreement < MIN_AGREEMENT:
        log.warning("ONNX export of %s disagrees with torch (cosine %.4f): queries are "
                    "encoded by torch", source.name, agreement)
        return None
    return twin
