"""Paths and helpers the tests import (conftest modules are not importable reliably)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
NOTES = CORPUS / "aws-developer-associate-study-guide.txt"


def make_settings(data_dir: Path, **overrides):
    from tutor.config import Settings

    return Settings(_env_file=None, data_dir=data_dir, corpus_dir=CORPUS, **overrides)
