"""Request body size limit (413) and per-client rate limiting on the chat endpoints (429).

The rate limit uses slowapi's Limiter (the `limits` storage and moving-window strategy behind it)
through a dependency rather than slowapi's decorators: the limit comes from each app's Settings,
and the three chat endpoints share one budget per client, so switching endpoints gains nothing.
"""

from __future__ import annotations

import math
import time

from fastapi import Depends, HTTPException, Request
from limits import parse_many
from slowapi import Limiter
from slowapi.util import get_remote_address
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import problem_body
from tutor.config import Settings

SCOPE = "chat"


class RateLimit:
    """settings.rate_limit per client address (behind a proxy, run uvicorn with --proxy-headers)."""

    def __init__(self, settings: Settings) -> None:
        self.text = settings.rate_limit
        self.items = parse_many(settings.rate_limit)
        self.limiter = Limiter(key_func=get_remote_address, strategy="moving-window")

    def check(self, request: Request) -> None:
        key = get_remote_address(request)
        for item in self.items:
            if not self.limiter.limiter.hit(item, key, SCOPE):
                reset, _ = self.limiter.limiter.get_window_stats(item, key, SCOPE)
                retry = max(1, math.ceil(reset - time.time()))
                raise HTTPException(
                    status_code=429,
                    detail=f"Too many questions: the limit is {self.text} per client. "
                    f"Try again in {retry} s.",
                    headers={"Retry-After": str(retry)},
                )


async def rate_limited(request: Request) -> None:
    request.app.state.rate_limit.check(request)


RATE_LIMITED = [Depends(rate_limited)]


class BodyLimit:
    """Answers 413 to a body over `max_bytes`, before the app reads or parses any of it.

    A declared Content-Length is checked at once; a chunked body is read up to the limit and
    replayed to the app, so nothing larger is ever buffered.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", ())).get(b"content-length")
        if length is not None:
            if length.isdigit() and int(length) > self.max_bytes:
                await self._reject(scope, receive, send, int(length))
                return
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                await self._reject(scope, receive, send, None)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send, size: int | None) -> None:
        got = f"{size} bytes" if size is not None else "over the limit"
        detail = (
            f"The request body is too large ({got}); the limit is {self.max_bytes} bytes "
            "(TUTOR_MAX_BODY_BYTES)."
        )
        response = JSONResponse(problem_body(scope["path"], 413, detail), status_code=413)
        await response(scope, receive, send)
