"""Open answers graded offline: a verdict only on clear evidence, otherwise "unsure".

One feature function (`features`) reads the answer against the notes' reference answer; one
decision (`decide`) turns the features into a verdict, with its thresholds in
`settings.grading` (tutor/config.py):

    incorrect   nothing said ("", "I don't know"); a different number for the same unit; the
                opposite yes/no; another option from the same list of the notes than the
                reference's (another load balancer, storage class, routing policy)
    correct     every key fact of the reference stated (its content words the question does not
                give, and its numbers), in the reference's order (two things swapped break it),
                with no negation the reference lacks (or the other way round)
    unsure      anything else: the learner sees the reference and its key points and rates

Similarity of embeddings is not used: a sentence and its negation are near neighbours. Words are
compared by Snowball stem, forgiving short typos (never a changed first letter or an added
prefix, so "async" is not "sync" and "unencrypted" is not "encrypted"), with the notes' own
acronyms ("KMS" for "Key Management Service"). Stop words are scikit-learn's English list; the
only hand-written sets are the few below, each documented.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import Stemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from tutor import spelling
from tutor.acronyms import Acronyms, expand
from tutor.config import GradingSettings

Verdict = Literal["correct", "incorrect", "unsure"]

# Cues that turn a statement around; "n't" forms are folded to "dont", "isnt" ... by _words.
NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "cannot",
        "cant",
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "arent",
        "wasnt",
        "werent",
        "wont",
        "shouldnt",
        "couldnt",
        "without",
        "none",
        "neither",
        "nor",
    ]
)
YES = frozenset({"yes", "yeah", "yep", "true"})
NO = frozenset({"no", "nope", "false"})
# Ways of saying "I don't know"; an answer that is only these (and stop words) says nothing.
NO_ANSWER = (
    "i dont know",
    "dont know",
    "do not know",
    "idk",
    "dunno",
    "no idea",
    "not sure",
    "no clue",
    "sorry",
)
# Words that qualify a name without naming it: "AWS KMS" is "KMS".
GENERIC = frozenset({"aws", "amazon"})
# Units a number can be converted in (to seconds, to bytes); other units compare by name.
UNITS: dict[str, tuple[str, float]] = {
    "ms": ("time", 0.001),
    "millisecond": ("time", 0.001),
    "second": ("time", 1),
    "sec": ("time", 1),
    "minut": ("time", 60),
    "min": ("time", 60),
    "hour": ("time", 3600),
    "hr": ("time", 3600),
    "day": ("time", 86400),
    "week": ("time", 604800),
    "month": ("time", 2592000),
    "year": ("time", 31536000),
    "kb": ("size", 1e3),
    "mb": ("size", 1e6),
    "gb": ("size", 1e9),
    "tb": ("size", 1e12),
    "pb": ("size", 1e15),
    "kib": ("size", 1024),
    "mib": ("size", 1024**2),
    "gib": ("size", 1024**3),
    "tib": ("size", 1024**4),
    "kilobyt": ("size", 1e3),
    "megabyt": ("size", 1e6),
    "gigabyt": ("size", 1e9),
    "terabyt": ("size", 1e12),
    "petabyt": ("size", 1e15),
    "%": ("percent", 1),
    "percent": ("percent", 1),
}
# Cardinals a learner spells out ("fifteen replicas"); "a week" and "an hour" are one of the unit.
NUMBER_WORDS = {
    **dict(
        zip(
            [
                "one",
                "two",
                "three",
                "four",
                "five",
                "six",
                "seven",
                "eight",
                "nine",
                "ten",
                "eleven",
                "twelve",
                "thirteen",
                "fourteen",
                "fifteen",
                "sixteen",
                "seventeen",
                "eighteen",
                "nineteen",
                "twenty",
            ],
            range(1, 21),
        )
    ),
    **dict(
        zip(
            ["thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], range(30, 100, 10)
        )
    ),
    "hundred": 100,
    "thousand": 1000,
}
# Amounts a learner gives in words that no figure reads: the wrong-number rule steps aside.
FRACTIONS = frozenset({"quarter", "half", "third", "couple", "few", "several", "dozen"})
_ONE_OF = frozenset({"a", "an"})  # "a week", "an hour", but not "100 calls a second"

_STEMMER = Stemmer.Stemmer("english")
_IDENTIFIER = re.compile(r"\b[a-z0-9]+(?:[-:][a-z0-9]+){2,}\b")  # three parts or more
_THOUSANDS = re.compile(r"\b(\d+(?:\.\d+)?)k\b")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def fold(text: str) -> str:
    """Lower case, accents off, curly quotes straight."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


