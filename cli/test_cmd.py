"""`tutor test [-n 20] [--topic S3] [--exam]`: a whole practice test in the terminal.

Practice mode (the default here) grades each answer at once, with the explanation; exam mode
saves the answers and shows the review after the last question. Either way the result ends with
the score against the pass mark and a table per topic.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import Any

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from cli.common import console, load_settings, user_errors
from tutor.errors import InvalidInput
from tutor.practice import N_DEFAULT, N_MAX, N_MIN, PracticeResult
from tutor.quizgrade import LETTERS
from tutor.types import QuizItem

QUIT = {"q", "quit", "exit"}
SKIP = {"", "skip", "s", "next"}
FLAG = {"f", "flag"}
WORDS = {2: "TWO", 3: "THREE", 4: "FOUR"}


def show_item(out: Console, n: int, total: int, item: QuizItem, flagged: bool) -> None:
    title = f"Question {n}/{total} · {item.topic or item.section}" + (
        " · flagged" if flagged else ""
    )
    body = item.question
    if item.select > 1:
        body += f"\n[bold](Select {WORDS.get(item.select, item.select)}.)[/]"
    body += "\n\n" + "\n".join(f"  {LETTERS[i]}) {c}" for i, c in enumerate(item.choices or []))
    out.print(Panel(body, title=title, title_align="left"), highlight=False)


def show_result(out: Console, result: PracticeResult, *, review: bool) -> None:
    if review:
        for n, entry in enumerate(result.review, 1):
            if entry.correct:
                continue
            mine = entry.your_answer or "skipped"
            out.print(
                f"[bold red]{n}.[/] {entry.question}\n   you: {mine} · answer: "
                f"{', '.join(entry.answer_letters)}) {entry.reference_answer}\n   {entry.feedback}"
                + (f"\n   [italic]{entry.explanation}[/]" if entry.explanation else ""),
                highlight=False,
            )
    table = Table(title="Result per topic")
    for column in ("Topic", "Correct", "Total", "Score"):
        table.add_column(column)
    for t in result.by_topic:
        table.add_row(t.topic, str(t.correct), str(t.total), f"{t.correct / t.total:.0%}")
    out.print(table)
    verdict = "[bold green]PASS[/]" if result.passed else "[bold red]FAIL[/]"
    out.print(
        f"{verdict} {result.correct}/{result.total} = {result.score:.0%} "
        f"(pass mark {result.pass_mark:.0%})" + (" · time ran out" if result.timed_out else ""),
        highlight=False,
    )


def run_test(
    tutor: Any,
    *,
    session_id: str,
    n: int,
    topic: str | None,
    exam: bool,
    ask: Callable[[str], str],
    out: Console,
) -> PracticeResult:
    """Ask every item once ('skip' leaves it unanswered, 'f' flags it, 'q' submits now)."""
    test = tutor.start_test(session_id, n=n, topic=topic, mode="exam" if exam else "practice")
    mode = "Exam" if exam else "Practice"
    out.print(
        f"[bold]{mode} test[/] · {len(test.items)} questions · pass mark {test.pass_mark:.0%}",
        highlight=False,
    )
    flagged: list[str] = []
    for n_item, item in enumerate(test.items, 1):
        show_item(out, n_item, len(test.items), item, False)
        while True:
            how = "letters, e.g. A, C" if item.select > 1 else "a letter"
            reply = ask(f"Your answer ({how}; 'skip', 'f' to flag, 'q' to submit now)").strip()
            low = reply.lower()
            if low in QUIT:
                return finish(tutor, test.id, flagged, out, exam)
            if low in SKIP:
                break
            if low in FLAG:
                flagged.append(item.id)
                out.print("[yellow]Flagged for review.[/]")
                continue
            try:
                answered = tutor.test_answer(test.id, item.id, reply)
            except InvalidInput as exc:  # a typo is not an answer: ask again
                out.print(f"[red]{exc}[/]", highlight=False)
                continue
            if answered.grade is not None:
                grade = answered.grade
                colour = "green" if grade.correct else "red"
                verdict = "Correct" if grade.correct else "Incorrect"
                out.print(f"[bold {colour}]{verdict}[/] {grade.feedback}", highlight=False)
                if grade.explanation:
                    out.print(f"[italic]{grade.explanation}[/]", highlight=False)
            break
    return finish(tutor, test.id, flagged, out, exam)


def finish(
    tutor: Any, test_id: str, flagged: list[str], out: Console, exam: bool
) -> PracticeResult:
    result = tutor.submit_test(test_id, None, flagged)
    show_result(out, result, review=exam)
    return result


def register(app: typer.Typer) -> None:
    @app.command("test")
    def take_test(
        n: int = typer.Option(
            N_DEFAULT, "-n", "--count", min=N_MIN, max=N_MAX, help="How many questions."
        ),
        topic: str = typer.Option(None, "--topic", "-t", help="Only this topic, e.g. S3."),
        exam: bool = typer.Option(
            False, "--exam", help="Exam mode: no feedback until the end (default: practice)."
        ),
        session: str = typer.Option(
            None, "--session", help="Progress is kept per session (default: your user name)."
        ),
    ) -> None:
        """Take a practice test: n questions over the topics, scored against the pass mark."""
        from tutor.service import build_tutor

        session_id = session or f"cli:{getpass.getuser()}"
        with user_errors():
            tutor = build_tutor(load_settings())
            try:
                run_test(
                    tutor,
                    session_id=session_id,
                    n=n,
                    topic=topic,
                    exam=exam,
                    ask=lambda prompt: console.input(f"[bold]{prompt}[/] > "),
                    out=console,
                )
            except EOFError:
                pass  # input closed (Ctrl-D): the test stays open; its answers are saved
            finally:
                tutor.close()
