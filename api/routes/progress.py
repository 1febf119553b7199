"""GET /v1/progress and GET /v1/topics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import TutorDep
from api.errors import ERROR_RESPONSES
from api.schemas import TopicsOut
from tutor.sessions import MAX_SESSION_ID
from tutor.types import Progress

router = APIRouter(prefix="/v1", tags=["progress"], responses=ERROR_RESPONSES)


@router.get("/progress", response_model=Progress)
def progress(
    tutor: TutorDep,
    session_id: Annotated[str, Query(min_length=1, max_length=MAX_SESSION_ID)],
) -> Progress:
    """Mastery per topic, what is due for review and the weakest topics of a session."""
    return tutor.progress(session_id.strip())


@router.get("/topics", response_model=TopicsOut)
def topics(tutor: TutorDep) -> TopicsOut:
    """The topics of the notes, in the order they appear, and those a quiz or test can be on."""
    return TopicsOut(topics=tutor.topics(), quiz_topics=tutor.quiz_topics())
