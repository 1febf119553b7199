"""`tutor ingest` and `tutor search` through Typer: clear one-line errors, non-zero exits, no tracebacks."""

from __future__ import annotations

import json

import pytest
from support import NOTES, free_port
from typer.testing import CliRunner

from cli.main import app
from tutor.config import get_settings


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run the CLI against a store of its own, as a user would with TUTOR_DATA_DIR set."""
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, list(args))

    yield run
    get_settings.cache_clear()


def said(result) -> str:
    """Everything printed, with rich's line wrapping undone."""
    return " ".join(result.output.split())


def failed_cleanly(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "error:" in result.output
    for fragment in fragments:
        assert fragment in said(result)


@pytest.mark.model  # the CLI loads MiniLM itself
def test_ingest_then_search(cli, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    text = NOTES.read_text(encoding="utf-8")
    (notes / "s3.txt").write_text(
        text[text.index("S3 (Simple Storage Service)") : text.index("\nS3 Security\n")],
        encoding="utf-8",
    )
    first = cli("ingest", str(notes))
    assert first.exit_code == 0, first.output
    assert "Indexed" in said(first) and "0 unchanged" in said(first)

    again = cli("ingest", str(notes))  # nothing new: the model is never loaded
    assert again.exit_code == 0 and "Index up to date" in said(again)

    found = cli("search", "keep old versions of a file", "-k", "2", "--json")
    assert found.exit_code == 0, found.output
    passages = json.loads(found.stdout)
    assert len(passages) == 2
    assert any(p["section"].endswith("S3 Versioning") for p in passages)
    assert {"chunk_id", "text", "section", "source", "score"} <= set(passages[0])


def test_a_non_utf8_file_is_named(cli, tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Caf\u00e9 notes\n\nMore text here.\n".encode("latin-1"))
    failed_cleanly(cli("ingest", str(bad)), "latin1.txt", "not UTF-8")


def test_an_empty_corpus_is_a_clear_error(cli, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    failed_cleanly(cli("ingest", str(empty)), "No notes found")


def test_a_missing_folder_is_a_clear_error(cli, tmp_path):
    failed_cleanly(cli("ingest", str(tmp_path / "nowhere")), "no such file or folder")


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_query_is_a_clear_error(cli, query):
    failed_cleanly(cli("search", query), "query is empty")


def test_search_before_ingest_says_what_to_do(cli):
    failed_cleanly(cli("search", "s3 versioning"), "tutor ingest")


@pytest.mark.parametrize("command", [["ingest"], ["search", "s3 versioning"]])
def test_a_chroma_url_that_does_not_answer(cli, monkeypatch, command):
    port = free_port()
    monkeypatch.setenv("TUTOR_CHROMA_URL", f"http://127.0.0.1:{port}")
    get_settings.cache_clear()
    failed_cleanly(cli(*command), f"127.0.0.1:{port}", "Chroma")


def test_a_malformed_chroma_url_is_a_bad_setting(cli, monkeypatch):
    monkeypatch.setenv("TUTOR_CHROMA_URL", "localhost:8000")
    get_settings.cache_clear()
    failed_cleanly(cli("search", "s3"), "bad setting", "http://")


def test_default_corpus_comes_from_the_settings(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("TUTOR_CORPUS_DIR", str(tmp_path / "my-notes"))
    get_settings.cache_clear()
    failed_cleanly(cli("ingest"), "my-notes", "no such file or folder")


def test_help_lists_the_foundation_commands(cli):
    result = cli("--help")
    assert result.exit_code == 0
    assert "ingest" in result.output and "search" in result.output
