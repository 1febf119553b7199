"""The ingest pipeline on a real Chroma and the real model: content-hash re-ingest, atomic switch."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from support import CORPUS, NOTES, make_settings

from ingest.pipeline import chunk_paths, ingest
from tutor.embeddings import Embedder, LazyMiniLMEmbedder
from tutor.errors import IngestError
from tutor.index import artifacts_dir, load_index
from tutor.store import ChromaStore


class RecordingEmbedder(Embedder):
    """The real embedder, recording every text it is asked for; raises on batch `fail_on`."""

    def __init__(self, inner: Embedder, *, fail_on: int | None = None) -> None:
        self.inner = inner
        self.name, self.dimension = inner.name, inner.dimension
        self.fail_on = fail_on
        self.batches: list[list[str]] = []

    @property
    def texts(self) -> list[str]:
        return [t for batch in self.batches for t in batch]

    def chunk_texts(self, chunks) -> list[str]:
        """The texts it embedded that are chunks (the quiz bank embeds what the notes say of
        each name too, to pick distractors of the key's kind: not chunks, never stored)."""
        known = {c.embed_text for c in chunks}
        return [t for t in self.texts if t in known]

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.batches.append(list(texts))
        if self.fail_on is not None and len(self.batches) >= self.fail_on:
            raise RuntimeError("embedder died half-way")
        return self.inner.embed_batch(texts)


def small_notes() -> str:
    """The start of the real notes, up to "Security Groups": about twenty chunks."""
    text = NOTES.read_text(encoding="utf-8")
    return text[: text.index("\nSecurity Groups\n")]


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "notes.txt").write_text(small_notes(), encoding="utf-8")
    return folder


@pytest.fixture
def local(tmp_path):
    settings = make_settings(tmp_path / "data")
    return settings, ChromaStore(settings)


def many_small_sections(n: int) -> str:
    return "".join(f"# Topic {i}\n\nFact number {i} about service {i}.\n\n" for i in range(n))


# -- the real notes (the session's ingested store; never modified here) ----------------------------


def test_the_notes_are_indexed_with_exact_offsets(ingested, settings):
    store = ChromaStore(settings)
    assert store.active_name() == ingested.collection
    chunks = store.chunks(ingested.collection)
    assert len(chunks) == ingested.chunks == ingested.embedded > 50
    text = NOTES.read_text(encoding="utf-8")
    for c in chunks:
        assert c.source == NOTES.name
        assert text[c.start : c.end] == c.text
    _, expected = chunk_paths([CORPUS], settings)
    assert [c.id for c in chunks] == [c.id for c in expected]


def test_reingest_keeps_the_count_and_ids_and_embeds_nothing(ingested, settings, embedder):
    store = ChromaStore(settings)
    before = [c.id for c in store.chunks(ingested.collection)]
    recorder = RecordingEmbedder(embedder)
    again = ingest([CORPUS], settings=settings, store=store, embedder=recorder)
    assert again.up_to_date and again.embedded == 0 and again.removed == 0
    assert recorder.batches == []
    assert (again.collection, again.chunks) == (ingested.collection, ingested.chunks)
    assert store.active_name() == ingested.collection
    assert [c.id for c in store.chunks(again.collection)] == before
    lazy = LazyMiniLMEmbedder()  # what the CLI passes: nothing to embed, so never loaded
    assert ingest([CORPUS], settings=settings, store=store, embedder=lazy).up_to_date
    assert not lazy.loaded


# -- a small copy of the notes in a store of its own ---------------------------------------------


