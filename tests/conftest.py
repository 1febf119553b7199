"""Shared, expensive fixtures: the embedding model and one ingested store, built once a session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
for key in [k for k in os.environ if k.startswith("TUTOR_")]:
    del os.environ[key]  # tests build their own Settings; the developer's shell must not leak in

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
NOTES = CORPUS / "aws-developer-associate-study-guide.txt"


def make_settings(data_dir: Path, **overrides):
    from tutor.config import Settings

    return Settings(_env_file=None, data_dir=data_dir, corpus_dir=CORPUS, **overrides)


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
