"""Progress: FSRS brings missed items back, mastery follows graded attempts, weak topics first."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from test_quiz import keyed, make_quizzer, served

from tutor.progress import mastery_of

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def answer(quizzer, session, *, right: bool, topic=None, now=T0):
    q = quizzer.quiz(session, topic=topic, now=now)
    item = served(quizzer, q.id)
    return q, item, quizzer.grade(q.id, keyed(item, right=right), now=now)


def test_missed_item_becomes_due_and_is_served_first(tutor, tmp_path):
    quizzer = make_quizzer(tutor, tmp_path)
    q, item, grade = answer(quizzer, "fsrs", right=False, topic="EC2")
    due_at = datetime.fromisoformat(grade.next_review)
    assert T0 < due_at <= T0 + timedelta(minutes=10)  # a miss comes back within minutes

    before = quizzer.quiz("fsrs", now=due_at - timedelta(seconds=1))
    assert not before.review and served(quizzer, before.id).id != item.id

    later = due_at + timedelta(minutes=1)
    assert [d.item_id for d in quizzer.progress("fsrs", now=later).due if d.is_due] == [item.id]
    again = quizzer.quiz("fsrs", now=later)  # no topic given: the due item still comes first
    assert again.review and again.question == q.question and again.id != q.id
    regrade = quizzer.grade(again.id, item.answer, now=later)
    assert regrade.correct
    assert datetime.fromisoformat(regrade.next_review) > later
    assert not [d for d in quizzer.progress("fsrs", now=later).due if d.is_due]
    # Another session has its own schedule.
    assert not quizzer.quiz("someone-else", now=later).review


def test_a_clean_answer_is_scheduled_later_than_a_miss(tutor, tmp_path):
    quizzer = make_quizzer(tutor, tmp_path)
    _, _, miss = answer(quizzer, "a", right=False)
    _, _, hit = answer(quizzer, "b", right=True)
    assert datetime.fromisoformat(hit.next_review) > datetime.fromisoformat(miss.next_review)


def test_mastery_per_topic_and_weakest(tutor, tmp_path):
    quizzer = make_quizzer(tutor, tmp_path)
    for minute in range(3):
        answer(quizzer, "m", right=True, topic="S3", now=T0 + timedelta(minutes=minute))
    answer(quizzer, "m", right=False, topic="RDS")
    progress = quizzer.progress("m", now=T0 + timedelta(minutes=5))
    topics = {t.topic: t for t in progress.topics}
    assert (topics["S3"].attempts, topics["S3"].correct, topics["S3"].mastery) == (3, 3, 1.0)
    assert (topics["RDS"].attempts, topics["RDS"].correct, topics["RDS"].mastery) == (1, 0, 0.0)
    assert progress.weakest == ["RDS"]
    assert topics["RDS"].due == 1 and topics["S3"].due == 0
    answer(quizzer, "m", right=False, topic="S3", now=T0 + timedelta(minutes=6))
    assert {t.topic: t for t in quizzer.progress("m").topics}["S3"].mastery < 1.0
    assert quizzer.progress("nobody").topics == []


def test_quiz_prefers_weak_topics(tutor, tmp_path):
    quizzer = make_quizzer(tutor, tmp_path, seed=3)
    answer(quizzer, "w", right=False, topic="EBS")
    picked = Counter(quizzer.quiz("w", now=T0).topic for _ in range(30))  # before EBS is due
    assert picked["EBS"] >= 15  # ~70% vs ~1/60 for any one topic by chance
    fresh = make_quizzer(tutor, tmp_path / "fresh", seed=3)
    assert Counter(fresh.quiz("w", now=T0).topic for _ in range(30))["EBS"] <= 5


def test_mastery_weights_recent_answers_and_needs_evidence():
    assert mastery_of([]) == 0.0
    assert mastery_of([1.0]) < mastery_of([1.0, 1.0]) < mastery_of([1.0, 1.0, 1.0]) == 1.0
    assert mastery_of([0.0, 1.0, 1.0]) > mastery_of([1.0, 1.0, 0.0])


def test_seeded_selection_is_reproducible(tutor, tmp_path):
    a = make_quizzer(tutor, tmp_path / "a", seed=11)
    b = make_quizzer(tutor, tmp_path / "b", seed=11)
    assert [a.quiz("r").question for _ in range(5)] == [b.quiz("r").question for _ in range(5)]
