"""`tutor serve [--host 127.0.0.1] [--port 8000] [--workers N]`: the API and the web chat."""

from __future__ import annotations

import typer

from cli.common import console, fail, load_settings, user_errors


def ensure_ingested(settings, *, embedder=None) -> bool:
    """A fresh clone has no index yet: ingest settings.corpus_dir before serving. True if it did."""
    from cli.ingest_cmd import ingest_tutor, run_ingest

    tutor = ingest_tutor(settings, embedder=embedder)
    try:
        if tutor.ingested():
            return False
        console.print(f"No notes indexed yet: ingesting {settings.corpus_dir} first.")
        report = run_ingest([], settings=settings, tutor=tutor)
    finally:
        tutor.close()
    console.print(f"Indexed {report.chunks} chunks from {report.documents} file(s).")
    return True


def workers_problem(settings, workers: int) -> str | None:
    """Why `workers` processes cannot share this store, or None when they can."""
    if workers > 1 and settings.chroma_url is None:
        return (
            f"--workers {workers} needs a Chroma server: the embedded store (in "
            f"{settings.chroma_path}) is safe in one process only. Run `chroma run` and set "
            "TUTOR_CHROMA_URL (see docs/deployment.md), or serve with one worker."
        )
    return None


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_command(
        host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
        port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
        workers: int = typer.Option(
            1, "--workers", min=1, max=64, help="Worker processes (2+ need TUTOR_CHROMA_URL)."
        ),
    ) -> None:
        """Serve the HTTP API and the web chat (ingests the notes first if none are indexed)."""
        import uvicorn

        with user_errors():
            settings = load_settings()
            problem = workers_problem(settings, workers)
            if problem:
                raise fail(problem, code=2)
            ensure_ingested(settings)
        console.print(f"Notes Tutor on http://{host}:{port}  (API docs at /docs)")
        # An import string + factory lets uvicorn start each worker process with its own app,
        # and the factory sets up logging in each (api.observability.configure_logging).
        # log_config=None: uvicorn's loggers keep no handlers of their own and go through that
        # one; access_log=False: the app's request line (with its id) is the access log.
        uvicorn.run(
            "api.app:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=None,
            access_log=False,
            log_level=settings.log_level.lower(),
        )
