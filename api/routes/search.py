"""POST /v1/search: the passages retrieval finds, for tools and the eval harness."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import JSON_BODY, TutorDep
from api.errors import ERROR_RESPONSES, unprocessable
from api.schemas import SearchIn, SearchOut

router = APIRouter(prefix="/v1", tags=["search"], responses=ERROR_RESPONSES)


@router.post(
    "/search",
    response_model=SearchOut,
    dependencies=JSON_BODY,
    responses=unprocessable("a blank query"),
)
def search(body: SearchIn, tutor: TutorDep) -> SearchOut:
    """Hybrid (BM25 + dense) search over the notes, best first."""
    return SearchOut(query=body.query, passages=tutor.search(body.query, body.k))
