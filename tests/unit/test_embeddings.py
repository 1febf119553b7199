"""The offline MiniLM embedder: the shipped weights, unit vectors, one space for notes and queries."""

from __future__ import annotations

import hashlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from support import CORPUS, ROOT, make_settings, wait_for

from tutor.embeddings import (
    MODEL_SHA256,
    BatchingEmbedder,
    Embedder,
    MiniLMEmbedder,
    OnnxMiniLMEmbedder,
    make_embedder,
    model_path,
    weights_sha256,
)
from tutor.onnx_export import ensure_onnx


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
    """An embedder counting its calls and their sizes (the batcher's logic needs no real model)."""

    def __init__(self, inner: Embedder, started: threading.Event) -> None:
        self.inner, self.started = inner, started
        self.name, self.dimension = inner.name, inner.dimension
        self.sizes: list[int] = []

    def embed_batch(self, texts):
        self.sizes.append(len(texts))
        self.started.wait(timeout=120)  # hold the first call until every question is queued
        if texts and texts[0] == "boom":
            raise RuntimeError("model failed")
        return self.inner.embed_batch(texts)


def test_concurrent_questions_share_model_calls_and_get_their_own_vectors(hash_embedder):
    embedder = hash_embedder
    questions = [f"how long does RDS keep backup number {n}?" for n in range(12)]
    expected = embedder.embed_batch(questions)
    go = threading.Event()
    counting = CountingEmbedder(embedder, go)
    batching = BatchingEmbedder(counting)
    with ThreadPoolExecutor(max_workers=12) as pool:
        futures = [pool.submit(batching.embed_query, q) for q in questions]
        # The first call is held; wait until every question is in it or queued behind it.
        wait_for(lambda: counting.sizes and counting.sizes[0] + batching.queued == 12)
        go.set()
        vectors = [f.result(timeout=30) for f in futures]
    for vector, want in zip(vectors, expected):
        np.testing.assert_allclose(vector, want, atol=1e-5)
    assert sum(counting.sizes) == 12
    assert len(counting.sizes) <= 2, counting.sizes  # the held call, then all the rest at once


def test_a_failed_model_call_reaches_its_callers_and_the_batcher_keeps_serving(hash_embedder):
    embedder = hash_embedder
    go = threading.Event()
    go.set()
    batching = BatchingEmbedder(CountingEmbedder(embedder, go))
    with pytest.raises(RuntimeError, match="model failed"):
        batching.embed_query("boom")
    vector = batching.embed_query("S3 versioning")
    np.testing.assert_allclose(vector, embedder.embed_query("S3 versioning"), atol=1e-5)


def dev_questions_and_note_chunks() -> list[str]:
    lines = (ROOT / "evals/data/dev.jsonl").read_text().splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()][:60]
    notes = " ".join(p.read_text() for p in sorted(CORPUS.glob("*.txt")))
    return questions + [notes[i : i + 800] for i in range(0, 40 * 800, 800)] + [notes[:6000]]


def test_onnx_vectors_match_torch(embedder, torch_embedder):
    """The served backend (ONNX Runtime) gives torch's vectors: notes ingested with one are
    searched with the other. Short questions, 800-char chunks and a text past 256 tokens."""
    assert isinstance(embedder, OnnxMiniLMEmbedder)
    texts = dev_questions_and_note_chunks()
    onnx, torch = embedder.embed_batch(texts), torch_embedder.embed_batch(texts)
    cosines = (onnx * torch).sum(axis=1)
    assert cosines.min() > 0.999, (cosines.argmin(), cosines.min())
    np.testing.assert_allclose(np.linalg.norm(onnx, axis=1), 1.0, rtol=1e-4)
    # One at a time (the served path) and inside a padded batch agree too.
    alone = embedder.embed_query(texts[0])
    assert float(alone @ torch[0]) > 0.999


@pytest.mark.model
def test_the_onnx_export_is_made_once_and_reused(tmp_path):
    """The first start exports from the packaged weights into the cache; later ones reuse it."""
    settings = make_settings(tmp_path / "data", embedding={"cache_dir": tmp_path / "models"})
    first = ensure_onnx(settings.model_cache_dir)
    assert first.parent == tmp_path / "models" and MODEL_SHA256[:16] in first.name
    stamp = first.stat().st_mtime_ns
    assert ensure_onnx(settings.model_cache_dir) == first and first.stat().st_mtime_ns == stamp
    assert [p.name for p in first.parent.glob("*.onnx*")] == [first.name]  # no partial file left
    built = make_embedder(settings)
    assert isinstance(built, OnnxMiniLMEmbedder)
    vector = built.embed_query("S3 versioning keeps old copies")
    assert vector.shape == (384,) and abs(float(np.linalg.norm(vector)) - 1) < 1e-4


@pytest.mark.model
def test_the_backend_setting_picks_the_runtime(tmp_path):
    settings = make_settings(tmp_path, embedding={"backend": "torch"})
    assert isinstance(make_embedder(settings), MiniLMEmbedder)
    with pytest.raises(ValueError, match="backend"):
        make_settings(tmp_path, embedding={"backend": "tensorflow"})


def test_int8_stays_near_fp32(tmp_path, embedder):
    """TUTOR_EMBEDDING__QUANTIZE=int8 (MatMul weights per channel): near the fp32 vectors, and a
    question still lands nearest its passage. Retrieval on dev: bench/retrieval.py."""
    settings = make_settings(tmp_path, embedding={"quantize": "int8"})
    int8 = make_embedder(settings)
    assert isinstance(int8, OnnxMiniLMEmbedder) and int8.model_file.name.endswith("-int8.onnx")
    texts = dev_questions_and_note_chunks()
    cosines = (int8.embed_batch(texts) * embedder.embed_batch(texts)).sum(axis=1)
    assert cosines.min() > 0.98 and cosines.mean() > 0.99, (cosines.min(), cosines.mean())
