"""`tutor slack --socket`: the bot over Socket Mode, against a fake Slack websocket on loopback."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp import WSMsgType, web
from pydantic import SecretStr
from slack_fakes import BOT_USER, event_body, mention, posts_in_thread, texts
from typer.testing import CliRunner

from cli.main import app as cli_app
from cli.slack_cmd import run_socket_mode
from tutor.errors import ConfigError


@pytest.fixture
def socket_settings(slack_settings):
    return slack_settings.model_copy(
        update={"slack_signing_secret": None, "slack_app_token": SecretStr("xapp-test-app-token")}
    )


async def _serve_socket(envelope: dict, acks: list[dict]) -> tuple[web.AppRunner, str]:
    """Slack's side of Socket Mode: say hello, push one envelope, collect the client's acks."""

    async def link(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(
            json.dumps(
                {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0TUTOR"}}
            )
        )
        await ws.send_str(json.dumps(envelope))
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                acks.append(json.loads(msg.data))
        return ws

    server = web.Application()
    server.router.add_get("/link", link)
    runner = web.AppRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, f"ws://127.0.0.1:{port}/link"


def test_socket_mode_acks_the_envelope_and_answers_in_the_thread(
    socket_settings, fake_slack, tutor
):
    event = json.loads(event_body(mention("What is DynamoDB?", ts="1700000700.000100")))
    envelope = {
        "envelope_id": "env-1",
        "type": "events_api",
        "payload": event,
        "accepts_response_payload": False,
        "retry_attempt": 0,
        "retry_reason": "",
    }
    acks: list[dict] = []

    async def scenario() -> None:
        runner, fake_slack.socket_url = await _serve_socket(envelope, acks)
        bot = asyncio.create_task(run_socket_mode(socket_settings, tutor))
        try:
            for _ in range(600):  # bounded: 30 s
                if bot.done() or posts_in_thread(fake_slack, "1700000700.000100"):
                    break
                await asyncio.sleep(0.05)
            assert not bot.done(), bot.exception()
        finally:
            bot.cancel()
            await asyncio.gather(bot, return_exceptions=True)
            await runner.cleanup()

    asyncio.run(scenario())
    assert {"envelope_id": "env-1"} in [{"envelope_id": a.get("envelope_id")} for a in acks]
    post = posts_in_thread(fake_slack, "1700000700.000100")[0]
    assert "DynamoDB" in texts(post)
    opened = fake_slack.of("apps.connections.open")[0]
    assert opened.authorization == "Bearer xapp-test-app-token"  # the app token, not the bot's
    assert BOT_USER not in texts(post)


def test_socket_mode_with_a_refused_app_token_is_a_clear_error(socket_settings, fake_slack, tutor):
    fake_slack.errors["apps.connections.open"] = "invalid_auth"
    with pytest.raises(ConfigError, match="invalid_auth"):
        asyncio.run(run_socket_mode(socket_settings, tutor))


def test_cli_needs_socket_flag_and_app_token(monkeypatch):
    runner = CliRunner()
    result = runner.invoke(cli_app, ["slack"])
    assert result.exit_code == 1
    assert "tutor serve" in result.output

    from tutor.config import get_settings

    get_settings.cache_clear()
    monkeypatch.setenv("TUTOR_SLACK_BOT_TOKEN", "xoxb-x")
    monkeypatch.delenv("TUTOR_SLACK_APP_TOKEN", raising=False)
    try:
        result = runner.invoke(cli_app, ["slack", "--socket"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "TUTOR_SLACK_APP_TOKEN" in result.output
    assert "Traceback" not in result.output
