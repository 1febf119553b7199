"""`tutor ingest [PATH...] [--reset]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import console, load_settings, progress_bar, user_errors


def run_ingest(paths: list[Path], *, reset: bool = False, settings=None, embedder=None):
    from ingest.pipeline import ingest
    from tutor.embeddings import LazyMiniLMEmbedder, make_embedder
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
            # one batch job: every core (threads=0)
            embedder=embedder
            or LazyMiniLMEmbedder(build=lambda: make_embedder(settings, threads=0)),
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
