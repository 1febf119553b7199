"""`tutor quiz`: the interactive loop with scripted input, and the command's clear errors."""

from __future__ import annotations

from rich.console import Console
from sqlalchemy import select
from test_quiz import keyed, make_quizzer
from typer.testing import CliRunner

from cli.main import app
from cli.quiz_cmd import quiz_loop
from tutor.progress import QuizRow
from tutor.quizbank import BankItem


def latest(quizzer) -> BankItem:
    with quizzer.sessionmaker() as db:
        row = db.scalars(select(QuizRow).order_by(QuizRow.created_at.desc())).first()
        return BankItem.model_validate(row.item)


def test_loop_question_hints_retry_answer_skip_quit(tutor, tmp_path):
    quizzer = make_quizzer(tutor, tmp_path)
    out = Console(record=True, width=120)
    script = iter(
        [
            "?",
            "hint",
            "Z",
            lambda: keyed(latest(quizzer)),  # question 1: right
            "skip",  # question 2: skipped
            lambda: keyed(latest(quizzer), right=False),  # 3: wrong
            "q",
        ]
    )

    def ask(prompt: str) -> str:
        step = next(script)
        return step() if callable(step) else step

    right = quiz_loop(quizzer, session_id="cli", topic="EC2", kind="mcq", ask=ask, out=out)
    text = out.export_text()
    assert right == 1
    assert "Question 1 · EC2" in text and "A) " in text and "D) " in text
    assert "Hint 1:" in text and "Hint 2:" in text
    assert "not one of the choices" in text  # "Z" is refused, then asked again
    assert "Correct" in text and "Incorrect" in text and "Reread" in text
    assert "Progress" in text and "EC2" in text
    progress = quizzer.progress("cli")
    assert [(t.topic, t.attempts, t.correct) for t in progress.topics] == [("EC2", 2, 1)]


def test_open_answers_in_the_loop(tutor, tmp_path):
    quizzer = make_quizzer(tutor, tmp_path)
    out = Console(record=True, width=120)
    # The key's words: "correct", or "unsure" and then the learner's own rating counts.
    answers = iter([lambda: latest(quizzer).answer, lambda: "meh", lambda: "good"])
    right = quiz_loop(
        quizzer,
        session_id="o",
        topic="S3",
        kind="open",
        ask=lambda _: next(answers)(),
        out=out,
        count=1,
    )
    assert right == 1 and "Correct" in out.export_text()


class ShortAnswers:
    """The quizzer, serving a free-text ("short") item whatever the bank picks."""

    def __init__(self, quizzer) -> None:
        self.quizzer = quizzer
        bank = quizzer.index.current().bank.items
        self.item = next(i for i in bank if i.kind == "short" and i.topic == "S3")

    def __getattr__(self, name):
        return getattr(self.quizzer, name)

    def quiz(self, session_id, **kwargs):
        served = self.quizzer.quiz(session_id, **kwargs)
        with self.quizzer.sessionmaker.begin() as db:
            db.get(QuizRow, served.id).item = self.item.model_dump()
        return served


def test_unsure_asks_for_a_self_rating(tutor, tmp_path):
    quizzer = make_quizzer(tutor, tmp_path)
    out = Console(record=True, width=120)
    answers = iter(["it encrypts stuff", "hard"])
    right = quiz_loop(
        ShortAnswers(quizzer),
        session_id="u",
        topic="S3",
        kind="open",
        ask=lambda _: next(answers),
        out=out,
        count=1,
    )
    text = out.export_text()
    assert "Unsure" in text and right == 1  # "hard" is a right answer, recalled with effort
    assert quizzer.progress("u").topics[0].correct == 1


def test_command_reports_bad_settings_without_traceback(monkeypatch):
    monkeypatch.setenv("TUTOR_LLM", "no-colon-here")
    from tutor.config import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["quiz", "--count", "1"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "bad setting" in result.output and "Traceback" not in result.output
