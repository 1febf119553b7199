"""`tutor ask` and `tutor chat` on the session's ingested notes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.main import app


@pytest.fixture
def cli_env(monkeypatch, settings, ingested, embedder):
    from tutor.config import get_settings

    monkeypatch.setenv("TUTOR_DATA_DIR", str(settings.data_dir))
    monkeypatch.delenv("TUTOR_LLM", raising=False)
    # The CLI builds its own Tutor; reuse the loaded model instead of loading it again.
    monkeypatch.setattr("tutor.service.make_embedder", lambda settings: embedder)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_ask_json(cli_env):
    result = CliRunner().invoke(app, ["ask", "Which port does RDP use?", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert "3389" in answer["text"] and answer["citations"] and answer["session_id"]


def test_chat_keeps_the_session_for_follow_ups(cli_env):
    lines = "What does RDS do with automated backups?\nand how long is it kept?\n\n"
    result = CliRunner().invoke(app, ["chat"], input=lines)
    assert result.exit_code == 0, result.output
    assert result.output.count("[1]") >= 2 and "session " in result.output


def test_unknown_provider_is_one_clear_line(cli_env, monkeypatch):
    monkeypatch.setenv("TUTOR_LLM", "nonsense:model")
    result = CliRunner().invoke(app, ["ask", "What is S3?"])
    assert result.exit_code == 1
    assert "Unknown LLM provider 'nonsense'" in result.output
    assert "Traceback" not in result.output
