"""Quizzer on the real notes: serving, grading (mcq, fill, short), hints, bad input, the LLM seam."""

from __future__ import annotations

import dataclasses
import json
import random

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from sqlalchemy import func, select
from support import fixed_index, mined_only

from tutor.db import make_engine, make_sessionmaker
from tutor.errors import Conflict, InvalidInput, NotFound
from tutor.progress import QuizRow, ReviewCard
from tutor.quiz import Quizzer
from tutor.quizbank import BankItem, QuizBank
from tutor.testmark import keyed as keyed_options
from tutor.testmark import parse_answer


def make_quizzer(tutor, tmp_path, llm=None, seed=7, mined=False) -> Quizzer:
    """`mined`: only the items mined from the notes (no question file's)."""
    maker = make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'quiz.db'}"))
    index = tutor.index
    if mined:
        current = index.current()
        index = fixed_index(dataclasses.replace(current, bank=QuizBank(mined_only(current))))
    return Quizzer(
        settings=tutor.settings,
        sessionmaker=maker,
        embedder=tutor.embedder,
        index=index,
        llm=llm,
        rng=random.Random(seed),
    )


@pytest.fixture
def quizzer(tutor, tmp_path) -> Quizzer:
    return make_quizzer(tutor, tmp_path)


def served(quizzer: Quizzer, quiz_id: str) -> BankItem:
    with quizzer.sessionmaker() as db:
        return BankItem.model_validate(db.get(QuizRow, quiz_id).item)


def keyed(item: BankItem, *, right: bool = True) -> str:
    """The letters of the keyed options ("B", or "A, C" for Select TWO), or as many wrong ones."""
    keys = item.answer_indexes or [item.answer_index]
    return ", ".join("ABCDE"[(k + (0 if right else 1)) % len(item.choices)] for k in keys)


def count(quizzer: Quizzer, model) -> int:
    with quizzer.sessionmaker() as db:
        return db.scalar(select(func.count()).select_from(model))


def test_mcq_right_answer_by_letter_index_or_text(quizzer):
    for form in ("letter", "lower", "index", "text"):
        q = quizzer.quiz("s1", kind="mcq")
        item = served(quizzer, q.id)
        assert q.choices == item.choices and len(q.choices) == 4
        answer = {
            "letter": "ABCD"[item.answer_index],
            "lower": "abcd"[item.answer_index],
            "index": str(item.answer_index + 1),
            "text": item.answer,
        }[form]
        if form == "index" and any(c.strip().isdigit() for c in item.choices):
            answer = "ABCD"[item.answer_index]  # numeric choices: "2" means the choice "2"
        grade = quizzer.grade(q.id, answer)
        assert grade.correct and grade.score == 1.0
        assert grade.reference_answer == item.answer
        assert item.section in grade.feedback and "[1]" in grade.feedback
        assert grade.citations[0].chunk_id == item.chunk_id


def test_every_choice_items_answer_text_picks_its_keyed_options(tutor):
    """The last hint gives the answer's text; typed back, it must pick exactly the keyed options,
    also when a choice holds "; " itself, the separator of a Select TWO answer."""
    items = [i for i in tutor.index.current().bank.items if i.kind == "mcq"]
    assert any(i.answer_indexes for i in items)
    for item in items:
        assert parse_answer(item, item.answer) == keyed_options(item), item.id
    choices = ["It is free; you pay for the resources", "It is serverless", "It is global"]
    item = BankItem.model_validate(
        {
            **items[0].model_dump(),
            "choices": choices,
            "answer_index": None,
            "answer_indexes": [0, 2],
            "answer": f"{choices[0]}; {choices[2]}",
        }
    )
    assert parse_answer(item, item.answer) == {0, 2}


def test_mcq_wrong_answer_is_incorrect_and_names_the_section(quizzer):
    q = quizzer.quiz("s1", topic="S3")
    item = served(quizzer, q.id)
    assert q.topic == "S3" and item.topic == "S3"
    wrong = "ABCD"[(item.answer_index + 1) % 4]
    grade = quizzer.grade(q.id, wrong)
    assert not grade.correct and grade.score == 0.0
    assert item.answer in grade.feedback and f"“{item.section}”" in grade.feedback


