"""The offline MiniLM embedder: the shipped weights, unit vectors, one space for notes and queries."""

from __future__ import annotations

import hashlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from tutor.embeddings import (
    MODEL_SHA256,
    BatchingEmbedder,
    Embedder,
    model_path,
    weights_sha256,
)


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


class CountingEmbedder(Embedder):
    """The real model, counting its calls and their sizes."""

    def __init__(self, inner: Embedder, started: threading.Event) -> None:
        self.inner, self.started = inner, started
        self.name, self.dimension = inner.name, inner.dimension
        self.sizes: list[int] = []

    def embed_batch(self, texts):
        self.started.wait(timeout=5)  # hold the first call until every question is queued
        self.sizes.append(len(texts))
        if texts and texts[0] == "boom":
            raise RuntimeError("model failed")
        return self.inner.embed_batch(texts)


def test_concurrent_questions_share_model_calls_and_get_their_own_vectors(embedder):
    questions = [f"how long does RDS keep backup number {n}?" for n in range(12)]
    expected = embedder.embed_batch(questions)
    go = threading.Event()
    counting = CountingEmbedder(embedder, go)
    batching = BatchingEmbedder(counting)
    with ThreadPoolExecutor(max_workers=12) as pool:
        futures = [pool.submit(batching.embed_query, q) for q in questions]
        time.sleep(0.3)  # all twelve are waiting (the first inside the held model call)
        go.set()
        vectors = [f.result(timeout=30) for f in futures]
    for vector, want in zip(vectors, expected):
        np.testing.assert_allclose(vector, want, atol=1e-5)
    assert sum(counting.sizes) == 12
    assert len(counting.sizes) <= 3 and max(counting.sizes) >= 10, counting.sizes


def test_a_failed_model_call_reaches_its_callers_and_the_batcher_keeps_serving(embedder):
    go = threading.Event()
    go.set()
    batching = BatchingEmbedder(CountingEmbedder(embedder, go))
    with pytest.raises(RuntimeError, match="model failed"):
        batching.embed_query("boom")
    vector = batching.embed_query("S3 versioning")
    np.testing.assert_allclose(vector, embedder.embed_query("S3 versioning"), atol=1e-5)
