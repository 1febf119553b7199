"""`tutor search "query" [-k 5] [--json]`."""

from __future__ import annotations

import json

import typer

from cli.common import console, fail, load_settings, user_errors


def register(app: typer.Typer) -> None:
    @app.command("search")
    def search_command(
        query: str = typer.Argument(..., help="What to look for."),
        k: int = typer.Option(5, "-k", min=1, max=50, help="How many passages."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Show the passages of the notes that best match a query."""
        if not query.strip():
            raise fail("the query is empty: give some words to search for")
        from tutor.embeddings import LazyMiniLMEmbedder, make_embedder
        from tutor.errors import NotReady
        from tutor.service import build_tutor

        with user_errors():
            settings = load_settings()
            # The model loads at the first query: seconds, not its load, to say the store is
            # down or empty.
            tutor = build_tutor(
                settings, embedder=LazyMiniLMEmbedder(build=lambda: make_embedder(settings))
            )
            if not tutor.ingested():
                raise NotReady("No notes are ingested yet: run `tutor ingest` first.")
            passages = tutor.search(query, k)
        if as_json:
            print(json.dumps([p.model_dump() for p in passages], indent=2))
            return
        for n, p in enumerate(passages, 1):
            console.rule(f"[{n}] {p.section}  ({p.source}, score {p.score:.3f})")
            console.print(p.text, highlight=False, markup=False)
