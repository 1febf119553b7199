"""Deterministic eval metrics: each a small class with a dotted `name` and one `score` method.

A metric reads the per-item results of a run and returns a number, or None when no item can be
scored (an mcq metric on a set without mcq items). Key facts are groups of alternatives: a group is
present in a text when any alternative occurs in it, case-insensitively with whitespace folded.
Items without key facts cannot be scored on them and are left out of the key-fact metrics.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from evals.dataset import EvalItem

_SPACE = re.compile(r"\s+")
CHAR_BUDGETS = (1000, 2000, 4000)


def fold(text: str) -> str:
    return _SPACE.sub(" ", text).lower()


def groups_present(groups: Sequence[Sequence[str]], text: str) -> list[bool]:
    """For each key-fact group, whether any of its alternatives occurs in `text`."""
    folded = fold(text)
    return [any(fold(alt) in folded for alt in group) for group in groups]


def first_chars(texts: Sequence[str], n: int) -> str:
    """The first n characters of the ranked texts joined in rank order: fair across chunk sizes."""
    return "\n".join(texts)[:n]


@dataclass
class RetrievedPassage:
    chunk_id: str
    text: str
    section: str = ""


@dataclass
class ItemResult:
    """What one dataset item produced: passages (top-k and deeper), the answer, timings."""

    item: EvalItem
    passages: list[RetrievedPassage]  # search(question, k)
    ranked: list[RetrievedPassage]  # a deeper search, enough to fill the largest char budget
    answer: str = ""
    grounded: bool = True
    choice_index: int | None = None
    citation_ids: list[str] = field(default_factory=list)
    retrieve_ms: float = 0.0
    answer_ms: float = 0.0
    judge_correctness: float | None = None
    judge_faithfulness: float | None = None
    verdict: str | None = None  # kind "grade": the tutor's verdict on the student's answer

    @property
    def groups(self) -> list[list[str]]:
        return self.item.key_facts

    def context_found(self) -> list[bool]:
        return groups_present(self.groups, "\n".join(p.text for p in self.passages))

    def answer_found(self) -> list[bool]:
        return groups_present(self.groups, self.answer)


def _mean(values: Sequence[float | bool]) -> float | None:
    return float(np.mean([float(v) for v in values])) if values else None


def _asked(results: Sequence[ItemResult]) -> list[ItemResult]:
    """Questions put to the tutor: everything but the learner answers of kind "grade"."""
    return [r for r in results if r.item.asked]


def _keyed(results: Sequence[ItemResult]) -> list[ItemResult]:
    """In-scope items that have key facts to look for."""
    return [r for r in results if r.item.in_scope and r.groups]


def _searched(results: Sequence[ItemResult]) -> list[ItemResult]:
    """Keyed items whose question is searched on its own: a follow-up ("and for EBS?") means
    nothing to a search without the conversation before it."""
    return [r for r in _keyed(results) if not r.item.follow_up]


class Metric(ABC):
    name: str

    @abstractmethod
    def score(self, results: Sequence[ItemResult]) -> float | None:
        """The metric over a run's per-item results; None when no item applies."""


# -- retrieval ------------------------------------------------------------------------------------


class HitAtK(Metric):
    name = "retrieval.hit_at_k"

    def score(self, results: Sequence[ItemResult]) -> float | None:
        return _mean([all(r.context_found()) for r in _searched(results)])


class ContextRecallAtK(Metric):
    name = "retrieval.context_recall_at_k"

    def score(self, results: Sequence[ItemResult]) -> float | None:
        return _mean([_mean(r.context_found()) or 0.0 for r in _searched(results)])


class MRR(Metric):
    name = "retrieval.mrr"

    @staticmethod
    def reciprocal_rank(result: ItemResult) -> float:
        for rank, passage in enumerate(result.passages, start=1):
            if any(groups_present(result.groups, passage.text)):
                return 1.0 / rank
        return 0.0

    def score(self, results: Sequence[ItemResult]) -> float | None:
        return _mean([self.reciprocal_rank(r) for r in _searched(results)])


class HitAtChars(Metric):
    def __init__(self, chars: int) -> None:
        self.chars = chars
        self.name = f"retrieval.hit_at_chars.{chars}"

    def hit(self, result: ItemResult) -> bool:
        text = first_chars([p.text for p in result.ranked], self.chars)
        return all(groups_present(result.groups, text))

    def score(self, results: Sequence[ItemResult]) -> float | None:
        return _mean([self.hit(r) for r in _searched(results)])


# -- answers --------------------------------------------------------------------------------------


def _open(results: Sequence[ItemResult]) -> list[ItemResult]:
    return [r for r in results if r.item.kind == "open"]


class KeyFactAccuracy(Metric):
    name = "answer.key_fact_accuracy"

    def score(self, results: Sequence[ItemResult]) -> float | None:
        return _mean([all(r.answer_found()) for r in _open(results) if r.groups])


class KeyFactRecall(Metric):
    name = "answer.key_fact_recall"

    def score(self, results: Sequence[ItemResult]) -> float | None:
        return _mean([_mean(r.answer_found()) or 0.0 for r in _open(results) if r.groups])


