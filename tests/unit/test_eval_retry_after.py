"""`tutor eval --url` against a rate-limited service: a 429 is waited out as its Retry-After says
(bounded, a few times), not scored as a failure. A tiny scripted server, then the real app."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from evals.runner import (
    RATE_LIMIT_RETRIES,
    RETRY_AFTER_DEFAULT_S,
    RETRY_AFTER_MAX_S,
    HttpTarget,
    ServiceError,
    retry_after_s,
)

ANSWER = {"text": "Versioning keeps every version.", "citations": [], "provider": "offline"}


class Script:
    """The replies the server gives to POST /v1/chat, in order; the last one repeats."""

    def __init__(self) -> None:
        self.replies: list[tuple[int, dict[str, str]]] = []
        self.requests = 0


@pytest.fixture
def scripted() -> Iterator[tuple[Script, str]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            index = min(script.requests, len(script.replies) - 1)
            script.requests += 1
            status, headers = script.replies[index]
            body = json.dumps(ANSWER if status == 200 else {"detail": "Too many questions"})
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield script, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_a_429_is_waited_out_as_retry_after_says(scripted):
    script, url = scripted
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
    script.replies = [(429, {"Retry-After": "2"}), (429, {"Retry-After": later}), (200, {})]
    waits: list[float] = []
    target = HttpTarget(url, sleep=waits.append)
    try:
        reply = target.ask("What is S3 versioning?", None)
    finally:
        target.close()
    assert reply.text == ANSWER["text"]
    assert script.requests == 3
    assert waits[0] == 2.0
    assert 1.0 <= waits[1] <= 3.0  # an HTTP date, to the second


def test_a_service_that_keeps_refusing_fails_after_bounded_waits(scripted):
    script, url = scripted
    script.replies = [(429, {"Retry-After": "3600"})]
    waits: list[float] = []
    target = HttpTarget(url, sleep=waits.append)
    with pytest.raises(ServiceError, match="HTTP 429"):
        target.ask("What is S3 versioning?", None)
    target.close()
    assert script.requests == RATE_LIMIT_RETRIES + 1
    assert waits == [RETRY_AFTER_MAX_S] * RATE_LIMIT_RETRIES


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("7", 7.0),
        ("0.5", 0.5),
        ("-3", 0.0),
        ("99999", RETRY_AFTER_MAX_S),
        ("inf", RETRY_AFTER_MAX_S),
        ("nan", RETRY_AFTER_MAX_S),
        (None, RETRY_AFTER_DEFAULT_S),
        ("", RETRY_AFTER_DEFAULT_S),
        ("soon", RETRY_AFTER_DEFAULT_S),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # a date in the past: retry now
    ],
)
def test_retry_after_values(header, seconds):
    assert retry_after_s(header) == seconds


def test_the_real_apps_rate_limit_is_waited_out(settings, tutor):
    """The API's own 429 (api.limits) with a low limit: the second question waits, then passes."""
    import time

    from fastapi.testclient import TestClient

    from api.app import create_app

    waits: list[float] = []

    def wait(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)  # the real wait: the limiter's window is real time

    strict = settings.model_copy(update={"rate_limit": "1/5second"})
    with TestClient(create_app(strict, tutor=tutor)) as client:
        target = HttpTarget("http://testserver", client=client, sleep=wait)
        first = target.ask("What is S3 versioning?", None)
        second = target.ask("What is an IAM role?", None)
    assert first.text and second.text
    assert len(waits) >= 1 and all(1.0 <= w <= 5.0 for w in waits)
