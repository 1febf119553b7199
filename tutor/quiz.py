"""Quizzing: serve items (due reviews first, then weak topics), grade answers, give hints.

Items come from the offline bank built at ingest; with an LLM, a scenario question is generated
from the chosen item's section and kept only when its key terms occur in that section. Every
served quiz is stored, so grade() and hint() work by id from any process; grading is one
transaction that either records the attempt and its review schedule or nothing.
"""

from __future__ import annotations

import logging
import random
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import update
from sqlalchemy.orm import sessionmaker as SessionMaker

from tutor.config import Settings
from tutor.embeddings import Embedder
from tutor.errors import Conflict, InvalidInput, NotFound
from tutor.index import Index, IndexHandle
from tutor.lexical import tokenize
from tutor.progress import (
    QuizRow,
    create_tables,
    due_cards,
    mastery_by_topic,
    progress,
    rating_for,
    review,
    served_item_ids,
    utc,
    weak_topics,
)
from tutor.quizbank import BankItem
from tutor.quizgrade import LETTERS, Marked, choice_index, mark_fill, mark_open
from tutor.quizllm import generate, llm_grade
from tutor.types import Citation, Grade, Hint, Progress, QuizItem, QuizKind

log = logging.getLogger(__name__)
WEAK_BIAS = 0.7  # chance that a topic-free quiz goes to a weak topic when there is one
HINT_LEVELS = 3


