"""`tutor check "QUESTION" "ANSWER" [--json]`: is this answer right, by the notes?"""

from __future__ import annotations

import json

import typer
from rich.panel import Panel

from cli.common import console, load_settings, user_errors

COLOURS = {"correct": "green", "incorrect": "red", "unsure": "yellow"}


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check_command(
        question: str = typer.Argument(..., help="The question, as asked."),
        answer: str = typer.Argument(..., help='Your answer ("" counts as no answer).'),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Check your answer to any question against what the notes say."""
        from tutor.service import build_tutor

        with user_errors():
            tutor = build_tutor(load_settings())
            try:
                result = tutor.check(question, answer)
            finally:
                tutor.close()
        if as_json:
            print(json.dumps(result.model_dump(), indent=2))
            return
        colour = COLOURS[result.verdict]
        console.print(
            f"[bold {colour}]{result.verdict.capitalize()}[/] ({result.score:.0%}) {result.feedback}",
            highlight=False,
        )
        if result.reference_answer:
            body = result.reference_answer
            if result.key_points and result.verdict == "unsure":
                body += "\n\nKey points:\n" + "\n".join(f"• {p}" for p in result.key_points)
            console.print(Panel(body, title="The notes say", title_align="left"), highlight=False)
        for c in result.citations:
            console.print(f"[dim][{c.n}] {c.section} ({c.source})[/]", highlight=False)
