"""Do the notes cover a question? One support figure from three signals, and a threshold.

- best: how well the best unit matches the question's content terms (meaning and IDF-weighted
  terms, as answers are scored, but without function words: "my", "what" and "do" are rare in
  notes, so their IDF is high and they would outweigh the subject).
- answered: the IDF share of those terms that the units picked for the answer contain. A question
  about SQS visibility timeouts retrieves the one line that names SQS, but no "visibility".
- unknown: the IDF share of those terms the notes never use ("Kinesis", "BigQuery").

support = best + W_ANSWERED * answered - W_UNKNOWN * unknown. The weights and the threshold come
from a logistic regression on evals/data/dev.jsonl only (35 out-of-scope and 115 open questions),
rounded; see docs/engine.md.

A question none of whose content terms is in the headings over the answer's units ("how long can
a lambda function run?": the notes name Lambda only inside a section on S3 events) is about
something the notes mention in passing; it needs much stronger support (MIN_UNTOPICAL_SUPPORT, set
in the wide gap on dev between such out-of-scope questions, 0.74 at most, and in-scope ones like
"gp2 vs gp3 - what changed?", 1.16 at least).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tutor.acronyms import expand
from tutor.answer import NoteStats, Scored, content_terms, score_units
from tutor.embeddings import Embedder
from tutor.lexical import tokenize
from tutor.types import Passage

W_ANSWERED = 0.75
W_UNKNOWN = 0.45
MIN_SUPPORT = 0.57  # below it the tutor declines
MIN_UNTOPICAL_SUPPORT = 1.0  # the same, when no question term is in the answer's headings


@dataclass(frozen=True)
class Support:
    best: float
    answered: float
    unknown: float
    topical: bool = True  # a content term is in the headings over the answer's units

    @property
    def value(self) -> float:
        return self.best + W_ANSWERED * self.answered - W_UNKNOWN * self.unknown

    @property
    def covered(self) -> bool:
        return self.value >= (MIN_SUPPORT if self.topical else MIN_UNTOPICAL_SUPPORT)


def support(question: str, passages: Sequence[Passage], chosen: Sequence[Scored],
            embedder: Embedder, stats: NoteStats, *,
            query_vector: np.ndarray | None = None) -> Support:
    """How well the notes support `question`, given the units `chosen` for its answer."""
    terms = content_terms(question)
    weights = {t: stats.idf(t) for t in terms}
    total = sum(weights.values()) or 1.0
    content = score_units(question, passages, embedder, stats, query_vector=query_vector,
                          terms=terms)
    headings = " ".join(f"{passages[c.passage_n - 1].section} {c.unit.heading}" for c in chosen)
    said = expand(tokenize(" ".join(f"{c.unit.heading} {c.unit.render(True)}" for c in chosen)),
                  stats.acronyms)
    return Support(
        best=content[0].score if content else 0.0,
        answered=sum(w for t, w in weights.items() if t in said) / total,
        unknown=sum(w for t, w in weights.items() if not stats.df.get(t)) / total,
        topical=bool(expand(tokenize(headings), stats.acronyms) & set(terms)),
    )
