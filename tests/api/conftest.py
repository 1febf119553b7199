"""Fixtures for tests/api: the app over the session's ingested notes, through TestClient."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient


@pytest.fixture(scope="session")
def app(settings, tutor):
    from api.app import create_app

    # The whole suite shares this app and one client address: the default 60/minute would trip.
    return create_app(settings.model_copy(update={"rate_limit": "100000/minute"}), tutor=tutor)


@pytest.fixture(scope="session")
def client(app):
    with TestClient(app) as client:
        yield client


def sse_events(text: str) -> list[dict]:
    """Parse a text/event-stream body into [{"event": ..., "data": ...}], one per event."""
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        event, data = "message", []
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                event = value
            elif field == "data":
                data.append(value)
        if data:
            events.append({"event": event, "data": "\n".join(data)})
    return events


def event_json(event: dict) -> dict:
    return json.loads(event["data"])


@pytest.fixture(scope="session")
def parse_sse():
    return sse_events


@pytest.fixture(scope="session")
def settings_at(settings):
    """Settings like the session's, over another data folder (a store of the test's own)."""

    def make(data_dir: Path, **overrides):
        return settings.model_copy(update={"data_dir": data_dir, **overrides})

    return make
