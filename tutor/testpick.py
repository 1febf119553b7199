"""Choosing a practice test's items: distinct, spread over topics by the notes' share of each.

Each topic's quota is proportional to its characters in the notes (largest deficit first, capped
by the items it has). Within a topic, imported (curated) items come first, then items this
session has not seen, then the ones seen longest ago; ties are broken at random.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from tutor.quizbank import BankItem
from tutor.types import Chunk


def chars_per_topic(chunks: Sequence[Chunk]) -> dict[str, int]:
    sizes: dict[str, int] = defaultdict(int)
    for chunk in chunks:
        sizes[chunk.topic] += len(chunk.text)
    return dict(sizes)


def quotas(n: int, weights: dict[str, float], caps: dict[str, int]) -> dict[str, int]:
    """n split over topics in proportion to weights, never more than a topic's cap."""
    given = dict.fromkeys(caps, 0)
    total = sum(weights.get(t, 0) for t in caps) or 1.0
    share = {t: (weights.get(t, 0) or 1e-9) / total for t in caps}
    for placed in range(min(n, sum(caps.values()))):
        open_topics = [t for t in caps if given[t] < caps[t]]
        best = max(open_topics, key=lambda t: (share[t] * (placed + 1) - given[t], share[t], t))
        given[best] += 1
    return {t: q for t, q in given.items() if q}


def pick(
    pool: Sequence[BankItem],
    n: int,
    weights: dict[str, int] | dict[str, float],
    seen: dict[str, datetime],
    rng: random.Random,
) -> list[BankItem]:
    by_topic: dict[str, list[BankItem]] = defaultdict(list)
    questions: set[str] = set()
    for item in sorted(pool, key=lambda i: i.id):
        key = " ".join(item.question.lower().split())
        if key not in questions:  # the same question from two chunks is one question
            questions.add(key)
            by_topic[item.topic].append(item)
    oldest = datetime.min
    for items in by_topic.values():
        rng.shuffle(items)
        items.sort(key=lambda i: (i.origin != "imported", i.id in seen, seen.get(i.id, oldest)))
    counts = quotas(n, dict(weights), {t: len(items) for t, items in by_topic.items()})
    chosen = [item for t, q in counts.items() for item in by_topic[t][:q]]
    rng.shuffle(chosen)
    return chosen
