"""Quizzing end to end through the Tutor facade that every surface calls."""

from __future__ import annotations

import uuid

import pytest

from tutor.errors import Conflict, InvalidInput, NotFound


def test_quiz_grade_hint_progress_through_the_facade(tutor):
    session = f"facade-{uuid.uuid4()}"
    item = tutor.quiz(session, topic="S3")
    assert item.kind == "mcq" and len(item.choices) == 3 + item.select and item.topic == "S3"
    assert not item.citations  # served before answering: nothing that could hold the key
    assert tutor.hint(item.id).level == 1
    assert tutor.hint(item.id).level == 2
    answer = tutor.hint(item.id).text.removeprefix("The answer: ")
    grade = tutor.grade(item.id, answer)
    assert grade.correct and grade.section == item.section and grade.citations
    with pytest.raises(Conflict):
        tutor.grade(item.id, answer)
    open_item = tutor.quiz(session, kind="open")
    assert open_item.choices is None
    assert not tutor.grade(open_item.id, "no idea").correct
    progress = tutor.progress(session)
    assert sum(t.attempts for t in progress.topics) == 2
    assert len(progress.due) == 2 and {d.topic for d in progress.due} >= {"S3"}
    with pytest.raises(NotFound):
        tutor.hint("nope")
    with pytest.raises(InvalidInput):
        tutor.grade(open_item.id, " ")
