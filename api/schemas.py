"""Request and response bodies of the HTTP API. Core values (Answer, QuizItem ...) come from tutor.types."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from tutor.sessions import MAX_SESSION_ID
from tutor.types import Passage, QuizKind

MAX_MESSAGE = 4000  # characters; settings.max_message_chars may lower it

# `pattern` only in the schema (clients and schemathesis see "not blank"); the validators below
# give the friendlier message.
# A character that is not whitespace to both JSON Schema (ECMA) and Python's str.strip(): they
# disagree on \x1c-\x1f and \x85, which a fuzzer finds.
NOT_BLANK = Field(json_schema_extra={"pattern": r"[^\s\x1c-\x1f\x85]"})
SessionId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SESSION_ID),
    NOT_BLANK,
]
Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_MESSAGE), NOT_BLANK]
Choice = Annotated[str, StringConstraints(min_length=1, max_length=500), NOT_BLANK]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty: type a question or some words")
    return value


class ChatIn(BaseModel):
    message: Text = Field(description="The question, 1 to 4000 characters.")
    session_id: SessionId | None = Field(
        default=None, description="Continue this conversation; omit to start a new one."
    )
    choices: list[Choice] | None = Field(
        default=None,
        min_length=2,
        max_length=10,
        description="Answer options when the question is multiple choice.",
    )

    _message = field_validator("message")(_not_blank)


class SearchIn(BaseModel):
    query: Text
    k: int | None = Field(
        default=None, ge=1, le=50, description="How many passages (default: settings)."
    )

    _query = field_validator("query")(_not_blank)


class SearchOut(BaseModel):
    query: str
    passages: list[Passage]


class QuizIn(BaseModel):
    session_id: SessionId
    topic: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    kind: QuizKind = "mcq"


class QuizAnswerIn(BaseModel):
    answer: Text = Field(description="A letter (B), a number (2), the choice's text, or free text.")

    _answer = field_validator("answer")(_not_blank)


class TopicsOut(BaseModel):
    topics: list[str]  # the notes' top-level sections, in their order
    quiz_topics: list[str] = []  # the services quiz items and tests are filed under (for pickers)


class HealthOut(BaseModel):
    ok: bool
    store: dict
    embedder: dict
    llm: dict


class IngestJob(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    started_at: datetime | None = None
    finished_at: datetime | None = None
    report: dict | None = None  # IngestReport fields once done
    error: str | None = None
