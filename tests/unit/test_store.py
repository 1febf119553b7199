"""ChromaStore on a real embedded Chroma: collections, the active pointer, typed chunks back."""

from __future__ import annotations

import numpy as np
import pytest
from support import free_port, make_settings

from tutor.errors import StoreUnavailable
from tutor.store import ChromaStore
from tutor.types import Chunk


def chunk(n: int, source: str = "notes.txt") -> Chunk:
    return Chunk(
        id=f"id{n}",
        text=f"text {n}",
        section=f"Topic > Part {n}",
        source=source,
        start=100 * n,
        end=100 * n + 50,
    )


def unit(*values: float) -> np.ndarray:
    v = np.asarray(values, dtype=np.float32)
    return v / np.linalg.norm(v)


@pytest.fixture
def store(tmp_path) -> ChromaStore:
    return ChromaStore(make_settings(tmp_path))


def fill(store: ChromaStore, name: str, chunks: list[Chunk], vectors: np.ndarray) -> None:
    store.create(name)
    store.add(name, chunks, vectors)


def test_a_new_store_has_no_active_index(store):
    store.heartbeat()
    assert store.active_name() is None
    assert store.collection_names() == []


def test_chunks_come_back_typed_and_in_notes_order(store):
    chunks = [chunk(3), chunk(1, "b.txt"), chunk(2)]
    vectors = np.stack([unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)])
    fill(store, "notes_a", chunks, vectors)
    got = store.chunks("notes_a")
    assert [c.id for c in got] == ["id1", "id2", "id3"]  # by source ("b.txt" first), then offset
    assert got[1] == chunks[2]
    back = store.embeddings("notes_a", ["id3", "id1"])
    np.testing.assert_allclose(back["id3"], vectors[0], atol=1e-6)
    np.testing.assert_allclose(back["id1"], vectors[1], atol=1e-6)
    assert store.embeddings("notes_a", []) == {}


def test_query_returns_cosine_similarity_best_first(store):
    chunks = [chunk(1), chunk(2), chunk(3)]
    vectors = np.stack([unit(1, 0, 0), unit(1, 1, 0), unit(0, 0, 1)])
    fill(store, "notes_a", chunks, vectors)
    got = store.query("notes_a", unit(1, 0.1, 0), 2)
    assert [i for i, _ in got] == ["id1", "id2"]
    assert got[0][1] == pytest.approx(float(unit(1, 0.1, 0) @ vectors[0]), abs=1e-4)
    assert got[0][1] > got[1][1]


def test_activate_switches_readers_and_keeps_only_the_previous_index(store):
    vectors = np.stack([unit(1, 0)])
    fill(store, "notes_leftover", [chunk(1)], vectors)  # from an ingest that died
    fill(store, "notes_a", [chunk(1)], vectors)
    store.activate("notes_a")
    assert store.active_name() == "notes_a"
    assert store.collection_names() == ["notes_a"]
    fill(store, "notes_b", [chunk(2)], vectors)
    assert store.active_name() == "notes_a"  # building b changes nothing readers see
    store.activate("notes_b")
    assert store.active_name() == "notes_b"
    assert set(store.collection_names()) == {"notes_a", "notes_b"}
    fill(store, "notes_c", [chunk(3)], vectors)
    store.activate("notes_c")
    assert set(store.collection_names()) == {"notes_b", "notes_c"}  # a is two switches old


def test_the_pointer_survives_a_new_client(tmp_path):
    settings = make_settings(tmp_path)
    first = ChromaStore(settings)
    fill(first, "notes_a", [chunk(1)], np.stack([unit(1, 0)]))
    first.activate("notes_a")
    assert ChromaStore(settings).active_name() == "notes_a"
    assert [c.id for c in ChromaStore(settings).chunks("notes_a")] == ["id1"]


def test_create_replaces_a_leftover_collection(store):
    fill(store, "notes_a", [chunk(1), chunk(2)], np.stack([unit(1, 0), unit(0, 1)]))
    store.create("notes_a")
    assert store.chunks("notes_a") == []


def test_reset_drops_every_collection_and_the_pointer(store):
    fill(store, "notes_a", [chunk(1)], np.stack([unit(1, 0)]))
    store.activate("notes_a")
    store.reset()
    store.reset()  # idempotent
    assert store.active_name() is None
    assert store.collection_names() == []


def test_reading_a_missing_collection_is_store_unavailable(store):
    with pytest.raises(StoreUnavailable, match="notes_missing"):
        store.chunks("notes_missing")


def test_a_server_that_does_not_answer_is_a_clear_error(tmp_path):
    port = free_port()
    with pytest.raises(StoreUnavailable, match=f"127.0.0.1:{port}"):
        ChromaStore(make_settings(tmp_path, chroma_url=f"http://127.0.0.1:{port}")).heartbeat()


def test_a_collection_rebuilt_by_another_client_is_queried_afresh(tmp_path):
    settings = make_settings(tmp_path)
    reader, writer = ChromaStore(settings), ChromaStore(settings)
    fill(writer, "notes_a", [chunk(1)], np.stack([unit(1, 0)]))
    assert [i for i, _ in reader.query("notes_a", unit(1, 0), 1)] == ["id1"]  # handle cached
    fill(writer, "notes_a", [chunk(2)], np.stack([unit(1, 0)]))  # dropped and rebuilt
    assert [i for i, _ in reader.query("notes_a", unit(1, 0), 1)] == ["id2"]
