"""What a learner says about a graded quiz: self-ratings, overrides ("I was right") and flags.

A grade's verdict, the learner's rating and whether they overrode the tutor are kept per quiz
(`quiz_marks`), with the item's review card as it was before this attempt: a later rating or
override re-schedules from there, as if the attempt had been rated that way in the first place.
Flags (`quiz_flags`) keep a bad item from being served to that learner again and are listed for
the notes' owner.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from fsrs import Card, Rating
from sqlalchemy import JSON, Boolean, DateTime, String, Table, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from tutor.db import Base
from tutor.progress import QuizRow, ReviewCard, review, utc

RATINGS: dict[str, Rating] = {
    "again": Rating.Again,  # wrong, or only partly right (as in Anki)
    "hard": Rating.Hard,
    "good": Rating.Good,
    "easy": Rating.Easy,
}
# The score an attempt counts for in mastery once the learner rated it.
RATING_SCORES = {"again": 0.0, "hard": 0.6, "good": 0.85, "easy": 1.0}


class QuizMark(Base):
    __tablename__ = "quiz_marks"

    quiz_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(200), index=True)
    verdict: Mapped[str] = mapped_column(String(10))  # the tutor's: correct | incorrect | unsure
    rating: Mapped[str | None] = mapped_column(String(8), nullable=True)
    overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    card_before: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # fsrs Card.to_dict()
    grade: Mapped[dict] = mapped_column(JSON)  # the Grade as last returned
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class QuizFlag(Base):
    __tablename__ = "quiz_flags"

    quiz_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(200), index=True)
    item_id: Mapped[str] = mapped_column(String(40), index=True)
    question: Mapped[str] = mapped_column(Text)
    section: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


def create_tables(engine: Engine) -> None:
    tables = [cast(Table, QuizMark.__table__), cast(Table, QuizFlag.__table__)]
    Base.metadata.create_all(engine, tables=tables)


def card_of(db: Session, row: QuizRow) -> dict | None:
    """The item's review card before this attempt is scheduled (None: first sight)."""
    stored = db.get(ReviewCard, (row.session_id, row.item_id))
    return dict(stored.card) if stored is not None else None


def reschedule(
    db: Session, row: QuizRow, rating: str, card_before: dict | None, now: datetime
) -> ReviewCard:
    """Schedule the item from its card before this attempt, as if rated `rating` then."""
    stored = db.get(ReviewCard, (row.session_id, row.item_id), with_for_update=True)
    if stored is not None:
        stored.card = card_before if card_before is not None else dict(Card().to_dict())
    db.flush()
    return review(db, row, RATINGS[rating], now)


def flagged_item_ids(db: Session, session_id: str) -> set[str]:
    return set(db.scalars(select(QuizFlag.item_id).where(QuizFlag.session_id == session_id)))


def flags(db: Session, session_id: str | None = None) -> list[dict[str, Any]]:
    query = select(QuizFlag).order_by(QuizFlag.created_at)
    if session_id is not None:
        query = query.where(QuizFlag.session_id == session_id)
    return [
        {
            "quiz_id": f.quiz_id,
            "item_id": f.item_id,
            "session_id": f.session_id,
            "question": f.question,
            "section": f.section,
            "reason": f.reason,
            "created_at": utc(f.created_at).isoformat(),
        }
        for f in db.scalars(query)
    ]
