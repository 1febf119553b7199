"""Eval datasets: JSON Lines in the eval-harness format, loaded and validated line by line.

One object per line; unknown extra fields are ignored. A bad line stops the load with its line
number, so nothing is scored on a half-read set.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tutor.errors import InvalidInput

Kind = Literal["open", "mcq", "out_of_scope", "grade"]


class DatasetError(InvalidInput):
    """A dataset file that cannot be used: missing, not JSONL, or an item in the wrong shape."""


class EvalItem(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(min_length=1)
    kind: Kind
    question: str = Field(min_length=1)
    answer: str
    # Groups of alternatives: a group is present when any alternative occurs in the text.
    key_facts: list[list[str]]
    choices: list[str] | None = None
    answer_index: int | None = None
    section: str = ""
    # How the question is put ("casual", "comparison", "scenario", ...): the report breaks down by it.
    shape: str = ""
    # A follow-up: the learner's earlier questions in the same conversation, oldest first. They are
    # asked first, in one session; only the answer to `question` is scored.
    history: list[str] = Field(default_factory=list)
    # kind "grade": a learner's answer to grade against `answer`, and the right verdict
    student_answer: str | None = None
    label: Literal["correct", "incorrect"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _grade_rows_need_no_key_facts(cls, data: object) -> object:
        if isinstance(data, dict) and data.get("kind") == "grade" and "key_facts" not in data:
            return {**data, "key_facts": []}
        return data

    @model_validator(mode="after")
    def _shape(self) -> EvalItem:
        if not self.question.strip():
            raise ValueError("question is blank")
        for group in self.key_facts:
            if not group or not all(alt.strip() for alt in group):
                raise ValueError("every key_facts group needs at least one non-blank alternative")
        if self.kind == "mcq":
            if self.choices is None or len(self.choices) != 4:
                raise ValueError("an mcq item needs exactly 4 choices")
            if self.answer_index is None or not 0 <= self.answer_index <= 3:
                raise ValueError("an mcq item needs answer_index between 0 and 3")
        if self.kind == "out_of_scope" and (self.key_facts or self.answer):
            raise ValueError('an out_of_scope item has key_facts [] and answer ""')
        if not all(turn.strip() for turn in self.history):
            raise ValueError("every history entry needs a question")
        if self.kind == "grade" and self.history:
            raise ValueError("a grade item has no history")
        if self.kind == "grade" and (self.student_answer is None or self.label is None):
            raise ValueError("a grade item needs student_answer and label (correct or incorrect)")
        return self

    @property
    def in_scope(self) -> bool:
        return self.kind != "out_of_scope"

    @property
    def follow_up(self) -> bool:
        """Asked after `history` in one conversation: it is searched as part of it, not alone."""
        return bool(self.history)

    @property
    def asked(self) -> bool:
        """A question put to the tutor (not a learner's answer to grade)."""
        return self.kind != "grade"


def _problem(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def parse_lines(lines: Iterable[str], *, name: str) -> list[EvalItem]:
    items: list[EvalItem] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{name}, line {number}: not valid JSON ({exc.msg})") from None
        if not isinstance(data, dict):
            raise DatasetError(f"{name}, line {number}: expected a JSON object")
        try:
            item = EvalItem.model_validate(data)
        except ValidationError as exc:
            raise DatasetError(f"{name}, line {number}: {_problem(exc)}") from None
        if item.id in seen:
            raise DatasetError(
                f"{name}, line {number}: duplicate id {item.id!r} (first on line {seen[item.id]})"
            )
        seen[item.id] = number
        items.append(item)
    if not items:
        raise DatasetError(f"{name}: no items")
    return items


def load_dataset(path: Path) -> list[EvalItem]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such dataset file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: cannot be read as UTF-8 text ({exc})") from None
    return parse_lines(text.splitlines(), name=str(path))
