"""Shared, expensive fixtures: the embedding model and one ingested store, built once a session."""

from __future__ import annotations

import os

import pytest
from support import CORPUS, NOTES, ROOT, make_settings  # noqa: F401  (re-exported)

os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
for key in [k for k in os.environ if k.startswith("TUTOR_") and not k.startswith("TUTOR_TEST_")]:
    del os.environ[key]  # tests build their own Settings; the developer's shell must not leak in


@pytest.fixture(scope="session")
def embedder():
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
