"""Item-writing rules a program can check (NBME item-writing guide, Haladyna's MCQ guidelines).

Every mined item passes these before it is stored; an item that fails any is dropped. Each rule
is one function `(item, notes) -> reason | None`: None when the item keeps the rule, else a short
reason naming it. Rules that need options skip items without them.

    key_not_length_outlier     the key is not much longer or shorter than every distractor
    no_stem_word_only_in_key   no content word of the stem recurs in the key alone
    no_grammatical_cue         "a"/"an" and singular/plural in the stem fit every option
    no_all_or_none_of_above    no "all of the above" / "none of the above"
    options_of_one_kind        all numbers or all names/phrases; names all capitalised or none
    options_similar_length     the longest option at most LENGTH_SPREAD times the shortest
    numbers_in_order           numeric options ascend
    one_supported_option       the key is in the evidence, no distractor is
    stem_answerable            the stem is a question or a cloze, and says what it asks (and,
                               with options, enough to answer without them)
    stem_not_containing_key    the key is not written in the stem
    no_example_answer          the key is not an example value ("e.g. 60%") nor a hypothetical
                               one ("60 seconds would be considered a low TTL")
    no_heading_answer          no option is a title-like heading of the notes
    no_glued_words             no table cells run together ("GlacierExpedited")
    one_fact_per_cloze         one blank, and the clozed sentence holds no second figure
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tutor.lexical import tokenize

if TYPE_CHECKING:
    from tutor.quizbank import BankItem

LENGTH_OUTLIER = 1.5  # key length vs the nearest distractor's, either way (characters)
LENGTH_SPREAD = 3.0  # longest option vs shortest option (characters)
MIN_OUTLIER_CHARS = 8  # differences shorter than this are not visible cues
BLANK = "___"
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
_NAMED_NUMBER = re.compile(r"\b[A-Z][a-z]+ \d+\b")  # "Route 53", "Strategy 1": part of a name
_EXAMPLE = re.compile(r"\b(?:e\.g\b|eg\.|for example|for instance|such as)", re.IGNORECASE)
# A figure in a would/could/might sentence illustrates; it is no limit or default to learn.
_HYPOTHETICAL = re.compile(r"\b(?:would|could|might)\b", re.IGNORECASE)
_ABOVE = re.compile(
    r"\b(?:all|none|both|neither) of (?:the )?(?:above|these|them)\b", re.IGNORECASE
)
_GLUED = re.compile(
    r"\b[A-Za-z]*[a-z]{3,}[A-Z][a-z]+[A-Za-z]*\b"  # "GlacierExpedited", "disabledNo"
    r"|\b[A-Z]{2,}[a-z]{3,}\b"  # "AZHigh", "CServer" (of "SSE-CServer")
    r"|\w+\)[A-Z]\w*"  # "(ALB)Always"
)
_TITLE_MARKS = re.compile(r"\s[–:]\s|\?|\bvs\b|\bhow to\b", re.IGNORECASE)
_VAGUE = re.compile(
    r"^(?:which|what) (?:of (?:the following|these) )?is (?:true|correct)\??$", re.IGNORECASE
)
_ASKS = re.compile(r"(?:^|[,:.]\s+)(?:which|what|how|why|when|where|who)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Notes:
    """What the rules need to know about the notes: their headings and their words."""

    headings: frozenset[str] = frozenset()
    words: Counter[str] = field(default_factory=Counter)  # surface words, as written

    @classmethod
    def of(cls, texts: Iterable[str], headings: Iterable[str]) -> Notes:
        words: Counter[str] = Counter()
        for text in texts:
            words.update(re.findall(r"[A-Za-z][A-Za-z0-9]*", text))
        return cls(frozenset(_norm(h) for h in headings), words)

    def glued(self, text: str) -> str | None:
        """A word of `text` made of table cells run together ("GlacierExpedited"), if any."""
        for word in _GLUED.findall(text):
            if self.words[word] <= 1:  # the notes never write it so again: cells run together
                return word
        return None


Reason = str | None
Check = Callable[["BankItem", Notes], Reason]


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _numeric(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _distractors(item: BankItem) -> list[str]:
    if not item.choices:
        return []
    keyed = set(item.answer_indexes or ([] if item.answer_index is None else [item.answer_index]))
    return [c for i, c in enumerate(item.choices) if i not in keyed]


def _keys(item: BankItem) -> list[str]:
    if item.choices and item.answer_indexes:
        return item.keyed_choices
    return [item.answer]


def key_not_length_outlier(item: BankItem, notes: Notes) -> Reason:
    others = _distractors(item)
    if not others or all(_numeric(c) is not None for c in item.choices or []):
        return None
    for key in _keys(item):
        longest, shortest = max(len(c) for c in others), min(len(c) for c in others)
        if len(key) > LENGTH_OUTLIER * longest and len(key) - longest >= MIN_OUTLIER_CHARS:
            return "key is the length outlier (much the longest option)"
        if len(key) * LENGTH_OUTLIER < shortest and shortest - len(key) >= MIN_OUTLIER_CHARS:
            return "key is the length outlier (much the shortest option)"
    return None


def no_stem_word_only_in_key(item: BankItem, notes: Notes) -> Reason:
    if not item.choices:
        return None
    stem = set(tokenize(item.question))
    in_distractors = {w for c in _distractors(item) for w in tokenize(c)}
    for key in _keys(item):
        shared = (set(tokenize(key)) & stem) - in_distractors
        if shared:
            return f"stem word only in the key: {', '.join(sorted(shared))}"
    return None


def _starts_with_vowel(text: str) -> bool:
    return text[:1].lower() in "aeiou"


def _plural(text: str) -> bool:
    last = re.sub(r"\(.*?\)", "", text).split()
    word = last[-1] if last else ""
    return word.endswith("s") and not word.endswith("ss") and not word[:-1].isupper()


def no_grammatical_cue(item: BankItem, notes: Notes) -> Reason:
    if not item.choices:
        return None
    before = item.question.split(BLANK)[0] if BLANK in item.question else item.question
    keys, others = _keys(item), _distractors(item)
    article = re.search(r"\b(a|an)\s*$", before, re.IGNORECASE)
    if article:
        wants_vowel = article.group(1).lower() == "an"
        fits = [_starts_with_vowel(o) == wants_vowel for o in item.choices]
        if not all(fits):
            return f"the article “{article.group(1)}” fits only some options"
    verb = re.match(r"^which of these (\w+)\b", item.question, re.IGNORECASE)
    if verb:  # "Which of these provide ..." wants a plural answer, "... provides" a singular
        key_plural = {_plural(k) for k in keys}
        if len(key_plural) == 1 and all(_plural(o) not in key_plural for o in others):
            return "singular/plural differs between the key and every distractor"
    return None


def no_all_or_none_of_above(item: BankItem, notes: Notes) -> Reason:
    for option in item.choices or []:
        if _ABOVE.search(option):
            return f"option “{option}” is all/none of the above"
    return None


def options_of_one_kind(item: BankItem, notes: Notes) -> Reason:
    if not item.choices:
        return None
    numeric = {_numeric(c) is not None for c in item.choices}
    if len(numeric) > 1:
        return "options mix numbers and words"
    if numeric == {False}:
        names = {c[:1].isupper() or c[:1].isdigit() for c in item.choices}
        if len(names) > 1:
            return "options mix names and phrases"
    return None


def options_similar_length(item: BankItem, notes: Notes) -> Reason:
    if not item.choices or all(_numeric(c) is not None for c in item.choices):
        return None
    lengths = [len(c) for c in item.choices]
    if max(lengths) > LENGTH_SPREAD * min(lengths) and max(lengths) - min(lengths) >= 12:
        return "options differ too much in length"
    return None


def numbers_in_order(item: BankItem, notes: Notes) -> Reason:
    values = [_numeric(c) for c in item.choices or []]
    if values and all(v is not None for v in values) and values != sorted(values):  # type: ignore[type-var]
        return "numeric options are not in order"
    return None


def _holds(text: str, option: str) -> bool:
    if _numeric(option) is not None:
        return re.search(rf"(?<![\w.,]){re.escape(option)}(?![\w]|[.,]\d)", text) is not None
    return f" {_norm(option)} " in f" {_norm(text)} "


def one_supported_option(item: BankItem, notes: Notes) -> Reason:
    if not item.choices:
        return None
    if not all(_holds(item.evidence, k) for k in _keys(item)):
        return "the evidence does not hold the key"
    backed = [d for d in _distractors(item) if _holds(item.evidence, d)]
    if backed:
        return f"the evidence also supports “{backed[0]}”"
    return None


def stem_answerable(item: BankItem, notes: Notes) -> Reason:
    stem = item.question.strip()
    if _VAGUE.match(stem):
        return "the stem does not say what is asked"
    if stem.count("“") >= 2 and re.match(r"^In “[^”]*”, what is “[^”]*”\?$", stem):
        return "the stem does not say what is asked"
    if BLANK not in stem and not stem.endswith("?"):
        return "the stem is neither a question nor a cloze"
    if BLANK not in stem and not _ASKS.search(stem):
        return "the stem does not ask a question"
    if item.choices and len(tokenize(stem.replace(BLANK, " "))) < 3:
        return "the stem is too short to answer without the options"  # "What is EBS?" is open
    return None


def stem_not_containing_key(item: BankItem, notes: Notes) -> Reason:
    stem = item.question.replace(BLANK, " ")
    for key in _keys(item):
        if _holds(stem, key):
            return "the stem contains the key"
    return None


def label_not_showing_key(item: BankItem, notes: Notes) -> Reason:
    """The topic and section are shown beside the question: they must not name the answer
    ("Which of these …?" keyed "Aurora" under the topic Aurora). A short answer names its
    subject itself ("What is EBS?"): what is asked is what the notes say of it."""
    if item.kind == "short":
        return None
    label = f"{item.section} {item.topic}"
    for key in _keys(item):
        if _holds(label, key):
            return "the section shown with the question names the key"
    return None


def no_example_answer(item: BankItem, notes: Notes) -> Reason:
    for key in _keys(item):
        at = item.evidence.find(key)
        if at >= 0 and _EXAMPLE.search(item.evidence[:at]):
            return "the key is an example value (e.g.)"
        if at >= 0 and _HYPOTHETICAL.search(item.evidence):
            return "the key is a hypothetical value (would, could, might)"
    return None


def no_heading_answer(item: BankItem, notes: Notes) -> Reason:
    for option in item.choices or [item.answer]:
        if _norm(option) in notes.headings and (
            _TITLE_MARKS.search(option) or len(option.split()) >= 4
        ):
            return f"option “{option}” is a heading of the notes"
    return None


def no_glued_words(item: BankItem, notes: Notes) -> Reason:
    for text in [item.question, *(item.choices or [item.answer])]:
        if "\t" in text or any("  " in line.strip() for line in text.splitlines()):
            return "table cells in the item"  # a line's own indent is no cell
        if word := notes.glued(text):
            return f"glued words “{word}”"
    return None


def one_fact_per_cloze(item: BankItem, notes: Notes) -> Reason:
    if BLANK not in item.question:
        return None
    if item.question.count(BLANK) != 1:
        return "more than one blank"
    cloze = item.question.split("“", 1)[-1]
    rest = _NAMED_NUMBER.sub(" ", cloze.replace(BLANK, " "))
    if _NUMBER.search(rest) and _numeric(item.answer) is not None:
        return "the clozed sentence holds a second figure"
    return None


CHECKS: tuple[Check, ...] = (
    key_not_length_outlier,
    no_stem_word_only_in_key,
    no_grammatical_cue,
    no_all_or_none_of_above,
    options_of_one_kind,
    options_similar_length,
    numbers_in_order,
    one_supported_option,
    stem_answerable,
    stem_not_containing_key,
    label_not_showing_key,
    no_example_answer,
    no_heading_answer,
    no_glued_words,
    one_fact_per_cloze,
)


# A generated scenario item words its key in its own terms (the model's support is checked
# against the notes' key terms instead), and its options are services, which are headings.
SCENARIO_CHECKS: tuple[Check, ...] = tuple(
    c
    for c in CHECKS
    if c
    not in (
        one_supported_option,
        no_example_answer,
        no_heading_answer,
        one_fact_per_cloze,
        label_not_showing_key,  # left to the prompt; see docs/quiz.md
    )
)


def failures(item: BankItem, notes: Notes, checks: tuple[Check, ...] = CHECKS) -> list[str]:
    """Every rule the item breaks, as reasons; empty when it keeps them all."""
    return [reason for check in checks if (reason := check(item, notes)) is not None]
