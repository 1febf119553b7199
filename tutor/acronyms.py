"""Acronyms the notes define, so "az" in a question matches "availability zones" in the notes and
"infrequent access" matches "IA".

Found where the notes spell one out: "Availability Zones (AZ)", "AMI – Amazon Machine Image",
"NACL (Network Access Control List)". Only
pairs whose initials spell the acronym count, so nothing is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tutor.lexical import tokenize

_WORD = r"[A-Za-z][\w\-]*"
_DEFINED_AFTER = re.compile(rf"((?:{_WORD}\s+){{1,5}}{_WORD})\s*\(([A-Z][A-Za-z]{{1,7}})\)")
_DEFINED_BEFORE = re.compile(
    rf"\b([A-Z][A-Za-z]{{1,7}})\s*(?:[–=-]\s*|\(\s*)((?:{_WORD}\s*){{1,6}})"
)

Acronyms = dict[str, frozenset[str]]  # acronym term -> the terms of its long form


def _spells(words: list[str], acronym: str) -> bool:
    initials = "".join(w[0] for w in words).lower()
    return initials == acronym.lower() or initials + "s" == acronym.lower()


def find_acronyms(texts: Iterable[str]) -> Acronyms:
    found: Acronyms = {}

    def add(acronym: str, words: list[str]) -> None:
        terms = tokenize(" ".join(words))
        key = tokenize(acronym)
        if len(key) == 1 and len(terms) >= 2 and key[0] not in terms:
            found.setdefault(key[0], frozenset(terms))

    for text in texts:
        for match in _DEFINED_AFTER.finditer(text):
            words = match.group(1).split()
            for k in range(1, len(words) + 1):  # the shortest run of words before "(AZ)"
                if _spells(words[-k:], match.group(2)):
                    add(match.group(2), words[-k:])
                    break
        for match in _DEFINED_BEFORE.finditer(text):
            acronym, words = match.group(1), match.group(2).split()
            if acronym.isupper() and _spells(words[: len(acronym)], acronym):
                add(acronym, words[: len(acronym)])
    return found


def expand(terms: Iterable[str], acronyms: Acronyms) -> frozenset[str]:
    """The terms, plus the long form of each acronym among them, plus each acronym whose long form
    is all among them."""
    terms = frozenset(terms)
    extra = {t for acronym in terms & acronyms.keys() for t in acronyms[acronym]}
    extra |= {acronym for acronym, long in acronyms.items() if long <= terms}
    return terms | extra
