"""Questions that ask for a figure ("how long are backups kept?", "what's the max object size?").

The notes may cover a subject but not the figure asked about it (CloudFront, but no default TTL),
and every other scope signal then says "covered". A figure question is supported only as well as
the best unit that holds a number names its subject; see tutor/offline/scope.py for the threshold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tutor.lexical import tokenize
from tutor.offline.answer import Scored
from tutor.offline.sentences import ENUMERATOR, NUMBER

# Asking for a number, not merely naming one: "is it on by default?", "can i limit..." and "what
# is the default behaviour" are not.
_ASKS_QUANTITY = re.compile(
    r"\b(how (many|much|long|often|big|large|fast|soon|old)|max(imum)?|min(imum)?"
    r"|what(?:'?s| is| are) the (?:\w+ ){0,2}"
    r"(default|limit|size|price|cost|timeout|port|ttl|retention)s?"
    r"(?!\s+(?!(?:for|of|in|on|if|when|per|value|ttl|timeout|size|limit|period|port)\b)[a-z])"
    r"|default (?:\w+ )?(value|ttl|timeout|size|limit|period|port)|number of|(what|which) port"
    r"|what percent(age)?"
    r"|per (hour|month|second|minute|gb|day|request))\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[?.!;,:]|\s[-–]\s")
# A clause opening like this asks yes or no ("is there a cap on how long i can keep it?").
_YES_NO = re.compile(
    r"^\W*(?:(?:so|but|and|also|ok|okay|hey|yo|hi)\W+)*"
    r"(is|are|am|was|were|can|could|does|do|did|should|will|would|has|have)\b",
    re.IGNORECASE,
)
_QUANTITY_WORDS = frozenset(
    tokenize(
        "many much long often big large fast soon old max maximum min minimum default limit size "
        "number value price cost timeout port per hour month second minute gb day request"
    )
)


def asks_quantity(question: str) -> bool:
    """ "How long are backups kept?" asks for a number; "can i control how many..." does not."""
    return any(
        _ASKS_QUANTITY.search(clause) and not _YES_NO.match(clause)
        for clause in _CLAUSE_BREAK.split(question)
    )


def quantity_support(
    question: str, weights: dict[str, float], content: Sequence[Scored], units: int
) -> float | None:
    """For a question asking for a figure: the IDF share of its subject terms (`weights` less
    "long", "max"...) named by the best of the top `units` of `content` that holds a number, other
    than one the question names itself; None for other questions."""
    if not asks_quantity(question):
        return None
    subject = {t: w for t, w in weights.items() if t not in _QUANTITY_WORDS}
    total = sum(subject.values()) or 1.0
    named = set(NUMBER.findall(question))  # "route 53": part of the subject, not the figure
    numbered = [
        sum(w for t, w in subject.items() if t in s.weights) / total
        for s in content[:units]
        if set(NUMBER.findall(ENUMERATOR.sub("", s.unit.text))) - named
    ]
    return max(numbered, default=0.0)
