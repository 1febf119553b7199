"""`tutor test`: the loop with scripted input, and the real command over the ingested notes."""

from __future__ import annotations

import uuid

from rich.console import Console
from typer.testing import CliRunner

from cli.main import app
from cli.test_cmd import run_test


def test_practice_loop_grades_each_answer_then_tables_the_topics(tutor):
    out = Console(record=True, width=140)
    script = iter(["Z", "A", "f", "B", "skip", "C", "q"])
    result = run_test(
        tutor,
        session_id=f"cli-{uuid.uuid4()}",
        n=5,
        topic=None,
        exam=False,
        ask=lambda _: next(script),
        out=out,
    )
    text = out.export_text()
    assert "Practice test · 5 questions · pass mark 72%" in text
    assert "Question 1/5" in text and "Question 5/5" in text  # "q" at the fifth submits
    assert "not one of the choices" in text  # "Z" is refused, then asked again
    assert text.count("Correct") + text.count("Incorrect") >= 3  # feedback after each answer
    assert "Flagged for review." in text and "Result per topic" in text
    assert result.total == 5 and [e.your_answer for e in result.review] == [
        "A",
        "B",
        None,
        "C",
        None,
    ]
    assert result.review[1].flagged and ("PASS" in text) == result.passed


def test_exam_command_shows_the_review_at_the_end(settings, ingested, monkeypatch):
    monkeypatch.setenv("TUTOR_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("TUTOR_CORPUS_DIR", str(settings.corpus_dir))
    from tutor.config import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            app, ["test", "-n", "5", "--topic", "S3", "--exam", "--session", "cli-exam"], "\n" * 5
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "Exam test · 5 questions" in result.output
    assert "Incorrect" not in result.output  # no feedback until the end
    assert result.output.count("skipped") == 5 and "FAIL 0/5 = 0%" in result.output
    assert "S3" in result.output and "Result per topic" in result.output


def test_bad_count_is_refused_before_anything_is_built():
    result = CliRunner().invoke(app, ["test", "-n", "3"], env={"COLUMNS": "200"})
    assert result.exit_code == 2 and "greater than or equal to 5" in result.output
