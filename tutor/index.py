"""The active index as one immutable value: collection name, chunks, BM25 and quiz bank.

Artifacts are written beside the store at ingest, one folder per collection, before the pointer
switches; a reader that finds them missing (a new worker, a Chroma server shared by several
machines) rebuilds them from the collection's chunks.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tutor.config import Settings
from tutor.embeddings import Embedder
from tutor.errors import NotReady, StoreUnavailable
from tutor.lexical import LexicalIndex
from tutor.quizbank import BankItem, QuizBank
from tutor.store import ChromaStore
from tutor.types import Chunk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Index:
    name: str
    chunks: list[Chunk]
    lexical: LexicalIndex
    by_id: dict[str, Chunk] = field(default_factory=dict)
    bank: QuizBank = field(default_factory=lambda: QuizBank([]))

    @property
    def topics(self) -> list[str]:
        return list(dict.fromkeys(c.topic for c in self.chunks))


def artifacts_dir(settings: Settings, name: str) -> Path:
    return settings.index_dir / name


def write_artifacts(
    settings: Settings,
    name: str,
    chunks: list[Chunk],
    imported: Sequence[BankItem] = (),
    embedder: Embedder | None = None,
) -> None:
    """`imported`: items from question files beside the notes, served before mined ones.
    `embedder`: the notes' own, which the miners use to pick distractors of the key's kind."""
    LexicalIndex.build(chunks).save(artifacts_dir(settings, name) / "bm25")
    embed = embedder.embed_batch if embedder else None
    bank = QuizBank([*imported, *QuizBank.build(chunks, embed).items])
    bank.save(artifacts_dir(settings, name) / "quizbank.json")


def load_bank(
    settings: Settings, name: str, chunks: list[Chunk], embedder: Embedder | None = None
) -> QuizBank:
    path = artifacts_dir(settings, name) / "quizbank.json"
    try:
        bank = QuizBank.load(path)
        if not {i.chunk_id for i in bank.items} <= {c.id for c in chunks}:
            raise ValueError("stale quiz bank")
    except (OSError, ValueError, KeyError) as exc:
        log.info("rebuilding the quiz bank for %s (%s)", name, exc)
        bank = QuizBank.build(chunks, embedder.embed_batch if embedder else None)
        bank.save(path)
    return bank


def load_index(
    store: ChromaStore, settings: Settings, name: str, embedder: Embedder | None = None
) -> Index:
    """`embedder`: the notes' own, for rebuilding a missing quiz bank as ingest built it."""
    chunks = store.chunks(name)
    folder = artifacts_dir(settings, name) / "bm25"
    try:
        lexical = LexicalIndex.load(folder)
        if set(lexical.ids) != {c.id for c in chunks}:
            raise ValueError("stale BM25 index")
    except (OSError, ValueError) as exc:
        log.info("rebuilding BM25 for %s (%s)", name, exc)
        lexical = LexicalIndex.build(chunks)
        lexical.save(folder)
    return Index(
        name=name,
        chunks=chunks,
        lexical=lexical,
        by_id={c.id: c for c in chunks},
        bank=load_bank(settings, name, chunks, embedder),
    )


class IndexHandle:
    """Follows the store's active pointer, checked at most every `refresh_s` seconds.

    Callers take `current()` once per request, so each answer comes from one consistent index
    even while an ingest switches the pointer underneath. A check that found the store
    unavailable is remembered for `refresh_s` too: requests queued behind it get the same 503 at
    once instead of each waiting out its own Chroma timeout in turn.
    """

    def __init__(
        self,
        store: ChromaStore,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        refresh_s: float = 1.0,
    ) -> None:
        """`embedder`: the notes' own, for a quiz bank rebuilt here (see load_index)."""
        self.store = store
        self.settings = settings
        self.embedder = embedder
        self.refresh_s = refresh_s
        self._index: Index | None = None
        self._checked = 0.0
        self._failed: tuple[float, StoreUnavailable] | None = None
        self._lock = threading.Lock()

    def current(self) -> Index:
        now = time.monotonic()
        if self._index is not None and now - self._checked < self.refresh_s:
            return self._index
        with self._lock:
            if self._index is not None and time.monotonic() - self._checked < self.refresh_s:
                return self._index
            if self._failed is not None and time.monotonic() - self._failed[0] < self.refresh_s:
                raise StoreUnavailable(str(self._failed[1]))
            try:
                name = self.store.active_name()
            except StoreUnavailable as exc:
                self._failed = (time.monotonic(), exc)
                raise
            self._failed = None
            if name is None:
                raise NotReady("No notes are ingested yet: run `tutor ingest` first.")
            if self._index is None or self._index.name != name:
                self._index = load_index(self.store, self.settings, name, self.embedder)
            self._checked = time.monotonic()
            return self._index
