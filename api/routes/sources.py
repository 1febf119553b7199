"""GET /v1/sources/{chunk_id}: the cited passage with its section, for citation pop-ups."""

from __future__ import annotations

from fastapi import APIRouter, Path

from api.deps import TutorDep
from api.errors import ERROR_RESPONSES
from tutor.types import Passage

router = APIRouter(prefix="/v1/sources", tags=["sources"], responses=ERROR_RESPONSES)


@router.get("/{chunk_id}", response_model=Passage)
def source(tutor: TutorDep, chunk_id: str = Path(min_length=1, max_length=200)) -> Passage:
    """The passage a citation points at; 404 when the notes no longer contain it."""
    return tutor.source(chunk_id)