@dataclass(frozen=True)
class Word:
    text: str  # folded surface form
    stem: str


def words(text: str) -> list[Word]:
    """Every word and number of `text`, in order; "gp2" stays whole, "Standard-IA" splits."""
    out: list[Word] = []
    text = _THOUSANDS.sub(lambda m: str(round(float(m[1]) * 1000)), fold(text))  # "5.5k"
    for raw in re.findall(r"[a-z0-9%]+(?:'[a-z]+)?", text):
        raw = raw.replace("'", "")
        for part in re.findall(r"[a-z]+\d[a-z0-9]*|\d+[a-z]+\d*[a-z0-9]*|[a-z]+|\d+|%", raw):
            glued = re.fullmatch(r"(\d+)([a-z]+)", part)  # "5tb", "5x": a number and its unit
            if glued and (_STEMMER.stemWord(glued[2]) in UNITS or glued[2] == "x"):
                out.append(Word(glued[1], glued[1]))
                part = glued[2]
            out.append(Word(part, _STEMMER.stemWord(part)))
    return out


def content(ws: Iterable[Word]) -> list[Word]:
    return [w for w in ws if w.text not in ENGLISH_STOP_WORDS and w.text not in GENERIC]


def close(a: str, b: str, grading: GradingSettings) -> bool:
    """The same word, allowing a typo scaled by length (first letter kept, no added prefix)."""
    return spelling.close(a, b, grading.typo_one_chars, grading.typo_two_chars)


# -- numbers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    value: float  # in the family's base unit (seconds, bytes) when it has one
    unit: str  # a UNITS family ("time", "size", "percent") or ""
    raw: float = 0.0  # the number as written
    spelled: bool = False  # "one", "three" without a unit: counts when right, never as wrong

    def same(self, other: Quantity) -> bool:
        """The same amount: by value when both have a unit, else by the number written."""
        if self.unit and other.unit:
            return self.unit == other.unit and abs(self.value - other.value) <= 1e-9 * max(
                1.0, abs(self.value)
            )
        return self.raw == other.raw


def quantities(text: str) -> list[Quantity]:
    """Numbers with their unit: "7 days" and "1 week" are one quantity; "gp2", "S3" are names."""
    ws = words(text)
    found: list[Quantity] = []
    for i, w in enumerate(ws):
        if w.text.isdigit() or re.fullmatch(r"\d+(?:\.\d+)?", w.text):
            value = float(w.text)
        elif w.text in NUMBER_WORDS:
            value = float(NUMBER_WORDS[w.text])
        elif w.text in _ONE_OF and i + 1 < len(ws) and _family(ws[i + 1]) and not _rate(ws, i):
            value = 1.0
        else:
            continue
        unit = _unit(ws[i + 1]) if i + 1 < len(ws) else None
        if w.text in NUMBER_WORDS and not (i + 1 < len(ws) and _family(ws[i + 1])):
            found.append(Quantity(value, "", value, spelled=True))
        elif unit is None:
            found.append(Quantity(value, "", value))
        elif unit[0] in ("time", "size", "percent"):
            found.append(Quantity(value * unit[1], unit[0], value))
        else:  # "15 replicas", "3,000 IOPS": compared by the number written
            found.append(Quantity(value, "", value))
    return _merge_thousands(text, found)


def _rate(ws: list[Word], i: int) -> bool:
    """ "100 calls a second": after a figure, "a" means "per"."""
    return any(w.text[:1].isdigit() or w.text in NUMBER_WORDS for w in ws[max(0, i - 3) : i])


def _family(word: Word) -> bool:
    unit = _unit(word)
    return unit is not None and unit[0] in ("time", "size", "percent")


def _unit(word: Word) -> tuple[str, float] | None:
    if word.stem in UNITS or word.text in UNITS:
        return UNITS.get(word.stem) or UNITS[word.text]
    if word.text in ENGLISH_STOP_WORDS or word.text.isdigit() or word.text in NEGATIONS:
        return None
    return (word.stem, 1.0)  # "replicas", "copies", "iops": compared by name


def _merge_thousands(text: str, found: list[Quantity]) -> list[Quantity]:
    """ "3,500 requests" is one number, not 3 and 500."""
    grouped = [n for n in _NUMBER.findall(fold(text)) if "," in n]
    if not grouped:
        return found
    out = list(found)
    for number in grouped:
        parts = [float(p) for p in number.split(",")]
        value = float(number.replace(",", ""))
        for k in range(len(out) - len(parts) + 1):
            if [q.value for q in out[k : k + len(parts) - 1]] == parts[:-1]:
                last = out[k + len(parts) - 1]
                factor = last.value / last.raw if last.raw else 1.0
                out[k : k + len(parts)] = [Quantity(value * factor, last.unit, value)]
                break
    return out


