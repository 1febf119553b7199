"""`tutor ingest [PATH...] [--reset]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import console, load_settings, progress_bar, user_errors


def run_ingest(paths: list[Path], *, reset: bool = False, settings=None, embedder=None):
    from ingest.pipeline import ingest
    from tutor.embeddings import LazyMiniLMEmbedder
    from tutor.store import ChromaStore

    settings = settings or load_settings()
    paths = paths or [settings.corpus_dir]
    with progress_bar("Embedding notes") as bar:
        task = bar.add_task("embed", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        store = ChromaStore(settings)
        store.heartbeat()
        return ingest(
            paths,
            settings=settings,
            store=store,
            embedder=embedder or LazyMiniLMEmbedder(),
            reset=reset,
            progress=progress,
        )


def register(app: typer.Typer) -> None:
    @app.command("ingest")
    def ingest_command(
        paths: Annotated[
            list[Path] | None, typer.Argument(help="Files or folders (default: corpus/).")
        ] = None,
        reset: Annotated[
            bool, typer.Option("--reset", help="Drop the index and rebuild it.")
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
