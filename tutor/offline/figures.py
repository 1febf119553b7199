"""Questions that ask for a figure ("how long are backups kept?", "what's the max object size?").

The notes may cover a subject but not the figure asked about it (CloudFront, but no default TTL),
and every other scope signal then says "covered". A figure question is supported only as well as
the best unit that holds a number names its subject; see tutor/offline/scope.py for the threshold.
"""

from __future__ import annotations

from collections.abc import Sequence

from tutor.offline.answer import Scored, content_terms
from tutor.offline.quantity import QUANTITY_TERMS, asked_kinds, asks_quantity, gives_kind
from tutor.offline.sentences import ENUMERATOR, NUMBER


def quantity_support(
    question: str,
    weights: dict[str, float],
    content: Sequence[Scored],
    units: int,
    parts: Sequence[str] = (),
) -> float | None:
    """For a question asking for a figure: the IDF share of its subject terms (`weights` less
    "long", "max"...) named by the best of the top `units` of `content` that holds a number, other
    than one the question names itself; None for other questions. Of a question of several
    `parts`, the subject is that of the parts that ask for the figure ("what does Vault Lock do,
    and what's the minimum storage duration for Glacier?": Glacier's storage duration)."""
    if not asks_quantity(question):
        return None
    asking = [part for part in parts if asks_quantity(part)]
    own = {t for part in asking for t in content_terms(part)} or set(weights)
    subject = {t: w for t, w in weights.items() if t in own and t not in QUANTITY_TERMS}
    total = sum(subject.values()) or 1.0
    named = set(NUMBER.findall(question))  # "route 53": part of the subject, not the figure
    kinds = asked_kinds(question)
    numbered = [
        sum(w for t, w in subject.items() if t in s.weights) / total
        for s in content[:units]
        if set(NUMBER.findall(ENUMERATOR.sub("", s.unit.text))) - named
        and gives_kind(s.unit.text, kinds)
    ]
    return max(numbered, default=0.0)