class Quizzer:
    def __init__(
        self,
        *,
        settings: Settings,
        sessionmaker: SessionMaker,
        embedder: Embedder,
        index: IndexHandle,
        llm: Any = None,
        clock: Callable[[], datetime] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.sessionmaker = sessionmaker
        self.embedder = embedder
        self.index = index
        self.llm = llm
        self.clock = clock or (lambda: datetime.now(UTC))
        self.rng = rng or random.Random()
        create_tables(sessionmaker.kw["bind"])

    @property
    def provider(self) -> str:
        return self.settings.llm or type(self.llm).__name__ if self.llm is not None else "offline"

    # -- serving ----------------------------------------------------------------------------------
    def quiz(
        self,
        session_id: str,
        *,
        topic: str | None = None,
        kind: str = "mcq",
        now: datetime | None = None,
    ) -> QuizItem:
        session_id = _session(session_id)
        if kind not in ("mcq", "open"):
            raise InvalidInput(f"Unknown quiz kind {kind!r}: use 'mcq' or 'open'.")
        now = utc(now or self.clock())
        index = self.index.current()
        pool = [i for i in index.bank.items if (i.kind == "mcq") == (kind == "mcq")]
        if topic is not None:
            pool = _in_topic(pool, topic, index)
        with self.sessionmaker() as db:
            item = self._due(db, session_id, pool, kind, now)
            review_due = item is not None
            if item is None:
                item = self._fresh(db, session_id, pool, topic is None)
        provider = "offline"
        if self.llm is not None and not review_due:
            generated = generate(self.llm, item, kind, index)
            if generated is not None:
                item, provider = generated, self.provider
        row = QuizRow(
            id=f"z{secrets.randbits(64):016x}",
            session_id=session_id,
            item_id=item.id,
            kind=kind,
            topic=item.topic,
            section=item.section,
            question=item.question,
            item=item.model_dump(),
            review=review_due,
            hints=0,
            created_at=now.replace(tzinfo=None),
        )
        with self.sessionmaker.begin() as db:
            db.add(row)
        return QuizItem(
            id=row.id,
            kind=cast(QuizKind, kind),
            question=item.question,
            choices=item.choices,
            section=item.section,
            citations=[],  # no snippet before the answer: it could hold the key; the Grade cites
            topic=item.topic,
            review=review_due,
            provider=provider,
        )

    def _due(
        self, db, session_id: str, pool: list[BankItem], kind: str, now: datetime
    ) -> BankItem | None:
        allowed = {i.id: i for i in pool}
        seen = served_item_ids(db, session_id)
        for card in due_cards(db, session_id, now):
            last = card.card.get("last_review")
            if (
                last
                and seen.get(card.item_id)
                and utc(seen[card.item_id]) > utc(datetime.fromisoformat(last))
            ):
                continue  # already served again since it fell due; waiting for its answer
            if card.item_id in allowed:
                return allowed[card.item_id]
            old = db.get(QuizRow, card.last_quiz_id)  # generated, or gone after a re-ingest
            if old is not None and old.kind == kind:
                item = BankItem.model_validate(old.item)
                if item.topic in {i.topic for i in pool}:
                    return item
        return None

    def _fresh(self, db, session_id: str, pool: list[BankItem], free: bool) -> BankItem:
        if not pool:
            raise NotFound("The notes have no quiz items of that kind yet: re-run `tutor ingest`.")
        seen = served_item_ids(db, session_id)
        if free:
            topics: dict[str, list[BankItem]] = {}
            for i in pool:
                topics.setdefault(i.topic, []).append(i)
            weak = [t for t in weak_topics(mastery_by_topic(db, session_id)) if t in topics]
            if weak and self.rng.random() < WEAK_BIAS:
                pool = topics[weak[0]]
            else:  # every topic equally likely, so small topics get asked too
                fresh = [t for t, items in topics.items() if any(i.id not in seen for i in items)]
                pool = topics[self.rng.choice(sorted(fresh or topics))]
        unseen = [i for i in pool if i.id not in seen]
        if unseen:
            return self.rng.choice(unseen)
        return min(pool, key=lambda i: seen[i.id])  # all seen: the longest ago

    # -- grading ---------------------------------------------------------------------------------
    def grade(self, quiz_id: str, answer: str, *, now: datetime | None = None) -> Grade:
        if not isinstance(answer, str) or not answer.strip():
            raise InvalidInput("The answer is empty: type your answer (or ask for a hint).")
        now = utc(now or self.clock())
        row = self._row(quiz_id)
        if row.answered_at is not None:
            raise Conflict(f"Quiz {quiz_id} is already graded: ask for a new quiz.")
        item = BankItem.model_validate(row.item)
        marked, feedback, grader = self._mark(item, answer.strip())
        with self.sessionmaker.begin() as db:
            done = db.execute(
                update(QuizRow)
                .where(QuizRow.id == quiz_id, QuizRow.answered_at.is_(None))
                .values(
                    answered_at=now.replace(tzinfo=None),
                    answer=answer.strip(),
                    correct=marked.correct,
                    score=marked.score,
                )
            )
            if done.rowcount != 1:
                raise Conflict(f"Quiz {quiz_id} is already graded: ask for a new quiz.")
            card = review(db, row, rating_for(marked.correct, marked.score, row.hints), now)
            next_review = utc(card.due).isoformat()
        return Grade(
            quiz_id=quiz_id,
            correct=marked.correct,
            score=marked.score,
            feedback=feedback,
            reference_answer=item.answer,
            section=item.section,
            citations=[_citation(item, item.evidence)],
            topic=item.topic,
            next_review=next_review,
            provider=grader,
        )

    def _mark(self, item: BankItem, answer: str) -> tuple[Marked, str, str]:
        reread = f"Reread “{item.section}” ({item.source}) [1]."
        if item.kind == "mcq":
            assert item.choices is not None and item.answer_index is not None
            chosen = choice_index(answer, item.choices)
            marked = Marked(chosen == item.answer_index, float(chosen == item.answer_index))
            right = f"{LETTERS[item.answer_index]}) {item.answer}"
            text = (
                f"Correct: {right}."
                if marked.correct
                else f"Not quite: you chose {LETTERS[chosen]}) {item.choices[chosen]}; "
                f"the answer is {right}."
            )
            return marked, f"{text} The notes say: “{item.evidence}” [1] {reread}", "offline"
        if item.kind == "fill":
            marked = mark_fill(answer, item.answer)
            text = "Correct." if marked.correct else f"Not quite: the answer is “{item.answer}”."
            return marked, f"{text} The notes say: “{item.evidence}” [1] {reread}", "offline"
        if self.llm is not None:
            graded = llm_grade(self.llm, item, answer, self.index.current())
            if graded is not None:
                return graded[0], f"{graded[1]} {reread}", self.provider
        marked = mark_open(answer, item.evidence, item.key_terms, self.embedder)
        parts = [f"{'Good' if marked.correct else 'Not quite'}: score {marked.score:.2f}."]
        if marked.found:
            parts.append(f"You covered: {', '.join(marked.found)}.")
        if marked.missing:
            parts.append(f"Missing: {', '.join(marked.missing)}.")
        parts.append(f"Reference: “{item.evidence}” [1] {reread}")
        return marked, " ".join(parts), "offline"

    # -- hints and progress -----------------------------------------------------------------------
    def hint(self, quiz_id: str) -> Hint:
        row = self._row(quiz_id)
        item = BankItem.model_validate(row.item)
        level = min(row.hints + 1, HINT_LEVELS)
        if row.answered_at is None and row.hints < HINT_LEVELS:
            with self.sessionmaker.begin() as db:
                db.execute(
                    update(QuizRow).where(QuizRow.id == quiz_id).values(hints=QuizRow.hints + 1)
                )
        texts = {
            1: f"Look in the section “{item.section}” of {item.source}.",
            2: _key_term_hint(item),
            3: f"The answer: {item.answer}",
        }
        return Hint(quiz_id=quiz_id, level=level, text=texts[level], remaining=HINT_LEVELS - level)

    def progress(self, session_id: str, *, now: datetime | None = None) -> Progress:
        session_id = _session(session_id)
        with self.sessionmaker() as db:
            return progress(db, session_id, utc(now or self.clock()))

    def _row(self, quiz_id: str) -> QuizRow:
        with self.sessionmaker() as db:
            row = db.get(QuizRow, quiz_id) if isinstance(quiz_id, str) else None
        if row is None:
            raise NotFound(f"No quiz with id {quiz_id!r}: ask for a new quiz.")
        return row


def _session(session_id: str) -> str:
    if not isinstance(session_id, str) or not session_id.strip():
        raise InvalidInput("A session id is needed to keep track of quiz progress.")
    return session_id.strip()


def _in_topic(pool: list[BankItem], topic: str, index: Index) -> list[BankItem]:
    wanted = topic.strip().lower()
    if not wanted:
        raise InvalidInput("The topic is empty: leave it out to be quizzed on anything.")
    exact = [i for i in pool if i.topic.lower() == wanted]
    found = exact or [i for i in pool if wanted in i.section.lower()]
    if not found:
        known = sorted({i.topic for i in pool}, key=lambda t: (wanted not in t.lower(), t))
        raise NotFound(f"No quiz items on {topic!r}. Topics include: {', '.join(known[:12])}.")
    return found


def _citation(item: BankItem, snippet: str) -> Citation:
    return Citation(
        n=1,
        chunk_id=item.chunk_id,
        source=item.source,
        section=item.section,
        snippet=snippet[:300],
        score=1.0,
    )


def _key_term_hint(item: BankItem) -> str:
    asked = set(tokenize(item.question))
    answer_words = set(tokenize(item.answer)) if item.kind == "mcq" else set()
    for term in item.key_terms:
        stems = set(tokenize(term))
        if stems and not stems & asked and not stems <= answer_words:
            return f"A key term: “{term}”."
    if item.choices and item.answer_index is not None:  # rule one option out instead
        wrong = next(c for i, c in enumerate(item.choices) if i != item.answer_index)
        return f"It is not “{wrong}”."
    return f"The answer starts with “{item.answer[:3]}…” ({len(item.answer.split())} words)."
