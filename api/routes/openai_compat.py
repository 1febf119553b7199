"""OpenAI-compatible chat: POST /v1/chat/completions (stream and not) and GET /v1/models.

Any OpenAI client or chat UI works unchanged. The last user message is the question; the
conversation maps to a tutor session (from `user` and the first user message), so follow-ups
keep the earlier turns as context. Sources are listed at the end of the message.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Literal

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette import EventSourceResponse

from api.deps import JSON_BODY, SettingsDep, TutorDep
from api.errors import ERROR_RESPONSES, RATE_LIMIT_RESPONSES, unprocessable
from api.limits import RATE_LIMITED
from api.routes.chat import SSE_HEADERS, check_length
from tutor.errors import InvalidInput, NotFound, TutorError
from tutor.types import Answer

MODEL = "notes-tutor"
CREATED = 1_735_689_600  # 2025-01-01, a fixed "created" for the one model

router = APIRouter(prefix="/v1", tags=["openai"], responses=ERROR_RESPONSES)


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text or "" for p in self.content if p.type == "text")
        return self.content or ""


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: bool = False


class CompletionRequest(BaseModel):
    # Sampling knobs (temperature, top_p ...) are accepted and ignored: answers come from the notes.
    model_config = ConfigDict(extra="allow")
    model: str = MODEL
    messages: Annotated[list[Message], Field(min_length=1, max_length=200)]
    stream: bool = False
    stream_options: StreamOptions | None = None
    user: str | None = Field(default=None, max_length=256)


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class CompletionChoice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class Completion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[CompletionChoice]
    usage: Usage


def _question(body: CompletionRequest) -> str:
    users = [m for m in body.messages if m.role == "user" and m.text.strip()]
    if not users:
        raise InvalidInput("messages has no user message with text: ask a question.")
    return users[-1].text


def _session_id(body: CompletionRequest) -> str:
    """The same conversation (same user, same opening question) is the same tutor session."""
    opening = next(m.text for m in body.messages if m.role == "user" and m.text.strip())
    digest = hashlib.sha256(f"{body.user or ''}\n{opening}".encode()).hexdigest()[:24]
    return f"openai-{digest}"


def _sources(answer: Answer) -> str:
    if not answer.citations:
        return ""
    lines = [f"[{c.n}] {c.section} ({c.source})" for c in answer.citations]
    return "\n\nSources:\n" + "\n".join(lines)


def _usage(body: CompletionRequest, text: str) -> Usage:
    # Word counts stand in for tokens: there is no tokenizer on the offline path.
    prompt = sum(len(m.text.split()) for m in body.messages)
    completion = len(text.split())
    return Usage(
        prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
    )


def _check_model(body: CompletionRequest) -> None:
    if body.model != MODEL:
        raise NotFound(f"The model {body.model!r} does not exist here; use {MODEL!r}.")


@router.get("/models", response_model=ModelList)
def models() -> ModelList:
    return ModelList(data=[ModelCard(id=MODEL, created=CREATED, owned_by="notes-tutor")])


@router.post(
    "/chat/completions",
    response_model=Completion,
    dependencies=RATE_LIMITED + JSON_BODY,
    responses={
        **RATE_LIMIT_RESPONSES,
        **unprocessable(
            "no user message with text, or one longer than TUTOR_MAX_MESSAGE_CHARS",
        ),
        200: {
            "content": {"text/event-stream": {}},
            "description": (
                "With `stream: true`: chat.completion.chunk objects as `data:` lines, then `data: [DONE]`."
            ),
        },
    },
)
async def completions(
    body: CompletionRequest, tutor: TutorDep, settings: SettingsDep
) -> Completion | EventSourceResponse:
    """OpenAI's Chat Completions, answered from the notes with sources at the end."""
    _check_model(body)
    question = _question(body)
    check_length(question, settings)
    session_id = _session_id(body)
    created = int(time.time())
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    if not body.stream:
        answer = await run_in_threadpool(tutor.ask, question, session_id=session_id)
        text = answer.text + _sources(answer)
        return Completion(
            id=completion_id,
            created=created,
            model=MODEL,
            choices=[CompletionChoice(message=AssistantMessage(content=text))],
            usage=_usage(body, text),
        )
    parts = tutor.stream(question, session_id=session_id)
    first = await anext(parts)  # errors before the first byte are real HTTP errors
    include_usage = bool(body.stream_options and body.stream_options.include_usage)
    chunks = _chunks(body, first, parts, completion_id, created, include_usage)
    return EventSourceResponse(chunks, headers=SSE_HEADERS, sep="\n", ping=15)


def _chunk(cid: str, created: int, delta: dict, finish: str | None = None, **extra) -> str:
    choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
    return json.dumps(
        {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": created,
            "model": MODEL,
            "system_fingerprint": None,
            "choices": [choice],
            **extra,
        }
    )


async def _chunks(
    body: CompletionRequest,
    first: str | Answer,
    rest: AsyncIterator[str | Answer],
    cid: str,
    created: int,
    include_usage: bool,
) -> AsyncIterator[dict]:
    yield {"data": _chunk(cid, created, {"role": "assistant", "content": ""})}
    sent: list[str] = []

    async def parts() -> AsyncIterator[str | Answer]:
        yield first
        async for part in rest:
            yield part

    try:
        async for part in parts():
            text = _sources(part) if isinstance(part, Answer) else part
            if text:
                sent.append(text)
                yield {"data": _chunk(cid, created, {"content": text})}
    except TutorError as exc:  # mid-stream: OpenAI clients raise on a data line with "error"
        error = {"message": str(exc), "type": "server_error", "param": None, "code": None}
        yield {"data": json.dumps({"error": error})}
        yield {"data": "[DONE]"}
        return
    yield {"data": _chunk(cid, created, {}, "stop")}
    if include_usage:
        usage = _usage(body, "".join(sent)).model_dump()
        yield {
            "data": json.dumps(
                {
                    "id": cid,
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": MODEL,
                    "system_fingerprint": None,
                    "choices": [],
                    "usage": usage,
                }
            )
        }
    yield {"data": "[DONE]"}
