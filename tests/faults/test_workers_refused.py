"""`tutor serve --workers N` on the embedded store is refused before anything starts, with a
message naming TUTOR_CHROMA_URL (the embedded store is one process's); a Chroma server allows it."""

from __future__ import annotations

from support import free_port
from typer.testing import CliRunner

from cli.main import app


def test_several_workers_on_the_embedded_store_are_refused(cli_env):
    result = CliRunner().invoke(app, ["serve", "--workers", "2", "--port", str(free_port())])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "TUTOR_CHROMA_URL" in said and "--workers 2" in said
    assert "Traceback" not in result.output
    assert not (cli_env / "data" / "chroma").exists(), "refused before touching the store"


def test_several_workers_are_allowed_with_a_chroma_server(settings):
    from cli.serve_cmd import workers_problem

    server = settings.model_copy(update={"chroma_url": "http://127.0.0.1:8000"})
    assert workers_problem(server, 4) is None
    assert workers_problem(settings, 1) is None
    assert "TUTOR_CHROMA_URL" in (workers_problem(settings, 2) or "")
