"""Request ids, logging set up once, one log line per request, and /metrics for Prometheus.

Every request gets an id: the caller's `X-Request-ID` when it is a sane token, else a new one. It
is echoed in the response header and stamped on every log record made while the request runs
(sync handlers run in a threadpool that copies the context, so their records carry it too);
records made outside a request carry "-".

`configure_logging` is the one place that sets up logging: one handler on the root logger,
JSON lines or text on stderr. The CLI calls it for every command and each uvicorn worker calls it
from the app factory (`app_from_env`); uvicorn runs with `log_config=None`, so its own loggers
have no handlers and propagate to that one. Nothing else may call `logging.basicConfig`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tutor.config import Settings

if TYPE_CHECKING:  # the CLI imports this module for configure_logging: keep FastAPI out of it
    from fastapi import FastAPI

log = logging.getLogger("api.access")

LogFormat = Literal["json", "text"]
REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
_SANE_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")  # nothing that could forge a log line
_FIELDS = ("method", "path", "status", "duration_ms", "client")
# uvicorn's loggers: their records go to the root handler; uvicorn.access is replaced by
# RequestContext's line, which carries the request id.
_UVICORN = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")
# HTTP clients log every call at INFO (each Chroma server call, each LLM call): one request would
# be several lines. At INFO only their warnings pass; at DEBUG the calls show.
_CHATTY = ("httpx", "httpcore")


def install_request_ids() -> None:
    """Stamp the current request id on every log record as it is made, whatever handles it.

    A record factory (not only a handler filter) so records keep the id even when a handler
    formats them later or elsewhere (pytest's caplog); installed once per process.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_stamps_request_id", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = REQUEST_ID.get()
        return record

    factory._stamps_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


class RequestIdFilter(logging.Filter):
    """The handler's guarantee: a record built without the factory still gets its id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, request fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for name in _FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class StderrHandler(logging.StreamHandler):
    """Writes to sys.stderr as it is when a record comes (test runners swap it), like
    logging's own last-resort handler."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr


def log_format(settings: Settings, default: LogFormat = "json") -> LogFormat:
    """TUTOR_LOG_FORMAT, else the older TUTOR_LOG_JSON, else the caller's default."""
    if settings.log_format is not None:
        return settings.log_format
    if settings.log_json is not None:
        return "json" if settings.log_json else "text"
    return default


def configure_logging(
    settings: Settings, *, default_format: LogFormat = "json", level: str | None = None
) -> logging.Handler:
    """Install the one root handler (replacing any other) at `level` (default
    settings.log_level); calling it again replaces it, so every process can call it once more."""
    install_request_ids()
    handler = StderrHandler()
    fmt = log_format(settings, default_format)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RequestIdFilter())
    level = level or settings.log_level
    # The handler's level too: a library that sets its own logger to DEBUG stays quiet.
    handler.setLevel(level)
    logging.basicConfig(handlers=[handler], level=level, force=True)
    if level == "INFO":
        for name in _CHATTY:
            logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)  # a library's warning is one line too, not a raw stderr dump
    for name in _UVICORN:
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    return handler


def _request_id(scope: Scope) -> str:
    for key, value in scope.get("headers", ()):
        if key == b"x-request-id":
            given = value.decode("latin-1")
            if _SANE_ID.fullmatch(given):
                return given
            break
    return uuid.uuid4().hex


class RequestContext:
    """Outermost middleware: sets the request id, echoes it, logs the request when it ends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before answering

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            client = scope.get("client")
            log.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],  # never the query string: it is the caller's data
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "client": client[0] if client else None,
                },
            )
            REQUEST_ID.reset(token)


def install_metrics(app: FastAPI) -> None:
    """GET /metrics in Prometheus' text format: request counts, latencies and sizes per route.

    Each app gets its own registry (tests build many apps in one process). With several workers,
    set PROMETHEUS_MULTIPROC_DIR and the instrumentator aggregates them.
    """
    from prometheus_client import CollectorRegistry
    from prometheus_fastapi_instrumentator import Instrumentator

    Instrumentator(
        registry=CollectorRegistry(),
        excluded_handlers=["/metrics"],
        should_group_status_codes=False,
    ).instrument(app).expose(app, include_in_schema=False)
