"""`tutor quiz [--topic S3] [--open] [--session NAME]`: question, choices, answer, feedback, hints;
`tutor quiz flags`: the items learners flagged, for the notes' owner."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import Protocol

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from cli.common import console, fail, load_settings, user_errors
from tutor.errors import InvalidInput
from tutor.quizgrade import LETTERS
from tutor.types import Flag, Grade, Hint, Progress, QuizItem

QUIT = {"q", "quit", "exit"}
RATINGS = ("again", "hard", "good", "easy")
HINT = {"hint", "?", "h"}
SKIP = {"skip", "s", "next"}


class Quizzes(Protocol):
    """What the loop needs: the Tutor facade (or its Quizzer) answers all four."""

    def quiz(self, session_id: str, *, topic: str | None = None, kind: str = "mcq") -> QuizItem: ...
    def grade(self, quiz_id: str, answer: str) -> Grade: ...
    def hint(self, quiz_id: str) -> Hint: ...
    def progress(self, session_id: str) -> Progress: ...
    def rate(self, quiz_id: str, rating: str) -> Grade: ...


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
            colour = {"correct": "green", "incorrect": "red", "unsure": "yellow"}[grade.verdict]
            out.print(
                f"[bold {colour}]{grade.verdict.capitalize()}[/] "
                f"({grade.score:.0%}) {grade.feedback}",
                highlight=False,
            )
            if grade.verdict == "unsure":
                grade = self_rate(tutor, grade, ask, out)
            right += grade.correct
            break
    show_progress(out, tutor.progress(session_id))
    return right


def self_rate(tutor: Quizzes, grade: Grade, ask: Callable[[str], str], out: Console) -> Grade:
    """After "unsure": the notes' key points, then the learner's own rating (as in Anki)."""
    for point in grade.key_points:
        out.print(f"  • {point}", highlight=False)
    while True:
        reply = ask("Rate yourself: again (wrong or partly right), hard, good, easy").strip()
        if reply.lower() in RATINGS:
            return tutor.rate(grade.quiz_id, reply.lower())
        out.print("[red]Type again, hard, good or easy.[/]", highlight=False)


def show_flags(out: Console, flags: list[Flag]) -> None:
    if not flags:
        out.print("No flagged quiz items.")
        return
    table = Table(title=f"Flagged quiz items ({len(flags)})")
    for column in ("When", "Section", "Question", "Reason", "Item"):
        table.add_column(column)
    for f in flags:
        table.add_row(f.created_at[:16], f.section, f.question, f.reason or "-", f.item_id)
    out.print(table)


def register(app: typer.Typer) -> None:
    @app.command("quiz")
    def quiz_command(
        action: str = typer.Argument(
            None, help="`flags`: list the items learners flagged (for the notes' owner)."
        ),
        topic: str = typer.Option(None, "--topic", "-t", help="Only this topic, e.g. S3."),
        open_answer: bool = typer.Option(False, "--open", help="Type answers (no choices)."),
        session: str = typer.Option(
            None, "--session", help="Progress is kept per session (default: your user name)."
        ),
        count: int = typer.Option(None, "--count", "-n", min=1, help="Stop after N questions."),
    ) -> None:
        """Practise with exam-style questions from the notes; missed ones come back for review."""
        from tutor.service import build_tutor

        if action not in (None, "flags"):
            raise fail(f"unknown quiz action {action!r}: use `tutor quiz flags`, or no action")
        if action == "flags":
            with user_errors():
                tutor = build_tutor(load_settings())
                try:
                    show_flags(console, tutor.flags())
                finally:
                    tutor.close()
            return

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
