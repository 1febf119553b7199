"""Quiz: POST /v1/quiz, then per quiz id: answer, hint, rate, override and flag."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field, StringConstraints

from api.deps import JSON_BODY, SettingsDep, TutorDep
from api.errors import ERROR_RESPONSES, unprocessable
from api.routes.chat import check_length
from api.schemas import QuizAnswerIn, QuizIn
from tutor.types import Flag, Grade, Hint, QuizItem, Rating

router = APIRouter(prefix="/v1/quiz", tags=["quiz"], responses=ERROR_RESPONSES)

QuizId = Path(min_length=1, max_length=200)
NEW_422 = unprocessable("an unknown `kind`", "an empty `session_id` or `topic`")
ANSWER_422 = unprocessable(
    "an answer that is not one of the options (a letter or number out of range, such as `E` "
    "for a question with four options), or an empty one",
    "an answer longer than TUTOR_MAX_MESSAGE_CHARS",
)


@router.post("", response_model=QuizItem, dependencies=JSON_BODY, responses=NEW_422)
def new_item(body: QuizIn, tutor: TutorDep) -> QuizItem:
    """A new question for this session: multiple choice (`mcq`) or free text (`open`)."""
    return tutor.quiz(body.session_id, topic=body.topic or None, kind=body.kind)


@router.post(
    "/{quiz_id}/answer", response_model=Grade, dependencies=JSON_BODY, responses=ANSWER_422
)
def answer(
    body: QuizAnswerIn, tutor: TutorDep, settings: SettingsDep, quiz_id: str = QuizId
) -> Grade:
    """Grade an answer; the feedback names the section of the notes to reread."""
    check_length(body.answer, settings)
    return tutor.grade(quiz_id, body.answer)


@router.post("/{quiz_id}/hint", response_model=Hint)
def hint(tutor: TutorDep, quiz_id: str = QuizId) -> Hint:
    """The next hint: first the section, then a key term, then the answer."""
    return tutor.hint(quiz_id)


class RateIn(BaseModel):
    rating: Rating = Field(
        description="again (wrong or only partly right), hard, good or easy, as in Anki."
    )


class OverrideIn(BaseModel):
    correct: bool = Field(description="true: I was right; false: I was wrong after all.")


class FlagIn(BaseModel):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = Field(
        default="", description="What is wrong with the item (optional)."
    )


@router.post("/{quiz_id}/rate", response_model=Grade, dependencies=JSON_BODY)
def rate(body: RateIn, tutor: TutorDep, quiz_id: str = QuizId) -> Grade:
    """Rate yourself on a graded answer (after an "unsure" verdict, or any other): the rating
    schedules the next review and counts in progress."""
    return tutor.rate(quiz_id, body.rating)


@router.post("/{quiz_id}/override", response_model=Grade, dependencies=JSON_BODY)
def override(body: OverrideIn, tutor: TutorDep, quiz_id: str = QuizId) -> Grade:
    """ "I was right": override the verdict; recorded as overridden and re-scheduled."""
    return tutor.override(quiz_id, body.correct)


@router.post("/{quiz_id}/flag", response_model=Flag, dependencies=JSON_BODY)
def flag(tutor: TutorDep, body: FlagIn | None = None, quiz_id: str = QuizId) -> Flag:
    """Flag a bad item: it is not served to you again, and the notes' owner sees the flag."""
    return tutor.flag(quiz_id, body.reason if body else "")
