"""One place that turns errors into HTTP responses: {"detail": message}, never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from tutor.errors import (
    ConfigError,
    Conflict,
    IngestError,
    InvalidInput,
    NotFound,
    NotReady,
    StoreUnavailable,
    TutorError,
)

log = logging.getLogger(__name__)

# Most specific first: the first isinstance match wins.
STATUS: list[tuple[type[TutorError], int]] = [
    (InvalidInput, 422),
    (NotFound, 404),
    (Conflict, 409),
    (IngestError, 422),
    (StoreUnavailable, 503),
    (NotReady, 503),
    (ConfigError, 500),  # the server's settings are wrong; the client cannot fix it
]


class Problem(BaseModel):
    """Every error body. `errors` lists the fields that failed validation, when any did."""

    detail: str
    errors: list[dict] | None = None


ERROR_RESPONSES: dict[int | str, dict] = {
    code: {"model": Problem} for code in (404, 409, 413, 415, 422, 503)
}
# The chat endpoints are rate limited per client (api.limits).
RATE_LIMIT_RESPONSES: dict[int | str, dict] = {
    429: {
        "model": Problem,
        "description": "Too many requests from this client; `Retry-After` says when to retry.",
    }
}

_SCHEMA_422 = (
    "a body that is not valid JSON (or is nested too deeply), or fields that fail the schema "
    "(`errors` lists them)"
)


def unprocessable(*reasons: str) -> dict[int | str, dict]:
    """`responses=` for a route whose 422 has reasons the schema cannot show: it documents them
    beside the schema's own, so clients know what a 422 from that route means."""
    described = "; ".join([*reasons, _SCHEMA_422])
    return {422: {"model": Problem, "description": f"Unprocessable: {described}."}}


UNREADABLE_BODY = "There was an error parsing the body"  # FastAPI's wording


def unreadable_body(cause: BaseException | None) -> str:
    """Why FastAPI could not read a JSON body, from the error it chained (`raise ... from`)."""
    if isinstance(cause, RecursionError):
        return "The JSON body is nested too deeply to read; send a flat JSON object."
    if isinstance(cause, UnicodeDecodeError):
        return "The body is not valid JSON (it could not be decoded as UTF-8 text)."
    return "The body is not valid JSON (it could not be read)."


def status_for(exc: TutorError) -> int:
    return next((code for kind, code in STATUS if isinstance(exc, kind)), 400)


def _body(request: Request, status: int, detail: str, errors: list[dict] | None = None) -> dict:
    return problem_body(request.url.path, status, detail, errors)


def problem_body(path: str, status: int, detail: str, errors: list[dict] | None = None) -> dict:
    body: dict = {"detail": detail}
    if errors:
        body["errors"] = errors
    if path in ("/v1/chat/completions", "/v1/models"):
        # OpenAI clients and chat UIs read error.message.
        kind = "invalid_request_error" if status < 500 else "server_error"
        body["error"] = {"message": detail, "type": kind, "param": None, "code": None}
    return body


def _describe(errors: Sequence[dict]) -> str:
    parts = []
    for err in errors:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        message = err.get("msg", "invalid")
        if err.get("type") == "json_invalid":
            message = (
                f"the body is not valid JSON ({err.get('ctx', {}).get('error', 'parse error')})"
            )
            where = "body"
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


def install(app: FastAPI) -> None:
    @app.exception_handler(TutorError)
    async def tutor_error(request: Request, exc: TutorError) -> JSONResponse:
        status = status_for(exc)
        if status >= 500:
            log.error("%s on %s: %s", type(exc).__name__, request.url.path, exc)
        return JSONResponse(_body(request, status, str(exc)), status_code=status)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in exc.errors()]
        return JSONResponse(_body(request, 422, _describe(exc.errors()), errors), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == UNREADABLE_BODY:
            # FastAPI's 400 for a body json.loads raised on with something else than a JSON
            # syntax error: malformed JSON, like the rest, with the reason it could not be read.
            detail = unreadable_body(exc.__cause__)
            return JSONResponse(_body(request, 422, detail), status_code=422)
        return JSONResponse(
            _body(request, exc.status_code, str(exc.detail)),
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        detail = "The tutor hit an unexpected error; it has been logged. Please try again."
        return JSONResponse(_body(request, 500, detail), status_code=500)
