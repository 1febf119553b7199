"""Practice tests through tutor.practice: multiple response, the clock, topic quotas."""

from __future__ import annotations

import dataclasses
import random
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from support import fixed_index, mined_only, multi_item

from tutor.errors import Conflict, InvalidInput
from tutor.practice import Practice
from tutor.quizbank import QuizBank
from tutor.quizgrade import choice_indexes
from tutor.testpick import quotas


@pytest.fixture
def clock():
    return [datetime(2031, 5, 1, 12, 0, tzinfo=UTC)]


@pytest.fixture
def mcq_topic(tutor):
    """The topic with the most mined MCQ: a test on it has imported items first, then mined."""
    mined = [i for i in mined_only(tutor.current_index()) if i.kind == "mcq"]
    return Counter(i.topic for i in mined).most_common(1)[0][0]


@pytest.fixture
def practice(tutor, clock, mcq_topic):
    index = tutor.current_index()
    chunk = next(index.by_id[i.chunk_id] for i in mined_only(index) if i.topic == mcq_topic)
    extra = [multi_item(chunk, n).model_copy(update={"topic": mcq_topic}) for n in range(3)]
    # every mined MCQ (the notes have few) filed under that topic, so mined ones fill the test
    mined = [
        i.model_copy(update={"topic": mcq_topic}) if i.kind == "mcq" else i
        for i in mined_only(index)
    ]
    assert sum(i.kind == "mcq" for i in mined) >= 2
    fixed = dataclasses.replace(index, bank=QuizBank(mined + extra))
    return Practice(
        settings=tutor.settings,
        sessionmaker=tutor.practice.sessionmaker,
        index=fixed_index(fixed),
        clock=lambda: clock[0],
        rng=random.Random(7),
    )


def test_choice_indexes_reads_every_way_of_writing_several_letters():
    choices = ["a", "b", "c", "d", "e"]
    for answer in (["A", "C"], "A, C", "A C", "AC", "a,c", "1, 3", "A and C"):
        assert choice_indexes(answer, choices) == {0, 2}, answer
    assert choice_indexes("c", choices) == {2}
    with pytest.raises(InvalidInput):
        choice_indexes("A, Q", choices)


def test_imported_multiple_response_items_come_first_and_need_all_and_only_the_keys(
    practice, mcq_topic
):
    test = practice.start(f"unit-{uuid.uuid4()}", n=5, topic=mcq_topic, mode="practice")
    multi = [i for i in test.items if i.select == 2]
    assert len(multi) == 3 and len(test.items) == 5  # imported first, mined ones fill in
    one, two, three = multi
    assert practice.answer(test.id, one.id, ["A", "C"]).grade.correct
    assert not practice.answer(test.id, two.id, "A").grade.correct  # not all
    wrong = practice.answer(test.id, three.id, "A, C, D").grade  # not only
    assert not wrong.correct and wrong.verdict == "incorrect" and "Versioning" in wrong.explanation
    with pytest.raises(Conflict):
        practice.answer(test.id, one.id, "AC")
    result = practice.submit(test.id)
    entry = next(e for e in result.review if e.quiz_id == one.id)
    assert entry.your_answer == "A, C" and entry.answer_letters == ["A", "C"] and entry.select == 2


def test_exam_answers_after_the_deadline_are_ignored(practice, clock, mcq_topic):
    test = practice.start(f"unit-{uuid.uuid4()}", n=5, topic=mcq_topic, time_limit_s=60)
    first, second = test.items[0].id, test.items[1].id
    clock[0] += timedelta(seconds=59)
    practice.answer(test.id, first, "AC" if test.items[0].select == 2 else "A")
    clock[0] += timedelta(seconds=2)
    shown = practice.get(test.id)  # reading it after the deadline scores it
    assert shown.result is not None and shown.result.timed_out
    assert shown.result.review[0].your_answer is not None
    assert shown.result.review[1].your_answer is None
    with pytest.raises(Conflict):
        practice.answer(test.id, second, "A")
    assert practice.submit(test.id, {second: "A"}).review[1].your_answer is None


def test_quotas_follow_the_weights_within_the_caps():
    got = quotas(10, {"a": 6, "b": 3, "c": 1}, {"a": 100, "b": 100, "c": 100})
    assert got == {"a": 6, "b": 3, "c": 1}
    capped = quotas(10, {"a": 6, "b": 3, "c": 1}, {"a": 2, "b": 100, "c": 100})
    assert capped["a"] == 2 and sum(capped.values()) == 10 and capped["b"] > capped["c"]
    assert sum(quotas(10, {"a": 1}, {"a": 3, "b": 2}).values()) == 5  # fewer items than asked
