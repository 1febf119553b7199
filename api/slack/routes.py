"""POST /slack/events: events, slash commands and interactivity, handed to bolt's adapter."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from starlette.datastructures import State

from api.slack.bot import build_slack_app
from tutor.config import Settings

router = APIRouter(tags=["slack"])


def parse_payload(body: bytes) -> dict[str, Any] | None:
    """The body as bolt will read it (JSON, form, or form with a JSON `payload`), or None if it
    cannot be read; bolt itself would raise on these and the client would see a 500."""
    try:
        text = body.decode("utf-8")
        if not text:
            return {}
        if text.startswith("{"):
            data = json.loads(text)
        else:
            form = dict(parse_qsl(text, keep_blank_values=True))
            data = json.loads(form["payload"]) if "payload" in form else form
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _settings(state: State) -> Settings:
    return getattr(state, "settings", None) or state.tutor.settings


def _handler(state: State) -> AsyncSlackRequestHandler:
    # Built on first use: the Tutor is made by the app's lifespan, after the router is included.
    # No await between the check and the store, so two first requests cannot build two apps.
    handler = getattr(state, "slack_handler", None)
    if handler is None:
        handler = AsyncSlackRequestHandler(build_slack_app(_settings(state), state.tutor))
        state.slack_handler = handler
    return handler


@router.post("/slack/events", include_in_schema=False)
async def slack_events(request: Request) -> Response:
    body = await request.body()  # starlette caches it; bolt's adapter reads the same bytes
    handler = _handler(request.app.state)
    if parse_payload(body) is None:
        secret = _settings(request.app.state).slack_signing_secret
        verifier = SignatureVerifier(secret.get_secret_value() if secret else "")
        if not verifier.is_valid_request(body, dict(request.headers)):
            return Response(status_code=401, content="invalid request")
        return Response(status_code=400, content="The request body is not a Slack payload.")
    return await handler.handle(request)