# -- options: names the notes list side by side ------------------------------------------------


_NAME_WORD = r"(?:[A-Z][\w\-/.]*\w|[a-z]+\d\w*|\d+\w*[A-Za-z]\w*)"
_NAME = re.compile(rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}}")
_BULLET = re.compile(r"^\s*(?:[•\-\*–]|\d+\.)\s+")


@dataclass(frozen=True)
class Options:
    """Lists of sibling names from the notes: one line's names, one bullet list's leading names,
    and multi-word names with the same head word ("Weighted / Latency Routing Policy")."""

    lists: tuple[frozenset[frozenset[str]], ...] = ()
    names: frozenset[frozenset[str]] = frozenset()

    def siblings(self, a: frozenset[str], b: frozenset[str]) -> bool:
        """On one list, and of one kind: a figure ("5 TB") is no alternative to a word ("Max")."""
        if _has_figure(a) != _has_figure(b):
            return False
        return any(a in group and b in group for group in self.lists)


def _has_figure(name: frozenset[str]) -> bool:
    """ "5 TB", "3600 seconds": a number and units only ("Route 53" and "gp2" are names)."""
    return any(p.isdigit() for p in name) and all(p.isdigit() or p in UNITS for p in name)


def name_key(name: str) -> frozenset[str]:
    return frozenset(w.stem for w in content(words(name)))


def _names_in_line(line: str) -> list[frozenset[str]]:
    body = _BULLET.sub("", line)
    keys = []
    for match in _NAME.finditer(body):
        name = match.group(0)
        start_of_sentence = match.start() == 0 or body[: match.start()].rstrip().endswith(".")
        plain = name.istitle() and " " not in name and not any(c.isdigit() for c in name)
        if start_of_sentence and plain and not _BULLET.match(line) and len(body.split()) > 5:
            continue  # "Users are people ...": a capital because a sentence starts there
        key = name_key(name)
        if key:
            keys.append(key)
    return keys


def find_options(texts: Iterable[str]) -> Options:
    lists: list[frozenset[frozenset[str]]] = []
    heads: dict[str, set[frozenset[str]]] = {}
    every: set[frozenset[str]] = set()
    for text in texts:
        bullets: list[frozenset[str]] = []
        for line in text.splitlines() + [""]:
            names = _names_in_line(line)
            every.update(names)
            if len(set(names)) >= 2:
                lists.append(frozenset(names))
            if _BULLET.match(line) and names:
                bullets.append(names[0])
                continue
            if len(set(bullets)) >= 2:
                lists.append(frozenset(bullets))
            bullets = []
        for match in _NAME.finditer(text):
            ws = content(words(match.group(0)))
            if len(ws) >= 2:
                heads.setdefault(ws[-1].stem, set()).add(frozenset(w.stem for w in ws))
    lists.extend(frozenset(group) for group in heads.values() if len(group) >= 2)
    return Options(tuple(lists), frozenset(every))


@lru_cache(maxsize=4)
def options_of(texts: tuple[str, ...]) -> Options:
    return find_options(texts)


# -- the features and the decision ----------------------------------------------------------------


@dataclass
class Features:
    said_nothing: bool = False
    wrong_numbers: list[str] = field(default_factory=list)
    opposite_answer: bool = False  # yes for no, or no for yes
    other_options: list[str] = field(default_factory=list)  # named instead of the reference's
    extra_options: bool = False  # named besides the reference's (hedging across the list)
    extra_numbers: bool = False  # the notes' number and another one besides
    negation_flip: bool = False
    key_facts: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    order: float = 1.0

    @property
    def coverage(self) -> float:
        return len(self.found) / len(self.key_facts) if self.key_facts else 0.0


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    score: float
    reason: str
    found: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


class _Said:
    """The words of a text, for asking "is this stem (or a typo of it) there?"."""

    def __init__(self, text: str, acronyms: Acronyms, grading: GradingSettings) -> None:
        self.words = content(words(text))
        self.stems = expand({w.stem for w in self.words}, acronyms)
        self.grading = grading

    def position(self, word: Word) -> int | None:
        for i, w in enumerate(self.words):
            if w.stem == word.stem or close(w.text, word.text, self.grading):
                return i
        return -1 if word.stem in self.stems else None  # said through an acronym

    def has(self, key: frozenset[str]) -> bool:
        return all(
            stem in self.stems or any(close(w.stem, stem, self.grading) for w in self.words)
            for stem in key
        )


