"""Conversations: sessions and their turns, persisted through SQLAlchemy (tutor.db.Base).

A session id is a free-form string chosen by the surface (a browser UUID, a Slack thread). A turn
is written only once its answer exists, in one transaction: nothing is stored half-way.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from tutor.db import Base, insert_missing
from tutor.types import Answer

MAX_SESSION_ID = 200


def _now() -> datetime:
    return datetime.now(UTC)


class ChatSession(Base):
    __tablename__ = "chat_sessions"

    id: Mapped[str] = mapped_column(String(MAX_SESSION_ID), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    updated_at: Mapped[datetime] = mapped_column(default=_now)


class Turn(Base):
    __tablename__ = "chat_turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_sessions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    question: Mapped[str] = mapped_column(Text)
    standalone: Mapped[str] = mapped_column(Text)  # the question as resolved against earlier turns
    answer: Mapped[str] = mapped_column(Text)
    grounded: Mapped[bool]
    provider: Mapped[str] = mapped_column(String(200))
    degraded: Mapped[bool]
    citations: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of chunk ids


def new_session_id() -> str:
    return uuid.uuid4().hex


class SessionStore:
    def __init__(self, maker: sessionmaker) -> None:
        self.maker = maker

    def history(self, session_id: str | None, limit: int = 4) -> list[Turn]:
        """The session's last turns, oldest first (empty for a new or unknown session)."""
        if session_id is None:
            return []
        with self.maker() as db:
            rows = db.scalars(
                select(Turn)
                .where(Turn.session_id == session_id)
                .order_by(Turn.id.desc())
                .limit(limit)
            ).all()
        return list(reversed(rows))

    def record(self, session_id: str, question: str, standalone: str, answer: Answer) -> None:
        with self.maker.begin() as db:
            # Two workers may start the same session at once: insert-if-missing, never read-then-add.
            insert_missing(db, ChatSession, {"id": session_id})
            db.execute(
                update(ChatSession).where(ChatSession.id == session_id).values(updated_at=_now())
            )
            db.add(
                Turn(
                    session_id=session_id,
                    question=question,
                    standalone=standalone,
                    answer=answer.text,
                    grounded=answer.grounded,
                    provider=answer.provider,
                    degraded=answer.degraded,
                    citations=json.dumps([c.chunk_id for c in answer.citations]),
                )
            )
