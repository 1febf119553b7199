"""POST /v1/chat and POST /v1/chat/stream (server-sent events)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.deps import JSON_BODY, SettingsDep, TutorDep
from api.errors import ERROR_RESPONSES, RATE_LIMIT_RESPONSES, status_for, unprocessable
from api.limits import RATE_LIMITED
from api.schemas import ChatIn
from tutor.config import Settings
from tutor.errors import InvalidInput, TutorError
from tutor.types import Answer

router = APIRouter(
    prefix="/v1/chat",
    tags=["chat"],
    dependencies=RATE_LIMITED,
    responses={**ERROR_RESPONSES, **RATE_LIMIT_RESPONSES},
)

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
CHAT_422 = unprocessable(
    "an empty message, or one longer than TUTOR_MAX_MESSAGE_CHARS",
    "`choices` with fewer than 2 or more than 26 options, or an empty one",
    "a `session_id` that is empty or too long",
)


def check_length(text: str, settings: Settings) -> None:
    if len(text) > settings.max_message_chars:
        raise InvalidInput(
            f"The message is {len(text)} characters; the limit is {settings.max_message_chars}."
        )


@router.post("", response_model=Answer, dependencies=JSON_BODY, responses=CHAT_422)
def chat(body: ChatIn, tutor: TutorDep, settings: SettingsDep) -> Answer:
    """Answer a question from the notes, with citations; `session_id` continues a conversation."""
    check_length(body.message, settings)
    return tutor.ask(body.message, session_id=body.session_id, choices=body.choices)


@router.post(
    "/stream",
    dependencies=JSON_BODY,
    response_class=EventSourceResponse,
    responses={
        **CHAT_422,
        200: {
            "content": {"text/event-stream": {}},
            "description": (
                '`event: delta` with data {"text": ...} for each piece of the answer, then one '
                "`event: answer` with the full Answer (citations, grounded, session_id). A failure "
                'mid-stream sends `event: error` with {"detail", "status"}.'
            ),
        },
    },
)
async def chat_stream(body: ChatIn, tutor: TutorDep, settings: SettingsDep) -> EventSourceResponse:
    """Stream an answer as server-sent events."""
    check_length(body.message, settings)
    if body.choices:  # multiple choice is answered whole: one `answer` event
        answer = await run_in_threadpool(
            tutor.ask, body.message, session_id=body.session_id, choices=body.choices
        )
        return EventSourceResponse(_events(answer, _none()), headers=SSE_HEADERS, ping=15)
    parts = tutor.stream(body.message, session_id=body.session_id)
    # Pull the first part before answering 200, so an empty index or bad input is a real 4xx/5xx.
    first = await anext(parts)
    return EventSourceResponse(_events(first, parts), headers=SSE_HEADERS, ping=15)


async def _none() -> AsyncIterator[str | Answer]:
    return
    yield  # an empty async generator


def _event(part: str | Answer) -> ServerSentEvent:
    if isinstance(part, Answer):
        return ServerSentEvent(event="answer", data=part.model_dump_json())
    return ServerSentEvent(event="delta", data=json.dumps({"text": part}))


async def _events(first: str | Answer, rest: AsyncIterator[str | Answer]):
    yield _event(first)
    try:
        async for part in rest:
            yield _event(part)
    except TutorError as exc:  # headers are gone: the error travels as an event
        yield ServerSentEvent(
            event="error", data=json.dumps({"detail": str(exc), "status": status_for(exc)})
        )
