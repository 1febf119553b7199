"""Practice tests: POST /v1/tests, answer, flag, submit, GET /v1/tests/{id}, retry."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field, StringConstraints

from api.deps import JSON_BODY, TutorDep
from api.errors import ERROR_RESPONSES
from api.schemas import SessionId
from tutor.practice import (
    LIMIT_MAX_S,
    LIMIT_MIN_S,
    N_DEFAULT,
    N_MAX,
    N_MIN,
    PracticeAnswer,
    PracticeResult,
    PracticeTest,
)

router = APIRouter(prefix="/v1/tests", tags=["tests"], responses=ERROR_RESPONSES)

Id = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Letters = Annotated[str, StringConstraints(max_length=200)]
# "B" for one answer; ["A", "C"] (or "A, C") for a "Select TWO" item.
AnswerValue = Letters | Annotated[list[Letters], Field(max_length=26)]
TestId = Path(min_length=1, max_length=200)


class TestIn(BaseModel):
    session_id: SessionId
    n: int = Field(default=N_DEFAULT, ge=N_MIN, le=N_MAX, description="How many questions.")
    topic: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    mode: Literal["exam", "practice"] = Field(
        default="exam",
        description="exam: no feedback until submitted; practice: feedback after each answer.",
    )
    time_limit_s: int | None = Field(
        default=None, ge=LIMIT_MIN_S, le=LIMIT_MAX_S, description="Optional time limit."
    )


class TestAnswerIn(BaseModel):
    quiz_id: Id
    answer: AnswerValue


class FlagIn(BaseModel):
    quiz_id: Id
    flagged: bool = True


class FlagOut(BaseModel):
    flagged: list[str]


class SubmitIn(BaseModel):
    answers: dict[Id, AnswerValue] = Field(
        default={}, max_length=N_MAX, description="quiz id -> letter(s); missing ones are wrong."
    )
    flagged: list[Id] | None = Field(default=None, max_length=N_MAX)


@router.post("", response_model=PracticeTest, dependencies=JSON_BODY)
def start(body: TestIn, tutor: TutorDep) -> PracticeTest:
    """A new test: distinct items spread over the topics by the notes' share of each."""
    return tutor.start_test(
        body.session_id,
        n=body.n,
        topic=body.topic or None,
        mode=body.mode,
        time_limit_s=body.time_limit_s,
    )


@router.get("/{test_id}", response_model=PracticeTest)
def get(tutor: TutorDep, test_id: str = TestId) -> PracticeTest:
    """The test, its saved answers and flags, and its result once submitted (or timed out)."""
    return tutor.get_test(test_id)


@router.post("/{test_id}/answer", response_model=PracticeAnswer, dependencies=JSON_BODY)
def answer(body: TestAnswerIn, tutor: TutorDep, test_id: str = TestId) -> PracticeAnswer:
    """Save an answer (exam mode, may change until submit) or grade it now (practice mode)."""
    return tutor.test_answer(test_id, body.quiz_id, body.answer)


@router.post("/{test_id}/flag", response_model=FlagOut, dependencies=JSON_BODY)
def flag(body: FlagIn, tutor: TutorDep, test_id: str = TestId) -> FlagOut:
    """Flag a question for review (or unflag it)."""
    return FlagOut(flagged=tutor.flag_test_item(test_id, body.quiz_id, body.flagged))


@router.post("/{test_id}/submit", response_model=PracticeResult, dependencies=JSON_BODY)
def submit(body: SubmitIn, tutor: TutorDep, test_id: str = TestId) -> PracticeResult:
    """Score the test: unanswered items are wrong; a second submit is 409."""
    return tutor.submit_test(test_id, dict(body.answers), body.flagged)


@router.post("/{test_id}/retry", response_model=PracticeTest)
def retry(tutor: TutorDep, test_id: str = TestId) -> PracticeTest:
    """A new test of the questions this one got wrong or skipped."""
    return tutor.retry_test(test_id)
