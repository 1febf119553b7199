"""SQLAlchemy wiring: one engine per Tutor, SQLite under .data/ by default, any URL works."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Any constant works: it only has to be the same in every worker that creates the schema.
_SCHEMA_LOCK = 7_401_552_913
_SCHEMA_TRIES = 5


class Base(DeclarativeBase):
    """Every table of the tutor (sessions, turns, quiz attempts, review cards) derives from this."""


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            # WAL lets several workers read while one writes; busy_timeout waits instead of failing.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            # Under WAL, NORMAL syncs at checkpoints, not every commit: still never corrupts.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def create_schema(engine: Engine) -> None:
    """Create missing tables; safe when several workers start at once on an empty database.

    create_all checks, then creates: two workers can both find a table missing and the slower
    one's CREATE TABLE fails. PostgreSQL serializes them on an advisory lock held by the
    transaction that runs the DDL; elsewhere (SQLite) the loser retries and finds the tables.
    """
    for attempt in range(_SCHEMA_TRIES):
        try:
            with engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK}
                    )
                Base.metadata.create_all(connection)
            return
        except DBAPIError:
            if attempt + 1 == _SCHEMA_TRIES:
                raise
            time.sleep(0.2 * (attempt + 1))


def make_sessionmaker(engine: Engine) -> sessionmaker:
    create_schema(engine)
    return sessionmaker(engine, expire_on_commit=False)


def insert_missing(db: Session, model: type[Base], values: dict[str, Any]) -> None:
    """Insert a row unless one with its primary key exists, even when another worker races us.

    Read-then-insert loses that race on every database (one worker's transaction fails on the
    primary key and its writes are gone). INSERT ... ON CONFLICT DO NOTHING waits for the other
    worker's row instead; then lock the row (`db.get(..., with_for_update=True)`) to update it.
    """
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        db.execute(postgresql.insert(model).values(**values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        db.execute(sqlite.insert(model).values(**values).on_conflict_do_nothing())
    else:  # other databases: a savepoint keeps the caller's transaction when the key exists
        try:
            with db.begin_nested():
                db.execute(insert(model).values(**values))
        except IntegrityError:
            pass
