"""Quiz: POST /v1/quiz, POST /v1/quiz/{id}/answer, POST /v1/quiz/{id}/hint."""

from __future__ import annotations

from fastapi import APIRouter, Path

from api.deps import JSON_BODY, SettingsDep, TutorDep
from api.errors import ERROR_RESPONSES, unprocessable
from api.routes.chat import check_length
from api.schemas import QuizAnswerIn, QuizIn
from tutor.types import Grade, Hint, QuizItem

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
