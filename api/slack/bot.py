"""The bolt AsyncApp, built from Settings: secrets are passed in, never read from os.environ.

`AsyncApp(token=...)` would call Slack's auth.test at construction and fail offline, so the bot
token comes from an `authorize` function instead; it asks auth.test once, on the first request,
to learn the bot's own ids (bolt then ignores the bot's own messages).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from api.slack.listeners import SlackBot
from api.slack.memory import SlackMemory
from tutor.config import Settings
from tutor.errors import ConfigError
from tutor.service import Tutor

log = logging.getLogger(__name__)


def _secret(value: Any) -> str:
    return value.get_secret_value().strip() if value is not None else ""


def bot_authorize(token: str):
    """bolt's `authorize`: the configured bot token, plus the bot's ids from one auth.test.

    A plain function, since bolt passes arguments by the names in its signature."""
    ids: dict[str, str | None] = {}

    async def authorize(
        enterprise_id: str | None, team_id: str | None, client: AsyncWebClient
    ) -> AuthorizeResult:
        if not ids:
            try:
                test = await client.auth_test(token=token)
                ids.update(bot_user_id=test.get("user_id"), bot_id=test.get("bot_id"))
            except (SlackApiError, SlackClientError, OSError) as exc:
                # Still answer; without the ids only bolt's self-event filter is weaker.
                log.warning(
                    "Slack auth.test failed (%s); will retry on the next request",
                    type(exc).__name__,
                )
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_token=token,
            bot_user_id=ids.get("bot_user_id"),
            bot_id=ids.get("bot_id"),
        )

    return authorize


def build_slack_app(
    settings: Settings,
    tutor: Tutor,
    *,
    socket_mode: bool = False,
    memory: SlackMemory | None = None,
) -> AsyncApp:
    token = _secret(settings.slack_bot_token)
    secret = _secret(settings.slack_signing_secret)
    if not token:
        raise ConfigError("Set TUTOR_SLACK_BOT_TOKEN (the xoxb- bot token) to run the Slack bot.")
    if not socket_mode and not secret:
        raise ConfigError("Set TUTOR_SLACK_SIGNING_SECRET to receive Slack requests over HTTP.")
    memory = memory or SlackMemory()
    app = AsyncApp(
        name="notes-tutor",
        signing_secret=secret,  # a str, never None: None makes bolt read SLACK_SIGNING_SECRET
        # Socket Mode messages come over the app-token websocket; there is nothing to sign.
        request_verification_enabled=not socket_mode,
        authorize=bot_authorize(token),
        client=AsyncWebClient(base_url=settings.slack_api_url),
        # Ack is the HTTP response; the Tutor work runs after it in lazy listeners.
        process_before_response=True,
        url_verification_enabled=True,
    )

    @app.middleware
    async def answer_once(body: dict, next) -> BoltResponse | None:
        # Slack retries an event (X-Slack-Retry-Num) when the ack was late or lost; the event id
        # stays the same, so a repeat is acked and dropped. A first delivery that was lost still
        # gets answered when its retry arrives.
        event_id = body.get("event_id")
        if event_id and not memory.first_delivery(str(event_id)):
            return BoltResponse(status=200, body="")
        return await next()

    SlackBot(tutor, memory).register(app)
    return app
