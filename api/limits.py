"""Request body size limit (413) and per-client rate limiting on the chat endpoints (429).

The rate limit is a moving window per client address, kept in this process, checked by a
dependency: the limit comes from each app's Settings (the `limits` library's syntax), and the
three chat endpoints share one budget per client, so switching endpoints gains nothing.

It used to be slowapi's Limiter over `limits`' in-memory storage. That storage starts a timer
thread to expire old hits whenever the last one has run out (10 ms), so nearly every request
started a thread, and `Thread.start` waits for the new thread to take the GIL: on the event loop,
with request threads busy in Python, a check stalled every request in flight for milliseconds
(20 ms median with two busy threads). Here old hits fall out of a bounded deque as new ones come,
and idle clients are dropped in passing: no thread, no timer.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

from fastapi import Depends, HTTPException, Request
from limits import RateLimitItem, parse_many
from slowapi.util import get_remote_address
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import problem_body
from tutor.config import Settings


class MovingWindow:
    """At most `amount` hits in any `seconds` for each rule, per key (`limits`' moving-window
    strategy). A refused hit is not counted."""

    def __init__(
        self, items: Sequence[RateLimitItem], *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rules = [(item.amount, item.get_expiry()) for item in items]
        self.longest = max(seconds for _, seconds in self.rules)
        self.most = max(1, *(amount for amount, _ in self.rules))
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._swept = clock()

    def hit(self, key: str) -> float | None:
        """Count a hit for `key` and return None, or return the seconds until one would pass."""
        now = self.clock()
        with self._lock:
            if now - self._swept >= self.longest:
                self._sweep(now)
            hits = self._hits.get(key)
            for amount, seconds in self.rules:
                if amount < 1:
                    return float(seconds)
                if hits is not None and len(hits) >= amount and now - hits[-amount] < seconds:
                    return hits[-amount] + seconds - now
            if hits is None:
                hits = self._hits[key] = deque(maxlen=self.most)  # older ones matter to no rule
            hits.append(now)
            return None

    @property
    def clients(self) -> int:
        """Keys with a hit inside the longest window, or not swept yet (for tests)."""
        return len(self._hits)

    def _sweep(self, now: float) -> None:
        """Drop the keys whose last hit is older than every window."""
        self._swept = now
        for key in [k for k, hits in self._hits.items() if now - hits[-1] >= self.longest]:
            del self._hits[key]


class RateLimit:
    """settings.rate_limit per client address (behind a proxy, run uvicorn with --proxy-headers)."""

    def __init__(self, settings: Settings) -> None:
        self.text = settings.rate_limit
        self.window = MovingWindow(parse_many(settings.rate_limit))

    def check(self, request: Request) -> None:
        wait = self.window.hit(get_remote_address(request))
        if wait is not None:
            retry = max(1, math.ceil(wait))
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
