"""Question files beside the notes -> quiz bank items linked to the notes that support them.

Two formats, found by name anywhere under the ingested folders (never read as notes):

    *.questions.jsonl  one object a line: question, choices, answer_index | answer_indexes,
                       optional explanation, topic
    *.questions.csv    a header row: question, A..F (the options), answer ("B" or "A,C"),
                       explanation, topic

A bad row is reported as "file:line: why" and skipped; the rest import. Each good row is linked to
the chunk that best supports it by the tutor's own hybrid retrieval (BM25 + the embedder, fused as
the settings say) over the question and its keyed options, so its grade cites the notes. Ids are
content hashes of the question, the choices and the keys: re-ingest keeps review schedules.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tutor.config import RetrievalSettings, Settings
from tutor.embeddings import Embedder
from tutor.lexical import LexicalIndex, tokenize
from tutor.quizbank import BankItem, QuizBank, key_terms
from tutor.quizgrade import LETTERS
from tutor.retrieve import fuse
from tutor.types import Chunk

SUFFIXES = (".questions.jsonl", ".questions.csv")
MIN_CHOICES, MAX_CHOICES = 2, 10
CSV_OPTIONS = "ABCDEF"
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Question:
    """One valid row of a question file."""

    file: str
    line: int
    question: str
    choices: list[str]
    keys: list[int]  # sorted; one for a single answer, two or more for "Select TWO"
    explanation: str = ""
    topic: str = ""

    @property
    def id(self) -> str:
        text = "\n".join([self.question, *self.choices, ",".join(map(str, self.keys))])
        return f"q{hashlib.sha256(text.encode()).hexdigest()[:15]}"

    @property
    def keyed(self) -> list[str]:
        return [self.choices[k] for k in self.keys]


@dataclass(frozen=True)
class QuestionFiles:
    questions: list[Question]
    problems: list[str]  # "file:line: why", one per skipped row
    files: int

    def link(
        self, chunks: Sequence[Chunk], vectors: np.ndarray, embedder: Embedder, settings: Settings
    ) -> list[BankItem]:
        """Bank items for the valid rows, each linked to the chunk that best supports it."""
        if not self.questions:
            return []
        return Linker(chunks, vectors, embedder, settings.retrieval).items(self.questions)

    def missing_from(self, bank: Path) -> bool:
        """Whether the saved quiz bank lacks some of these items (a reader rebuilt it from the
        chunks alone), so ingest must write it again."""
        if not self.questions:
            return False
        try:
            saved = {i.id for i in QuizBank.load(bank).items}
        except (OSError, ValueError, KeyError):
            return True
        return not {q.id for q in self.questions} <= saved

    @property
    def digest(self) -> str:
        """Changes whenever an imported item would: part of the index's name."""
        if not self.questions:
            return ""
        ids = sorted(f"{q.id}:{q.topic}:{q.explanation}" for q in self.questions)
        return hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]


class BadRow(ValueError):
    pass


def is_question_file(path: Path) -> bool:
    return path.name.lower().endswith(SUFFIXES)


def find(paths: Sequence[Path]) -> list[tuple[Path, str]]:
    """(path, name shown in reports) of every question file under the given files and folders."""
    found: list[tuple[Path, str]] = []
    for root in paths:
        if root.is_file() and is_question_file(root):
            found.append((root, root.name))
        elif root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file() and is_question_file(p)):
                relative = path.relative_to(root)
                if not any(part.startswith(".") for part in relative.parts):
                    found.append((path, str(relative)))
    return found


def load(paths: Sequence[Path]) -> QuestionFiles:
    questions: list[Question] = []
    problems: list[str] = []
    files = find(paths)
    seen: set[str] = set()  # across files too: one item per id
    for path, name in files:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{name}: cannot be read as UTF-8 text ({exc})")
            continue
        rows = _csv_rows(text) if name.lower().endswith(".csv") else _jsonl_rows(text)
        for line, row in rows:
            try:
                question = _question(name, line, row)
            except BadRow as exc:
                problems.append(f"{name}:{line}: {exc}")
                continue
            if question.id in seen:
                problems.append(
                    f"{name}:{line}: the same question, choices and keys as an earlier row"
                )
                continue
            seen.add(question.id)
            questions.append(question)
    return QuestionFiles(questions, problems, len(files))


# -- parsing ---------------------------------------------------------------------------------------
Row = dict | BadRow


def _jsonl_rows(text: str) -> Iterator[tuple[int, Row]]:
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield n, BadRow(f"not valid JSON ({exc.msg}, column {exc.colno})")
            continue
        yield n, row if isinstance(row, dict) else BadRow("a line must be one JSON object")