def test_fill_in_grading(quizzer):
    pool = [i for i in quizzer.index.current().bank.items if i.kind == "fill"]
    number = next(i for i in pool if i.origin == "number" and int(i.answer) >= 1000)
    name = number.model_copy(  # a name to fill in, as a question file may give one
        update={
            "question": "Name what fills the blank: “___ creates and controls encryption keys.”",
            "answer": "AWS KMS",
            "origin": "imported",
        }
    )
    for item, good, bad in (
        (number, f"{int(number.answer):,}", "7"),  # the same value written with a comma
        (name, name.answer.removeprefix("AWS "), "Amazon RDS"),  # "KMS" for "AWS KMS"
    ):
        ids = []
        for answer in (good, bad):
            q = quizzer.quiz("fill", kind="open")
            with quizzer.sessionmaker.begin() as db:  # serve this exact item
                db.get(QuizRow, q.id).item = item.model_dump()
            ids.append((q.id, answer))
        assert quizzer.grade(*ids[0]).correct
        assert not quizzer.grade(*ids[1]).correct


def test_short_answer_good_beats_bad(quizzer):
    item = next(
        i
        for i in quizzer.index.current().bank.items
        if i.kind == "short" and i.origin == "definition" and "Secrets Manager" in i.question
    )
    grades = {}
    for label, answer in (
        (
            "good",
            (
                "It stores secrets such as database credentials and API keys securely, "
                "with easy rotation and management of the keys."
            ),
        ),
        ("bad", "It is a content delivery network that caches web pages at edge locations."),
    ):
        q = quizzer.quiz("short", kind="open")
        with quizzer.sessionmaker.begin() as db:
            db.get(QuizRow, q.id).item = item.model_dump()
        grades[label] = quizzer.grade(q.id, answer)
    # Offline, an open answer is decided only on clear evidence: the loose right answer is never
    # called wrong, the unrelated one never right, and the learner rates an "unsure" one.
    assert grades["good"].verdict != "incorrect" and grades["bad"].verdict != "correct"
    assert grades["good"].score > grades["bad"].score
    assert "Reread “AWS Secrets Manager”" in grades["bad"].feedback


def test_hints_progress_section_then_key_term_then_answer(quizzer):
    q = quizzer.quiz("h", kind="mcq")
    item = served(quizzer, q.id)
    hints = [quizzer.hint(q.id) for _ in range(4)]
    assert [h.level for h in hints] == [1, 2, 3, 3]
    assert [h.remaining for h in hints] == [2, 1, 0, 0]
    assert hints[0].text == f"Look in the section “{item.section}” of {item.source}."
    assert hints[1].text != hints[0].text
    assert item.answer in hints[2].text
    with quizzer.sessionmaker() as db:
        assert db.get(QuizRow, q.id).hints == 3


def test_grade_and_hint_work_from_another_process(quizzer, tutor):
    q = quizzer.quiz("x", kind="mcq")
    other = Quizzer(
        settings=tutor.settings,
        sessionmaker=quizzer.sessionmaker,
        embedder=tutor.embedder,
        index=tutor.index,
    )
    assert other.hint(q.id).level == 1
    item = served(quizzer, q.id)
    assert other.grade(q.id, item.answer).correct


def test_bad_input_is_refused_and_nothing_is_stored_half_way(quizzer):
    with pytest.raises(NotFound):
        quizzer.grade("no-such-quiz", "A")
    with pytest.raises(NotFound):
        quizzer.hint("no-such-quiz")
    q = quizzer.quiz("bad", kind="mcq")
    for answer in ("", "   ", "E", "9", "not a choice at all"):
        with pytest.raises(InvalidInput):
            quizzer.grade(q.id, answer)
    assert count(quizzer, ReviewCard) == 0
    with quizzer.sessionmaker() as db:
        assert db.get(QuizRow, q.id).answered_at is None
    quizzer.grade(q.id, "A")
    with pytest.raises(Conflict):
        quizzer.grade(q.id, "B")
    assert count(quizzer, ReviewCard) == 1
    with pytest.raises(InvalidInput):
        quizzer.quiz("bad", kind="essay")
    with pytest.raises(InvalidInput):
        quizzer.quiz("  ")
    with pytest.raises(NotFound, match="Topics include"):
        quizzer.quiz("bad", topic="Kubernetes")


class FailingChatModel(FakeListChatModel):
    """A provider that is down: every call raises, like a timeout or a bad key."""

    def _call(self, *args, **kwargs):
        raise TimeoutError("provider timed out")


