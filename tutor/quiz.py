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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import update
from sqlalchemy.orm import sessionmaker as SessionMaker

from tutor.checking import check as check_answer
from tutor.checking import key_points, options_of
from tutor.config import Settings
from tutor.db import insert_missing
from tutor.deadline import Deadline
from tutor.embeddings import Embedder
from tutor.errors import Conflict, InvalidInput, NotFound
from tutor.index import Index, IndexHandle
from tutor.lexical import tokenize
from tutor.offline.answer import note_stats
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
from tutor.quizgrade import LETTERS, choice_index, choice_indexes, mark_fill
from tutor.quizllm import generate, llm_grade
from tutor.quizmarks import (
    RATING_SCORES,
    RATINGS,
    QuizFlag,
    QuizMark,
    card_of,
    flagged_item_ids,
    flags,
    reschedule,
)
from tutor.quizmarks import create_tables as create_mark_tables
from tutor.types import Citation, Flag, Grade, Hint, Progress, QuizItem, QuizKind, Verdict

log = logging.getLogger(__name__)
_VERDICT_TEXT = {"correct": "Correct.", "incorrect": "Not quite.", "unsure": "Not sure."}
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
        create_mark_tables(sessionmaker.kw["bind"])

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
        seeds_only = False
        if topic is not None:
            try:
                pool = _in_topic(pool, topic, index)
            except NotFound:
                if self.llm is None or kind != "mcq":
                    raise
                # With an LLM, a topic with no offline multiple choice is still asked: the LLM
                # writes a scenario from the section of one of the topic's other items.
                pool, seeds_only = _in_topic(index.bank.items, topic, index), True
        with self.sessionmaker() as db:
            flagged = flagged_item_ids(db, session_id)  # a learner's flagged items stay away
            pool = [i for i in pool if i.id not in flagged]
            item = None if seeds_only else self._due(db, session_id, pool, kind, now)
            review_due = item is not None
            if item is None:
                item = self._fresh(db, session_id, pool, topic is None)
        provider = "offline"
        if self.llm is not None and not review_due and item.origin != "imported":
            generated = generate(
                self.llm,
                item,
                kind,
                index,
                subject=self.settings.subject,
                deadline=Deadline(self.settings.llm_timeout_s),
            )
            if generated is not None:
                item, provider = generated, self.provider
            elif seeds_only:
                raise NotFound(
                    f"No multiple-choice items on {topic!r} offline, and the LLM could not write "
                    "one just now: try again, or ask for free-text questions on it."
                )
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
            select=len(item.answer_indexes or [0]),
        )

    def _due(
        self, db, session_id: str, pool: list[BankItem], kind: str, now: datetime
    ) -> BankItem | None:
        allowed = {i.id: i for i in pool}
        seen = served_item_ids(db, session_id)
        flagged = flagged_item_ids(db, session_id)
        for card in due_cards(db, session_id, now):
            if card.item_id in flagged:
                continue  # flagged as a bad item: never served to this learner again
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

        def curated(items: list[BankItem]) -> list[BankItem]:
            """Unseen items from question files: served before the ones mined from the notes."""
            return [i for i in items if i.origin == "imported" and i.id not in seen]

        if free:
            topics: dict[str, list[BankItem]] = {}
            for i in pool:
                topics.setdefault(i.topic, []).append(i)
            weak = [t for t in weak_topics(mastery_by_topic(db, session_id)) if t in topics]
            if weak and self.rng.random() < WEAK_BIAS:
                pool = topics[weak[0]]
            else:  # every topic equally likely, so small topics get asked too
                fresh = [t for t, items in topics.items() if curated(items)] or [
                    t for t, items in topics.items() if any(i.id not in seen for i in items)
                ]
                pool = topics[self.rng.choice(sorted(fresh or topics))]
        pool = curated(pool) or pool
        unseen = [i for i in pool if i.id not in seen]
        if unseen:
            return self.rng.choice(unseen)
        return min(pool, key=lambda i: seen[i.id])  # all seen: the longest ago

    # -- grading ---------------------------------------------------------------------------------
    def grade(self, quiz_id: str, answer: str | list[str], *, now: datetime | None = None) -> Grade:
        if isinstance(answer, list) and all(isinstance(a, str) for a in answer):
            answer = ", ".join(answer)  # ["A", "C"] for a "Select TWO" item
        if not isinstance(answer, str) or not answer.strip():
            raise InvalidInput("The answer is empty: type your answer (or ask for a hint).")
        now = utc(now or self.clock())
        row = self._row(quiz_id)
        if row.answered_at is not None:
            raise Conflict(f"Quiz {quiz_id} is already graded: ask for a new quiz.")
        item = BankItem.model_validate(row.item)
        marked = self._mark(item, answer.strip())
        decided = marked.verdict != "unsure"
        with self.sessionmaker.begin() as db:
            done = db.execute(
                update(QuizRow)
                .where(QuizRow.id == quiz_id, QuizRow.answered_at.is_(None))
                .values(
                    answered_at=now.replace(tzinfo=None),
                    answer=answer.strip(),
                    correct=marked.verdict == "correct",
                    score=marked.score if decided else None,  # counts once the learner rates
                )
            )
            if done.rowcount != 1:
                raise Conflict(f"Quiz {quiz_id} is already graded: ask for a new quiz.")
            before = card_of(db, row)
            next_review = None
            if decided:
                rating = rating_for(marked.verdict == "correct", marked.score, row.hints)
                next_review = utc(review(db, row, rating, now).due).isoformat()
            grade = Grade(
                quiz_id=quiz_id,
                correct=marked.verdict == "correct",
                verdict=marked.verdict,
                score=marked.score,
                feedback=marked.feedback,
                reference_answer=item.answer,
                answer_choices=item.keyed_choices,
                key_points=marked.key_points,
                explanation=item.explanation,
                section=item.section,
                citations=[_citation(item, item.evidence)],
                topic=item.topic,
                next_review=next_review,
                provider=marked.provider,
            )
            db.add(
                QuizMark(
                    quiz_id=quiz_id,
                    session_id=row.session_id,
                    verdict=marked.verdict,
                    card_before=before,
                    grade=grade.model_dump(),
                    updated_at=now.replace(tzinfo=None),
                )
            )
        return grade

    def rate(self, quiz_id: str, rating: str, *, now: datetime | None = None) -> Grade:
        """The learner's own rating of a graded answer (Anki's again/hard/good/easy; a partly right
        answer is "again"): it replaces the tutor's verdict in the schedule and in progress."""
        if rating not in RATINGS:
            raise InvalidInput(f"Unknown rating {rating!r}: use again, hard, good or easy.")
        return self._relabel(quiz_id, rating, now)

    def override(self, quiz_id: str, correct: bool, *, now: datetime | None = None) -> Grade:
        """ "I was right" (or "I was wrong"): the learner overrides a verdict, recorded as such."""
        return self._relabel(quiz_id, "good" if correct else "again", now)

    def _relabel(self, quiz_id: str, rating: str, now: datetime | None) -> Grade:
        now = utc(now or self.clock())
        row = self._row(quiz_id)
        with self.sessionmaker.begin() as db:
            mark = db.get(QuizMark, quiz_id, with_for_update=True)
            if row.answered_at is None or mark is None:
                raise Conflict(f"Quiz {quiz_id} is not graded yet: answer it first.")
            right = rating != "again"
            db.execute(
                update(QuizRow)
                .where(QuizRow.id == quiz_id)
                .values(correct=right, score=RATING_SCORES[rating])
            )
            card = reschedule(db, row, rating, mark.card_before, utc(row.answered_at))
            overridden = mark.verdict != "unsure" and (mark.verdict == "correct") != right
            grade = Grade.model_validate(mark.grade).model_copy(
                update={
                    "correct": right,
                    "verdict": "correct" if right else "incorrect",
                    "rating": rating,
                    "overridden": overridden,
                    "score": RATING_SCORES[rating]
                    if mark.verdict == "unsure" or overridden
                    else mark.grade["score"],
                    "next_review": utc(card.due).isoformat(),
                }
            )
            mark.rating, mark.overridden = rating, overridden
            mark.grade = grade.model_dump()
            mark.updated_at = now.replace(tzinfo=None)
        return grade

    def flag(self, quiz_id: str, reason: str = "", *, now: datetime | None = None) -> Flag:
        """A learner flags a bad item: it is not served to them again; the owner sees the flag."""
        now = utc(now or self.clock())
        row = self._row(quiz_id)
        reason = (reason or "").strip()[:1000]
        with self.sessionmaker.begin() as db:
            insert_missing(
                db,
                QuizFlag,
                {
                    "quiz_id": quiz_id,
                    "session_id": row.session_id,
                    "item_id": row.item_id,
                    "question": row.question,
                    "section": row.section,
                    "reason": reason,
                    "created_at": now.replace(tzinfo=None),
                },
            )
        with self.sessionmaker() as db:
            return Flag.model_validate(next(f for f in flags(db) if f["quiz_id"] == quiz_id))

    def flags(self, session_id: str | None = None) -> list[Flag]:
        with self.sessionmaker() as db:
            return [Flag.model_validate(f) for f in flags(db, session_id)]

    def _mark(self, item: BankItem, answer: str) -> Marking:
        reread = f"Reread “{item.section}” ({item.source}) [1]."
        if item.kind == "mcq":
            choices = item.choices or []
            keys = item.key_indexes
            if item.answer_indexes:  # "Select TWO": all and only the keyed options
                chosen = choice_indexes(answer, choices)
            else:
                chosen = {choice_index(answer, choices)}
            ok = chosen == keys
            text = (
                f"Correct: {_listed(choices, keys)}."
                if ok
                else f"Not quite: you chose {_listed(choices, chosen)}; "
                f"the answer is {_listed(choices, keys)}."
            )
            why = f" {item.explanation}" if item.explanation else ""
            feedback = f"{text}{why} The notes say: “{item.evidence}” [1] {reread}"
            return Marking(_decided(ok), float(ok), feedback)
        if item.kind == "fill":
            marked = mark_fill(answer, item.answer, self.settings.grading)
            text = "Correct." if marked.correct else f"Not quite: the answer is “{item.answer}”."
            feedback = f"{text} The notes say: “{item.evidence}” [1] {reread}"
            return Marking(_decided(marked.correct), marked.score, feedback)
        points = key_points(item.evidence)
        note = ""
        if self.llm is not None:
            graded = llm_grade(
                self.llm,
                item,
                answer,
                self.index.current(),
                self.settings.grading,
                deadline=Deadline(self.settings.llm_timeout_s),
            )
            if graded is not None:
                return Marking(
                    graded.verdict,
                    graded.score,
                    f"{graded.feedback} {reread}",
                    points,
                    self.provider,
                )
            note = "The model did not answer, so this was graded offline. "
        index = self.index.current()
        decision = check_answer(
            answer,
            item.evidence,
            question=item.question,
            options=options_of(tuple(c.text for c in index.chunks)),
            acronyms=note_stats(index).acronyms,
            grading=self.settings.grading,
        )
        parts = [note + _VERDICT_TEXT[decision.verdict], decision.reason]
        if decision.verdict == "unsure":
            parts.append("Compare with the notes and rate yourself: again, hard, good or easy.")
        parts.append(f"Reference: “{item.evidence}” [1] {reread}")
        return Marking(decision.verdict, decision.score, " ".join(parts), points)

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


@dataclass(frozen=True)
class Marking:
    verdict: Verdict
    score: float
    feedback: str
    key_points: list[str] = field(default_factory=list)
    provider: str = "offline"


def _decided(correct: bool) -> Verdict:
    return "correct" if correct else "incorrect"


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


def _listed(choices: list[str], indexes: set[int]) -> str:
    return "; ".join(f"{LETTERS[i]}) {choices[i]}" for i in sorted(indexes))


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
