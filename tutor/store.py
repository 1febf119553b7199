"""The vector store: the only module that imports chromadb. Returns Chunks and Passages, never dicts.

Each ingest builds a fresh collection named after its content fingerprint; a one-record pointer
collection names the active one. Readers follow the pointer, so a half-built ingest is never seen
and the previous collection keeps serving until the switch; collections it replaced are dropped
only after it (`drop_inactive`), so a kill at any step leaves an index to serve.

In server mode every call is bounded by `TUTOR_CHROMA_TIMEOUT_S`: a server that stops answering
(frozen, overloaded, a dead peer behind a live socket) is StoreUnavailable, not a hang.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

import numpy as np

from tutor.config import Settings
from tutor.deadline import run_within
from tutor.errors import StoreUnavailable
from tutor.types import Chunk

log = logging.getLogger(__name__)

_POINTER_ID = "active"
_BATCH = 1000


@contextmanager
def _translated(action: str) -> Iterator[None]:
    """Turn chromadb/transport failures into StoreUnavailable with a message a user can act on."""
    try:
        yield
    except StoreUnavailable:
        raise
    except Exception as exc:  # chromadb raises many unrelated types for a dead server
        if _timed_out(exc):
            raise StoreUnavailable(
                f"The note store (Chroma) did not answer in time while {action} "
                "(TUTOR_CHROMA_TIMEOUT_S)"
            ) from exc
        raise StoreUnavailable(f"The note store (Chroma) failed while {action}: {exc}") from exc


def _timed_out(exc: BaseException) -> bool:
    import httpx

    return isinstance(exc, TimeoutError | httpx.TimeoutException) or "timed out" in str(exc)


def _http_client(settings: Settings, url: str) -> Any:
    """chromadb.HttpClient whose every request is bounded by `settings.chroma_timeout_s`.

    chromadb 1.5.9 builds its httpx session with `timeout=None` and has no setting for it, so the
    bound is set on that session once the client exists. Building the client already talks to
    the server; that first exchange is bounded by a wall clock instead (a frozen server at
    start-up leaves one abandoned daemon thread behind, which ends when the server wakes).
    """
    import chromadb
    import httpx
    from chromadb.config import Settings as ChromaSettings

    parsed = urlparse(url)
    client = run_within(
        settings.chroma_timeout_s,
        lambda: chromadb.HttpClient(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or (443 if parsed.scheme == "https" else 8000),
            ssl=parsed.scheme == "https",
            settings=ChromaSettings(anonymized_telemetry=False),
        ),
        name="tutor-chroma-connect",
    )
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(settings.chroma_timeout_s)
    else:  # a chromadb upgrade moved it: say so rather than hang silently later
        log.warning("cannot bound Chroma calls: chromadb's HTTP session was not found")
    return client


def _chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    return {
        "section": chunk.section,
        "source": chunk.source,
        "start": chunk.start,
        "end": chunk.end,
    }


def _chunk_from(chunk_id: str, text: str, meta: dict) -> Chunk:
    return Chunk(
        id=chunk_id,
        text=text,
        section=str(meta.get("section", "")),
        source=str(meta.get("source", "")),
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
    )


class ChromaStore:
    """Embedded PersistentClient under data_dir, or a Chroma server when chroma_url is set."""

    def __init__(self, settings: Settings) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.prefix = settings.collection_prefix
        self.location = settings.chroma_url or str(settings.chroma_path)
        self._handles: dict[str, Any] = {}  # name -> Collection, for the per-query hot path
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        with _translated(f"connecting to {self.location}"):
            if settings.chroma_url:
                self.client = _http_client(settings, settings.chroma_url)
            else:
                settings.chroma_path.mkdir(parents=True, exist_ok=True)
                self.client = chromadb.PersistentClient(
                    path=str(settings.chroma_path), settings=chroma_settings
                )

    # -- health and the pointer -------------------------------------------------------------

    def heartbeat(self) -> None:
        with _translated("checking the connection"):
            self.client.heartbeat()

    @property
    def _pointer_name(self) -> str:
        return f"{self.prefix}__active"

    def _collection(self, name: str, *, create: bool = False):
        if create:
            return self.client.get_or_create_collection(
                name, embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
        return self.client.get_collection(name, embedding_function=None)

    def active_name(self) -> str | None:
        with _translated("reading the active index"):
            pointer = self._collection(self._pointer_name, create=True)
            got = pointer.get(ids=[_POINTER_ID], include=["metadatas"])
        if not got["ids"]:
            return None
        return str(got["metadatas"][0]["collection"])

    def activate(self, name: str) -> None:
        """Point readers at `name` (one write), then drop collections older than the one it
        replaces; the replaced one stays for workers that still read it until they refresh."""
        with _translated("switching the active index"):
            previous = self.active_name()
            pointer = self._collection(self._pointer_name, create=True)
            pointer.upsert(
                ids=[_POINTER_ID],
                embeddings=[[0.0]],
                metadatas=[{"collection": name, "at": datetime.now(UTC).isoformat()}],
            )
        self.drop_inactive(keep={name} | ({previous} if previous else set()))

    def drop_inactive(self, *, keep: set[str]) -> None:
        """Drop every collection of ours but `keep` (and the pointer). Only ever after a switch:
        a kill before it leaves extra collections, which the next switch drops."""
        with _translated("dropping replaced indexes"):
            for other in self.collection_names():
                if other not in keep:
                    self._drop(other)

    def collection_names(self) -> list[str]:
        with _translated("listing collections"):
            names = [
                c.name if hasattr(c, "name") else str(c) for c in self.client.list_collections()
            ]
        return [n for n in names if n.startswith(f"{self.prefix}_") and n != self._pointer_name]

    def _drop(self, name: str) -> None:
        from chromadb.errors import NotFoundError

        self._handles.pop(name, None)
        try:
            self.client.delete_collection(name)
        except NotFoundError:  # already gone: dropping is idempotent
            log.debug("collection %s already gone", name)

    def reset(self) -> None:
        with _translated("resetting the store"):
            for name in [*self.collection_names(), self._pointer_name]:
                self._drop(name)

    # -- building a collection ------------------------------------------------------------------

    def create(self, name: str) -> None:
        with _translated(f"creating collection {name}"):
            self._drop(name)  # a leftover from an ingest that died
            self._collection(name, create=True)

    def add(self, name: str, chunks: Sequence[Chunk], embeddings: np.ndarray) -> None:
        with _translated(f"writing to collection {name}"):
            collection = self._collection(name)
            for i in range(0, len(chunks), _BATCH):
                batch = chunks[i : i + _BATCH]
                collection.upsert(
                    ids=[c.id for c in batch],
                    documents=[c.text for c in batch],
                    metadatas=[_chunk_metadata(c) for c in batch],
                    embeddings=embeddings[i : i + _BATCH].tolist(),
                )

    # -- reading --------------------------------------------------------------------------------

    def chunks(self, name: str) -> list[Chunk]:
        """Every chunk of a collection, in notes order (source, then offset)."""
        with _translated(f"reading collection {name}"):
            got = self._collection(name).get(include=["documents", "metadatas"])
        chunks = [
            _chunk_from(i, d or "", m or {})
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])
        ]
        return sorted(chunks, key=lambda c: (c.source, c.start))

    def embeddings(self, name: str, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        with _translated(f"reading embeddings from {name}"):
            got = self._collection(name).get(ids=list(ids), include=["embeddings"])
        return {i: np.asarray(e, dtype=np.float32) for i, e in zip(got["ids"], got["embeddings"])}

    def _handle(self, name: str):
        handle = self._handles.get(name)
        if handle is None:
            handle = self._handles[name] = self._collection(name)
        return handle

    def query(self, name: str, vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        """Nearest chunk ids with cosine similarity, best first."""
        from chromadb.errors import ChromaError

        # A cached handle saves a lookup (a round trip to a server) per query; one that went stale
        # (the collection was dropped and rebuilt elsewhere) is looked up again once.
        with _translated("searching"):
            try:
                got = self._handle(name).query(
                    query_embeddings=[vector.tolist()], n_results=n, include=["distances"]
                )
            except ChromaError:
                self._handles.pop(name, None)
                got = self._handle(name).query(
                    query_embeddings=[vector.tolist()], n_results=n, include=["distances"]
                )
        return [(i, 1.0 - float(d)) for i, d in zip(got["ids"][0], got["distances"][0])]