def test_llm_scenario_question_kept_when_the_notes_support_it(tutor, tmp_path):
    supported = {
        "question": "A developer must create and manage the keys that encrypt data held by "
        "other AWS services. Which service fits?",
        "choices": ["AWS KMS", "Amazon S3", "AWS AppSync", "Route 53"],
        "answer_index": 0,
        "key_terms": ["cryptographic keys", "encrypts"],
    }
    invented = dict(supported, key_terms=["quantum ledger"])
    llm = FakeListChatModel(responses=[json.dumps(supported), json.dumps(invented)])
    quizzer = make_quizzer(tutor, tmp_path, llm=llm, mined=True)
    topic = "AWS KMS (Key Management Service)"  # no offline MCQ: its short answer is the seed
    first = quizzer.quiz("llm", topic=topic)
    assert first.question == supported["question"] and first.provider != "offline"
    assert quizzer.grade(first.id, "A").correct
    with pytest.raises(NotFound, match="LLM could not write one"):  # unsupported: dropped, and
        quizzer.quiz("llm", topic=topic)  # no offline multiple choice on the topic to fall back to


def test_llm_grader_with_rubric_and_offline_fallback(tutor, tmp_path):
    reply = {"score": 0.9, "correct": True, "feedback": "Right: it stores and rotates secrets."}
    llm = FakeListChatModel(responses=["not json at all", json.dumps(reply)])
    quizzer = make_quizzer(tutor, tmp_path, llm=llm)
    item = next(i for i in quizzer.index.current().bank.items if i.kind == "short")
    q = quizzer.quiz("g", kind="open")  # generation fails (not JSON): served from the bank
    assert q.provider == "offline"
    with quizzer.sessionmaker.begin() as db:
        db.get(QuizRow, q.id).item = item.model_dump()
    grade = quizzer.grade(q.id, "some answer")
    assert grade.provider != "offline" and grade.score == 0.9
    assert "Right: it stores" in grade.feedback and item.section in grade.feedback

    down = make_quizzer(tutor, tmp_path / "down", llm=FailingChatModel(responses=["x"]))
    q = down.quiz("g", kind="open")
    with down.sessionmaker.begin() as db:
        db.get(QuizRow, q.id).item = item.model_dump()
    grade = down.grade(q.id, item.evidence)
    assert grade.provider == "offline" and grade.correct and grade.verdict == "correct"
    assert "graded offline" in grade.feedback


def test_numeric_choices_are_matched_by_their_text(quizzer):
    number = next(
        i for i in quizzer.index.current().bank.items if i.kind == "mcq" and i.origin == "number"
    )
    ssh = number.model_copy(
        update={
            "question": "Which port does SSH (Secure shell) use?",
            "choices": ["21", "22", "80", "443"],
            "answer": "22",
            "answer_index": 1,
        }
    )
    grades = []
    for answer in ("22", "21"):
        q = quizzer.quiz("ports")
        with quizzer.sessionmaker.begin() as db:
            db.get(QuizRow, q.id).item = ssh.model_dump()
        grades.append(quizzer.grade(q.id, answer).correct)
    assert grades == [True, False]  # "22" is port 22, not the 22nd choice


def test_a_generated_item_that_breaks_an_item_writing_rule_is_not_served(tutor, tmp_path):
    from tutor.quizllm import notes_subject

    bad = {
        "question": "A developer must create and manage the keys that encrypt data held by "
        "other AWS services. Which service fits?",
        "choices": ["AWS KMS", "Amazon S3", "AWS AppSync", "All of the above"],
        "answer_index": 0,
        "key_terms": ["cryptographic keys", "encrypts"],
    }
    llm = FakeListChatModel(responses=[json.dumps(bad)])
    quizzer = make_quizzer(tutor, tmp_path, llm=llm)
    served = quizzer.quiz("rules", topic="AWS KMS (Key Management Service)")
    assert served.provider == "offline" and served.question != bad["question"]
    assert "developer associate" in notes_subject(tutor.current_index())


def test_with_an_llm_a_topic_without_offline_mcq_is_generated_or_says_why(tutor, tmp_path):
    index = tutor.index.current()
    topics_with_mcq = {i.topic for i in index.bank.items if i.kind == "mcq"}
    topic = next(i.topic for i in index.bank.items if i.topic not in topics_with_mcq)
    with pytest.raises(NotFound):
        make_quizzer(tutor, tmp_path).quiz("offline", topic=topic)  # no LLM: nothing to ask
    broken = FakeListChatModel(responses=["not json"])
    with pytest.raises(NotFound, match="LLM could not write one"):
        make_quizzer(tutor, tmp_path, llm=broken).quiz("llm-down", topic=topic)
