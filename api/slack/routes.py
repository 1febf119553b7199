"""POST /slack/events: events, slash commands and interactivity, handed to bolt's adapter.

The door checks a request in two steps before bolt sees it, so a client's mistake is a 4xx with a
message and never a traceback:

1. the signature, first, on the raw bytes (Slack's v0 HMAC and a timestamp under five minutes
   old): unsigned, wrongly signed or stale requests get 401, whatever their body;
2. the body, parsed by bolt's own request parser: a signed body that is not a Slack payload (not
   UTF-8, not JSON or a form, a JSON array) gets 400, where bolt would raise and answer 500.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from fastapi import APIRouter, Request, Response
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from starlette.datastructures import State

from api.slack.bot import build_slack_app
from tutor.config import Settings

router = APIRouter(tags=["slack"])

UNSIGNED = "The request is not signed by Slack (a missing, wrong or expired X-Slack-Signature)."
NOT_A_PAYLOAD = "The request body is not a Slack payload (UTF-8 JSON object or form)."


class RawBodyVerifier(SignatureVerifier):
    """slack_sdk's verifier (secret, timestamp freshness, constant-time compare) over raw bytes.

    slack_sdk decodes a bytes body as UTF-8 before signing it, so bytes that are not UTF-8 raise
    instead of failing the check; Slack signs the bytes it sends, so sign those.
    """

    def generate_signature(self, *, timestamp: str, body: str | bytes) -> str | None:
        if timestamp is None:
            return None
        raw = body.encode() if isinstance(body, str) else body or b""
        message = b"v0:" + timestamp.encode() + b":" + raw
        return "v0=" + hmac.new(self.signing_secret.encode(), message, hashlib.sha256).hexdigest()


def signed_by_slack(secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    try:
        return RawBodyVerifier(secret).is_valid_request(body, headers)
    except ValueError:  # an empty secret, or a timestamp that is not a number
        return False


def slack_payload(request: Request, body: bytes) -> dict | None:
    """The body as bolt reads it (its own parser, by content type), or None when bolt cannot."""
    try:
        parsed = AsyncBoltRequest(
            body=body.decode("utf-8"),
            query=str(request.query_params),
            headers=dict(request.headers),
        )
    except (ValueError, RecursionError, TypeError, AttributeError, KeyError, IndexError):
        # Not UTF-8 or not JSON (ValueError), nested too deeply for json.loads (RecursionError),
        # or JSON of another shape than bolt expects.
        return None
    return parsed.body if isinstance(parsed.body, dict) else None


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
    secret = _settings(request.app.state).slack_signing_secret
    if not signed_by_slack(secret.get_secret_value() if secret else "", body, request.headers):
        return Response(status_code=401, content=UNSIGNED, media_type="text/plain")
    if slack_payload(request, body) is None:
        return Response(status_code=400, content=NOT_A_PAYLOAD, media_type="text/plain")
    return await _handler(request.app.state).handle(request)
