"""Hybrid search: BM25 and dense candidates fused (by scaled scores, or reciprocal rank fusion)
into Passages."""

from __future__ import annotations

import numpy as np

from tutor.config import RetrievalSettings
from tutor.embeddings import Embedder
from tutor.errors import InvalidInput
from tutor.index import Index, IndexHandle
from tutor.store import ChromaStore
from tutor.types import Passage


def rrf(rankings: list[tuple[list[str], float]], rrf_k: int) -> list[tuple[str, float]]:
    """Reciprocal rank fusion of several ranked id lists, each with a weight."""
    scores: dict[str, float] = {}
    for ids, weight in rankings:
        for rank, chunk_id in enumerate(ids):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (rrf_k + rank + 1)
    return sorted(scores.items(), key=lambda item: item[1], reverse=True)


def score_fusion(rankings: list[tuple[list[tuple[str, float]], float]]) -> list[tuple[str, float]]:
    """Weighted sum of each ranking's scores divided by its best score (a chunk missing from a
    ranking scores 0 there). Unlike ranks, it keeps how far ahead a clear winner is."""
    scores: dict[str, float] = {}
    for ranked, weight in rankings:
        best = max((s for _, s in ranked), default=0.0)
        if best <= 0:
            continue
        for chunk_id, score in ranked:
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight * max(score, 0.0) / best
    return sorted(scores.items(), key=lambda item: item[1], reverse=True)


def fuse(
    dense: list[tuple[str, float]], lexical: list[tuple[str, float]], settings: RetrievalSettings
) -> list[tuple[str, float]]:
    """The two rankings merged the way the settings say, best first."""
    weighted = [(dense, settings.dense_weight), (lexical, settings.bm25_weight)]
    if settings.fusion == "score":
        return score_fusion(weighted)
    return rrf([([i for i, _ in ranked], w) for ranked, w in weighted], settings.rrf_k)


class HybridRetriever:
    def __init__(
        self,
        *,
        store: ChromaStore,
        index: IndexHandle,
        embedder: Embedder,
        settings: RetrievalSettings,
    ) -> None:
        self.store = store
        self.index = index
        self.embedder = embedder
        self.settings = settings

    def search(
        self,
        query: str,
        k: int | None = None,
        *,
        index: Index | None = None,
        vector: np.ndarray | None = None,
    ) -> list[Passage]:
        """`vector`: the query's embedding when the caller already has it (saves an encode)."""
        query = query.strip()
        if not query:
            raise InvalidInput("The query is empty: type a question or some keywords.")
        k = k or self.settings.k
        index = index or self.index.current()
        n = max(self.settings.candidates, k)
        if vector is None:
            vector = self.embedder.embed_query(query)
        dense = self.store.query(index.name, vector, n)
        lexical = index.lexical.search(query, n)
        fused = fuse(dense, lexical, self.settings)
        passages = []
        for chunk_id, score in fused[:k]:
            chunk = index.by_id.get(chunk_id)
            if chunk is None:  # a chunk the collection has but this index snapshot lacks
                continue
            passages.append(Passage.of(chunk, score))
        return passages
