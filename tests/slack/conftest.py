"""Fixtures for the Slack bot tests: the fake Slack API, Slack settings, the app under uvicorn."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from slack_fakes import BOT_TOKEN, SECRET, FakeSlack, Served, start_fake_slack


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake, server, thread = start_fake_slack()
    yield fake
    fake.gate.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def slack_settings(settings, fake_slack):
    """The session's settings (its ingested store) plus Slack secrets and the fake's URL."""
    return settings.model_copy(
        update={
            "slack_signing_secret": SecretStr(SECRET),
            "slack_bot_token": SecretStr(BOT_TOKEN),
            "slack_api_url": fake_slack.api_url,
        }
    )


@pytest.fixture
def slack_app(slack_settings, tutor):
    from api.app import create_app

    return create_app(slack_settings, tutor=tutor)


@pytest.fixture
def served(slack_app) -> Iterator[Served]:
    """The app under a real uvicorn on a free loopback port."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(slack_app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield Served(f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
