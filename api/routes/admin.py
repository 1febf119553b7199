"""Admin: POST /v1/admin/ingest (re-ingest in the background) and GET /v1/admin/ingest/{job}."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import SettingsDep, TutorDep
from api.errors import ERROR_RESPONSES, Problem
from api.jobs import IngestJobs
from api.schemas import IngestJob

bearer = HTTPBearer(auto_error=False, description="settings.admin_token (TUTOR_ADMIN_TOKEN)")


def require_admin(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    expected = settings.admin_token.get_secret_value() if settings.admin_token else ""
    given = credentials.credentials if credentials else ""
    # An unset token disables the admin API: no token matches "".
    if not expected or not secrets.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Admin endpoints need 'Authorization: Bearer <TUTOR_ADMIN_TOKEN>'."
            + ("" if expected else " The admin token is not set on this server."),
            headers={"WWW-Authenticate": "Bearer"},
        )


router = APIRouter(
    prefix="/v1/admin",
    tags=["admin"],
    dependencies=[Depends(require_admin)],
    responses={**ERROR_RESPONSES, 401: {"model": Problem}},
)


def get_jobs(request: Request) -> IngestJobs:
    return request.app.state.jobs


JobsDep = Annotated[IngestJobs, Depends(get_jobs)]


@router.post("/ingest", response_model=IngestJob, status_code=status.HTTP_202_ACCEPTED)
def start_ingest(tutor: TutorDep, jobs: JobsDep) -> IngestJob:
    """Re-ingest settings.corpus_dir; answers keep coming from the old index until it is done."""
    return jobs.start(tutor.reingest)


@router.get("/ingest/{job_id}", response_model=IngestJob)
def ingest_status(job_id: str, jobs: JobsDep) -> IngestJob:
    return jobs.get(job_id)
