"""The fast tier's stand-in for MiniLM (tests/fakes.py) behaves as the interface promises, and the
real ingest and search run on it: what `make test-fast` builds on."""

from __future__ import annotations

import numpy as np
from support import make_settings

NOTES = """# Remote access

## RDP
Remote Desktop Protocol (RDP) lets you log in to a Windows instance. RDP uses TCP port 3389.

## SSH
Secure Shell (SSH) logs in to a Linux instance over TCP port 22 with a key pair.

# Storage

## S3 versioning
Versioning keeps every version of an object in a bucket, so a deleted file can be restored.
"""


def test_the_hash_embedder_keeps_the_embedder_contract(hash_embedder):
    from fakes import HashEmbedder

    texts = ["S3 versioning keeps old copies", "S3 versioning keeps old copies", "", "Lambda"]
    vectors = hash_embedder.embed_batch(texts)
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(vectors[0], vectors[1])
    np.testing.assert_array_equal(HashEmbedder().embed_query(texts[0]), vectors[0])  # no state
    near, far = hash_embedder.embed_batch(["versioning of S3 objects", "Lambda functions"])
    assert float(near @ vectors[0]) > float(far @ vectors[0])
    assert hash_embedder.embed_batch([]).shape == (0, 384)
    assert hash_embedder.calls[0] == texts


def test_notes_ingest_and_search_on_the_fake(tmp_path, hash_embedder):
    from ingest.pipeline import ingest
    from tutor.service import build_tutor
    from tutor.store import ChromaStore

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "guide.md").write_text(NOTES)
    settings = make_settings(tmp_path / "data")
    ingest([notes], settings=settings, store=ChromaStore(settings), embedder=hash_embedder)
    tutor = build_tutor(settings, embedder=hash_embedder)
    try:
        top = tutor.search("Which port does RDP use?", 1)[0]
        assert "3389" in top.text
        assert (
            "restored" in tutor.search("How is a deleted file restored from a bucket?", 1)[0].text
        )
    finally:
        tutor.close()
