"""GET /healthz: the store, the embedding model and the LLM; 503 when the store is down."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import TutorDep
from api.schemas import HealthOut

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut, responses={503: {"model": HealthOut}})
def healthz(tutor: TutorDep) -> JSONResponse:
    report = tutor.health()
    ok = bool(report.get("store", {}).get("ok"))
    body = HealthOut(ok=ok, **{k: report.get(k, {}) for k in ("store", "embedder", "llm")})
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
