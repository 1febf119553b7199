"""Multiple choice offline: the choice the notes settle, or none.

Each choice is scored by its best supporting unit among the passages retrieved for the question
with that choice (`score_units` on "question + choice") plus how much of the choice's own terms
that unit names. A question that asks for the exception ("Which ... is NOT ...", "all of these
EXCEPT") turns support round: the answer is the choice the notes rule out, so it is read by one
rule of its own (`_exception`), never by taking the best-supported choice. A question that asks
for a position in an order the notes number (first, last, second, right after X in a credentials
provider chain or a list of steps) is read from that list (`_in_order`). docs/engine.md, step 7.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tutor.config import OfflineSettings
from tutor.embeddings import Embedder
from tutor.lexical import tokenize
from tutor.offline.answer import (
    NoteStats,
    Scored,
    content_terms,
    passage_units,
    question_terms,
    score_units,
    unfamiliar_terms,
)
from tutor.offline.sentences import Unit
from tutor.types import Passage

_NOT = r"not|cannot|can'?t|isn'?t|aren'?t|doesn'?t|don'?t|won'?t|wouldn'?t"
_AUX = r"is|are|was|were|can|could|does|do|did|will|would|should|must|has|have|may|might"
_WORDS = r"(?:\s+(?!(?:if|when|unless|because)\b)[^\s,.?;:]+){0,12}?"  # no comma, no clause
# The option asked for is the one that is not so: "which/what" then its verb negated ("Which of
# these can NOT ...", "Which volume type cannot ...", "Which statement is false?"), a negated verb
# then "which" ("SNI does not work with which of these?"), or "... EXCEPT". A "not" in a clause
# of its own asks for no exception ("what happens if I do not ...?").
_ASKS_EXCEPTION = re.compile(
    rf"\b(?:which|what)\b{_WORDS}\s+(?:(?:{_AUX})\s+)?(?:{_NOT})\b"
    rf"|\b(?:which|what)\b{_WORDS}\s+(?:{_AUX})\s+(?:false|incorrect|untrue)\b"
    rf"|\b(?:{_NOT})\b{_WORDS}\s+(?:which|what)\b"
    r"|\bexcept\b",
    re.IGNORECASE,
)
_ASKS_FIRST = re.compile(r"\b(?:first|earliest|highest (?:precedence|priority))\b", re.IGNORECASE)
_ASKS_LAST = re.compile(r"\b(?:last|lowest (?:precedence|priority))\b", re.IGNORECASE)
_ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
_ASKS_ORDINAL = re.compile(  # not "per second", "a second"
    rf"(?<!per )(?<!a )(?<!each )(?<!every )\b({'|'.join(_ORDINALS)})\b", re.IGNORECASE
)
# "after the profiles file", "just before X", "which step follows X": X, up to the end
_RELATIVE = re.compile(
    r"\b(before|after|follows|following|precedes|preceding)\s+(.+?)\s*[?.!]*$", re.IGNORECASE
)
_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s")
_STATES_NEGATION = re.compile(rf"\b(?:{_NOT}|never|no)\b", re.IGNORECASE)
# A choice about the other choices ("All ELB types support SNI", "None of these"): true or false
# only through them, so never the exception by elimination.
_ABOUT_OTHERS = re.compile(r"^(?:all|none|both|neither)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Settled:
    index: int  # the choice
    support: list[Scored]  # the units that settle it, from the passages of `source`
    source: int  # the choice whose passages hold them: its own, or another's for an exception


@dataclass(frozen=True)
class _Support:
    score: float  # the best unit's score for "question + choice", plus its own-term share
    unit: Scored | None
    says_choice: float  # the share of the choice's own content terms the unit names
    on_subject: float  # the share of the question's terms in the unit and its headings
    unknown: bool  # the choice names something the notes never mention
    own: dict[str, float]  # the choice's own content terms (not shared by all choices), IDF
    listed: NumberedList | None = None  # the numbered list of the notes the unit is an item of


@dataclass(frozen=True)
class NumberedList:
    where: str  # its chunk and heading
    items: tuple[tuple[int, frozenset[str]], ...]  # (number, terms) of each item, in order


def asks_exception(question: str) -> bool:
    """The asking sentence wants the option that is not so: "Which ... can NOT ...", "... EXCEPT"."""
    asking = re.split(r"(?<=[.!?])\s+", question.strip().replace("’", "'"))[-1]
    return bool(_ASKS_EXCEPTION.search(asking))


def choose(
    question: str,
    choices: Sequence[str],
    evidence: Sequence[Sequence[Passage]],
    embedder: Embedder,
    stats: NoteStats,
    settings: OfflineSettings,
) -> Settled | None:
    """The choice the notes settle, or None when they do not.

    evidence[i] holds the passages retrieved for the question together with choice i. The best
    choice is taken only when the notes settle it: it leads the next by mcq_margin, its unit says
    the choice (names mcq_choice_cover of its own content terms) about the question's subject (its
    text and headings name mcq_question_cover of the question's), and no choice names something
    the notes never mention, which they could not rule out.
    """
    if len(choices) < 2:
        return None
    supports = _supports(question, choices, evidence, embedder, stats, settings)
    if asks_exception(question):
        return _exception(choices, supports, settings)
    ordered = _in_order(question, supports, stats, settings)
    if ordered is not None:
        return ordered
    if any(s.unknown for s in supports):
        return None
    order = np.argsort([s.score for s in supports])[::-1]
    best = int(order[0])
    lead = supports[best].score - supports[int(order[1])].score
    unit = supports[best].unit
    if lead < settings.mcq_margin or unit is None or not _settles(supports[best], settings):
        return None
    return Settled(best, [unit], best)


def _exception(
    choices: Sequence[str], supports: list[_Support], settings: OfflineSettings
) -> Settled | None:
    """The one choice the notes rule out: the one whose settling unit says it is not so ("You
    can't attach health checks to simple routing") while the choice says no "not" itself; else,
    when every other choice is settled by the notes, the one that is not (a list it is missing
    from). Otherwise none."""
    settled = {
        n: s.unit for n, s in enumerate(supports) if s.unit is not None and _settles(s, settings)
    }
    negated = [  # the unit says "not" of a choice that does not: it contradicts the choice
        n
        for n, unit in settled.items()
        if _STATES_NEGATION.search(_plain(unit)) and not _STATES_NEGATION.search(choices[n])
    ]
    if len(negated) == 1:
        return Settled(negated[0], [settled[negated[0]]], negated[0])
    if negated or len(settled) != len(supports) - 1:
        return None
    odd = next(n for n in range(len(supports)) if n not in settled)
    if _ABOUT_OTHERS.match(choices[odd].strip()):
        return None
    # cited: what the notes do say, from the unit most about the question's subject
    nearest = max(settled, key=lambda n: (supports[n].on_subject, supports[n].score))
    return Settled(odd, [settled[nearest]], nearest)


def _in_order(
    question: str, supports: list[_Support], stats: NoteStats, settings: OfflineSettings
) -> Settled | None:
    """ "Where does the CLI look first for credentials?": read the numbered list of the notes that
    most settled choices are items of (at least two), find the number the question asks for
    (`_wanted`), and take the one choice its item names (as a unit says a choice: mcq_choice_cover
    of the choice's own terms). None when the question asks for no position or no choice is there.
    """
    lists = Counter(s.listed for s in supports if s.listed is not None and _settles(s, settings))
    if not lists or lists.most_common(1)[0][1] < 2:
        return None
    order = lists.most_common(1)[0][0]
    wanted = _wanted(question, order, stats, settings)
    if wanted is None:
        return None
    there = [n for n, s in enumerate(supports) if _item_of(s.own, order, settings) == wanted]
    unit = supports[there[0]].unit if len(there) == 1 else None
    return None if unit is None else Settled(there[0], [unit], there[0])


def _item_of(terms: dict[str, float], order: NumberedList, settings: OfflineSettings) -> int | None:
    """The number of the one item of `order` that names most of `terms` (at least
    mcq_choice_cover of their weight); None when none does or two tie."""
    shares = [_share(terms, item) if terms else 0.0 for _, item in order.items]
    best = max(shares, default=0.0)
    if best < settings.mcq_choice_cover or shares.count(best) != 1:
        return None
    return order.items[shares.index(best)][0]


def _wanted(
    question: str, order: NumberedList, stats: NoteStats, settings: OfflineSettings
) -> int | None:
    """The number in `order` the question asks for: the item next to the one it names ("after the
    profiles file", "just before X"), the first, the last, or the n-th ("second": number 2)."""
    relative = _RELATIVE.search(question)
    if relative:
        anchor = _item_of({t: stats.idf(t) for t in content_terms(relative[2])}, order, settings)
        if anchor is None:
            return None
        step = -1 if relative[1].lower() in ("before", "precedes", "preceding") else 1
        k = [number for number, _ in order.items].index(anchor) + step
        return order.items[k][0] if 0 <= k < len(order.items) else None
    asked = [
        number
        for found, number in (
            (_ASKS_FIRST.search(question), order.items[0][0]),
            (_ASKS_LAST.search(question), order.items[-1][0]),
        )
        if found
    ] + [_ORDINALS[m.lower()] for m in _ASKS_ORDINAL.findall(question)]
    return asked[0] if len(asked) == 1 else None


def _plain(unit: Scored) -> str:
    return unit.unit.render(True).replace("’", "'")


def _settles(support: _Support, settings: OfflineSettings) -> bool:
    return (
        not support.unknown
        and support.says_choice >= settings.mcq_choice_cover
        and support.on_subject >= settings.mcq_question_cover
    )


def _supports(
    question: str,
    choices: Sequence[str],
    evidence: Sequence[Sequence[Passage]],
    embedder: Embedder,
    stats: NoteStats,
    settings: OfflineSettings,
) -> list[_Support]:
    shared = set.intersection(*(set(question_terms(c)) for c in choices))
    asked = {t: stats.idf(t) for t in content_terms(question)}
    found = []
    for choice, passages in zip(choices, evidence):
        distinct = {t: stats.idf(t) for t in question_terms(choice) if t not in shared}
        best_value, best_item = 0.0, None
        scored = score_units(f"{question} {choice}", passages, embedder, stats, settings)
        for item in scored[: settings.mcq_units]:
            own_hit = _share(distinct, set(tokenize(item.unit.render(True)))) if distinct else 0.0
            value = (
                item.score
                + settings.mcq_own_weight * own_hit
                - settings.mcq_miss_penalty * (not own_hit and bool(distinct))
            )
            if value > best_value:
                best_value, best_item = value, item
        says_choice = on_subject = 0.0
        listed = None
        own_content = {t: stats.idf(t) for t in content_terms(choice) if t not in shared}
        if best_item is not None:
            prepared = passage_units(passages[best_item.passage_n - 1], embedder, stats)
            position = prepared.units.index(best_item.unit)
            says_choice = _share(own_content, set(tokenize(best_item.unit.render(True))))
            headed = prepared.terms[position] | prepared.section_terms[position]
            on_subject = _share(asked, headed)
            listed = _list_item(best_item.unit, prepared.units, passages[best_item.passage_n - 1])
        unknown = bool(unfamiliar_terms(choice, stats)[0])
        found.append(
            _Support(best_value, best_item, says_choice, on_subject, unknown, own_content, listed)
        )
    return found


def _list_item(unit: Unit, units: Sequence[Unit], passage: Passage) -> NumberedList | None:
    """The numbered list ("1. Command line options", "2. ...") `unit` is an item of, if any."""
    if not _NUMBERED.match(unit.text):
        return None
    items = tuple(
        (int(m[1]), frozenset(tokenize(u.render(True))))
        for u in units
        if u.heading == unit.heading and (m := _NUMBERED.match(u.text))
    )
    return NumberedList(f"{passage.chunk_id} {unit.heading}", tuple(sorted(items)))


def _share(weights: dict[str, float], present: frozenset[str] | set[str]) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in present) / total if total else 1.0
