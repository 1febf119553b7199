"""`tutor serve` ingests the corpus first when the store has no index, and only then."""

from __future__ import annotations

from typer.testing import CliRunner


def test_serve_ingests_an_empty_store_once(tmp_path, settings_at, embedder):
    from cli.serve_cmd import ensure_ingested
    from tutor.store import ChromaStore

    fresh = settings_at(tmp_path)
    assert ChromaStore(fresh).active_name() is None
    assert ensure_ingested(fresh, embedder=embedder) is True
    assert ChromaStore(fresh).active_name() is not None
    assert ensure_ingested(fresh, embedder=embedder) is False


def test_serve_help_lists_its_options():
    from cli.main import app

    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--workers"):
        assert option in result.output


def test_serve_rejects_a_bad_port():
    from cli.main import app

    result = CliRunner().invoke(app, ["serve", "--port", "70000"])
    assert result.exit_code != 0
