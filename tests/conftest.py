"""Shared, expensive fixtures: the embedding model and one ingested store, built once a session."""

from __future__ import annotations

import os

import pytest
from support import CORPUS, MODEL_CACHE, NOTES, ROOT, make_settings  # noqa: F401  (re-exported)

os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
for key in [k for k in os.environ if k.startswith("TUTOR_") and not k.startswith("TUTOR_TEST_")]:
    del os.environ[key]  # tests build their own Settings; the developer's shell must not leak in
# The ONNX export of MiniLM, made once and shared by every test's data dir and server process.
os.environ["TUTOR_EMBEDDING__CACHE_DIR"] = str(MODEL_CACHE)


# Fixtures that load MiniLM or ingest with it. A test under tests/unit/ that needs none of them is
# in the fast tier (`make test-fast`, `pytest -m fast`): it runs without loading the model.
MODEL_FIXTURES = {"embedder", "torch_embedder", "ingested", "tutor"}


def pytest_configure(config):
    config.addinivalue_line("markers", "fast: the fast tier, no model (set by tests/conftest.py)")
    config.addinivalue_line("markers", "model: loads MiniLM itself, without the session fixture")


def pytest_collection_modifyitems(config, items):
    for item in items:
        unit = item.path.parent.name == "unit"
        needs_model = MODEL_FIXTURES & set(item.fixturenames) or item.get_closest_marker("model")
        if unit and not needs_model:
            item.add_marker(pytest.mark.fast)


@pytest.fixture
def hash_embedder():
    """A deterministic stand-in for MiniLM (tests/fakes.py), for tests about everything else."""
    from fakes import HashEmbedder

    return HashEmbedder()


@pytest.fixture(scope="session")
def embedder():
    """The model a served tutor uses: MiniLM on the default backend (ONNX Runtime)."""
    from tutor.config import Settings
    from tutor.embeddings import make_embedder

    return make_embedder(Settings(_env_file=None), threads=0)


@pytest.fixture(scope="session")
def torch_embedder():
    """The same weights on sentence-transformers and torch (TUTOR_EMBEDDING__BACKEND=torch)."""
    from tutor.embeddings import MiniLMEmbedder

    return MiniLMEmbedder()


@pytest.fixture(scope="session")
def settings(tmp_path_factory):
    return make_settings(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def ingested(settings, embedder):
    """The real notes ingested once into an embedded Chroma; tests must not modify it."""
    from ingest.pipeline import ingest
    from tutor.store import ChromaStore

    return ingest([CORPUS], settings=settings, store=ChromaStore(settings), embedder=embedder)


@pytest.fixture(scope="session")
def tutor(settings, embedder, ingested):
    from tutor.service import build_tutor

    tutor = build_tutor(settings, embedder=embedder)
    yield tutor
    tutor.close()
