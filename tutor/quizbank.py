"""The offline quiz bank: exam-style items mined from the notes' chunks at ingest.

Every item keeps the chunk it came from, and its answer is a substring of that chunk, so a grade
can always cite the passage that proves it. Ids are content hashes: re-ingesting unchanged notes
gives the same ids, so review schedules survive. Miners (what each item is built from):

    pair        "X – Y" lines (definitions, "22 – SSH" lists): X from Y, and Y from X
    definition  "X is / allows / provides ..." sentences whose subject names the section
    number      sentences with a number and a unit ("7 day retention", "3,500 requests")
    steps       "How to ..." sections with a numbered list; headings that are questions
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, model_validator

from tutor.lexical import tokenize
from tutor.types import Chunk

if TYPE_CHECKING:
    from tutor.quizmine import Embed

BANK_VERSION = 7  # 7: figure items ask limits and defaults only; an older bank is rebuilt
BankKind = Literal["mcq", "fill", "short"]

_BULLET = re.compile(r"^\s*(?:[•\-\*–]|\d+\.)\s+")
_PAIR = re.compile(r"^(?P<term>[^–:]{1,60}?)\s+[–-]\s+(?P<desc>\S.{6,})$")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_VERBS = (
    r"is|are|allows?|provides?|helps?|controls?|captures?|uses|defines?|acts?|lets|"
    r"exposes|forces|encrypts|stores|routes?|redirects|points"
)
_DEFINITION = re.compile(
    rf"^(?:The |An |A )?(?P<subj>[A-Z][\w\s\-/().’']{{0,50}}?)\s+"
    rf"(?P<pred>(?:{_VERBS})\b.{{12,}})$"
)
_UNITS = (
    r"%|seconds?|minutes?|hours?|days?|months?|years?|ms|GB|TB|MB|GiB|MiB|KB|mb|"
    r"times|replicas|copies|characters|shards|records|calls|requests|x|vCPU|IOPS"
)
_NUMBER = re.compile(
    rf"(?<![\w.\-/$])(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)"
    rf"(?P<sp>\s?)(?P<unit>{_UNITS})(?![\w])"
)
# A vendor's name and generic nouns: "Amazon Aurora DB" is "Aurora". As `tokenize` writes them.
_GENERIC = frozenset(tokenize("aws amazon db service"))
_NOT_TERMS = {
    "yes",
    "no",
    "note",
    "e.g",
    "eg",
    "i.e",
    "example",
    "use case",
    "advantages",
    "disadvantages",
    "cost",
    "default key",
    "custom key",
}
_VERB_IN_TERM = re.compile(r"\b(?:is|are|was|will|can|should|must|has|have)\b", re.IGNORECASE)
_NOT_NAMES = {
    "what",
    "which",
    "how",
    "why",
    "each",
    "but",
    "this",
    "these",
    "that",
    "there",
    "it",
    "they",
    "values",
    "also",
    "so",
    "and",
    "then",
    "if",
    "when",
    "all",
    "some",
}
_CONNECTORS = {"of", "and", "for", "in", "with", "to", "on", "vs", "&"}
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-/.:]*[A-Za-z0-9]")


class BankItem(BaseModel):
    id: str
    kind: BankKind
    question: str
    answer: str  # a substring of the chunk: what the grader compares against
    choices: list[str] | None = None
    answer_index: int | None = None
    evidence: str  # the line or sentence of the chunk that proves the answer
    key_terms: list[str] = []
    chunk_id: str
    section: str
    source: str
    origin: str
    answer_indexes: list[int] | None = None  # multiple response: all and only these (sorted, >= 2);
    # answer_index is None then; answer = keyed texts joined by "; "
    explanation: str = ""  # from question files: why the key is right, distractors wrong
    given_topic: str = ""  # the topic a question file names; it wins over the section's
    topic: str = ""  # the service shown to the learner; the section's first part when not given

    @model_validator(mode="after")
    def _default_topic(self) -> BankItem:
        if not self.topic:
            self.topic = self.given_topic or self.section.split(" > ")[0]
        return self

    @property
    def open(self) -> bool:
        return self.kind != "mcq"

    @property
    def key_indexes(self) -> set[int]:
        """The keyed options: all of `answer_indexes` for "Select TWO", else `answer_index`."""
        if self.answer_indexes:
            return set(self.answer_indexes)
        return {self.answer_index} if self.answer_index is not None else set()

    @property
    def keyed_choices(self) -> list[str]:
        """The keyed options' texts, each whole (`answer` joins them with "; ", which a choice
        may hold itself)."""
        return [(self.choices or [])[k] for k in sorted(self.key_indexes)]


class QuizBank:
    def __init__(self, items: Sequence[BankItem]) -> None:
        self.items = list(items)
        self.by_id = {i.id: i for i in self.items}

    def __len__(self) -> int:
        return len(self.items)

    @classmethod
    def build(cls, chunks: Sequence[Chunk], embed: Embed | None = None) -> QuizBank:
        """`embed`: the notes' embedder; it picks distractors of the key's kind (tutor.quizmine)."""
        from tutor.quizmine import Miner  # the miners build BankItems: imported on use

        return cls(Miner(chunks, embed).build())

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": BANK_VERSION, "items": [i.model_dump() for i in self.items]}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False))
        tmp.replace(path)  # readers never see half a file

    @classmethod
    def load(cls, path: Path) -> QuizBank:
        data = json.loads(path.read_text())
        if data.get("version") != BANK_VERSION:
            raise ValueError(f"quiz bank version {data.get('version')} != {BANK_VERSION}")
        return cls([BankItem.model_validate(i) for i in data["items"]])


def item_id(kind: str, question: str, answer: str, chunk_id: str) -> str:
    digest = hashlib.sha256(f"{kind}\n{question}\n{answer}\n{chunk_id}".encode()).hexdigest()
    return f"q{digest[:15]}"


def leaf(section: str) -> str:
    return section.split(" > ")[-1]


def name_key(text: str) -> frozenset[str]:
    """Tokens that identify a name, so "Amazon Aurora DB" and "Aurora" count as one thing."""
    return frozenset(t for t in tokenize(text) if t not in _GENERIC)


def same_thing(a: str, b: str) -> bool:
    ka, kb = name_key(a), name_key(b)
    return not ka or not kb or ka <= kb or kb <= ka


def key_terms(text: str, exclude: str, df: dict[str, int], n: int = 4) -> list[str]:
    """Distinctive words of `text` that the question does not already give away."""
    seen = set(tokenize(exclude))
    found: dict[str, tuple[float, str]] = {}
    for word in _WORD.findall(text):
        word = word.rstrip(".:")
        stems = tokenize(word)
        if len(word) < 3 or not stems or any(s in seen for s in stems):
            continue
        stem = stems[0]
        shaped = word[0].isupper() or any(ch.isdigit() for ch in word) or word.isupper()
        score = df.get(stem, 1) - (5 if shaped else 0)
        if stem not in found or score < found[stem][0]:
            found[stem] = (score, word)
    ranked = sorted(found.values(), key=lambda item: item[0])
    return [word for _, word in ranked[:n]]


def _lines(text: str) -> Iterable[str]:
    for raw in text.splitlines():
        line = _BULLET.sub("", raw).strip()
        if line:
            yield line


def _sentences(text: str) -> Iterable[str]:
    for line in _lines(text):
        for sentence in _SENTENCE.split(line):
            if sentence.strip():
                yield sentence.strip()


def _good_term(term: str) -> bool:
    words = term.split()
    return (
        1 <= len(words) <= 6
        and term.lower() not in _NOT_TERMS
        and _balanced(term)
        and not _VERB_IN_TERM.search(term)
        and not term.endswith((",", "and", "or", "the"))
    )


def _is_name(subject: str) -> bool:
    """A proper name ("AWS Secrets Manager", "EFS", "EBS Multi-attach"), not a phrase."""
    words = subject.split()
    if not 1 <= len(words) <= 6 or words[0].lower() in _NOT_NAMES:
        return False
    if len(words) == 1:
        word = words[0]
        return any(ch.isupper() or ch.isdigit() for ch in word[1:]) or len(word) > 3
    return all(w[0].isupper() or w[0].isdigit() or w[0] == "(" or w in _CONNECTORS for w in words)


def _balanced(text: str) -> bool:
    return text.count("(") == text.count(")")


def _numeric(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _unit(unit: str) -> str:
    unit = unit.lower()
    return unit[:-1] if unit.endswith("s") and len(unit) > 2 else unit


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _pick(pool: list[str], seed: str, n: int = 6) -> list[str]:
    """A few of `pool`, the same few every build for the same seed."""
    rng = random.Random(hashlib.sha256(seed.encode()).hexdigest())
    return rng.sample(pool, min(n, len(pool)))


def _closest(pool: list[str], num: str) -> list[str]:
    target = _numeric(num) or 0.0
    return sorted(pool, key=lambda n: abs((_numeric(n) or 0.0) - target))[:3]


def _variants(num: str, taken: list[str]) -> list[str]:
    """Plausible wrong numbers when the notes give too few of the same unit."""
    value = _numeric(num) or 0.0
    have = {_numeric(t) for t in taken} | {value}
    out = []
    for v in (value * 2, value / 2, value * 10, value + 1, value * 3):
        if v > 0 and v == int(v) and v not in have:
            have.add(v)
            out.append(f"{int(v):,}" if "," in num else str(int(v)))
    return out


def _mask(pred: str, subject: str) -> str:
    """Keep the question from naming its own answer."""
    return re.sub(re.escape(subject), "it", pred, flags=re.IGNORECASE)


def _overlap(name: str, text: str) -> int:
    return len(name_key(name) & set(tokenize(text)))
