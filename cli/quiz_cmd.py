"""`tutor quiz [--topic S3] [--open] [--session NAME]`: question, choices, answer, feedback, hints."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import Protocol

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from cli.common import console, load_settings, user_errors
from tutor.errors import InvalidInput
from tutor.quizgrade import LETTERS
from tutor.types import Grade, Hint, Progress, QuizItem

QUIT = {"q", "quit", "exit"}
HINT = {"hint", "?", "h"}
SKIP = {"skip", "s", "next"}


class Quizzes(Protocol):
    """What the loop needs: the Tutor facade (or its Quizzer) answers all four."""

    def quiz(self, session_id: str, *, topic: str | None = None, kind: str = "mcq") -> QuizItem: ...
    def grade(self, quiz_id: str, answer: str) -> Grade: ...
    def hint(self, quiz_id: str) -> Hint: ...
    def progress(self, session_id: str) -> Progress: ...


def show_question(out: Console, n: int, item: QuizItem) -> None:
    title = f"Question {n} · {item.topic or item.section}" + (" · review" if item.review else "")
    body = item.question
    if item.choices:
        body += "\n\n" + "\n".join(f"  {LETTERS[i]}) {c}" for i, c in enumerate(item.choices))
    out.print(Panel(body, title=title, title_align="left"), highlight=False)


def show_progress(out: Console, progress: Progress) -> None:
    if not progress.topics:
        return
    table = Table(title="Progress", show_lines=False)
    for column in ("Topic", "Attempts", "Correct", "Mastery", "Due"):
        table.add_column(column)
    for t in progress.topics:
        table.add_row(t.topic, str(t.attempts), str(t.correct), f"{t.mastery:.0%}", str(t.due))
    out.print(table)
    if progress.weakest:
        out.print(f"Weakest: {', '.join(progress.weakest)}", highlight=False)


def quiz_loop(
    tutor: Quizzes,
    *,
    session_id: str,
    topic: str | None,
    kind: str,
    ask: Callable[[str], str],
    out: Console,
    count: int | None = None,
) -> int:
    """Ask until the user quits (or `count` questions); returns how many were answered right."""
    right = asked = 0
    while count is None or asked < count:
        item = tutor.quiz(session_id, topic=topic, kind=kind)
        asked += 1
        show_question(out, asked, item)
        while True:
            reply = ask("Your answer ('hint' or '?' for a hint, 'skip', 'q' to quit)").strip()
            low = reply.lower()
            if low in QUIT:
                show_progress(out, tutor.progress(session_id))
                return right
            if low in SKIP:
                break
            if low in HINT:
                hint = tutor.hint(item.id)
                out.print(f"[yellow]Hint {hint.level}:[/] {hint.text}", highlight=False)
                continue
            try:
                grade = tutor.grade(item.id, reply)
            except InvalidInput as exc:  # a typo is not an attempt: ask again
                out.print(f"[red]{exc}[/]", highlight=False)
                continue
            right += grade.correct
            colour = "green" if grade.correct else "red"
            out.print(
                f"[bold {colour}]{'Correct' if grade.correct else 'Incorrect'}[/] "
                f"({grade.score:.0%}) {grade.feedback}",
                highlight=False,
            )
            break
    show_progress(out, tutor.progress(session_id))
    return right


def register(app: typer.Typer) -> None:
    @app.command("quiz")
    def quiz_command(
        topic: str = typer.Option(None, "--topic", "-t", help="Only this topic, e.g. S3."),
        open_answer: bool = typer.Option(False, "--open", help="Type answers (no choices)."),
        session: str = typer.Option(
            None, "--session", help="Progress is kept per session (default: your user name)."
        ),
        count: int = typer.Option(None, "--count", "-n", min=1, help="Stop after N questions."),
    ) -> None:
        """Practise with exam-style questions from the notes; missed ones come back for review."""
        from tutor.service import build_tutor

        session_id = session or f"cli:{getpass.getuser()}"
        with user_errors():
            tutor = build_tutor(load_settings())
            try:
                quiz_loop(
                    tutor,
                    session_id=session_id,
                    topic=topic,
                    kind="open" if open_answer else "mcq",
                    ask=lambda prompt: console.input(f"[bold]{prompt}[/] > "),
                    out=console,
                    count=count,
                )
            except EOFError:
                pass  # input closed (Ctrl-D): progress so far is already saved
            finally:
                tutor.close()