class FollowUpAccuracy(Metric):
    """Key-fact accuracy on follow-ups alone (open items asked after their `history`)."""

    name = "followup.key_fact_accuracy"

    def score(self, results: Sequence[ItemResult]) -> float | None:
        return _mean([all(r.answer_found()) for r in _open(results) if r.groups and r.item.history])


class MeanChars(Metric):
    name = "answer.mean_chars"

    def score(self, results: Sequence[ItemResult]) -> float | None:
        return _mean([len(r.answer) for r in _open(results)])


# -- multiple choice ------------------------------------------------------------------------------


def _mcq(results: Sequence[ItemResult]) -> list[ItemResult]:
    return [r for r in results if r.item.kind == "mcq"]


class McqAccuracy(Metric):
    """Abstaining (no choice) counts as wrong."""

    name = "mcq.accuracy"

    def score(self, results: Sequence[ItemResult]) -> float | None:
        return _mean([r.choice_index == r.item.answer_index for r in _mcq(results)])


class McqAbstainRate(Metric):
    name = "mcq.abstain_rate"

    def score(self, results: Sequence[ItemResult]) -> float | None:
        return _mean([r.choice_index is None for r in _mcq(results)])


# -- refusals: the tutor declines with grounded = false -------------------------------------------


class RefusalRecall(Metric):
    name = "refusal.recall"

    def score(self, results: Sequence[ItemResult]) -> float | None:
        return _mean([not r.grounded for r in results if not r.item.in_scope])


class FalseRefusalRate(Metric):
    name = "refusal.false_refusal_rate"

    def score(self, results: Sequence[ItemResult]) -> float | None:
        return _mean([not r.grounded for r in _asked(results) if r.item.in_scope])


class RefusalPrecision(Metric):
    name = "refusal.precision"

    def score(self, results: Sequence[ItemResult]) -> float | None:
        return _mean([not r.item.in_scope for r in results if not r.grounded])


# -- grading: the tutor's verdicts on learners' answers (rows of kind "grade") ------------------


def _graded(results: Sequence[ItemResult]) -> list[ItemResult]:
    return [r for r in results if r.item.kind == "grade" and r.verdict is not None]


class GradingDecided(Metric):
    """Share of answers given a verdict ("correct" or "incorrect") rather than "unsure"."""

    name = "grading.decided"

    def score(self, results: Sequence[ItemResult]) -> float | None:
        return _mean([r.verdict != "unsure" for r in _graded(results)])


class GradingPrecision(Metric):
    """Of the decided verdicts, the share that match the label."""

    name = "grading.precision"

    def score(self, results: Sequence[ItemResult]) -> float | None:
        decided = [r for r in _graded(results) if r.verdict != "unsure"]
        return _mean([r.verdict == r.item.label for r in decided])


class GradingFalseIncorrect(Metric):
    """Of the right answers, the share called "incorrect" (the harm a tutor must not do)."""

    name = "grading.false_incorrect"

    def score(self, results: Sequence[ItemResult]) -> float | None:
        right = [r for r in _graded(results) if r.item.label == "correct"]
        return _mean([r.verdict == "incorrect" for r in right])


# -- latency and judge ----------------------------------------------------------------------------


class Percentile(Metric):
    def __init__(self, name: str, attribute: str, q: float, *, searched: bool = False) -> None:
        self.name, self.attribute, self.q, self.searched = name, attribute, q, searched

    def score(self, results: Sequence[ItemResult]) -> float | None:
        asked = [r for r in _asked(results) if not (self.searched and r.item.follow_up)]
        values = [getattr(r, self.attribute) for r in asked]
        return float(np.percentile(values, self.q)) if values else None


class JudgeMean(Metric):
    """Mean of the judge's 0-1 grades; None when no judge graded anything."""

    def __init__(self, name: str, attribute: str) -> None:
        self.name, self.attribute = name, attribute

    def score(self, results: Sequence[ItemResult]) -> float | None:
        return _mean([v for r in results if (v := getattr(r, self.attribute)) is not None])


def all_metrics() -> list[Metric]:
    """Every metric in report order; their names are the keys `--fail-under` accepts."""
    return [
        HitAtK(),
        ContextRecallAtK(),
        MRR(),
        *(HitAtChars(n) for n in CHAR_BUDGETS),
        KeyFactAccuracy(),
        KeyFactRecall(),
        FollowUpAccuracy(),
        MeanChars(),
        McqAccuracy(),
        McqAbstainRate(),
        RefusalRecall(),
        FalseRefusalRate(),
        RefusalPrecision(),
        GradingDecided(),
        GradingPrecision(),
        GradingFalseIncorrect(),
        Percentile("latency_ms.retrieve_p50", "retrieve_ms", 50, searched=True),
        Percentile("latency_ms.answer_p50", "answer_ms", 50),
        Percentile("latency_ms.answer_p95", "answer_ms", 95),
        JudgeMean("judge.correctness", "judge_correctness"),
        JudgeMean("judge.faithfulness", "judge_faithfulness"),
    ]


METRIC_NAMES: tuple[str, ...] = tuple(m.name for m in all_metrics())


def score_all(results: Sequence[ItemResult]) -> dict[str, float | None]:
    """Flat {dotted name: value} for every metric."""
    return {m.name: m.score(results) for m in all_metrics()}
