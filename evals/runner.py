"""Run dataset items through the tutor the API serves: in process (build_tutor) or over HTTP.

Both targets answer the same two calls, so every metric means the same thing either way:
search(question, k) -> ranked passages, and ask(question, choices) -> the tutor's answer.
"""

from __future__ import annotations

import math
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from evals.dataset import EvalItem
from evals.judge import Judge
from evals.metrics import CHAR_BUDGETS, ItemResult, RetrievedPassage
from tutor.errors import InvalidInput, TutorError

# Passages fetched for hit_at_chars: deep enough to fill the largest budget with small chunks.
RANK_DEPTH = 20
MAX_DEPTH = 50
RATE_LIMIT_RETRIES = 3  # 429s waited out per request before it counts as failed
RETRY_AFTER_DEFAULT_S = 5.0  # a 429 without a readable Retry-After
RETRY_AFTER_MAX_S = 60.0  # no single wait longer than this, whatever the service says


class ServiceError(TutorError):
    """The tutor service behind --url could not be reached or refused a request."""


@dataclass
class Reply:
    text: str
    grounded: bool = True
    choice_index: int | None = None
    citation_ids: list[str] = field(default_factory=list)
    provider: str = "offline"


class Target(ABC):
    """What the runner measures."""

    provider: str = "offline"

    @abstractmethod
    def search(self, question: str, k: int) -> list[RetrievedPassage]: ...

    @abstractmethod
    def ask(
        self, question: str, choices: list[str] | None, session_id: str | None = None
    ) -> Reply: ...

    def check(self, question: str, answer: str, reference: str) -> str:
        """The tutor's verdict on a learner's answer, graded against `reference`."""
        raise NotImplementedError(f"{type(self).__name__} cannot grade answers")

    def close(self) -> None:
        pass


class LocalTarget(Target):
    """The Tutor built by tutor.service.build_tutor, the factory the API's lifespan calls."""

    def __init__(self, tutor: Any) -> None:
        self.tutor = tutor
        self.provider = tutor.settings.llm or "offline"

    def search(self, question: str, k: int) -> list[RetrievedPassage]:
        return [
            RetrievedPassage(p.chunk_id, p.text, p.section) for p in self.tutor.search(question, k)
        ]

    def ask(self, question: str, choices: list[str] | None, session_id: str | None = None) -> Reply:
        answer = self.tutor.ask(question, session_id=session_id, choices=choices or None)
        return Reply(
            answer.text,
            answer.grounded,
            answer.choice_index,
            [c.chunk_id for c in answer.citations],
            answer.provider,
        )

    def check(self, question: str, answer: str, reference: str) -> str:
        return self.tutor.check(question, answer, reference=reference).verdict


def retry_after_s(value: str | None, *, now: datetime | None = None) -> float:
    """A 429's `Retry-After` in seconds (delta-seconds or an HTTP date, RFC 9110), within
    [0, RETRY_AFTER_MAX_S]; RETRY_AFTER_DEFAULT_S when it is missing or unreadable."""
    seconds = RETRY_AFTER_DEFAULT_S
    if value and value.strip():
        try:
            seconds = float(value)
        except ValueError:
            try:
                when = parsedate_to_datetime(value)
                seconds = (when - (now or datetime.now(UTC))).total_seconds()
            except (TypeError, ValueError):
                pass
    if not math.isfinite(seconds):
        seconds = RETRY_AFTER_MAX_S
    return min(max(seconds, 0.0), RETRY_AFTER_MAX_S)


