"""The one "asks for a quantity" detector, used both to answer (a unit with a number scores
higher) and to decline (tutor/offline/figures.py: the notes give no figure for the subject).

"How long are backups kept?", "what's the max object size?" and "which port does SSH use?" ask
for a number; "is it on by default?", "can i limit..." and "what is the default behaviour" do not.
Where the words leave no doubt, they also say the figure's kind ("size": a number of bytes,
"timeout": a time, "cost": money, "throughput": a rate); a unit answers with a number of that kind.
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


# The kind of figure a clause asks for, where its words leave no doubt, and how the notes write a
# figure of that kind. "How long" (a time or a length), "how fast" (a rate or a time), "how many"
# and "which port" name no kind: any number answers them.
_KINDS = {
    "size": (
        re.compile(r"\b(how (big|large)|size|capacity)\b", re.IGNORECASE),
        re.compile(r"\d\s*(bytes?|[kmgtp]i?b)\b", re.IGNORECASE),
    ),
    "duration": (
        re.compile(r"\b(ttl|timeout|retention|duration|expir\w*|delay|cooldown)\b", re.IGNORECASE),
        re.compile(
            r"\d\s*(ms|milli\w*|s|secs?|seconds?|mins?|minutes?|hours?|hrs?|days?|weeks?|months?"
            r"|years?)\b",
            re.IGNORECASE,
        ),
    ),
    "rate": (
        re.compile(r"\b(throughput|requests per second)\b", re.IGNORECASE),
        re.compile(r"(/s\b|/sec\b|per second|a second|\biops\b)", re.IGNORECASE),
    ),
    "money": (
        re.compile(r"\b(cost|price)\b", re.IGNORECASE),
        re.compile(r"(\$|\busd\b|dollars?|cents?|\bfree\b)", re.IGNORECASE),
    ),
}


def asked_kinds(question: str) -> list[str]:
    """The kinds of figure the question's quantity clauses ask for (none: any number will do)."""
    return [
        kind
        for clause in _CLAUSE_BREAK.split(question)
        if _ASKS_QUANTITY.search(clause) and not _YES_NO.match(clause)
        for kind, (asks, _) in _KINDS.items()
        if asks.search(clause)
    ]


def gives_kind(text: str, kinds: list[str]) -> bool:
    """Whether `text` writes a figure of one of `kinds` (any, when there are none)."""
    return not kinds or any(_KINDS[kind][1].search(text) for kind in kinds)
