"""Request dependencies: the app's one Tutor and Settings, and the JSON content-type guard.

They are `async def` because none of them waits on anything: FastAPI runs a plain `def`
dependency in its thread pool, a thread hop per dependency per request (and, with request threads
busy in Python, a wait for the GIL each time) for a lookup that takes a microsecond.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from tutor.config import Settings
from tutor.service import Tutor


async def get_tutor(request: Request) -> Tutor:
    return request.app.state.tutor


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


TutorDep = Annotated[Tutor, Depends(get_tutor)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


async def require_json(request: Request) -> None:
    """FastAPI would read a text/plain body as a string and fail with a puzzling 422; say why."""
    content_type = request.headers.get("content-type")
    if content_type is None:  # FastAPI parses a body without a content type as JSON
        return
    media = content_type.split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise HTTPException(
            status_code=415,
            detail=f"Send the body as JSON with 'Content-Type: application/json' (got {media!r}).",
        )


JSON_BODY = [Depends(require_json)]
