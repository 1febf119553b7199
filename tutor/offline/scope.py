"""Do the notes cover a question? One support figure from four signals, and a threshold.

- best: how well the best unit matches the question's content terms (meaning and IDF-weighted
  terms, as answers are scored, but without function words: "my", "what" and "do" are rare in
  notes, so their IDF is high and they would outweigh the subject).
- answered: the IDF share of those terms that the units picked for the answer contain. A question
  about SQS visibility timeouts retrieves the one line that names SQS, but no "visibility".
- rare: the IDF share of those terms the notes never use and that are not everyday English words
  either: the name of something the notes do not cover ("Kinesis", "eksctl", "BigQuery").
- common: the same for everyday words the notes never use. A student's scenario is full of them
  ("our analytics team runs heavy reports"), so they count for little.
Identifiers ("10.0.0.0/16", "api.example.com", "64k") are neither: they are the student's own.

support = best + w_answered x answered - w_rare x rare - w_common x common, against min_support
(the weights and thresholds: `Settings.offline`, tutor/config.py; how they were chosen:
docs/engine.md).

A question none of whose content terms is in the headings over the answer's units ("how long can
a lambda function run?": the notes name Lambda only inside a section on S3 events) is about
something the notes mention in passing; it needs much stronger support (min_untopical_support).

A question that asks for a figure ("how long", "what's the max") is covered only when a unit
holding a number of that kind names a fair share of its subject (min_quantity_support of its IDF
weight; tutor/offline/figures.py): the notes cover CloudFront but give no default TTL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from tutor.acronyms import expand
from tutor.config import OfflineSettings
from tutor.embeddings import Embedder
from tutor.lexical import tokenize
from tutor.offline.answer import NoteStats, Scored, content_terms, score_units, unfamiliar_terms
from tutor.offline.figures import quantity_support
from tutor.types import Passage


@dataclass(frozen=True)
class Support:
    best: float
    answered: float
    rare: float = 0.0  # IDF share of terms neither the notes nor everyday English use
    common: float = 0.0  # IDF share of everyday words the notes never use
    topical: bool = True  # a content term is in the headings over the answer's units
    quantity: float | None = None  # for a quantity question: share its best numbered unit names
    settings: OfflineSettings = field(kw_only=True, compare=False, repr=False)

    @property
    def value(self) -> float:
        s = self.settings
        return (
            self.best
            + s.w_answered * self.answered
            - s.w_rare * self.rare
            - s.w_common * self.common
        )

    @property
    def on_subject(self) -> bool:
        """The notes cover what the question is about."""
        s = self.settings
        return self.value >= (s.min_support if self.topical else s.min_untopical_support)

    @property
    def lacks_figure(self) -> bool:
        """The notes cover the subject, but no unit on it gives the number asked for."""
        return (
            self.on_subject
            and self.quantity is not None
            and self.quantity < self.settings.min_quantity_support
        )

    @property
    def covered(self) -> bool:
        return self.on_subject and not self.lacks_figure


def support(
    question: str,
    passages: Sequence[Passage],
    chosen: Sequence[Scored],
    embedder: Embedder,
    stats: NoteStats,
    settings: OfflineSettings,
    *,
    query_vector: np.ndarray | None = None,
    parts: Sequence[str] = (),
) -> Support:
    """How well the notes support `question`, given the units `chosen` for its answer (`parts`:
    its parts, when it has several)."""
    terms = content_terms(question)
    weights = {t: stats.idf(t) for t in terms}
    total = sum(weights.values()) or 1.0
    content = score_units(
        question, passages, embedder, stats, settings, query_vector=query_vector, terms=terms
    )
    headings = " ".join(f"{passages[c.passage_n - 1].section} {c.unit.heading}" for c in chosen)
    said = expand(
        tokenize(" ".join(f"{c.unit.heading} {c.unit.render(True)}" for c in chosen)),
        stats.acronyms,
    )
    rare, common = unfamiliar_terms(question, stats)
    return Support(
        best=content[0].score if content else 0.0,
        answered=sum(w for t, w in weights.items() if t in said) / total,
        rare=sum(weights[t] for t in rare) / total,
        common=sum(weights[t] for t in common) / total,
        topical=bool(expand(tokenize(headings), stats.acronyms) & set(terms)),
        quantity=quantity_support(question, weights, content, settings.quantity_units, parts),
        settings=settings,
    )
