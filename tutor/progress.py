"""What a student has done: quizzes served, graded attempts, FSRS review cards, mastery per topic.

A served quiz is one row: the question exactly as shown (so grading works across processes and
after a re-ingest), its answer key, hints taken, then the answer and grade once finished. Each
(session, bank item) pair has one FSRS card; a miss makes it due again within minutes, a clean
answer pushes it out by days.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any, cast

from fsrs import Card, Rating, Scheduler
from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, String, Table, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from tutor.db import Base, insert_missing
from tutor.types import DayHistory, DueItem, Progress, TopicProgress

# Mastery: a recency-weighted mean of scores, scaled by how much evidence there is.
RECENCY_DECAY = 0.8
FULL_EVIDENCE = 3  # graded attempts before mastery can reach the mean
WEAK_BELOW = 0.6
UPCOMING_SHOWN = 10

# Fuzzing off: the same answers give the same schedule, which is what a test (or a user) expects.
SCHEDULER = Scheduler(enable_fuzzing=False)


class QuizRow(Base):
    __tablename__ = "quiz_items"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(200), index=True)
    item_id: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # served as: "mcq" | "open"
    topic: Mapped[str] = mapped_column(String(200), index=True)
    section: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text)
    item: Mapped[dict] = mapped_column(JSON)  # the BankItem as served, answer key included
    review: Mapped[bool] = mapped_column(Boolean, default=False)
    hints: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    correct: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)


class ReviewCard(Base):
    __tablename__ = "review_cards"

    session_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    topic: Mapped[str] = mapped_column(String(200), index=True)
    last_quiz_id: Mapped[str] = mapped_column(String(40))
    question: Mapped[str] = mapped_column(Text)
    card: Mapped[dict] = mapped_column(JSON)  # fsrs Card.to_dict()
    due: Mapped[datetime] = mapped_column(DateTime, index=True)  # naive UTC, for queries


def create_tables(engine: Engine) -> None:
    tables = [cast(Table, QuizRow.__table__), cast(Table, ReviewCard.__table__)]
    Base.metadata.create_all(engine, tables=tables)


def utc(moment: datetime) -> datetime:
    """Aware UTC (what fsrs wants) from whatever the database or a caller hands back."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def naive(moment: datetime) -> datetime:
    return utc(moment).replace(tzinfo=None)


def rating_for(correct: bool, score: float, hints: int) -> Rating:
    if not correct:
        return Rating.Again
    if hints or score < 0.8:
        return Rating.Hard  # right, but it took help or was only partly there
    return Rating.Good


def review(db: Session, row: QuizRow, rating: Rating, now: datetime) -> ReviewCard:
    """Schedule the item's next review from this attempt (creates the card on first sight).

    Another worker may grade the same item for the same session at once: create the card with
    insert-if-missing, then lock it, so neither a new card nor an update of one is lost.
    """
    insert_missing(
        db,
        ReviewCard,
        {
            "session_id": row.session_id,
            "item_id": row.item_id,
            "topic": row.topic,
            "last_quiz_id": row.id,
            "question": row.question,
            "card": Card().to_dict(),
            "due": naive(now),
        },
    )
    stored = db.get(
        ReviewCard, (row.session_id, row.item_id), with_for_update=True, populate_existing=True
    )
    assert stored is not None  # inserted above or by the worker that won the race
    card, _ = SCHEDULER.review_card(
        Card.from_dict(cast(Any, stored.card)), rating, review_datetime=utc(now)
    )
    stored.card = dict(card.to_dict())
    stored.due = naive(card.due)
    stored.last_quiz_id = row.id
    stored.question = row.question
    return stored


def due_cards(db: Session, session_id: str, now: datetime) -> list[ReviewCard]:
    """Cards due now, most overdue first."""
    query = (
        select(ReviewCard)
        .where(ReviewCard.session_id == session_id, ReviewCard.due <= naive(now))
        .order_by(ReviewCard.due)
    )
    return list(db.scalars(query))