def said_nothing(answer: str) -> bool:
    text = " ".join(w.text for w in words(answer))
    for phrase in NO_ANSWER:
        text = re.sub(rf"\b{phrase}\b", " ", text)
    ws = words(text)
    if len(ws) >= 3:  # "nothing can get in but everything can go out": stop words, still an answer
        return False
    return not content(ws) and not any(w.text in NUMBER_WORDS or w.text.isdigit() for w in ws)


def _polarity(text: str) -> str | None:
    """A leading yes or no; "no" only when a comma, stop or the end follows ("no fee" is not)."""
    m = re.match(r"\s*([a-z]+)\b\s*([,.;:!\-–]|$)?", fold(text))
    if m is None:
        return None
    if m[1] in YES:
        return "yes"
    return "no" if m[1] in NO and m[2] is not None else None


def _negations(text: str) -> int:
    ws = words(text)
    if ws and _polarity(text):
        ws = ws[1:]
    return sum(w.text in NEGATIONS for w in ws)


def _mentioned(said: _Said, options: Options) -> set[frozenset[str]]:
    """The notes' options a text names, word for word: a typo of one real word is often another
    ("change" is one letter from "charge"), and naming an option can make an answer wrong."""
    found = {key for key in options.names if key <= said.stems}
    return {k for k in found if not any(k < other for other in found)}


def features(
    answer: str,
    reference: str,
    *,
    question: str = "",
    options: Options = Options(),
    acronyms: Acronyms | None = None,
    grading: GradingSettings | None = None,
) -> Features:
    grading = grading or GradingSettings()
    acronyms = acronyms or {}
    out = Features()
    if said_nothing(answer):
        out.said_nothing = True
        return out
    asked = _Said(question, acronyms, grading)
    said = _Said(answer, acronyms, grading)
    ref = _Said(reference, acronyms, grading)

    # numbers: the reference's (not the question's) must be there; another one for a unit is wrong
    given = quantities(question)
    wanted = [
        q for q in quantities(reference) if not q.spelled and not any(q.same(g) for g in given)
    ]
    stated = [q for q in quantities(answer) if not any(q.same(g) for g in given)]
    # A figure is wrong only when the answer never states the notes' one and reads plainly: with
    # the right one beside it, others are hedging; "a quarter of an hour" is not "1 hour".
    states_right = any(q.same(w) for q in stated for w in wanted)
    approximate = any(w.text in FRACTIONS for w in words(answer))
    for unit in {q.unit for q in stated if not q.spelled}:
        mine = [q for q in stated if q.unit == unit and not q.spelled]
        comparable = [w for w in wanted if w.unit == unit or not unit or not w.unit]
        right = [q for q in mine if any(q.same(w) for w in comparable)]
        if comparable and not right and not states_right and not approximate:
            out.wrong_numbers.extend(_show(q) for q in mine)
        elif comparable and len(right) < len(mine):
            out.extra_numbers = True
    number_facts = [(_show(q), any(q.same(s) for s in stated)) for q in wanted]

    ref_side, ans_side = _polarity(reference), _polarity(answer)
    out.opposite_answer = bool(ref_side and ans_side and ref_side != ans_side)
    out.negation_flip = (_negations(reference) % 2) != (_negations(answer) % 2)

    in_question = _mentioned(asked, options)
    ref_options = _mentioned(ref, options) - in_question
    ans_options = _mentioned(said, options) - in_question
    if ref_options and ans_options and not ref_options & ans_options:
        # Another option instead of the notes' one: its sibling on a list, and none of the words
        # that tell the notes' one apart ("the old classic one (v1)" still names Classic).
        out.other_options = [
            " ".join(sorted(a))
            for a in ans_options
            if not ref.has(a)
            and any(options.siblings(a, r) and not said.has(r) for r in ref_options)
            and not any(said.has(frozenset({w})) for r in ref_options for w in r - a)
        ]
    out.extra_options = bool(ans_options - ref_options - {k for k in ans_options if ref.has(k)})

    # key facts: the reference's content words the question does not give, and its numbers
    facts: list[Word] = []
    units = {w.stem for w in ref.words if _family(w)} if wanted else set()
    for w in ref.words:
        if w.text.isdigit() or w.stem in asked.stems or any(w.stem == f.stem for f in facts):
            continue
        if w.stem in units or w.text in YES or w.text in NO:
            continue
        if asked.position(w) is None:
            facts.append(w)
    positions: list[int] = []
    for w in facts:
        where = said.position(w)
        (out.found if where is not None else out.missing).append(w.text)
        if where is not None and where >= 0:
            positions.append(where)
    for shown, ok in number_facts:
        out.key_facts.append(shown)
        (out.found if ok else out.missing).append(shown)
    # A command, header or id is a fact as a whole ("decode-authorization-message"), even when
    # the question spells out its words: the answer must name it, parts in order.
    said_text = f" {' '.join(w.text for w in words(answer))} "
    for ident in dict.fromkeys(_IDENTIFIER.findall(fold(reference))):
        if sum(part.isalpha() for part in re.split(r"[-:]", ident)) >= 2:
            out.key_facts.append(ident)
            parts = " ".join(w.text for w in words(ident))
            (out.found if f" {parts} " in said_text else out.missing).append(ident)
    out.key_facts = [w.text for w in facts] + out.key_facts
    if ref_side:  # a yes/no question: the yes or the no is a key fact
        out.key_facts.append(ref_side)
        (out.found if ans_side == ref_side else out.missing).append(ref_side)
    out.order = _in_order(ref, said)
    return out


