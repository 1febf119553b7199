"""Self-rating after "unsure", overrides and flags on the Quizzer, over the real notes."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from tutor.db import make_engine, make_sessionmaker
from tutor.errors import Conflict, InvalidInput
from tutor.progress import QuizRow, ReviewCard
from tutor.quiz import Quizzer
from tutor.quizbank import BankItem

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def quizzer(tutor, tmp_path) -> Quizzer:
    maker = make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'quiz.db'}"))
    return Quizzer(
        settings=tutor.settings,
        sessionmaker=maker,
        embedder=tutor.embedder,
        index=tutor.index,
        rng=random.Random(3),
        clock=lambda: NOW,
    )


def serve(quizzer: Quizzer, session: str, item: BankItem, kind: str = "open") -> str:
    q = quizzer.quiz(session, kind=kind)
    with quizzer.sessionmaker.begin() as db:
        row = db.get(QuizRow, q.id)
        row.item, row.item_id = item.model_dump(), item.id
    return q.id


def card_due(quizzer: Quizzer, session: str, item_id: str) -> datetime | None:
    with quizzer.sessionmaker() as db:
        card = db.get(ReviewCard, (session, item_id))
        return card.due if card else None


def short_item(quizzer: Quizzer) -> BankItem:
    return next(
        i
        for i in quizzer.index.current().bank.items
        if i.kind == "short" and len(i.evidence.split()) > 8
    )


def test_unsure_waits_for_the_learners_rating_which_schedules_and_counts(quizzer):
    item = short_item(quizzer)
    quiz_id = serve(quizzer, "s", item)
    words = item.evidence.split()
    partly = " ".join(words[: len(words) // 2])  # the first half of the fact: partly right
    grade = quizzer.grade(quiz_id, partly)
    assert grade.verdict == "unsure" and not grade.correct and grade.key_points
    assert grade.next_review is None and card_due(quizzer, "s", item.id) is None
    assert quizzer.progress("s").topics == []  # not counted until rated

    rated = quizzer.rate(quiz_id, "good")
    assert rated.rating == "good" and rated.correct and rated.verdict == "correct"
    assert not rated.overridden  # the tutor did not decide, so nothing was overridden
    good_due = card_due(quizzer, "s", item.id)
    assert good_due is not None and good_due > NOW.replace(tzinfo=None)
    assert quizzer.progress("s").topics[0].correct == 1

    again = quizzer.rate(quiz_id, "again")  # changed my mind: re-scheduled from the same card
    assert not again.correct and card_due(quizzer, "s", item.id) < good_due
    with pytest.raises(InvalidInput):
        quizzer.rate(quiz_id, "perfect")


def test_i_was_right_overrides_a_decided_verdict(quizzer):
    item = next(i for i in quizzer.index.current().bank.items if i.kind == "mcq")
    quiz_id = serve(quizzer, "o", item, kind="mcq")
    wrong = "ABCD"[(item.answer_index + 1) % len(item.choices)]
    with pytest.raises(Conflict):
        quizzer.override(quiz_id, True)  # not answered yet
    missed = quizzer.grade(quiz_id, wrong)
    assert missed.verdict == "incorrect" and not missed.overridden
    missed_due = card_due(quizzer, "o", item.id)
    right = quizzer.override(quiz_id, True)
    assert right.overridden and right.correct and right.verdict == "correct"
    assert card_due(quizzer, "o", item.id) > missed_due
    assert quizzer.progress("o").topics[0].correct == 1


def test_a_flagged_item_is_not_served_to_that_learner_again(quizzer):
    first = quizzer.quiz("f", topic="S3", kind="mcq")
    flag = quizzer.flag(first.id, "  two options are right  ")
    assert flag.reason == "two options are right" and flag.session_id == "f"
    assert quizzer.flag(first.id).quiz_id == first.id  # flagging twice is harmless
    assert [f.quiz_id for f in quizzer.flags()] == [first.id]
    for _ in range(25):
        q = quizzer.quiz("f", topic="S3", kind="mcq")
        with quizzer.sessionmaker() as db:
            assert db.get(QuizRow, q.id).item_id != flag.item_id
    other = quizzer.quiz("someone-else", topic="S3", kind="mcq")
    assert other.id  # another learner still gets quizzes; flags are per learner
    assert quizzer.flags("someone-else") == []
