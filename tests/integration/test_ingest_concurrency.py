"""An ingest running in a thread while searches run against the same store, as the admin API does.

Every search must succeed and come whole from one index: the k passages it returns all belong to
one snapshot (the index before the switch or the one after), none dropped because the dense hits
came from another collection than the BM25 ones.
"""

from __future__ import annotations

import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from support import NOTES, make_settings

from ingest.pipeline import ingest
from tutor.service import build_tutor

SEARCHES = 50
QUERIES = [
    "S3 versioning",
    "How long does RDS keep automated backups?",
    "Lambda concurrency",
    "DynamoDB partition key",
    "What is an EC2 placement group?",
    "CloudFront signed URL",
    "SQS visibility timeout",
    "Kinesis shards",
    "IAM roles for EC2",
    "Amazon Web Services",
]


def test_searches_during_an_ingest_each_come_from_one_index(settings, embedder, ingested, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(settings.data_dir, data)
    mine = make_settings(data)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(NOTES, corpus / NOTES.name)
    # A changed corpus: new chunks to embed, and a new collection to switch to.
    text = NOTES.read_text(encoding="utf-8")
    (corpus / "extra-notes.txt").write_text(
        text[: len(text) // 4].replace("AWS", "Amazon Web Services"), encoding="utf-8"
    )
    tutor = build_tutor(mine, embedder=embedder)
    tutor.index.refresh_s = 0.0  # follow the pointer at once, the hardest case for consistency
    old = tutor.index.current()
    snapshots = {old.name: old}

    reports = []
    ingest_thread = threading.Thread(
        target=lambda: reports.append(
            ingest([corpus], settings=mine, store=tutor.store, embedder=embedder)
        )
    )

    def one_search(n: int) -> tuple[str, list[str]]:
        index = tutor.index.current()  # what this search's request sees, then the search itself
        snapshots.setdefault(index.name, index)
        passages = tutor.search(QUERIES[n % len(QUERIES)])
        return index.name, [p.chunk_id for p in passages]

    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            ingest_thread.start()
            results = list(pool.map(one_search, range(SEARCHES)))
            while ingest_thread.is_alive():  # keep searching until the switch has happened
                results.append(one_search(len(results)))
                time.sleep(0.05)
            results += list(pool.map(one_search, range(len(results), len(results) + 10)))
        ingest_thread.join()
    finally:
        tutor.close()

    assert len(reports) == 1, "the ingest thread failed"
    new = snapshots.get(reports[0].collection)
    assert new is not None and new.name != old.name
    assert len(results) >= SEARCHES + 10
    k = mine.retrieval.k
    for name, ids in results:
        assert len(ids) == k  # nothing dropped: dense and BM25 hits came from the same index
        whole = [n for n, index in snapshots.items() if set(ids) <= set(index.by_id)]
        assert whole, f"a search mixed indexes: {ids}"
    # The searches ran on both sides of the switch, and the new notes are found after it.
    assert results[0][0] == old.name and results[-1][0] == new.name
    new_only = set(new.by_id) - set(old.by_id)
    assert any(set(ids) & new_only for _, ids in results[-10:])
