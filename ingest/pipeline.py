"""corpus -> documents -> sections -> chunks -> a fresh Chroma collection -> switch the pointer.

Unchanged chunks (same content hash) reuse their stored vectors; only new text is embedded.
Nothing is visible to readers until the new collection and its artifacts are complete, and the
index it replaces is dropped only after the switch, `--reset` included (reset re-embeds every
chunk; it never empties the store first): a kill at any step leaves an index that serves.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ingest import questions as question_files
from ingest.chunker import chunk_document
from ingest.loaders import load_paths
from tutor.config import Settings
from tutor.embeddings import Embedder
from tutor.errors import IngestError
from tutor.index import artifacts_dir, write_artifacts
from tutor.store import ChromaStore
from tutor.types import Chunk

Progress = Callable[[int, int], None]  # (embedded so far, to embed)
EMBED_BATCH = 64
RESET_SUFFIX = "-r"  # a reset over unchanged notes builds `<name>-r` beside the serving `<name>`


@dataclass(frozen=True)
class IngestReport:
    collection: str
    documents: int
    chunks: int
    embedded: int  # new or changed chunks
    reused: int  # unchanged chunks whose vectors were kept
    removed: int  # chunks of the previous index that are gone
    up_to_date: bool
    seconds: float
    questions: int = 0  # items imported from *.questions.jsonl|csv beside the notes
    warnings: tuple[str, ...] = ()  # "file:line: why" for each skipped question row


def collection_name(prefix: str, chunks: list[Chunk], extra: str = "") -> str:
    # Offsets too: an edit that only moves text (a blank line added above) keeps every id, but
    # the stored offsets must follow it, so it is new content (with every vector reused).
    # `extra`: the question files' digest, so an edited question file is a new index too.
    keys = sorted(f"{c.id}:{c.start}:{c.end}" for c in chunks) + ([extra] if extra else [])
    digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()
    return f"{prefix}_{digest[:16]}"


def chunk_paths(paths: list[Path], settings: Settings) -> tuple[int, list[Chunk]]:
    documents = load_paths(paths)
    chunks = [c for d in documents for c in chunk_document(d, settings.chunking)]
    if not chunks:
        where = ", ".join(str(p) for p in paths)
        raise IngestError(f"No notes found in {where}: add .txt, .md, .html or .pdf files.")
    return len(documents), chunks


def _embed(embedder: Embedder, chunks: list[Chunk], progress: Progress | None) -> np.ndarray:
    # Longest first across the whole corpus, as encode() does within one call: slices of similar
    # length pad little (slicing in notes order padded ~26% more tokens than one sorted call).
    order = sorted(range(len(chunks)), key=lambda i: -len(chunks[i].embed_text))
    vectors = np.zeros((len(chunks), embedder.dimension), np.float32)
    for i in range(0, len(order), EMBED_BATCH):
        rows = order[i : i + EMBED_BATCH]
        vectors[rows] = embedder.embed_batch([chunks[r].embed_text for r in rows])
        if progress:
            progress(min(i + EMBED_BATCH, len(chunks)), len(chunks))
    return vectors


def _drop_stale_artifacts(settings: Settings, keep: set[str]) -> None:
    """Artifacts of collections the store dropped at the switch would pile up on disk."""
    if not settings.index_dir.is_dir():
        return
    for folder in settings.index_dir.iterdir():
        ours = folder.is_dir() and folder.name.startswith(f"{settings.collection_prefix}_")
        if ours and folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def ingest(
    paths: list[Path],
    *,
    settings: Settings,
    store: ChromaStore,
    embedder: Embedder,
    reset: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    started = time.perf_counter()
    n_docs, chunks = chunk_paths(paths, settings)
    found = question_files.load(paths)
    name = collection_name(settings.collection_prefix, chunks, found.digest)
    imported: dict[str, Any] = {
        "questions": len(found.questions),
        "warnings": tuple(found.problems),
    }
    serving = store.active_name()
    # --reset embeds everything again (no vectors reused) and builds beside the serving index;
    # over the same notes it takes the sibling name, since `create` empties its target.
    if reset and serving == name:
        name = f"{name}{RESET_SUFFIX}"
    active = None if reset else serving
    if active in (name, f"{name}{RESET_SUFFIX}"):  # same content: never rebuild what serves
        name = str(active)
        folder = artifacts_dir(settings, name)
        if not (folder / "bm25").exists() or found.missing_from(folder / "quizbank.json"):
            stored = store.embeddings(name, [c.id for c in chunks])
            items = found.link(chunks, np.stack([stored[c.id] for c in chunks]), embedder, settings)
            write_artifacts(settings, name, chunks, items, embedder)
        seconds = time.perf_counter() - started
        return IngestReport(name, n_docs, len(chunks), 0, len(chunks), 0, True, seconds, **imported)

    previous_ids = {c.id for c in store.chunks(active)} if active else set()
    known = (
        store.embeddings(active, [c.id for c in chunks if c.id in previous_ids]) if active else {}
    )
    fresh = [c for c in chunks if c.id not in known]
    fresh_vectors = dict(zip([c.id for c in fresh], _embed(embedder, fresh, progress)))
    if progress and not fresh:
        progress(0, 0)
    vectors = np.stack([known[c.id] if c.id in known else fresh_vectors[c.id] for c in chunks])

    # Build, fill, write the artifacts, switch the pointer; the store drops what it replaced.
    store.create(name)
    store.add(name, chunks, vectors)
    write_artifacts(
        settings, name, chunks, found.link(chunks, vectors, embedder, settings), embedder
    )
    store.activate(name)
    _drop_stale_artifacts(settings, keep=set(store.collection_names()))
    current = {c.id for c in chunks}
    return IngestReport(
        collection=name,
        documents=n_docs,
        chunks=len(chunks),
        embedded=len(fresh),
        reused=len(chunks) - len(fresh),
        removed=len(previous_ids - current),
        up_to_date=False,
        seconds=time.perf_counter() - started,
        **imported,
    )
