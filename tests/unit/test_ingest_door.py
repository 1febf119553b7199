"""`tutor ingest` goes through the Tutor facade (Tutor.reingest) and needs only the store: an
unreachable database or a chat model it cannot set up does not stop it."""

from __future__ import annotations

import os

from support import NOTES
from typer.testing import CliRunner

from cli.main import app
from tutor.config import get_settings


def test_ingest_needs_neither_the_database_nor_the_llm(tmp_path, monkeypatch):
    for key in [k for k in os.environ if k.startswith("TUTOR_")]:
        monkeypatch.delenv(key)
    notes = tmp_path / "notes"
    notes.mkdir()
    lines = NOTES.read_text(encoding="utf-8").splitlines()[:60]
    (notes / "notes.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TUTOR_DATABASE_URL", "postgresql+psycopg://tutor:x@127.0.0.1:9/none")
    monkeypatch.setenv("TUTOR_LLM", "no-such-provider:model")
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["ingest", str(notes)])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "Indexed" in result.output
    assert not (tmp_path / "data" / "tutor.db").exists()


def test_reingest_and_ingested_on_the_facade(tmp_path, embedder):
    from support import make_settings

    from tutor.service import build_tutor

    notes = tmp_path / "notes"
    notes.mkdir()
    lines = NOTES.read_text(encoding="utf-8").splitlines()[:60]
    (notes / "notes.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    own = make_settings(tmp_path / "data").model_copy(update={"corpus_dir": notes})
    tutor = build_tutor(own, embedder=embedder)
    try:
        assert tutor.ingested() is False
        report = tutor.reingest()  # default: settings.corpus_dir
        assert report.chunks > 0 and not report.up_to_date
        assert tutor.ingested() is True
        assert tutor.reingest().up_to_date
        assert tutor.search("S3", 1)
    finally:
        tutor.close()
