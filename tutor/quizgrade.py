"""Grading a quiz answer offline: choice parsing, fill-in matching, key terms + embeddings.

The LLM rubric grader lives in tutor/quiz.py (it needs the prompt and the model); everything here
is deterministic and cheap, and is also the fallback when the model fails.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

from tutor.embeddings import Embedder
from tutor.errors import InvalidInput
from tutor.lexical import tokenize
from tutor.quizbank import name_key

LETTERS = string.ascii_uppercase
# Open answers: similarity below FLOOR is unrelated, above CEIL is a paraphrase (MiniLM cosine).
SIM_FLOOR, SIM_CEIL = 0.25, 0.75
PASS_SCORE = 0.5
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
    """A multiple-response answer -> the 0-based indexes chosen.

    ["A", "C"], "A, C", "A C", "AC", "1, 3", or the text of one choice (then a single index).
    """
    if isinstance(answer, list):
        return {choice_index(str(part), choices) for part in answer if str(part).strip()}
    text = answer.strip()
    wanted = _norm(text)
    for i, choice in enumerate(choices):
        if _norm(choice) == wanted:
            return {i}
    parts = [p for p in re.split(r"[\s,;/&+]+|\band\b", text) if p]
    if len(parts) == 1 and parts[0].isalpha() and len(parts[0]) <= len(choices):
        parts = list(parts[0])  # "AC"
    if not parts:
        raise InvalidInput("The answer is empty: choose one or more letters, e.g. A, C.")
    return {choice_index(part, choices) for part in parts}


def mark_fill(answer: str, expected: str) -> Marked:
    """A short answer: numbers by value, names by their words ("KMS" for "AWS KMS"), typos forgiven."""
    got, want = _number(answer), _number(expected)
    if want is not None:
        ok = got == want
        return Marked(ok, 1.0 if ok else 0.0)
    if _norm(answer) == _norm(expected):
        return Marked(True, 1.0)
    got_key, want_key = name_key(answer), name_key(expected)
    if want_key and want_key <= got_key and len(got_key - want_key) <= 2:
        return Marked(True, 1.0 if got_key == want_key else 0.9)  # "KMS" for "AWS KMS"
    ratio = SequenceMatcher(None, _norm(answer), _norm(expected)).ratio()
    ok = ratio >= 0.85
    return Marked(ok, round(ratio, 3) if ok else round(ratio * 0.5, 3))


def mark_open(answer: str, reference: str, key_terms: list[str], embedder: Embedder) -> Marked:
    """Half key-term coverage, half embedding similarity to the reference answer."""
    said = set(tokenize(answer))
    found = tuple(t for t in key_terms if set(tokenize(t)) & said)
    missing = tuple(t for t in key_terms if t not in found)
    coverage = len(found) / len(key_terms) if key_terms else 0.0
    vectors = embedder.embed_batch([answer, reference])
    similarity = float(np.dot(vectors[0], vectors[1]))
    closeness = min(1.0, max(0.0, (similarity - SIM_FLOOR) / (SIM_CEIL - SIM_FLOOR)))
    score = round(0.5 * coverage + 0.5 * closeness if key_terms else closeness, 3)
    return Marked(score >= PASS_SCORE, score, found, missing)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s%]", " ", text.lower()).split())


def _number(text: str) -> float | None:
    m = re.fullmatch(r"\s*(\d[\d,]*(?:\.\d+)?)\s*[a-zA-Z%]*\s*", text)
    return float(m[1].replace(",", "")) if m else None
