"""`tutor serve [--host 127.0.0.1] [--port 8000] [--workers N]`: the API and the web chat."""

from __future__ import annotations

import typer

from cli.common import console, load_settings, user_errors


def ensure_ingested(settings, *, embedder=None) -> bool:
    """A fresh clone has no index yet: ingest settings.corpus_dir before serving. True if it did."""
    from cli.ingest_cmd import run_ingest
    from tutor.store import ChromaStore

    store = ChromaStore(settings)
    if store.active_name() is not None:
        return False
    console.print(f"No notes indexed yet: ingesting {settings.corpus_dir} first.")
    report = run_ingest([], settings=settings, embedder=embedder)
    console.print(f"Indexed {report.chunks} chunks from {report.documents} file(s).")
    return True


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_command(
        host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
        port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
        workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes."),
    ) -> None:
        """Serve the HTTP API and the web chat (ingests the notes first if none are indexed)."""
        import uvicorn

        with user_errors():
            settings = load_settings()
            ensure_ingested(settings)
        console.print(f"Notes Tutor on http://{host}:{port}  (API docs at /docs)")
        # An import string + factory lets uvicorn start each worker process with its own app.
        uvicorn.run(
            "api.app:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
        )
