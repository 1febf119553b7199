"""Two server workers (separate OS processes, each with its own engine) sharing one session's data.

Round by round, at the same instant, both start the same new conversation (racing to create it),
add a turn to a shared one, and serve and grade a quiz on a one-item topic for the same session
(racing to create its review card). Nothing may be lost and nothing may fail: first on
SQLite (the default URL), then on a real PostgreSQL through the SQLAlchemy URL when
TUTOR_TEST_POSTGRES_URL is set (.ci/run starts one on loopback).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from tutor.db import make_engine, make_sessionmaker
from tutor.progress import QuizRow, ReviewCard
from tutor.sessions import ChatSession, Turn

WORKER = Path(__file__).with_name("shared_worker.py")
ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
ROUNDS = 30
SLOT_S = 0.3  # each round starts at the same instant in both workers
POSTGRES_URL = os.environ.get("TUTOR_TEST_POSTGRES_URL")


def one_item_topic(tutor) -> str:
    """The topic with fewest mcq items (ideally one), so both workers serve the same item."""
    sizes = Counter(i.topic for i in tutor.current_index().bank.items if i.kind == "mcq")
    return min((n, t) for t, n in sizes.items())[1]


def run_workers(tutor, url: str) -> tuple[str, str, list[dict]]:
    session, chat = f"class-{uuid.uuid4().hex[:8]}", f"chat-{uuid.uuid4().hex[:8]}"
    jobs = [
        {
            "data_dir": str(tutor.settings.data_dir),
            "database_url": url,
            "session": session,
            "chat": chat,
            "topic": one_item_topic(tutor),
            "rounds": ROUNDS,
            "slot_s": SLOT_S,
            "worker": w,
        }
        for w in range(WORKERS)
    ]
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), json.dumps(job)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for job in jobs
    ]
    # The start line comes once both have imported, built a Tutor and loaded the index, however
    # long that takes on a loaded machine (a worker that dies says so: its readline is empty).
    for proc in procs:
        ready = proc.stdout.readline()
        assert ready.strip() == "ready", f"worker failed to start:\n{ready}{proc.stderr.read()}"
    start_at = time.time() + 0.5
    for proc in procs:
        proc.stdin.write(f"{start_at}\n")
        proc.stdin.flush()
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, f"worker failed:\n{out}\n{err[-3000:]}"
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return session, chat, reports


def check_nothing_lost(tutor, url: str) -> None:
    session, chat, reports = run_workers(tutor, url)
    errors = [e for r in reports for e in r["errors"]]
    assert errors == [], f"{len(errors)} failed writes: {errors[:5]}"
    assert [r["graded"] for r in reports] == [ROUNDS] * WORKERS

    # A third engine, as a fresh worker would see it: every attempt and turn, counted exactly.
    maker = make_sessionmaker(make_engine(url))
    from tutor.quiz import Quizzer

    quizzer = Quizzer(
        settings=tutor.settings, sessionmaker=maker, embedder=tutor.embedder, index=tutor.index
    )
    attempts = [
        sum(t.attempts for t in quizzer.progress(f"{session}-{n}").topics) for n in range(ROUNDS)
    ]
    assert attempts == [WORKERS] * ROUNDS
    correct = sum(
        t.correct for n in range(ROUNDS) for t in quizzer.progress(f"{session}-{n}").topics
    )
    assert correct == sum(r["correct"] for r in reports)
    with maker() as db:
        answered = db.scalar(
            select(func.count())
            .select_from(QuizRow)
            .where(QuizRow.session_id.like(f"{session}-%"), QuizRow.answered_at.is_not(None))
        )
        pairs = db.scalar(
            select(func.count()).select_from(
                select(QuizRow.session_id, QuizRow.item_id)
                .distinct()
                .where(QuizRow.session_id.like(f"{session}-%"), QuizRow.answered_at.is_not(None))
                .subquery()
            )
        )
        cards = db.scalar(
            select(func.count())
            .select_from(ReviewCard)
            .where(ReviewCard.session_id.like(f"{session}-%"))
        )
        turns = db.scalars(select(Turn.question).where(Turn.session_id == chat)).all()
        first_turns = db.scalar(
            select(func.count()).select_from(Turn).where(Turn.session_id.like(f"{chat}-%"))
        )
        chats = db.scalar(
            select(func.count()).select_from(ChatSession).where(ChatSession.id.like(f"{chat}%"))
        )
    assert answered == WORKERS * ROUNDS
    assert pairs < WORKERS * ROUNDS  # the workers did grade the same items: the race happened
    assert cards == pairs  # one review card per (session, item), none lost, none doubled
    assert sorted(turns) == sorted(
        f"question {w}.{n}" for w in range(WORKERS) for n in range(ROUNDS)
    )
    assert first_turns == WORKERS * ROUNDS
    assert chats == ROUNDS + 1


def test_two_workers_share_sqlite_sessions(tutor, tmp_path):
    check_nothing_lost(tutor, f"sqlite:///{tmp_path / 'tutor.db'}")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """An empty schema of the test database, so the workers also race to create the tables."""
    if not POSTGRES_URL:
        pytest.skip(
            "TUTOR_TEST_POSTGRES_URL is not set: no PostgreSQL to test against "
            "(.ci/run starts one on loopback and sets it)"
        )
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        sep = "&" if "?" in POSTGRES_URL else "?"
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_two_workers_share_postgres_sessions(tutor, postgres_url):
    check_nothing_lost(tutor, postgres_url)
