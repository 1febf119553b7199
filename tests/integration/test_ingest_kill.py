"""An ingest killed half-way by SIGKILL: the previous index still serves, complete.

A copy of the session's ingested store gets a changed corpus (the notes plus a revised copy of
half of them: about 90 new chunks to embed). A separate `ingest` process is killed first while it
embeds, then again just after it finished embedding (while it writes the new collection and its
artifacts). After each kill a fresh reader finds an index that is whole: the previous one, or,
if the kill came after the switch, the new one, never anything in between. A last ingest then
completes over whatever the kill left behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from support import NOTES, make_settings

from ingest.pipeline import chunk_paths, collection_name, ingest
from tutor.config import Settings
from tutor.index import IndexHandle
from tutor.retrieve import HybridRetriever
from tutor.store import ChromaStore

CHILD = Path(__file__).with_name("ingest_child.py")
ROOT = Path(__file__).resolve().parents[2]
PAUSE_S = 1.5  # after each embedding batch: the child is still embedding when killed


def served(settings: Settings, embedder) -> tuple[str, int, list[str]]:
    """What a worker starting now would serve: active collection, its chunks, a search's hits."""
    store = ChromaStore(settings)
    handle = IndexHandle(store, settings)
    index = handle.current()
    retriever = HybridRetriever(
        store=store, index=handle, embedder=embedder, settings=settings.retrieval
    )
    hits = retriever.search("How does S3 versioning protect objects?", index=index)
    assert len(hits) == settings.retrieval.k
    assert all(h.chunk_id in index.by_id for h in hits)
    assert len(store.chunks(index.name)) == len(index.chunks) == len(index.lexical.ids)
    return index.name, len(index.chunks), [h.chunk_id for h in hits]


def run_and_kill(settings: Settings, corpus: Path, tmp_path: Path, *, last: bool) -> list[str]:
    """Start an ingest process; SIGKILL it after its first batch (or its last, when `last`)."""
    errors = (tmp_path / "child.err").open("w")
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), str(settings.data_dir), str(PAUSE_S), str(corpus)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
    )
    seen: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            seen.append(line.strip())
            if line.startswith("progress"):
                done, total = map(int, line.split()[1:])
                if done == total or not last:
                    break
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        errors.close()
    assert proc.returncode == -signal.SIGKILL
    progress = [s for s in seen if s.startswith("progress")]
    assert progress, f"the child never started embedding: {(tmp_path / 'child.err').read_text()}"
    return progress


def test_killed_ingest_leaves_the_previous_index_serving(settings, embedder, ingested, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(settings.data_dir, data)
    mine = make_settings(data)
    before = served(mine, embedder)
    assert before[0] == ingested.collection and before[1] == ingested.chunks

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(NOTES, corpus / NOTES.name)
    notes = NOTES.read_text(encoding="utf-8")
    # A revised copy of half the notes: ~90 new chunks, two embedding batches.
    revised = notes[: len(notes) // 2].replace("AWS", "Amazon Web Services")
    (corpus / "revised-notes.txt").write_text(revised, encoding="utf-8")
    _, new_chunks = chunk_paths([corpus], mine)
    new_name = collection_name(mine.collection_prefix, new_chunks)

    # Killed while embedding: nothing of the new index exists yet, the old one serves as before.
    progress = run_and_kill(mine, corpus, tmp_path, last=False)
    done, total = map(int, progress[-1].split()[1:])
    assert 0 < done < total
    assert served(mine, embedder) == before

    # Killed after embedding, while writing the new collection: whole old or whole new index.
    run_and_kill(mine, corpus, tmp_path, last=True)
    name, chunks, _ = after = served(mine, embedder)
    assert after == before or (name, chunks) == (new_name, len(new_chunks))

    # The next ingest finishes over whatever the kills left and switches to the new notes.
    report = ingest([corpus], settings=mine, store=ChromaStore(mine), embedder=embedder)
    assert (report.collection, report.chunks) == (new_name, len(new_chunks))
    assert served(mine, embedder)[:2] == (new_name, len(new_chunks))


STEPS_BEFORE_SWITCH = ["create", "add", "artifacts", "activate"]


def kill_at(settings: Settings, corpus: Path, tmp_path: Path, step: str, *, reset: bool) -> str:
    """Run an ingest process until it announces `step`, SIGKILL it there; the line it printed."""
    env = {**os.environ, "TUTOR_TEST_KILL_AT": step, "TUTOR_TEST_RESET": "1" if reset else "0"}
    errors = (tmp_path / f"child-{step}.err").open("w")
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), str(settings.data_dir), "0", str(corpus)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
    )
    reached = ""
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(f"at {step} "):
                reached = line.strip()
                break
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        errors.close()
    assert reached, (
        f"the child never reached {step}: {(tmp_path / f'child-{step}.err').read_text()}"
    )
    return reached


def test_reset_killed_at_each_step_leaves_an_index_serving(settings, embedder, ingested, tmp_path):
    """`tutor ingest --reset` re-embeds everything but drops nothing before the switch."""
    from ingest.pipeline import RESET_SUFFIX

    data = tmp_path / "data"
    shutil.copytree(settings.data_dir, data)
    mine = make_settings(data)
    before = served(mine, embedder)

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    notes = NOTES.read_text(encoding="utf-8")
    part = notes[notes.index("S3 (Simple Storage Service)") : notes.index("\nS3 Security\n")]
    (corpus / "s3.txt").write_text(part, encoding="utf-8")
    _, new_chunks = chunk_paths([corpus], mine)
    new_name = collection_name(mine.collection_prefix, new_chunks)

    # Killed at each step before the switch: the previous index answers exactly as before.
    for step in STEPS_BEFORE_SWITCH:
        assert kill_at(mine, corpus, tmp_path, step, reset=True).split()[2] == new_name
        assert served(mine, embedder) == before, step
    # Killed after the switch, before the old collections are dropped: the new index, whole.
    kill_at(mine, corpus, tmp_path, "drop", reset=True)
    assert served(mine, embedder)[:2] == (new_name, len(new_chunks))
    assert ingested.collection in ChromaStore(mine).collection_names()  # not dropped yet

    # --reset over the very notes that serve builds beside them, never over them.
    reached = kill_at(mine, corpus, tmp_path, "activate", reset=True)
    assert reached.split()[2] == new_name + RESET_SUFFIX
    assert served(mine, embedder)[:2] == (new_name, len(new_chunks))

    # A whole --reset then switches and drops what is two switches old.
    report = ingest([corpus], settings=mine, store=ChromaStore(mine), embedder=embedder, reset=True)
    assert (report.collection, report.embedded) == (new_name + RESET_SUFFIX, len(new_chunks))
    assert served(mine, embedder)[:2] == (new_name + RESET_SUFFIX, len(new_chunks))
    assert set(ChromaStore(mine).collection_names()) == {new_name, new_name + RESET_SUFFIX}