def test_a_changed_file_reembeds_only_its_changed_chunks(corpus, local, embedder):
    settings, store = local
    first = ingest([corpus], settings=settings, store=store, embedder=embedder)
    old = {c.id: c for c in store.chunks(first.collection)}
    old_vectors = store.embeddings(first.collection, list(old))

    notes = corpus / "notes.txt"
    text = notes.read_text(encoding="utf-8")
    cloudshell = text[text.index("AWS CloudShell\n") : text.index("\nIAM Roles\n") + 1]
    edited = text.replace(cloudshell, "").replace(
        "GraphQL API’s on the AWS platform.", "GraphQL APIs, managed by AWS."
    )
    assert edited != text
    notes.write_text(edited, encoding="utf-8")

    recorder = RecordingEmbedder(embedder)
    second = ingest([corpus], settings=settings, store=store, embedder=recorder)
    new = {c.id: c for c in store.chunks(second.collection)}
    added, vanished = set(new) - set(old), set(old) - set(new)
    assert store.active_name() == second.collection != first.collection
    assert added and vanished
    assert not any("CloudShell" in new[i].text for i in new)
    assert any("GraphQL APIs, managed by AWS." in new[i].text for i in added)
    assert second.embedded == len(added) < len(new) // 2
    assert second.removed == len(vanished)
    assert second.reused == len(new) - len(added)
    chunk_texts = recorder.chunk_texts([*old.values(), *new.values()])
    assert sorted(chunk_texts) == sorted(new[i].embed_text for i in added)
    kept = store.embeddings(second.collection, list(set(new) & set(old)))
    for chunk_id, vector in kept.items():  # unchanged chunks keep their stored vectors
        np.testing.assert_allclose(vector, old_vectors[chunk_id], atol=1e-6)
    for c in new.values():
        assert edited[c.start : c.end] == c.text


def test_files_added_and_removed_in_the_folder(corpus, local, embedder):
    settings, store = local
    ingest([corpus], settings=settings, store=store, embedder=embedder)
    (corpus / "extra.md").write_text("# Kinesis\n\nShards hold records.\n", encoding="utf-8")
    added = ingest([corpus], settings=settings, store=store, embedder=embedder)
    sources = {c.source for c in store.chunks(added.collection)}
    assert sources == {"notes.txt", "extra.md"} and added.embedded == 1
    (corpus / "extra.md").unlink()
    gone = ingest([corpus], settings=settings, store=store, embedder=embedder)
    assert {c.source for c in store.chunks(gone.collection)} == {"notes.txt"}
    assert (gone.embedded, gone.removed) == (0, 1)


def test_a_failed_embedding_leaves_the_previous_index_whole_and_active(tmp_path, local, embedder):
    settings, store = local
    folder = tmp_path / "md"
    folder.mkdir()
    (folder / "notes.md").write_text(many_small_sections(10), encoding="utf-8")
    first = ingest([folder], settings=settings, store=store, embedder=embedder)
    before = [c.id for c in store.chunks(first.collection)]

    (folder / "notes.md").write_text(many_small_sections(150), encoding="utf-8")
    dying = RecordingEmbedder(embedder, fail_on=2)  # the first batch succeeds, the second raises
    with pytest.raises(RuntimeError, match="half-way"):
        ingest([folder], settings=settings, store=store, embedder=dying)
    assert len(dying.batches) == 2
    assert store.active_name() == first.collection
    assert [c.id for c in store.chunks(first.collection)] == before
    index = load_index(store, settings, first.collection)
    assert len(index.chunks) == first.chunks == 10


def test_an_unreadable_file_leaves_the_previous_index_whole(corpus, local, embedder):
    settings, store = local
    first = ingest([corpus], settings=settings, store=store, embedder=embedder)
    (corpus / "windows.txt").write_bytes("Caf\u00e9 au lait\n".encode("cp1252"))
    recorder = RecordingEmbedder(embedder)
    with pytest.raises(IngestError, match=r"windows\.txt"):
        ingest([corpus], settings=settings, store=store, embedder=recorder)
    assert recorder.batches == []
    assert store.active_name() == first.collection
    assert len(store.chunks(first.collection)) == first.chunks


