"""The Tutor facade every surface calls, and build_tutor(settings), the one factory."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.language_models import BaseChatModel
from sqlalchemy import Engine

from tutor import generate
from tutor.config import Settings
from tutor.deadline import Deadline
from tutor.embeddings import Embedder, make_embedder
from tutor.errors import InvalidInput, NotFound, TutorError
from tutor.index import Index, IndexHandle
from tutor.llm import make_chat_model
from tutor.offline.engine import OfflineEngine, Reply
from tutor.retrieve import HybridRetriever
from tutor.sessions import MAX_SESSION_ID, SessionStore, new_session_id
from tutor.store import ChromaStore
from tutor.types import Answer, Check, Flag, Grade, Hint, Passage, Progress, QuizItem

if TYPE_CHECKING:
    from ingest.pipeline import IngestReport

log = logging.getLogger(__name__)


@dataclass
class Prepared:
    """A question resolved against its session, with the evidence retrieved for it."""

    question: str
    standalone: str
    session_id: str
    reply: Reply  # the offline engine's: its answer or decline, and the passages behind it
    index: Index

    @property
    def passages(self) -> list[Passage]:
        return self.reply.passages

    @property
    def covered(self) -> bool:
        return self.reply.covered

    @property
    def offline(self) -> Answer:
        """The offline answer: extractive when the notes cover the question, else the decline."""
        return self.reply.answer


def pieces(text: str, size: int = 24) -> list[str]:
    """Offline streaming: the answer in word-boundary pieces of about `size` characters."""
    parts, current = [], ""
    for word in re.split(r"(?<=\s)", text):
        current += word
        if len(current) >= size:
            parts.append(current)
            current = ""
    return parts + ([current] if current else [])


@dataclass
class Tutor:
    settings: Settings
    store: ChromaStore
    embedder: Embedder
    index: IndexHandle
    retriever: HybridRetriever
    sessions: SessionStore
    quizzer: Any  # tutor.quiz.Quizzer
    llm: BaseChatModel | None = None
    engine: Engine | None = None
    practice: Any = None  # tutor.practice.Practice
    provider: str = field(init=False)
    offline: OfflineEngine = field(init=False)

    def __post_init__(self) -> None:
        self.offline = OfflineEngine(self.settings.offline, self.embedder, self.retriever)
        self.provider = (
            self.settings.llm
            if self.llm is not None and self.settings.llm
            else ("offline" if self.llm is None else type(self.llm).__name__)
        )

    # -- answering --------------------------------------------------------------------------------
    def search(self, query: str, k: int | None = None) -> list[Passage]:
        """The passages for `query`, its typos of the notes' words read as those words (as `ask`
        reads a question)."""
        index = self.index.current()
        return self.retriever.search(self.offline.spell(query, index), k, index=index)

    def current_index(self) -> Index:
        return self.index.current()

    def ask(
        self, question: str, session_id: str | None = None, choices: list[str] | None = None
    ) -> Answer:
        question, choices = self._check(question, session_id, choices)
        deadline = self._llm_deadline()  # one budget for every LLM call of this request
        prepared = self._prepare(question, session_id, deadline)
        if choices:
            answer = self._choose(prepared, choices, deadline)
        elif self.llm is not None and prepared.covered:
            answer = self._with_fallback(
                lambda: generate.llm_answer(
                    self.llm,
                    prepared.standalone,
                    prepared.passages,
                    self.provider,
                    deadline=deadline,
                ),
                prepared,
            )
        else:
            answer = prepared.offline
        return self._record(prepared, answer)

    async def stream(
        self, question: str, session_id: str | None = None
    ) -> AsyncIterator[str | Answer]:
        """Text deltas, then exactly one final Answer (whose text is the authoritative one)."""
        question, _ = self._check(question, session_id, None)
        deadline = self._llm_deadline()  # condensing and streaming share it, first byte to last
        prepared = await asyncio.to_thread(self._prepare, question, session_id, deadline)
        answer: Answer | None = None
        if self.llm is not None and prepared.covered:
            parts: list[str] = []
            try:
                async with asyncio.timeout(deadline.remaining()):
                    async for piece in generate.stream_text(
                        self.llm, prepared.standalone, prepared.passages
                    ):
                        parts.append(piece)
                        yield piece
                answer = generate.finish("".join(parts), prepared.passages, self.provider)
            except Exception as exc:  # noqa: BLE001  failure, timeout, cut-off: offline takes over
                log.warning(
                    "LLM %s failed while streaming, answering offline: %r", self.provider, exc
                )
                answer = self._degraded(prepared)
                if parts:
                    yield "\n\n"
                for piece in pieces(answer.text):
                    yield piece
        else:
            answer = prepared.offline
            for piece in pieces(answer.text):
                yield piece
        yield await asyncio.to_thread(self._record, prepared, answer)

    def _check(
        self, question: str, session_id: str | None, choices: list[str] | None
    ) -> tuple[str, list[str] | None]:
        question = (question or "").strip()
        if not question:
            raise InvalidInput("The question is empty: ask something about the notes.")
        if len(question) > self.settings.max_message_chars:
            raise InvalidInput(
                f"The question is too long ({len(question)} characters; "
                f"at most {self.settings.max_message_chars})."
            )
        if session_id is not None and not (0 < len(session_id.strip()) <= MAX_SESSION_ID):
            raise InvalidInput(f"A session id must have 1 to {MAX_SESSION_ID} characters.")
        if choices is not None:
            choices = [c.strip() for c in choices]
            if len(choices) < 2 or not all(choices):
                raise InvalidInput("Multiple choice needs at least two non-empty choices.")
            if len(choices) > 26:
                raise InvalidInput("At most 26 choices (A to Z).")
        return question, choices or None

    def _llm_deadline(self) -> Deadline:
        return Deadline(self.settings.llm_timeout_s)

    def _prepare(
        self, question: str, session_id: str | None, deadline: Deadline | None = None
    ) -> Prepared:
        history = self.sessions.history(session_id)
        index = self.index.current()
        standalone = self.offline.resolve(question, history, index)
        if self.llm is not None and history and standalone != question:
            pairs = [(t.question, t.answer) for t in history]
            try:
                standalone = (
                    generate.condense(
                        self.llm, question, pairs, deadline=deadline or self._llm_deadline()
                    )
                    or standalone
                )
            except Exception as exc:  # noqa: BLE001  keep the offline resolution
                log.warning("LLM %s failed to condense a follow-up: %r", self.provider, exc)
        vector = self.embedder.embed_query(
            standalone
        )  # once: retrieval and answer scoring share it
        passages = self.retriever.search(standalone, index=index, vector=vector)
        reply = self.offline.answer(standalone, passages, index, vector=vector)
        return Prepared(question, standalone, session_id or new_session_id(), reply, index)

    def _degraded(self, prepared: Prepared) -> Answer:
        return prepared.offline.model_copy(update={"degraded": True})

    def _with_fallback(self, call, prepared: Prepared, fallback=None) -> Answer:
        try:
            return call()
        except Exception as exc:  # noqa: BLE001  timeout, bad key, server down: no traceback
            log.warning("LLM %s failed, answering offline: %r", self.provider, exc)
            answer = fallback() if fallback else self._degraded(prepared)
            return answer.model_copy(update={"degraded": True})

    def _choose(self, prepared: Prepared, choices: list[str], deadline: Deadline) -> Answer:
        evidence = [
            self.retriever.search(f"{prepared.standalone} {c}", index=prepared.index)
            for c in choices
        ]

        def offline_choice() -> Answer:
            return self.offline.choose(prepared.standalone, choices, evidence, prepared.index)

        if self.llm is None:
            return offline_choice()
        merged = list(
            {
                p.chunk_id: p
                for p in prepared.passages[:3] + [p for ps in evidence for p in ps[:2]]
            }.values()
        )[:8]
        return self._with_fallback(
            lambda: generate.llm_choice(
                self.llm, prepared.standalone, choices, merged, self.provider, deadline=deadline
            ),
            prepared,
            offline_choice,
        )

    def _record(self, prepared: Prepared, answer: Answer) -> Answer:
        answer = answer.model_copy(update={"session_id": prepared.session_id})
        self.sessions.record(prepared.session_id, prepared.question, prepared.standalone, answer)
        return answer

    # -- quizzing (tutor.quiz) ---------------------------------------------------------------------
    def quiz(self, session_id: str, *, topic: str | None = None, kind: str = "mcq") -> QuizItem:
        return self.quizzer.quiz(session_id, topic=topic, kind=kind)

    def grade(self, quiz_id: str, answer: str) -> Grade:
        return self.quizzer.grade(quiz_id, answer)

    def hint(self, quiz_id: str) -> Hint:
        return self.quizzer.hint(quiz_id)

    def rate(self, quiz_id: str, rating: str) -> Grade:
        return self.quizzer.rate(quiz_id, rating)

    def override(self, quiz_id: str, correct: bool) -> Grade:
        return self.quizzer.override(quiz_id, correct)

    def flag(self, quiz_id: str, reason: str = "") -> Flag:
        return self.quizzer.flag(quiz_id, reason)

    def flags(self, session_id: str | None = None) -> list[Flag]:
        return self.quizzer.flags(session_id)

    def check(
        self,
        question: str,
        answer: str,
        session_id: str | None = None,
        *,
        reference: str | None = None,
    ) -> Check:
        """Grade `answer` against what the notes say about `question` (tutor.answercheck)."""
        from tutor.answercheck import check_prepared

        question, _ = self._check(question, session_id, None)
        if not isinstance(answer, str) or len(answer) > self.settings.max_message_chars:
            raise InvalidInput(
                f"The answer must be text of at most {self.settings.max_message_chars} characters."
            )
        deadline = self._llm_deadline()  # one budget: condense and grading share it
        prepared = self._prepare(question, session_id, deadline)
        return check_prepared(
            prepared,
            answer,
            settings=self.settings,
            reference=reference,
            llm=self.llm,
            provider=self.provider,
            deadline=deadline,
        )

    def progress(self, session_id: str) -> Progress:
        progress = self.quizzer.progress(session_id)
        if self.practice is None:
            return progress
        return progress.model_copy(update={"tests": self.practice.history(progress.session_id)})

    # -- practice tests (tutor.practice) ------------------------------------------------------------
    def start_test(self, session_id: str, **options: Any) -> Any:
        """options: n, topic, mode ("exam" | "practice"), time_limit_s."""
        return self.practice.start(session_id, **options)

    def test_answer(self, test_id: str, quiz_id: str, answer: str | list[str]) -> Any:
        return self.practice.answer(test_id, quiz_id, answer)

    def flag_test_item(self, test_id: str, quiz_id: str, flagged: bool = True) -> list[str]:
        return self.practice.flag(test_id, quiz_id, flagged)

    def submit_test(
        self,
        test_id: str,
        answers: dict[str, str | list[str]] | None = None,
        flagged: list[str] | None = None,
    ) -> Any:
        return self.practice.submit(test_id, answers, flagged)

    def get_test(self, test_id: str) -> Any:
        return self.practice.get(test_id)

    def retry_test(self, test_id: str) -> Any:
        return self.practice.retry(test_id)

    # -- the notes and the parts ---------------------------------------------------------------------
    def warm(self) -> int:
        """Split and embed every chunk's answer units now (about 10 s for these notes) rather
        than on the first question that reaches each chunk. Returns the chunks prepared; 0 when
        nothing is ingested yet."""
        try:
            index = self.index.current()
        except TutorError as exc:
            log.warning("not warming the answer cache: %s", exc)
            return 0
        return self.offline.warm(index)

    def quiz_topics(self) -> list[str]:
        """The services quiz items and practice tests are filed under, most items first."""
        counts: dict[str, int] = {}
        for item in self.index.current().bank.items:
            counts[item.topic] = counts.get(item.topic, 0) + 1
        return sorted(counts, key=lambda t: (-counts[t], t))

    def topics(self) -> list[str]:
        return self.index.current().topics

    def ingested(self) -> bool:
        """Whether the store has an active index: one store call, nothing loaded."""
        return self.store.active_name() is not None

    def reingest(
        self,
        paths: Sequence[Path] | None = None,
        *,
        reset: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> IngestReport:
        """Ingest `paths` (default: settings.corpus_dir) into this Tutor's store with its embedder;
        readers keep the old index until the new one is active.

        The one door for the CLI and the admin route. The pipeline lives in ingest/ and imports
        tutor, so it is imported here, at the call.
        """
        from ingest.pipeline import ingest

        return ingest(
            list(paths or [self.settings.corpus_dir]),
            settings=self.settings,
            store=self.store,
            embedder=self.embedder,
            reset=reset,
            progress=progress,
        )

    def source(self, chunk_id: str) -> Passage:
        chunk = self.index.current().by_id.get(chunk_id)
        if chunk is None:
            raise NotFound(f"No passage with id {chunk_id!r} in the current notes.")
        return Passage.of(chunk, 1.0)

    def health(self) -> dict[str, dict]:
        """Each part's state; never raises, so /healthz can say what is wrong."""
        report: dict[str, dict] = {"embedder": {"ok": True, "model": self.embedder.name}}
        try:
            self.store.heartbeat()
            index = self.index.current()
            report["store"] = {
                "ok": True,
                "location": self.store.location,
                "collection": index.name,
                "chunks": len(index.chunks),
            }
        except TutorError as exc:
            report["store"] = {"ok": False, "location": self.store.location, "error": str(exc)}
        report["llm"] = {"ok": True, "provider": self.provider}
        return report

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def build_tutor(
    settings: Settings, *, embedder: Embedder | None = None, llm: BaseChatModel | None = None
) -> Tutor:
    """Build every expensive part once: the model, the Chroma client, the index, the database.

    `llm` overrides the chat model `settings.llm` names (tests pass langchain's fake models).
    """
    from tutor import practice, quiz, sessions  # noqa: F401  (their tables join tutor.db.Base first)
    from tutor.db import make_engine, make_sessionmaker

    chat_model = llm if llm is not None else make_chat_model(settings)  # ConfigError early
    embedder = embedder or make_embedder(settings)
    store = ChromaStore(settings)
    index = IndexHandle(store, settings, embedder=embedder)
    retriever = HybridRetriever(
        store=store, index=index, embedder=embedder, settings=settings.retrieval
    )
    engine = make_engine(settings.sqlalchemy_url)
    maker = make_sessionmaker(engine)
    quizzer = quiz.Quizzer(
        settings=settings, sessionmaker=maker, embedder=embedder, index=index, llm=chat_model
    )
    return Tutor(
        settings=settings,
        store=store,
        embedder=embedder,
        index=index,
        retriever=retriever,
        sessions=SessionStore(maker),
        quizzer=quizzer,
        llm=chat_model,
        engine=engine,
        practice=practice.Practice(settings=settings, sessionmaker=maker, index=index),
    )
