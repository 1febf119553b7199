"""The one "asks for a quantity" detector, used both to answer (a unit with a number scores
higher) and to decline (tutor/offline/figures.py: the notes give no figure for the subject).

"How long are backups kept?", "what's the max object size?" and "which port does SSH use?" ask
for a number; "is it on by default?", "can i limit..." and "what is the default behaviour" do not.
"""

from __future__ import annotations

import re

from tutor.lexical import tokenize

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
# The words of the detector itself: they say a number is wanted, not what it is about.
QUANTITY_TERMS = frozenset(
    tokenize(
        "many much long often big large fast soon old max maximum min minimum default limit size "
        "number value price cost timeout port per hour month second minute gb day request percent"
    )
)


def asks_quantity(question: str) -> bool:
    """Whether some clause of the question asks for a number (and does not ask yes or no)."""
    return any(
        _ASKS_QUANTITY.search(clause) and not _YES_NO.match(clause)
        for clause in _CLAUSE_BREAK.split(question)
    )
