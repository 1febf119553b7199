"""Typos, forgiven by word length: one edit from `one_edit_chars` letters, two from `two_edits_chars`
(transpositions count one), never a changed first letter and never a word inside another
("encrypted" inside "unencrypted" is no typo). Grading (tutor/checking.py) reads a learner's
answer with it; the offline engine reads a question's words the notes do not use with it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

_WORD = re.compile(r"[A-Za-z]+")


def close(a: str, b: str, one_edit_chars: int, two_edits_chars: int) -> bool:
    """The same word, allowing a typo scaled by length."""
    if a == b:
        return True
    shortest = min(len(a), len(b))
    allowed = 2 if shortest >= two_edits_chars else int(shortest >= one_edit_chars)
    if not allowed or a[0] != b[0] or a.isdigit() or b.isdigit():
        return False
    if a.endswith(b) or b.endswith(a):
        return False
    return edits(a, b, allowed) <= allowed


def edits(a: str, b: str, limit: int) -> int:
    """Levenshtein distance (transpositions count one), giving up past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    before: list[int] = []
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        before, previous = previous, current
    return previous[-1]


_HYPHENATED = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)+")


@dataclass(frozen=True)
class Lexicon:
    """Words by how often the notes use them, and by first letter (a typo keeps it)."""

    counts: Counter[str]
    by_initial: dict[str, list[str]]
    # a word the notes hyphenate, written without the hyphen -> as the notes write it
    # ("presigned" -> "pre-signed"), unless the notes also write it whole
    joined: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, counts: Counter[str], texts: Iterable[str] = ()) -> Lexicon:
        by_initial: dict[str, list[str]] = {}
        for w in counts:
            by_initial.setdefault(w[0], []).append(w)
        hyphenated = Counter(m.lower() for t in texts for m in _HYPHENATED.findall(t))
        joined: dict[str, str] = {}
        for form, _ in hyphenated.most_common():
            whole = form.replace("-", "")
            if whole not in counts:
                joined.setdefault(whole, form)
        return cls(counts, by_initial, joined)


def correct_typos(
    text: str,
    lexicon: Lexicon,
    known: Callable[[str], bool],
    one_edit_chars: int,
    two_edits_chars: int,
) -> str:
    """`text` with each word that is not `known` replaced by the word of `lexicon` (the notes'
    words) it is a typo of, the most used one ("cloudfornt" -> "cloudfront", "lamda" ->
    "lambda"), or the word the notes hyphenate ("presigned" -> "pre-signed"); a word with no
    such neighbour is left as written."""
    counts = lexicon.counts

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        if len(lower) < one_edit_chars or lower in counts or known(lower):
            return word
        if lower in lexicon.joined:
            return lexicon.joined[lower]
        near = [
            w
            for w in lexicon.by_initial.get(lower[0], ())
            if abs(len(w) - len(lower)) <= 2 and close(lower, w, one_edit_chars, two_edits_chars)
        ]
        return max(near, key=lambda w: (counts[w], w)) if near else word

    return _WORD.sub(fix, text)