def _csv_rows(text: str) -> Iterator[tuple[int, Row]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return
    column = {name: i for i, name in enumerate(header)}
    options = [
        column.get(letter.lower(), column.get(f"option {letter.lower()}")) for letter in CSV_OPTIONS
    ]
    if "question" not in column or "answer" not in column or options[0] is None:
        yield 1, BadRow("the header needs the columns question, A..F, answer (explanation, topic)")
        return
    line = reader.line_num + 1
    for cells in reader:
        start, line = line, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue

        def cell(i: int | None, cells: list[str] = cells) -> str:
            return cells[i].strip() if i is not None and i < len(cells) else ""

        texts = [cell(i) for i in options]
        while texts and not texts[-1]:
            texts.pop()
        try:
            keys = _letters(cell(column["answer"]), len(texts))
        except BadRow as exc:
            yield start, exc
            continue
        row: dict = {
            "question": cell(column["question"]),
            "choices": texts,
            "explanation": cell(column.get("explanation")),
            "topic": cell(column.get("topic")),
        }
        row["answer_indexes" if len(keys) > 1 else "answer_index"] = (
            keys if len(keys) > 1 else keys[0]
        )
        yield start, row


def _letters(answer: str, n: int) -> list[int]:
    letters = [p for p in re.split(r"[\s,;]+", answer.strip().upper()) if p]
    if len(letters) == 1 and len(letters[0]) > 1 and letters[0].isalpha():
        letters = list(letters[0])  # "AC"
    if not letters:
        raise BadRow("no answer letter")
    keys = []
    for letter in letters:
        if len(letter) != 1 or letter not in LETTERS[:n]:
            raise BadRow(f"unknown answer letter {letter!r} (options A–{LETTERS[max(n, 1) - 1]})")
        keys.append(LETTERS.index(letter))
    return keys


def _question(name: str, line: int, row: Row) -> Question:
    if isinstance(row, BadRow):
        raise row
    question = row.get("question")
    if not isinstance(question, str) or not question.strip():
        raise BadRow("missing question")
    choices = row.get("choices")
    if not isinstance(choices, list) or not all(isinstance(c, str) and c.strip() for c in choices):
        raise BadRow("choices must be a list of non-empty strings")
    choices = [c.strip() for c in choices]
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        raise BadRow(f"{len(choices)} option(s): a question needs {MIN_CHOICES} to {MAX_CHOICES}")
    normal = [" ".join(c.lower().split()) for c in choices]
    if len(set(normal)) < len(normal):
        raise BadRow("duplicate options")
    keys = _keys(row, len(choices))
    explanation, topic = row.get("explanation") or "", row.get("topic") or ""
    if not isinstance(explanation, str) or not isinstance(topic, str):
        raise BadRow("explanation and topic must be strings")
    return Question(name, line, question.strip(), choices, keys, explanation.strip(), topic.strip())


def _keys(row: dict, n: int) -> list[int]:
    single, multiple = row.get("answer_index"), row.get("answer_indexes")
    if (single is None) == (multiple is None):
        raise BadRow("give answer_index or answer_indexes (one of them)")
    keys = [single] if multiple is None else multiple
    if not isinstance(keys, list) or not keys:
        raise BadRow("answer_indexes must be a list of option indexes")
    for key in keys:
        if not isinstance(key, int) or isinstance(key, bool):
            raise BadRow(f"answer index {key!r} is not a whole number")
        if not 0 <= key < n:
            raise BadRow(f"answer index {key} out of range (0–{n - 1})")
    if len(set(keys)) < len(keys):
        raise BadRow("an answer index is repeated")
    if len(keys) == n:
        raise BadRow("every option is keyed")
    return sorted(keys)


# -- linking to the notes --------------------------------------------------------------------------
class Linker:
    """The chunk and sentence of the notes that best support a question's key."""

    def __init__(
        self,
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        embedder: Embedder,
        settings: RetrievalSettings,
    ) -> None:
        self.chunks = list(chunks)
        self.vectors = vectors
        self.embedder = embedder
        self.settings = settings
        self.lexical = LexicalIndex.build(self.chunks)
        self.by_id = {c.id: c for c in self.chunks}
        self.df: dict[str, int] = defaultdict(int)
        for c in self.chunks:
            for stem in set(tokenize(c.text)):
                self.df[stem] += 1

    def items(self, questions: Sequence[Question]) -> list[BankItem]:
        if not questions or not self.chunks:
            return []
        queries = [" ".join([q.question, *q.keyed]) for q in questions]
        dense = self.embedder.embed_batch(queries) @ self.vectors.T
        n = max(self.settings.candidates, 1)
        return [self._item(q, query, row, n) for q, query, row in zip(questions, queries, dense)]

    def _item(self, q: Question, query: str, scores: np.ndarray, n: int) -> BankItem:
        top = np.argsort(-scores, kind="stable")[:n]
        dense = [(self.chunks[int(i)].id, float(scores[i])) for i in top]
        best_id = fuse(dense, self.lexical.search(query, n), self.settings)[0][0]
        chunk = self.by_id[best_id]
        answer = "; ".join(q.keyed)
        evidence = best_sentence(chunk.text, answer, q.question)
        single = len(q.keys) == 1
        return BankItem(
            id=q.id,
            kind="mcq",
            question=q.question,
            answer=answer,
            choices=q.choices,
            answer_index=q.keys[0] if single else None,
            answer_indexes=None if single else q.keys,
            evidence=evidence,
            key_terms=key_terms(answer + " " + evidence, q.question, self.df),
            chunk_id=chunk.id,
            section=chunk.section,
            source=chunk.source,
            origin="imported",
            explanation=q.explanation,
            given_topic=q.topic,
        )


def best_sentence(text: str, answer: str, question: str) -> str:
    """The sentence of `text` sharing most words with the answer (then the question)."""
    want, asked = set(tokenize(answer)), set(tokenize(question))
    sentences = [s.strip(" •-\t") for s in _SENTENCE.split(text) if len(s.split()) >= 3]
    if not sentences:
        return text.strip()[:300]
    return max(
        sentences, key=lambda s: (len(want & set(tokenize(s))), len(asked & set(tokenize(s))))
    )