def _in_order(ref: _Said, said: _Said) -> float:
    """Of the reference's words the answer states (question words too), the share in order."""
    seq: list[int] = []
    seen: set[str] = set()
    for w in ref.words:
        if w.stem in seen or _family(w):  # units follow their number, wherever it is
            continue
        seen.add(w.stem)
        where = said.position(w)
        if where is not None and where >= 0:
            seq.append(where)
    if len(seq) < 2:
        return 1.0
    return _longest_increasing(seq) / len(seq)


def _longest_increasing(seq: Sequence[int]) -> int:
    tails: list[int] = []
    for x in seq:
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if tails[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        tails[lo : lo + 1] = [x]
    return len(tails)


def _show(q: Quantity) -> str:
    return f"{q.raw:g}"


def decide(f: Features, grading: GradingSettings | None = None) -> Decision:
    grading = grading or GradingSettings()
    found, missing = tuple(f.found), tuple(f.missing)
    if f.said_nothing:
        return Decision("incorrect", 0.0, "No answer given.")
    if f.wrong_numbers:
        return Decision(
            "incorrect", 0.0, f"The number is off: {', '.join(f.wrong_numbers)}.", found, missing
        )
    if f.opposite_answer:
        return Decision(
            "incorrect", 0.0, "That is the opposite of what the notes say.", found, missing
        )
    if f.other_options:
        return Decision(
            "incorrect",
            0.0,
            "That names another option from the same list in the notes.",
            found,
            missing,
        )
    score = round(f.coverage * f.order, 3)
    clean = not (f.negation_flip or f.extra_options or f.extra_numbers)
    if (
        f.key_facts
        and f.coverage >= grading.coverage_correct
        and f.order >= grading.order_correct
        and clean
    ):
        return Decision(
            "correct", 1.0, "Every key fact of the notes' answer is there.", found, missing
        )
    short = not f.key_facts or f.coverage < grading.coverage_correct
    why = (
        f"Your answer lacks some of the notes' key facts: {', '.join(missing)}."
        if short and missing
        else "The notes' answer adds nothing to the question that could be checked."
        if not f.key_facts
        else "It says the opposite in places (a negation the notes' answer lacks, or the other "
        "way round)."
        if f.negation_flip
        else "It names more options (or numbers) than the notes' answer."
        if f.extra_options or f.extra_numbers
        else "The facts are in another order than in the notes (two things swapped?)."
    )
    return Decision("unsure", min(score, 0.99), why, found, missing)


def check(
    answer: str,
    reference: str,
    *,
    question: str = "",
    options: Options = Options(),
    acronyms: Acronyms | None = None,
    grading: GradingSettings | None = None,
) -> Decision:
    """The verdict on an open answer against the notes' reference answer."""
    f = features(
        answer, reference, question=question, options=options, acronyms=acronyms, grading=grading
    )
    return decide(f, grading)


def key_points(reference: str, limit: int = 5) -> list[str]:
    """The reference's statements, one per sentence or list line, for a learner to rate against."""
    parts = [
        p.strip(" •-–*\t") for p in re.split(r"(?<=[.!?;])(?<!e\.g\.)(?<!i\.e\.)\s+|\n+", reference)
    ]
    return [p for p in parts if len(p) > 2][:limit]