class HttpTarget(Target):
    """A running service: POST /v1/chat and POST /v1/search.

    A 429 is waited out as its `Retry-After` says (at most RATE_LIMIT_RETRIES times, each wait
    bounded), rather than scored as a failure; `sleep` is the wait (tests record it).
    """

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = 120.0,
        client: Any = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import httpx

        self.url = url.rstrip("/")
        self.client = client or httpx.Client(base_url=self.url, timeout=timeout_s)
        self.provider = "unknown"
        self.sleep = sleep

    def _post(self, path: str, body: dict) -> Any:
        import httpx

        for attempt in range(RATE_LIMIT_RETRIES + 1):
            try:
                response = self.client.post(path, json=body)
            except httpx.HTTPError as exc:
                raise ServiceError(f"{self.url}{path}: the service did not answer ({exc})") from exc
            if response.status_code != 429 or attempt == RATE_LIMIT_RETRIES:
                break
            self.sleep(retry_after_s(response.headers.get("retry-after")))
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail") or response.text
            except ValueError:
                detail = response.text
            raise ServiceError(f"{self.url}{path}: HTTP {response.status_code}: {detail}")
        return response.json()

    def search(self, question: str, k: int) -> list[RetrievedPassage]:
        data = self._post("/v1/search", {"query": question, "k": k})
        rows = data.get("passages", []) if isinstance(data, dict) else data
        return [RetrievedPassage(r["chunk_id"], r["text"], r.get("section", "")) for r in rows]

    def ask(self, question: str, choices: list[str] | None, session_id: str | None = None) -> Reply:
        body: dict[str, Any] = {"message": question}
        if session_id:
            body["session_id"] = session_id
        if choices:
            body["choices"] = choices
        data = self._post("/v1/chat", body)
        self.provider = data.get("provider", self.provider)
        return Reply(
            text=data.get("text", ""),
            grounded=bool(data.get("grounded", True)),
            choice_index=data.get("choice_index"),
            citation_ids=[c["chunk_id"] for c in data.get("citations", [])],
            provider=data.get("provider", "unknown"),
        )

    def check(self, question: str, answer: str, reference: str) -> str:
        body = {"question": question, "answer": answer, "reference": reference}
        return str(self._post("/v1/check", body)["verdict"])

    def close(self) -> None:
        self.client.close()


def _ranked(target: Target, question: str, k: int) -> list[RetrievedPassage]:
    """Ranked passages covering the largest char budget (asks deeper only when it must)."""
    depth = max(k, RANK_DEPTH)
    passages = target.search(question, depth)
    budget = max(CHAR_BUDGETS)
    if len(passages) == depth and sum(len(p.text) + 1 for p in passages) < budget:
        passages = target.search(question, max(depth, MAX_DEPTH))
    return passages


def run_item(item: EvalItem, target: Target, *, k: int, judge: Judge | None = None) -> ItemResult:
    if item.kind == "grade":
        started = time.perf_counter()
        verdict = target.check(item.question, item.student_answer or "", item.answer)
        return ItemResult(
            item=item,
            passages=[],
            ranked=[],
            answer=item.student_answer or "",
            verdict=verdict,
            answer_ms=(time.perf_counter() - started) * 1000,
        )
    passages: list[RetrievedPassage] = []
    ranked: list[RetrievedPassage] = []
    retrieve_ms = 0.0
    session_id = None
    if item.follow_up:  # the conversation so far, in one session; a follow-up is not searched alone
        session_id = uuid.uuid4().hex
        for earlier in item.history:
            target.ask(earlier, None, session_id)
    else:
        started = time.perf_counter()
        passages = target.search(item.question, k)
        retrieve_ms = (time.perf_counter() - started) * 1000
        ranked = _ranked(target, item.question, k)
    started = time.perf_counter()
    reply = target.ask(item.question, item.choices if item.kind == "mcq" else None, session_id)
    answer_ms = (time.perf_counter() - started) * 1000
    result = ItemResult(
        item=item,
        passages=passages,
        ranked=ranked,
        answer=reply.text,
        grounded=reply.grounded,
        choice_index=reply.choice_index,
        citation_ids=reply.citation_ids,
        retrieve_ms=retrieve_ms,
        answer_ms=answer_ms,
    )
    if judge is not None and item.in_scope:
        result.judge_correctness = judge.correctness(
            question=item.question, reference=item.answer, answer=reply.text
        )
        result.judge_faithfulness = judge.faithfulness(
            answer=reply.text, passages=[p.text for p in passages]
        )
    return result


def run_items(
    items: Sequence[EvalItem],
    target: Target,
    *,
    k: int = 5,
    judge: Judge | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[ItemResult]:
    if k < 1:
        raise InvalidInput("k must be at least 1")
    results = []
    for done, item in enumerate(items, start=1):
        results.append(run_item(item, target, k=k, judge=judge))
        if progress:
            progress(done, len(items))
    return results


def evaluate(
    datasets: Sequence[tuple[str, Sequence[EvalItem]]],
    target: Target,
    *,
    k: int = 5,
    limit: int | None = None,
    judge: Judge | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Run loaded datasets (name, items) through a target and build report.json's content."""
    from evals.report import build_report

    pairs = [(name, item) for name, items in datasets for item in items]
    if limit is not None:
        pairs = pairs[:limit]
    results = run_items([item for _, item in pairs], target, k=k, judge=judge, progress=progress)
    return build_report(
        results,
        datasets=[name for name, _ in datasets],
        item_datasets=[n for n, _ in pairs],
        k=k,
        provider=target.provider,
        judge=judge.name if judge else None,
    )
