"""Garbage at Slack's door, through the real app under a real uvicorn: the signature is checked
first (401 when it fails, whatever the body), then a signed body that is not a payload is 400.
Never a 500, never a traceback in the log, and the client's kept-alive connection keeps serving."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest
from pydantic import SecretStr
from support import free_port

SECRET = "faults-signing-secret-7c1e"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
NOT_UTF8 = b"\xff\xfe\x00garbage\x80\x81"


def sign(body: bytes, *, secret: str = SECRET, content_type: str = JSON, ts: str | None = None):
    """Slack's v0 signature over the raw bytes (whatever they are)."""
    stamp = ts if ts is not None else str(int(time.time()))
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest.hexdigest()}",
    }


@pytest.fixture
def slack_app(settings, tutor):
    """The real app with Slack configured. None of these requests reaches Slack's Web API, so
    it points at a closed loopback port: a call that did go out would fail, not leave the box."""
    from api.app import create_app

    slack = settings.model_copy(
        update={
            "slack_signing_secret": SecretStr(SECRET),
            "slack_bot_token": SecretStr("xoxb-faults-bot-token"),
            "slack_api_url": f"http://127.0.0.1:{free_port()}/api/",
        }
    )
    return create_app(slack, tutor=tutor)


@pytest.fixture
def door(slack_app) -> Iterator[httpx.Client]:
    """The app under uvicorn configured as `tutor serve` runs it (log_config=None: uvicorn's
    loggers reach the root logger, so caplog sees its tracebacks too); one kept-alive client."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(slack_app, log_config=None, access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        yield client
    server.should_exit = True
    thread.join(timeout=30)
    sock.close()


def post(client: httpx.Client, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return client.post("/slack/events", content=body, headers=headers)


def local_port(response: httpx.Response) -> int:
    return response.extensions["network_stream"].get_extra_info("client_addr")[1]


def assert_nothing_went_wrong(caplog) -> None:
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not bad, [f"{r.name}: {r.getMessage()}" for r in bad]


UNSIGNED = [
    # the reproduction: JSON content type, no signature at all
    pytest.param(b"not a payload {", {"Content-Type": JSON}, id="garbage-json-unsigned"),
    pytest.param(NOT_UTF8, {"Content-Type": JSON}, id="not-utf8-unsigned"),
    pytest.param(
        NOT_UTF8,
        {**sign(b"something else"), "Content-Type": JSON},
        id="not-utf8-with-someone-elses-signature",
    ),
    pytest.param(b"[1,2]", sign(b"[1,2]", secret="not-the-secret"), id="wrong-secret"),
    pytest.param(
        b"[1,2]", sign(b"[1,2]", ts=str(int(time.time()) - 600)), id="timestamp-ten-minutes-old"
    ),
    pytest.param(b"[1,2]", sign(b"[1,2]", ts="soon"), id="timestamp-not-a-number"),
    pytest.param(
        b"{}",
        {"Content-Type": JSON, "X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=zz"},
        id="signature-not-hex",
    ),
]

SIGNED_GARBAGE = [
    pytest.param(b"[1,2]", JSON, id="json-array"),
    pytest.param(b"not a payload {", JSON, id="garbage-as-json"),
    pytest.param(NOT_UTF8, JSON, id="not-utf8-json"),
    pytest.param(NOT_UTF8, FORM, id="not-utf8-form"),
    pytest.param(b'"just a string"', JSON, id="json-string"),
    pytest.param(b"null", JSON, id="json-null"),
    pytest.param(b'{"type": "event_callback", "event": ', JSON, id="truncated-json"),
    pytest.param(urlencode({"payload": "{not json"}).encode(), FORM, id="form-payload-not-json"),
    pytest.param(urlencode({"payload": "[1, 2]"}).encode(), FORM, id="form-payload-array"),
    pytest.param(b'{"authorizations": [5]}', JSON, id="object-of-an-odd-shape"),
    pytest.param(b"[" * 30_000 + b"]" * 30_000, JSON, id="nested-30000-deep"),
]


@pytest.mark.parametrize(("body", "headers"), UNSIGNED)
def test_unsigned_or_badly_signed_is_401_whatever_the_body(door, caplog, body, headers):
    caplog.set_level(logging.INFO)
    response = post(door, body, headers)
    assert response.status_code == 401
    assert "not signed by Slack" in response.text
    assert_nothing_went_wrong(caplog)


@pytest.mark.parametrize(("body", "content_type"), SIGNED_GARBAGE)
def test_signed_but_not_a_payload_is_400(door, caplog, body, content_type):
    caplog.set_level(logging.INFO)
    response = post(door, body, sign(body, content_type=content_type))
    assert response.status_code == 400
    assert "not a Slack payload" in response.text
    assert_nothing_went_wrong(caplog)


def test_one_kept_alive_connection_survives_all_the_garbage(door, caplog):
    caplog.set_level(logging.INFO)
    statuses, ports = [], set()
    for param in UNSIGNED + SIGNED_GARBAGE:
        body, second = param.values
        headers = second if isinstance(second, dict) else sign(body, content_type=second)
        response = post(door, body, headers)
        statuses.append(response.status_code)
        ports.add(local_port(response))
        assert response.headers.get("connection", "").lower() != "close"
    # Then a real Slack request on the same connection is served as usual.
    body = json.dumps({"token": "t", "challenge": "still-here", "type": "url_verification"})
    ok = post(door, body.encode(), sign(body.encode()))
    ports.add(local_port(ok))
    assert ok.status_code == 200 and "still-here" in ok.text
    assert statuses == [401] * len(UNSIGNED) + [400] * len(SIGNED_GARBAGE)
    assert len(ports) == 1, "the server dropped the kept-alive connection"
    assert_nothing_went_wrong(caplog)


def test_a_signed_body_with_non_ascii_text_passes_the_check(door):
    # The raw-bytes check agrees with Slack's (and bolt's own, which runs after it) on UTF-8.
    body = json.dumps({"type": "url_verification", "challenge": "grüße"}, ensure_ascii=False)
    response = post(door, body.encode(), sign(body.encode()))
    assert response.status_code == 200 and response.json()["challenge"] == "grüße"
