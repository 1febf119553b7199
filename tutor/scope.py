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

support = best + W_ANSWERED * answered - W_RARE * rare - W_COMMON * common. The weights and the
threshold come from a logistic regression on evals/data/dev.jsonl only (65 out-of-scope and 145
open questions), rounded; see docs/engine.md.

A question none of whose content terms is in the headings over the answer's units ("how long can
a lambda function run?": the notes name Lambda only inside a section on S3 events) is about
something the notes mention in passing; it needs much stronger support (MIN_UNTOPICAL_SUPPORT, set
in the wide gap on dev between such out-of-scope questions, 0.80 at most, and in-scope ones like
"st1 vs sc1 when would i pick each?", 1.16 at least).

A question that asks for a quantity ("how long", "what's the max", "how much ... per hour") is
covered only when a unit holding a number also names what the question is about: the notes cover
CloudFront but give no default TTL, and a line with some other number ("TTL values can be set from
0 seconds to 1 year") does not answer it. Set on dev between such questions (0.18 at most) and
in-scope ones (0.20 at least).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tutor.acronyms import expand
from tutor.answer import NoteStats, Scored, content_terms, score_units
from tutor.embeddings import Embedder, common_words
from tutor.lexical import surface_forms, tokenize
from tutor.types import Passage

W_ANSWERED = 0.75
W_RARE = 0.65
W_COMMON = 0.2
MIN_SUPPORT = 0.45  # below it the tutor declines
MIN_UNTOPICAL_SUPPORT = 1.0  # the same, when no question term is in the answer's headings
MIN_QUANTITY_SUPPORT = 0.2  # share of a quantity question's subject its best numbered unit names
QUANTITY_UNITS = 30  # how far down the ranked units a numbered one is looked for

_IDENTIFIER = re.compile(r"[\d.]")  # a digit or a dot: an address, a size, a file name
# Asking for a number, not merely naming one: "is it on by default?", "can i limit..." and "what
# is the default behaviour" are not.
_ASKS_QUANTITY = re.compile(
    r"\b(how (many|much|long|often|big|large|fast|soon|old)|max(imum)?|min(imum)?"
    r"|what(?:'?s| is| are) the (?:\w+ ){0,2}(default|limit|size|price|cost|timeout|port|ttl|retention)s?"
    r"(?!\s+(?!(?:for|of|in|on|if|when|per|value|ttl|timeout|size|limit|period|port)\b)[a-z])"
    r"|default (?:\w+ )?(value|ttl|timeout|size|limit|period|port)|number of|(what|which) port"
    r"|what percent(age)?"
    r"|per (hour|month|second|minute|gb|day|request))\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[?.!;,:]|\s[-–]\s")
# A clause opening like this asks yes or no ("is there a cap on how long i can keep it?").
_YES_NO = re.compile(r"^\W*(?:(?:so|but|and|also|ok|okay|hey|yo|hi)\W+)*"
                     r"(is|are|am|was|were|can|could|does|do|did|should|will|would|has|have)\b",
                     re.IGNORECASE)
_QUANTITY_WORDS = frozenset(tokenize(
    "many much long often big large fast soon old max maximum min minimum default limit size "
    "number value price cost timeout port per hour month second minute gb day request"))
_NUMBER = re.compile(r"(?<![\w.])\d(?:[\d,.]*\d)?")  # "15 minutes", "5TB"; not the digit in S3 or EC2
_ENUMERATOR = re.compile(r"^\s*\d+[.)]\s")  # "2. A new DB is restored..." numbers a step


@dataclass(frozen=True)
class Support:
    best: float
    answered: float
    rare: float = 0.0  # IDF share of terms neither the notes nor everyday English use
    common: float = 0.0  # IDF share of everyday words the notes never use
    topical: bool = True  # a content term is in the headings over the answer's units
    quantity: float | None = None  # for a quantity question: share its best numbered unit names

    @property
    def value(self) -> float:
        return (self.best + W_ANSWERED * self.answered - W_RARE * self.rare
                - W_COMMON * self.common)

    @property
    def on_subject(self) -> bool:
        """The notes cover what the question is about."""
        return self.value >= (MIN_SUPPORT if self.topical else MIN_UNTOPICAL_SUPPORT)

    @property
    def lacks_figure(self) -> bool:
        """The notes cover the subject, but no unit on it gives the number asked for."""
        return (self.on_subject and self.quantity is not None
                and self.quantity < MIN_QUANTITY_SUPPORT)

    @property
    def covered(self) -> bool:
        return self.on_subject and not self.lacks_figure


def asks_quantity(question: str) -> bool:
    """"How long are backups kept?" asks for a number; "can i control how many..." does not."""
    return any(_ASKS_QUANTITY.search(clause) and not _YES_NO.match(clause)
               for clause in _CLAUSE_BREAK.split(question))


def quantity_support(question: str, weights: dict[str, float],
                     content: Sequence[Scored]) -> float | None:
    """For a question asking for a quantity: the IDF share of its subject terms (not "long",
    "max"...) named by the best unit that holds a number; None for other questions."""
    if not asks_quantity(question):
        return None
    subject = {t: w for t, w in weights.items() if t not in _QUANTITY_WORDS}
    total = sum(subject.values()) or 1.0
    named = set(_NUMBER.findall(question))  # "route 53", "s3 one zone": part of the subject
    numbered = [sum(w for t, w in subject.items() if t in s.weights) / total
                for s in content[:QUANTITY_UNITS]
                if set(_NUMBER.findall(_ENUMERATOR.sub("", s.unit.text))) - named]
    return max(numbered, default=0.0)


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
    unknown = [t for t in terms if not stats.df.get(t)]
    forms = surface_forms(question)
    own = [t for t in unknown if any(_IDENTIFIER.search(whole) for _, whole in forms.get(t, ()))]
    everyday = common_words()
    common = [t for t in unknown if t not in own
              and any(word in everyday for word, _ in forms.get(t, ()))]
    rare = [t for t in unknown if t not in own and t not in common]
    return Support(
        best=content[0].score if content else 0.0,
        answered=sum(w for t, w in weights.items() if t in said) / total,
        rare=sum(weights[t] for t in rare) / total,
        common=sum(weights[t] for t in common) / total,
        topical=bool(expand(tokenize(headings), stats.acronyms) & set(terms)),
        quantity=quantity_support(question, weights, content),
    )
