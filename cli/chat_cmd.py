"""`tutor ask "question" [--json]` and `tutor chat`, a terminal conversation with follow-ups."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cli.common import console, err_console, fail, load_settings, user_errors
from tutor.errors import TutorError


def _show(answer) -> None:
    console.print(answer.text, highlight=False, markup=False)
    for c in answer.citations:
        console.print(f"  [dim][{c.n}] {c.section} ({c.source})[/]", highlight=False)
    if answer.degraded:
        console.print("  [yellow](the LLM failed; this is the offline answer)[/]")


def register(app: typer.Typer) -> None:
    @app.command("ask")
    def ask_command(
        question: Annotated[str, typer.Argument(help="What to ask about the notes.")],
        choice: Annotated[
            list[str] | None,
            typer.Option("--choice", "-c", help="A multiple-choice option (repeat for each)."),
        ] = None,
        session: Annotated[
            str | None, typer.Option("--session", help="Continue this session id.")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON.")] = False,
    ) -> None:
        """Answer one question from the notes, with citations."""
        if not question.strip():
            raise fail("the question is empty: ask something about the notes")
        from tutor.service import build_tutor

        with user_errors():
            tutor = build_tutor(load_settings())
            try:
                answer = tutor.ask(question, session_id=session, choices=choice or None)
            finally:
                tutor.close()
        if as_json:
            print(json.dumps(answer.model_dump(), indent=2))
            return
        _show(answer)

    @app.command("chat")
    def chat_command(
        session: Annotated[
            str | None, typer.Option("--session", help="Continue this session id.")
        ] = None,
    ) -> None:
        """Talk with the tutor in the terminal; follow-up questions use the conversation so far."""
        from tutor.service import build_tutor

        with user_errors():
            tutor = build_tutor(load_settings())
        console.print("Ask about your notes; an empty line or Ctrl-D ends the chat.")
        try:
            while True:
                try:
                    question = console.input("[bold]you>[/] ").strip()
                except EOFError:
                    break
                if not question:
                    break
                try:
                    answer = tutor.ask(question, session_id=session)
                except TutorError as exc:
                    err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
                    continue
                session = answer.session_id
                _show(answer)
        except KeyboardInterrupt:
            pass
        finally:
            tutor.close()
        if session:
            console.print(f"[dim]session {session}[/]")
