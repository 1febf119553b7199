"""A question's parts: its clauses ("what is X, and how much does it cost?") and the sides of a
comparison ("X vs Y"), each to be answered from its own best passage.

A clause that names no topic of the notes ("and how much does it cost?") takes the subject of
the part before it, as a follow-up takes the subject of the turn before it; the shorter side of a
comparison borrows the words the sides share ("vertical vs horizontal scaling"). Parts with no
term the notes use ("i always mix them up") are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence

from tutor.offline.answer import content_terms
from tutor.offline.quantity import QUANTITY_TERMS
from tutor.sessions import Turn

# A new clause starts after "?", ";" or "also", or at ", and"/"and" before a question word. The
# question words are English's closed class of interrogatives and auxiliaries that open a question.
_QUESTION_WORD = (
    r"(?:what|what's|whats|how|which|when|where|why|who|whose|is|are|was|were|can|could|do|does|"
    r"did|should|will|would|any|also)\b"
)
_CLAUSE = re.compile(
    rf"\?+\s*|;\s*|\s+also\s+|,?\s+and\s+(?={_QUESTION_WORD})|,\s+(?={_QUESTION_WORD})",
    re.IGNORECASE,
)
# A clause runs up to the next boundary, and keeps a "?" that ends it.
_CLAUSE_TEXT = re.compile(rf"(?:(?!{_CLAUSE.pattern}).)+?(?:{_CLAUSE.pattern}|$)", re.IGNORECASE)
_TRAILING_JOIN = re.compile(r"(?:,?\s+(?:and|also))+\s*$", re.IGNORECASE)
_OPENS_QUESTION = re.compile(rf"^\W*(?:(?:and|also|but|so)\s+)?{_QUESTION_WORD}", re.IGNORECASE)
_VERSUS = re.compile(r"\s+(?:vs\.?|versus|v\.?|compared (?:to|with))\s+", re.IGNORECASE)
_BETWEEN = re.compile(r"\bdifference between\s+(.+?)\s+and\s+(.+)$", re.IGNORECASE)
_SIDE_END = re.compile(r"\s+[-–—:,(]\s*|\s+(?=" + _QUESTION_WORD + ")", re.IGNORECASE)

# A message that leans on the previous one: a pronoun, or an opener like "and ...", "what about",
# "any ...?" ("any downsides?").
_FOLLOW_UP = re.compile(
    r"^\s*(and|but|also|so|then|what about|how about|any)\b|"
    r"\b(it|its|it's|they|them|their|this|that|these|those|one)\b",
    re.IGNORECASE,
)
_SUBJECT_WORDS = 10


def _sides(clause: str) -> list[str]:
    """The two sides of a comparison clause, each with the words they share ("redis cluster mode
    disabled vs enabled" -> "redis cluster mode disabled", "redis cluster mode enabled")."""
    between = _BETWEEN.search(clause)
    if between:
        left, right = between.group(1), between.group(2)
    else:
        halves = _VERSUS.split(clause, maxsplit=1)
        if len(halves) != 2:
            return [clause]
        left, right = halves
    left_words = left.split()
    right_words = _SIDE_END.split(right, maxsplit=1)[0].split()
    if len(right_words) == 1 and len(left_words) > 1:  # "X mode disabled vs enabled"
        right_words = left_words[:-1] + right_words
    elif len(left_words) == 1 and len(right_words) > 1:  # "vertical vs horizontal scaling"
        left_words = left_words + right_words[1:]
    return [" ".join(left_words), " ".join(right_words)]


def split_question(
    question: str, *, topics: frozenset[str], vocabulary: Container[str], max_parts: int
) -> list[str]:
    """The question's parts in its own order; [question] when it asks one thing.

    A clause is a part when it is asked (it ends in "?" or opens with a question word); the rest
    ("struggling to keep them straight") is context. `topics`: the terms of the notes' topic
    names; `vocabulary`: every term the notes use; `max_parts`: the most parts kept.
    """
    parts: list[str] = []
    for clause, asked in _clauses(question):
        sides = _sides(clause)
        if len(sides) == 1 and not asked:
            continue
        for side in sides:
            terms = content_terms(side)
            if not any(t in vocabulary for t in terms):
                continue
            refers = _FOLLOW_UP.search(side) or not any(t in topics for t in terms)
            if parts and len(sides) == 1 and refers:
                side = f"{subject_of(parts[-1])} {side}"
            parts.append(side)
    if len(parts) < 2:
        return [question]
    return parts[:max_parts]


def compares(question: str) -> bool:
    """ "X vs Y", "difference between X and Y": its sides are often answered side by side in one
    passage (a comparison table), so a side counts as answered when the answer names it."""
    return bool(_VERSUS.search(question) or _BETWEEN.search(question))


def _clauses(question: str) -> list[tuple[str, bool]]:
    """(clause, whether it is asked) in the question's order."""
    found = []
    for match in _CLAUSE_TEXT.finditer(question):
        clause = match.group(0)
        asked = clause.rstrip().endswith("?") or bool(_OPENS_QUESTION.match(clause))
        clause = _TRAILING_JOIN.sub("", _CLAUSE.sub(" ", clause)).strip(" ,.-?")
        if clause:
            found.append((clause, asked))
    return found


def subject_of(question: str) -> str:
    """The content words of a question ("how long does RDS keep backups" -> "RDS keep backups")."""
    words = [
        w for w in re.findall(r"[\w\-\.:/]+", question) if set(content_terms(w)) - QUANTITY_TERMS
    ]
    return " ".join(words[:_SUBJECT_WORDS])


# "the"/"that" and the (up to two) words after it: "the function", "the two modes".
_DEFINITE = re.compile(r"\b(?:the|that|this|those|these)\s+((?:[\w\-]+\s+)?[\w\-]+)", re.IGNORECASE)
_CITATION = re.compile(r"\[\d+\]")


def _points_back(question: str, history: Sequence[Turn]) -> bool:
    """The question names, with "the"/"that", a thing the previous turn named: in its question
    ("the function" after a question on a Lambda function) or in the tutor's answer ("the two
    modes" after an answer on S3 Object Lock's two modes)."""
    last = history[-1]
    earlier = set(content_terms(f"{last.question} {_CITATION.sub(' ', last.answer)}"))
    return any(set(content_terms(words)) & earlier for words in _DEFINITE.findall(question))


# "the second one", "the other 1", "the latter": one of two things compared earlier.
_ORDINAL = re.compile(
    r"\b(?:(first|second|other)\s+(?:one|1)|the\s+(former|latter))\b", re.IGNORECASE
)
_OR = re.compile(r"\s+or\s+", re.IGNORECASE)


def _options(question: str) -> list[str]:
    """The two things a question sets side by side ("X vs Y", "difference between X and Y",
    "X or Y?"), or []."""
    question = question.strip(" ?.!")
    sides = _sides(question)
    if len(sides) == 2:
        return sides
    halves = _OR.split(question)
    return halves if len(halves) == 2 else []


def _ordinal_subject(question: str, history: Sequence[Turn]) -> str | None:
    """The side an ordinal reference picks ("the second one" after "site to site vpn or direct
    connect?": direct connect), from the latest turn that compared two things. "The other one"
    is the side the last turn did not name."""
    found = _ORDINAL.search(question)
    if not found:
        return None
    word = (found.group(1) or found.group(2)).lower()
    named = set(content_terms(history[-1].question))
    for turn in reversed(history):
        sides = _options(turn.standalone)
        if not sides:
            continue
        if word == "other":
            others = [s for s in sides if not set(content_terms(s)) <= named]
            return others[-1] if len(others) == 1 else None
        return sides[0] if word in ("first", "former") else sides[1]
    return None


def readings(question: str, history: Sequence[Turn], short_terms: int = 2) -> list[str]:
    """How the question may be read in its conversation, the likelier first.

    A question that refers to an earlier subject ("it", "that one", "and for X?", "the function"
    after a question on a Lambda function) or names none ("why?", "whats the limit") is read with
    the previous turn's subject in front; one of more than `short_terms` content terms on its own. A
    short one that does neither ("whats a dedicated host", "are the values encrypted?") may be a
    new question or a follow-up: both readings, for the engine to weigh against the notes.
    """
    if not history:
        return [question]
    side = _ordinal_subject(question, history)
    if side is not None:
        return [f"{subject_of(side)} {question}".strip()]
    with_subject = f"{subject_of(history[-1].standalone)} {question}".strip()
    terms = content_terms(question)
    if (
        _FOLLOW_UP.search(question)
        or not set(terms) - QUANTITY_TERMS
        or _points_back(question, history)
    ):
        return [with_subject]
    if len(terms) > short_terms:
        return [question]
    return [question, with_subject]
