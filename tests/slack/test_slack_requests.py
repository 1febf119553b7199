"""The /slack/events door: signatures, url_verification, bad input, and the replies that need no
Tutor call (help, empty, unknown). Through create_app and TestClient; bolt checks signatures."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from slack_fakes import SECRET, command_body, not_marker, settle, signed


@pytest.fixture
def client(slack_app):
    with TestClient(slack_app) as client:
        yield client


def post(client: TestClient, body: str, headers: dict[str, str]):
    return client.post("/slack/events", content=body.encode(), headers=headers)


def test_url_verification_echoes_the_challenge(client):
    body = json.dumps({"token": "legacy", "challenge": "c-3f9a", "type": "url_verification"})
    response = post(client, body, signed(body, content_type="application/json"))
    assert response.status_code == 200
    assert "c-3f9a" in response.text


def test_forged_signature_is_rejected(client, fake_slack):
    body = command_body("what is S3 versioning?", fake_slack)
    response = post(client, body, signed(body, secret="not-the-secret"))
    assert response.status_code == 401
    assert fake_slack.replies() == []


def test_timestamp_older_than_five_minutes_is_rejected(client, fake_slack):
    body = command_body("what is S3 versioning?", fake_slack)
    response = post(client, body, signed(body, ts=int(time.time()) - 6 * 60))
    assert response.status_code == 401


def test_unsigned_request_is_rejected(client, fake_slack):
    body = command_body("help", fake_slack)
    response = client.post(
        "/slack/events", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        '{"type": "event_callback", "event": ',  # truncated JSON
        urlencode({"payload": "{not json"}),  # interactivity payload that does not parse
        urlencode({"payload": "[1, 2]"}),  # parses, but is not an object
    ],
)
def test_unparsable_payload_is_a_4xx_not_a_500(client, body):
    response = post(client, body, signed(body))
    assert response.status_code == 400
    assert "not a Slack payload" in response.text


def test_unparsable_payload_with_a_bad_signature_is_401(client):
    body = '{"broken'
    assert post(client, body, signed(body, secret="wrong")).status_code == 401


def test_unknown_payload_type_is_not_a_500(client):
    body = json.dumps({"type": "something_new", "team_id": "T0TEAM"})
    response = post(client, body, signed(body, content_type="application/json"))
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "Ask me something"),
        ("   ", "Ask me something"),
        ("quizz", "Did you mean `/tutor quiz`?"),
        ("progres", "Did you mean `/tutor progress`?"),
        ("--verbose", "I don't know the command `--verbose`"),
        ("help", "/tutor quiz [topic]"),
    ],
)
def test_commands_that_need_no_tutor_get_an_immediate_ephemeral_reply(
    client, fake_slack, text, expected
):
    body = command_body(text, fake_slack)
    response = post(client, body, signed(body))
    assert response.status_code == 200
    reply = response.json()
    assert expected in reply["text"]
    assert reply.get("response_type", "ephemeral") == "ephemeral"
    settle(lambda b, h: post(client, b, h), fake_slack)  # nothing may follow in the channel
    assert [c.method for c in not_marker(fake_slack.replies())] == []


def test_secrets_never_reach_the_logs(client, fake_slack, caplog):
    caplog.set_level("DEBUG")
    body = command_body("what is S3 versioning?", fake_slack)
    assert post(client, body, signed(body)).status_code == 200
    fake_slack.wait_for(lambda: fake_slack.of("chat.postMessage"))
    assert SECRET not in caplog.text
    assert "xoxb-test-bot-token" not in caplog.text