def served_item_ids(db: Session, session_id: str) -> dict[str, datetime]:
    """Every bank item this session has seen, with when it was last served."""
    rows = db.execute(
        select(QuizRow.item_id, QuizRow.created_at).where(QuizRow.session_id == session_id)
    )
    seen: dict[str, datetime] = {}
    for item_id, created in rows:
        seen[item_id] = max(created, seen.get(item_id, created))
    return seen


def mastery_of(scores: list[float]) -> float:
    """Scores oldest first -> 0..1: recent answers count most, three answers to show mastery."""
    if not scores:
        return 0.0
    weights = [RECENCY_DECAY ** (len(scores) - 1 - i) for i in range(len(scores))]
    mean = sum(w * s for w, s in zip(weights, scores)) / sum(weights)
    return round(mean * min(1.0, len(scores) / FULL_EVIDENCE), 3)


def mastery_by_topic(db: Session, session_id: str) -> dict[str, tuple[int, int, float]]:
    """topic -> (attempts, correct, mastery) from this session's graded attempts."""
    rows = db.execute(
        select(QuizRow.topic, QuizRow.correct, QuizRow.score)
        .where(QuizRow.session_id == session_id, QuizRow.answered_at.is_not(None))
        .where(QuizRow.score.is_not(None))  # an "unsure" grade counts once the learner rates it
        .order_by(QuizRow.answered_at)
    )
    scores: dict[str, list[float]] = defaultdict(list)
    right: dict[str, int] = defaultdict(int)
    for topic, correct, score in rows:
        scores[topic].append(float(score or 0.0))
        right[topic] += int(bool(correct))
    return {t: (len(s), right[t], mastery_of(s)) for t, s in scores.items()}


def history(db: Session, session_id: str) -> list[DayHistory]:
    """Per UTC day with graded answers: attempts, correct, and each topic's mastery at its end."""
    rows = db.execute(
        select(QuizRow.topic, QuizRow.correct, QuizRow.score, QuizRow.answered_at)
        .where(QuizRow.session_id == session_id, QuizRow.answered_at.is_not(None))
        .order_by(QuizRow.answered_at)
    )
    days: list[DayHistory] = []
    scores: dict[str, list[float]] = defaultdict(list)
    for topic, correct, score, answered in rows:
        date = utc(cast(datetime, answered)).date().isoformat()
        if not days or days[-1].date != date:
            days.append(DayHistory(date=date, attempts=0, correct=0))
        day = days[-1]
        day.attempts += 1
        day.correct += int(bool(correct))
        scores[topic].append(float(score or 0.0))
        day.mastery[topic] = mastery_of(scores[topic])
    running: dict[str, float] = {}
    for day in days:  # topics not practised that day keep their mastery
        running.update(day.mastery)
        day.mastery = dict(sorted(running.items()))
    return days


def weak_topics(mastery: dict[str, tuple[int, int, float]]) -> list[str]:
    weak = [(m, t) for t, (_, _, m) in mastery.items() if m < WEAK_BELOW]
    return [t for _, t in sorted(weak)]


def progress(db: Session, session_id: str, now: datetime) -> Progress:
    mastery = mastery_by_topic(db, session_id)
    cards = list(
        db.scalars(
            select(ReviewCard).where(ReviewCard.session_id == session_id).order_by(ReviewCard.due)
        )
    )
    cutoff = naive(now)
    due_now: dict[str, int] = defaultdict(int)
    for card in cards:
        if card.due <= cutoff:
            due_now[card.topic] += 1
    topics = [
        TopicProgress(topic=t, attempts=a, correct=c, mastery=m, due=due_now.get(t, 0))
        for t, (a, c, m) in mastery.items()
    ]
    topics.sort(key=lambda tp: (tp.mastery, tp.topic))
    shown = [c for c in cards if c.due <= cutoff] + [c for c in cards if c.due > cutoff]
    due = [
        DueItem(
            quiz_id=c.last_quiz_id,
            item_id=c.item_id,
            topic=c.topic,
            question=c.question,
            due=utc(c.due).isoformat(),
            is_due=c.due <= cutoff,
        )
        for c in shown[: max(UPCOMING_SHOWN, sum(due_now.values()))]
    ]
    return Progress(
        session_id=session_id,
        topics=topics,
        due=due,
        weakest=weak_topics(mastery),
        history=history(db, session_id),
    )