def test_an_empty_corpus_is_an_error(tmp_path, local, embedder):
    settings, store = local
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blank.txt").write_text("  \n\n", encoding="utf-8")
    with pytest.raises(IngestError, match="No notes found"):
        ingest([empty], settings=settings, store=store, embedder=embedder)
    assert store.active_name() is None


def test_reset_rebuilds_from_scratch(corpus, local, embedder):
    """Every chunk embedded again, beside the serving index (same notes: its `-r` sibling)."""
    from ingest.pipeline import RESET_SUFFIX

    settings, store = local
    first = ingest([corpus], settings=settings, store=store, embedder=embedder)
    seen: list[tuple[int, int]] = []
    again = ingest(
        [corpus],
        settings=settings,
        store=store,
        embedder=embedder,
        reset=True,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert again.collection == first.collection + RESET_SUFFIX and not again.up_to_date
    assert again.embedded == again.chunks == first.chunks
    assert seen[-1] == (first.chunks, first.chunks)
    assert store.active_name() == again.collection
    assert set(store.collection_names()) == {first.collection, again.collection}
    # The same notes are still up to date afterwards, under either name; a second reset
    # alternates back and drops what is two switches old.
    assert ingest([corpus], settings=settings, store=store, embedder=embedder).up_to_date
    third = ingest([corpus], settings=settings, store=store, embedder=embedder, reset=True)
    assert third.collection == first.collection and store.active_name() == first.collection
    assert set(store.collection_names()) == {first.collection, again.collection}


def test_missing_bm25_artifacts_are_rebuilt(corpus, local, embedder):
    settings, store = local
    report = ingest([corpus], settings=settings, store=store, embedder=embedder)
    folder = artifacts_dir(settings, report.collection) / "bm25"
    assert folder.is_dir()
    for f in folder.iterdir():
        f.unlink()
    index = load_index(store, settings, report.collection)
    assert set(index.lexical.ids) == {c.id for c in index.chunks}
    assert index.lexical.search("AppSync GraphQL", 3)
    assert any(folder.iterdir())


def test_text_that_only_moved_gets_new_offsets_and_no_embedding(corpus, local, embedder):
    settings, store = local
    first = ingest([corpus], settings=settings, store=store, embedder=embedder)
    notes = corpus / "notes.txt"
    moved = "\n\n" + notes.read_text(encoding="utf-8")  # every chunk two characters later
    notes.write_text(moved, encoding="utf-8")
    recorder = RecordingEmbedder(embedder)
    second = ingest([corpus], settings=settings, store=store, embedder=recorder)
    chunks = store.chunks(store.active_name())
    assert recorder.chunk_texts(chunks) == [] and second.embedded == 0
    assert second.collection != first.collection
    assert {c.id for c in chunks} == {c.id for c in store.chunks(first.collection)}
    for c in chunks:
        assert moved[c.start : c.end] == c.text


def test_a_failed_reset_leaves_the_previous_index(corpus, local, embedder):
    settings, store = local
    first = ingest([corpus], settings=settings, store=store, embedder=embedder)
    with pytest.raises(RuntimeError):
        ingest(
            [corpus],
            settings=settings,
            store=store,
            reset=True,
            embedder=RecordingEmbedder(embedder, fail_on=1),
        )
    assert store.active_name() == first.collection
    assert len(store.chunks(first.collection)) == first.chunks


def test_artifacts_of_dropped_collections_are_removed(corpus, local, embedder):
    settings, store = local
    notes = corpus / "notes.txt"
    names = []
    for n in range(3):
        notes.write_text(
            small_notes() + f"\nRevision {n}\n\nRevision number {n} of the notes.\n",
            encoding="utf-8",
        )
        names.append(ingest([corpus], settings=settings, store=store, embedder=embedder).collection)
    on_disk = {f.name for f in settings.index_dir.iterdir()}
    assert on_disk == set(names[1:]) == set(store.collection_names())
