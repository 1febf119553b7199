"""`tutor ingest [PATH...] [--reset]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import console, load_settings, progress_bar, user_errors


def ingest_tutor(settings, *, embedder=None):
    """A Tutor for ingesting. Ingest touches only the store and the index folder, so: no chat
    model (a bad TUTOR_LLM must not stop it), an in-memory database (a deploy job needs neither
    PostgreSQL nor a writable tutor.db), and MiniLM loaded only if some text is new."""
    from tutor.embeddings import LazyMiniLMEmbedder, make_embedder
    from tutor.service import build_tutor

    only_the_store = settings.model_copy(update={"llm": None, "database_url": "sqlite://"})
    # one batch job: every core (threads=0), with the backend the server queries with
    lazy = LazyMiniLMEmbedder(build=lambda: make_embedder(settings, threads=0))
    return build_tutor(only_the_store, embedder=embedder or lazy)


def run_ingest(paths: list[Path], *, reset: bool = False, settings=None, embedder=None, tutor=None):
    """Ingest through the Tutor facade, with a progress bar; `tutor` reuses one already built."""
    settings = settings or load_settings()
    own = tutor is None
    tutor = tutor or ingest_tutor(settings, embedder=embedder)
    try:
        with progress_bar("Embedding notes") as bar:
            task = bar.add_task("embed", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            return tutor.reingest(paths or None, reset=reset, progress=progress)
    finally:
        if own:
            tutor.close()


def register(app: typer.Typer) -> None:
    @app.command("ingest")
    def ingest_command(
        paths: Annotated[
            list[Path] | None, typer.Argument(help="Files or folders (default: corpus/).")
        ] = None,
        reset: Annotated[
            bool,
            typer.Option(
                "--reset",
                help="Re-embed every chunk; the old index serves until the new one is switched in.",
            ),
        ] = False,
    ) -> None:
        """Chunk, embed and index notes (.txt, .md, .html, .pdf)."""
        with user_errors():
            report = run_ingest(list(paths or []), reset=reset)
        if report.up_to_date:
            console.print(f"Index up to date: {report.chunks} chunks in {report.collection}.")
        else:
            console.print(
                f"Indexed {report.chunks} chunks from {report.documents} file(s) into "
                f"{report.collection}: {report.embedded} embedded, {report.reused} unchanged, "
                f"{report.removed} removed, {report.seconds:.1f}s."
            )
        if report.questions or report.warnings:
            console.print(f"Imported {report.questions} question(s) from *.questions.jsonl|csv.")
        for warning in report.warnings:  # a bad row of a question file: skipped, the rest imported
            console.print(f"Skipped {warning}", style="yellow", markup=False)
