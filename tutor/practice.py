"""Practice tests: a fixed set of exam-style items taken in one go and scored against a pass mark.

Two modes. *exam*: answers are saved without feedback (free navigation, flags), everything is
graded at submit. *practice*: each answer is graded at once (feedback and explanation); submit
scores the rest. Every item is a QuizRow (tutor.progress), so a test's answers feed FSRS and
mastery exactly like single quiz answers. The test row keeps the items' order, the answers saved
so far, the flags, the deadline and, once submitted, the result. A test past its deadline is
scored as submitted at the deadline, with the answers saved before it; unanswered items are wrong.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import JSON, DateTime, Float, Integer, String, Table, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm import sessionmaker as SessionMaker

from tutor.db import Base
from tutor.errors import Conflict, InvalidInput, NotFound
from tutor.index import IndexHandle
from tutor.progress import QuizRow, ReviewCard, naive, rating_for, review, served_item_ids, utc
from tutor.quiz import _in_topic
from tutor.quizbank import BankItem
from tutor.quizgrade import LETTERS
from tutor.testmark import (
    Mode,
    PracticeAnswer,
    PracticeResult,
    PracticeTest,
    ReviewEntry,
    TopicScore,
    citation,
    feedback,
    keyed,
    letters,
    parse_answer,
    result_of,
    served,
)
from tutor.testpick import chars_per_topic, pick
from tutor.types import Grade, PastTest

__all__ = ["Practice", "PracticeAnswer", "PracticeResult", "PracticeTest", "TopicScore"]
N_MIN, N_MAX, N_DEFAULT = 5, 65, 20
LIMIT_MIN_S, LIMIT_MAX_S = 30, 6 * 3600


class PracticeTestRow(Base):
    __tablename__ = "practice_tests"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(200), index=True)
    mode: Mapped[str] = mapped_column(String(10))
    topic: Mapped[str | None] = mapped_column(String(200), nullable=True)
    quiz_ids: Mapped[list] = mapped_column(JSON)  # QuizRow ids, in the order served
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # quiz id -> letters ("A, C")
    flagged: Mapped[list] = mapped_column(JSON, default=list)
    pass_mark: Mapped[float] = mapped_column(Float)
    time_limit_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    deadline: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    parent_id: Mapped[str | None] = mapped_column(String(40), nullable=True)


def create_tables(engine) -> None:
    Base.metadata.create_all(engine, tables=[cast(Table, PracticeTestRow.__table__)])


class Practice:
    def __init__(
        self,
        *,
        settings,
        sessionmaker: SessionMaker,
        index: IndexHandle,
        clock: Callable[[], datetime] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.sessionmaker = sessionmaker
        self.index = index
        self.clock = clock or (lambda: datetime.now(UTC))
        self.rng = rng or random.Random()
        create_tables(sessionmaker.kw["bind"])

    def _now(self, now: datetime | None) -> datetime:
        return utc(now or self.clock())

    # -- starting -----------------------------------------------------------------------------
    def start(
        self,
        session_id: str,
        *,
        n: int = N_DEFAULT,
        topic: str | None = None,
        mode: str = "exam",
        time_limit_s: int | None = None,
        now: datetime | None = None,
    ) -> PracticeTest:
        session_id = _session(session_id)
        if not N_MIN <= n <= N_MAX:
            raise InvalidInput(f"A test has {N_MIN} to {N_MAX} questions (got {n}).")
        index = self.index.current()
        pool = [i for i in index.bank.items if i.kind == "mcq" and i.choices and keyed(i)]
        if topic is not None:
            pool = _in_topic(pool, topic, index)
        with self.sessionmaker() as db:
            seen = served_item_ids(db, session_id)
        items = pick(pool, n, chars_per_topic(index.chunks), seen, self.rng)
        if not items:
            raise NotFound("The notes have no test questions yet: re-run `tutor ingest`.")
        return self._create(session_id, items, mode, topic, time_limit_s, None, self._now(now))

    def _create(
        self,
        session_id: str,
        items: list[BankItem],
        mode: str,
        topic: str | None,
        time_limit_s: int | None,
        parent: str | None,
        now: datetime,
    ) -> PracticeTest:
        if mode not in ("exam", "practice"):
            raise InvalidInput(f"Unknown mode {mode!r}: use 'exam' or 'practice'.")
        if time_limit_s is not None and not LIMIT_MIN_S <= time_limit_s <= LIMIT_MAX_S:
            raise InvalidInput(f"A time limit is {LIMIT_MIN_S} to {LIMIT_MAX_S} seconds.")
        rows = [
            QuizRow(
                id=f"z{secrets.randbits(64):016x}",
                session_id=session_id,
                item_id=item.id,
                kind="mcq",
                topic=item.topic,
                section=item.section,
                question=item.question,
                item=item.model_dump(),
                review=False,
                hints=0,
                created_at=naive(now),
            )
            for item in items
        ]
        test = PracticeTestRow(
            id=f"t{secrets.randbits(64):016x}",
            session_id=session_id,
            mode=mode,
            topic=topic,
            quiz_ids=[r.id for r in rows],
            answers={},
            flagged=[],
            pass_mark=self.settings.pass_mark,
            time_limit_s=time_limit_s,
            created_at=naive(now),
            deadline=naive(now + timedelta(seconds=time_limit_s)) if time_limit_s else None,
            parent_id=parent,
        )
        with self.sessionmaker.begin() as db:
            db.add_all(rows)
            db.add(test)
        return self._view(test, rows)

    # -- taking ---------------------------------------------------------------------------------
    def answer(
        self, test_id: str, quiz_id: str, answer: str | list[str], *, now: datetime | None = None
    ) -> PracticeAnswer:
        now = self._now(now)
        self._expire(test_id, now)
        with self.sessionmaker.begin() as db:
            test = self._locked(db, test_id)
            row = self._item_row(db, test, quiz_id)
            item = BankItem.model_validate(row.item)
            chosen = parse_answer(item, answer)
            if test.mode == "exam":
                test.answers = {**test.answers, quiz_id: letters(chosen)}
                return PracticeAnswer(quiz_id=quiz_id)
            if row.answered_at is not None:
                raise Conflict(f"Question {quiz_id} is already answered in this practice test.")
            correct, text = feedback(item, chosen)
            card = self._record(db, row, chosen, correct, now)
            test.answers = {**test.answers, quiz_id: letters(chosen)}
            grade = Grade(
                quiz_id=quiz_id,
                correct=correct,
                score=float(correct),
                feedback=text,
                reference_answer=item.answer,
                answer_choices=item.keyed_choices,
                section=item.section,
                citations=[citation(item, item.evidence)],
                topic=item.topic,
                next_review=utc(card.due).isoformat(),
                verdict="correct" if correct else "incorrect",
                explanation=item.explanation,
            )
            keys = [LETTERS[i] for i in sorted(keyed(item))]
            return PracticeAnswer(quiz_id=quiz_id, grade=grade, answer_letters=keys)

    def flag(
        self, test_id: str, quiz_id: str, flagged: bool = True, *, now: datetime | None = None
    ) -> list[str]:
        self._expire(test_id, self._now(now))
        with self.sessionmaker.begin() as db:
            test = self._locked(db, test_id)
            self._item_row(db, test, quiz_id)
            marks = [q for q in test.flagged if q != quiz_id] + ([quiz_id] if flagged else [])
            test.flagged = marks
            return marks

    def submit(
        self,
        test_id: str,
        answers: dict[str, str | list[str]] | None = None,
        flagged: list[str] | None = None,
        *,
        now: datetime | None = None,
    ) -> PracticeResult:
        now = self._now(now)
        self._expire(test_id, now)  # past the deadline: scored at it, these answers come too late
        with self.sessionmaker.begin() as db:
            test = self._locked(db, test_id, check_open=False)
            if test.submitted_at is None:
                return self._score(db, test, answers or {}, flagged, now, timed_out=False)
            if _timed_out(test):  # the client's timer raced the clock: it gets the result
                return PracticeResult.model_validate(test.result)
            raise Conflict(f"Test {test_id} is already submitted: see its result or retry.")

    def _score(
        self,
        db: Session,
        test: PracticeTestRow,
        answers: dict[str, str | list[str]],
        flagged: list[str] | None,
        at: datetime,
        *,
        timed_out: bool,
    ) -> PracticeResult:
        rows = self._rows(db, test)
        by_id = {r.id: r for r in rows}
        unknown = [q for q in list(answers) + list(flagged or []) if q not in by_id]
        if unknown:
            raise InvalidInput(f"Not questions of test {test.id}: {', '.join(unknown[:5])}.")
        chosen: dict[str, set[int]] = {}
        for quiz_id, saved in test.answers.items():
            chosen[quiz_id] = parse_answer(BankItem.model_validate(by_id[quiz_id].item), saved)
        for quiz_id, given in answers.items():  # validate them all before writing anything
            if given in (None, "", []):  # cleared: unanswered after all
                chosen.pop(quiz_id, None)
            else:
                chosen[quiz_id] = parse_answer(BankItem.model_validate(by_id[quiz_id].item), given)
        marks = set(test.flagged if flagged is None else flagged)
        review_list: list[ReviewEntry] = []
        for row in rows:
            item = BankItem.model_validate(row.item)
            if row.answered_at is not None:  # practice mode: graded when answered
                mine = parse_answer(item, row.answer) if row.answer else None
            else:
                mine = chosen.get(row.id)
            correct, text = feedback(item, mine)
            if row.answered_at is None:
                self._record(db, row, mine, correct, at)
            review_list.append(
                ReviewEntry(
                    quiz_id=row.id,
                    question=item.question,
                    choices=item.choices or [],
                    select=len(keyed(item)),
                    topic=item.topic,
                    section=item.section,
                    your_answer=letters(mine) if mine else None,
                    correct=correct,
                    reference_answer=item.answer,
                    answer_letters=[LETTERS[i] for i in sorted(keyed(item))],
                    feedback=text,
                    explanation=item.explanation,
                    citations=[citation(item, item.evidence)],
                    flagged=row.id in marks,
                )
            )
        result = result_of(test.id, test.pass_mark, review_list, at, timed_out)
        test.result = result.model_dump()
        test.submitted_at = naive(at)
        test.flagged = [r.quiz_id for r in review_list if r.flagged]
        test.answers = {r.quiz_id: r.your_answer for r in review_list if r.your_answer}
        return result

    def _record(
        self, db: Session, row: QuizRow, chosen: set[int] | None, correct: bool, at: datetime
    ) -> ReviewCard:
        done: Any = db.execute(
            update(QuizRow)
            .where(QuizRow.id == row.id, QuizRow.answered_at.is_(None))
            .values(
                answered_at=naive(at),
                answer=letters(chosen) if chosen else None,
                correct=correct,
                score=float(correct),
            )
        )
        if done.rowcount != 1:
            raise Conflict(f"Question {row.id} is already answered.")
        return review(db, row, rating_for(correct, float(correct), row.hints), at)

    def _expire(self, test_id: str, now: datetime) -> None:
        """Score a test whose time ran out, as submitted at its deadline."""
        with self.sessionmaker.begin() as db:
            test = self._locked(db, test_id, check_open=False)
            if test.submitted_at is None and test.deadline and naive(now) > test.deadline:
                self._score(db, test, {}, None, utc(test.deadline), timed_out=True)

    # -- reading and retrying ---------------------------------------------------------------
    def get(self, test_id: str, *, now: datetime | None = None) -> PracticeTest:
        self._expire(test_id, self._now(now))
        with self.sessionmaker() as db:
            test = self._locked(db, test_id, check_open=False)
            return self._view(test, self._rows(db, test))

    def retry(self, test_id: str, *, now: datetime | None = None) -> PracticeTest:
        """A new test of the items this one got wrong or skipped (same mode, time pro rata)."""
        now = self._now(now)
        self._expire(test_id, now)
        with self.sessionmaker() as db:
            test = self._locked(db, test_id, check_open=False)
            if test.result is None:
                raise Conflict(f"Test {test_id} is not submitted yet: submit it first.")
            wrong = {r["quiz_id"] for r in test.result["review"] if not r["correct"]}
            rows = [r for r in self._rows(db, test) if r.id in wrong]
        if not rows:
            raise Conflict("Nothing to retry: every answer in that test was right.")
        limit = test.time_limit_s
        if limit:
            limit = max(LIMIT_MIN_S, round(limit * len(rows) / len(test.quiz_ids)))
        items = [BankItem.model_validate(r.item) for r in rows]
        return self._create(test.session_id, items, test.mode, test.topic, limit, test.id, now)

    def history(self, session_id: str) -> list[PastTest]:
        with self.sessionmaker() as db:
            tests = db.scalars(
                select(PracticeTestRow)
                .where(
                    PracticeTestRow.session_id == session_id,
                    PracticeTestRow.submitted_at.is_not(None),
                )
                .order_by(PracticeTestRow.submitted_at.desc())
            )
            return [
                PastTest(
                    id=t.id,
                    date=utc(t.submitted_at).isoformat(),
                    score=t.result["score"],
                    passed=t.result["passed"],
                    total=t.result["total"],
                    correct=t.result["correct"],
                    mode=t.mode,
                    topic=t.topic,
                )
                for t in tests
                if t.submitted_at is not None and t.result
            ]

    # -- rows -----------------------------------------------------------------------------------
    def _locked(self, db: Session, test_id: str, *, check_open: bool = True) -> PracticeTestRow:
        test = db.get(PracticeTestRow, test_id, with_for_update=True) if test_id else None
        if test is None:
            raise NotFound(f"No test with id {test_id!r}: start a new one.")
        if check_open and test.submitted_at is not None:
            why = "ran out of time and was scored" if _timed_out(test) else "is already submitted"
            raise Conflict(f"Test {test_id} {why}: see its result or retry the wrong ones.")
        return test

    def _item_row(self, db: Session, test: PracticeTestRow, quiz_id: str) -> QuizRow:
        row = db.get(QuizRow, quiz_id) if quiz_id in test.quiz_ids else None
        if row is None:
            raise NotFound(f"No question {quiz_id!r} in test {test.id}.")
        return row

    def _rows(self, db: Session, test: PracticeTestRow) -> list[QuizRow]:
        found = {r.id: r for r in db.scalars(select(QuizRow).where(QuizRow.id.in_(test.quiz_ids)))}
        return [found[q] for q in test.quiz_ids if q in found]

    def _view(self, test: PracticeTestRow, rows: list[QuizRow]) -> PracticeTest:
        return PracticeTest(
            id=test.id,
            session_id=test.session_id,
            mode=cast(Mode, test.mode),
            topic=test.topic,
            items=[served(r) for r in rows],
            pass_mark=test.pass_mark,
            time_limit_s=test.time_limit_s,
            created_at=utc(test.created_at).isoformat(),
            deadline=utc(test.deadline).isoformat() if test.deadline else None,
            answers=dict(test.answers or {}),
            flagged=list(test.flagged or []),
            retry_of=test.parent_id,
            result=PracticeResult.model_validate(test.result) if test.result else None,
        )


def _timed_out(test: PracticeTestRow) -> bool:
    return bool(test.result and test.result.get("timed_out"))


def _session(session_id: str) -> str:
    if not isinstance(session_id, str) or not session_id.strip():
        raise InvalidInput("A session id is needed to keep track of test results.")
    return session_id.strip()
