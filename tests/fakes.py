"""Fakes that subclass the real interfaces, for the fast tier (`make test-fast`)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from tutor.embeddings import Embedder

WORD = re.compile(r"\w+")


class HashEmbedder(Embedder):
    """Deterministic 384-dimension unit vectors from hashed words, no model: texts that share words
    point the same way, so retrieval over a handful of notes still finds the right one. Records
    every batch it was asked to embed."""

    name = "hash-embedder"
    dimension = 384

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in WORD.findall(text.lower()):
                digest = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest())
                vectors[row, digest % self.dimension] += 1.0 if digest >> 63 else -1.0
            norm = float(np.linalg.norm(vectors[row]))
            if norm:
                vectors[row] /= norm
            else:  # no words: still a unit vector, the same for every such text
                vectors[row, 0] = 1.0
        return vectors
