"""Grading a quiz answer offline: choices and fill-ins, decided exactly (lenient for form).

Open answers are decided by tutor/checking.py (a verdict only on clear evidence); the LLM rubric
grader lives in tutor/quizllm.py. Everything here is deterministic and cheap.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from difflib import SequenceMatcher

from tutor.checking import close, content, fold, words
from tutor.config import GradingSettings
from tutor.errors import InvalidInput
from tutor.quizbank import name_key

LETTERS = string.ascii_uppercase
_CHOICE = re.compile(r"^\(?([A-Za-z]|\d{1,2})[).:]?$")


@dataclass(frozen=True)
class Marked:
    correct: bool
    score: float
    found: tuple[str, ...] = ()  # key terms the answer used
    missing: tuple[str, ...] = ()


def choice_index(answer: str, choices: list[str]) -> int:
    """ "B"/"b"/"(b)", "2" (1-based, as shown) or the choice's text -> 0-based index.

    The text of a choice wins: with choices 21, 22, 80, 443, the answer "22" means port 22.
    """
    text = answer.strip()
    wanted = _norm(text)
    for i, choice in enumerate(choices):
        if _norm(choice) == wanted:
            return i
    m = _CHOICE.match(text)
    if m:
        token = m[1]
        index = int(token) - 1 if token.isdigit() else LETTERS.index(token.upper())
        if 0 <= index < len(choices):
            return index
        raise InvalidInput(
            f"Choose {LETTERS[0]}–{LETTERS[len(choices) - 1]} "
            f"or 1–{len(choices)}; {text!r} is not one of the choices."
        )
    raise InvalidInput(
        f"{text!r} is not one of the choices: answer with a letter "
        f"(A–{LETTERS[len(choices) - 1]}), a number or the text of a choice."
    )


def choice_indexes(answer: str | list[str], choices: list[str]) -> set[int]:
    """The options a multiple-response answer picks: ["A", "C"], "A, C", "A C", "AC", "B", or the
    choices' texts joined by "; " (as the reference answer and the last hint give them).

    Each part is read as choice_index() reads one answer (a choice's text wins over a letter).
    """
    if isinstance(answer, str):
        text = answer.strip()
        if any(_norm(c) == _norm(text) for c in choices):
            return {choice_index(text, choices)}
        if ";" in text:  # choice texts, as the reference answer lists them: "X; Y"
            parts = _joined_choices(text, choices) or [
                p.strip() for p in text.split(";") if p.strip()
            ]
        else:
            parts = [p for p in re.split(r"[,\s/&+]+|\band\b", text) if p.strip()]
        if len(parts) == 1 and re.fullmatch(r"[A-Za-z]{2,10}", parts[0]):
            parts = list(parts[0])  # "AC"
    elif isinstance(answer, list) and all(isinstance(a, str) for a in answer):
        parts = [a for a in answer if a.strip()]
    else:
        raise InvalidInput('Answer with option letters, e.g. "A, C" or ["A", "C"].')
    if not parts:
        raise InvalidInput("The answer is empty: choose one or more options.")
    return {choice_index(part, choices) for part in parts}


def _joined_choices(text: str, choices: list[str]) -> list[str] | None:
    """ "X; Y" read as whole choices, so that a choice holding "; " itself ("It is free; you pay
    for ...") stays one part. None when the text is not choices joined by ";"."""
    if not text:
        return []
    for choice in sorted(choices, key=len, reverse=True):  # the longest first: it may hold another
        if _norm(text[: len(choice)]) == _norm(choice):
            rest = text[len(choice) :].lstrip()
            if not rest or rest.startswith(";"):
                tail = _joined_choices(rest.removeprefix(";").lstrip(), choices)
                if tail is not None:
                    return [choice, *tail]
    return None


def mark_fill(answer: str, expected: str, grading: GradingSettings | None = None) -> Marked:
    """A short answer, decided exactly but leniently for form: numbers by value, names by their
    words ("KMS" for "AWS KMS"), case, punctuation, accents, plurals and short typos forgiven."""
    grading = grading or GradingSettings()
    got, want = _number(answer), _number(expected)
    if want is not None:
        ok = got == want
        return Marked(ok, 1.0 if ok else 0.0)
    if _norm(answer) == _norm(expected):
        return Marked(True, 1.0)
    got_key, want_key = name_key(answer), name_key(expected)
    if want_key and want_key <= got_key and len(got_key - want_key) <= 2:
        return Marked(True, 1.0 if got_key == want_key else 0.9)  # "KMS" for "AWS KMS"
    said, wanted = content(words(answer)), content(words(expected))
    same = [a.stem == b.stem or close(a.text, b.text, grading) for a, b in zip(said, wanted)]
    if wanted and len(said) == len(wanted) and all(same):
        return Marked(True, 0.9)  # plurals, accents and typos of a character or two
    ratio = SequenceMatcher(None, _norm(answer), _norm(expected)).ratio()
    return Marked(False, round(ratio * 0.5, 3))


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s%]", " ", fold(text)).split())


def _number(text: str) -> float | None:
    m = re.fullmatch(r"\s*(\d[\d,]*(?:\.\d+)?)\s*[a-zA-Z%]*\s*", text)
    return float(m[1].replace(",", "")) if m else None
