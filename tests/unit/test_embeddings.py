"""The offline MiniLM embedder: the shipped weights, unit vectors, one space for notes and queries."""

from __future__ import annotations

import hashlib

import numpy as np

from tutor.embeddings import MODEL_SHA256, model_path, weights_sha256


def test_weights_are_the_pinned_file():
    weights = model_path() / "model.safetensors"
    assert weights.is_file()
    assert weights_sha256() == MODEL_SHA256
    # weights_sha256 hashes the file itself, not something cached beside it.
    assert hashlib.sha256(weights.read_bytes()).hexdigest() == MODEL_SHA256


def test_vectors_are_unit_length_float32(embedder):
    vectors = embedder.embed_batch(["S3 versioning keeps old copies", "Lambda runs code"])
    assert vectors.shape == (2, embedder.dimension) == (2, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-4)


def test_empty_batch_gives_an_empty_array(embedder):
    assert embedder.embed_batch([]).shape == (0, 384)


def test_a_question_lands_nearest_its_passage(embedder):
    passages = [
        "Versioning is a setting enabled at the bucket level; old versions of a file are kept.",
        "EBS snapshots are backups of a volume at a point in time.",
        "SQS is a fully managed message queue that decouples applications.",
    ]
    question = embedder.embed_query("how do I keep older versions of objects in a bucket?")
    scores = embedder.embed_batch(passages) @ question
    assert int(np.argmax(scores)) == 0


def test_query_and_batch_agree(embedder):
    text = "CloudFront caches content at edge locations"
    np.testing.assert_allclose(
        embedder.embed_query(text), embedder.embed_batch([text, "another"])[0], atol=1e-5
    )
