"""Request ids, one JSON log line per request, and /metrics for Prometheus.

Every request gets an id: the caller's `X-Request-ID` when it is a sane token, else a new one. It
is echoed in the response header and stamped on every log record made while the request runs
(sync handlers run in a threadpool that copies the context, so their records carry it too).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tutor.config import Settings

log = logging.getLogger("api.access")

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")
HEADER = "x-request-id"
_SANE_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")  # nothing that could forge a log line
_FIELDS = ("method", "path", "status", "duration_ms", "client")


def install_request_ids() -> None:
    """Stamp the current request id on every log record as it is made, whatever handles it.

    A record factory (not a handler filter) so records keep the id even when a handler formats
    them later or elsewhere; installed once per process.
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


def configure_logging(settings: Settings) -> None:
    """Root logging for a served app: JSON lines (or text) on stderr at settings.log_level.

    uvicorn's own access log is silenced: the request line below replaces it and carries the id.
    """
    install_request_ids()
    handler = logging.StreamHandler()
    if settings.log_json:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_tutor", False)]:
        root.removeHandler(old)
    handler._tutor = True  # type: ignore[attr-defined]  (so a second call replaces, not adds)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True


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
