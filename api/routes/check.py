"""Check my answer: POST /v1/check grades an answer to any question against the notes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field, StringConstraints, field_validator

from api.deps import JSON_BODY, SettingsDep, TutorDep
from api.errors import ERROR_RESPONSES
from api.routes.chat import check_length
from api.schemas import MAX_MESSAGE, NOT_BLANK, SessionId, Text, _not_blank
from tutor.types import Check

router = APIRouter(prefix="/v1", tags=["quiz"], responses=ERROR_RESPONSES)

AnswerText = Annotated[str, StringConstraints(max_length=MAX_MESSAGE)]


class CheckIn(BaseModel):
    question: Text = Field(description="The question, as asked (1 to 4000 characters).")
    answer: AnswerText = Field(
        description='The learner\'s answer; "" or "I don\'t know" is graded incorrect.'
    )
    session_id: SessionId | None = Field(
        default=None, description="Read the question in this conversation's context."
    )
    reference: (
        Annotated[str, StringConstraints(min_length=1, max_length=MAX_MESSAGE), NOT_BLANK] | None
    ) = Field(
        default=None,
        description="Grade against this reference answer instead of the notes' (a teacher's key).",
    )

    _question = field_validator("question")(_not_blank)

    @field_validator("reference")
    @classmethod
    def _reference(cls, value: str | None) -> str | None:
        return None if value is None else _not_blank(value)


@router.post("/check", response_model=Check, dependencies=JSON_BODY)
def check_answer(body: CheckIn, tutor: TutorDep, settings: SettingsDep) -> Check:
    """Grade an answer against what the notes say: `correct`, `incorrect` or `unsure` (then
    compare with `reference_answer` and `key_points`); citations show where the notes say it."""
    check_length(body.question, settings)
    check_length(body.answer, settings)
    return tutor.check(body.question, body.answer, body.session_id, reference=body.reference)
