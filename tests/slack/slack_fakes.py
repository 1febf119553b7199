"""Test helpers for the Slack bot: a fake Slack Web API (a real HTTP server on 127.0.0.1) and
requests signed with Slack's scheme (bolt's own check verifies them)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode

SECRET = "test-signing-secret-5f0c"
BOT_TOKEN = "xoxb-test-bot-token-9d2a"
TEAM, CHANNEL, USER = "T0TEAM", "C0STUDY", "U0ALICE"
BOT_USER, BOT_ID = "U0TUTOR", "B0TUTOR"


@dataclass
class Call:
    method: str  # "chat.postMessage", ..., or "response_url"
    data: dict[str, Any]
    at: float
    authorization: str | None = None
    reply: dict[str, Any] = field(default_factory=dict)  # what the fake answered


@dataclass
class FakeSlack:
    """Records every Web API and response_url call; `gate` holds replies back when cleared."""

    url: str = ""
    socket_url: str = ""  # what apps.connections.open hands out (Socket Mode)
    errors: dict[str, str] = field(default_factory=dict)  # method -> Slack error to answer
    calls: list[Call] = field(default_factory=list)
    gate: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ts: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    @property
    def response_url(self) -> str:
        return f"{self.url}/response/hook"

    def next_ts(self) -> str:
        with self.lock:
            return f"1700000000.{next(self._ts):06d}"

    def record(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)

    def of(self, method: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def replies(self) -> list[Call]:
        """What a user would see: messages, ephemerals and response_url posts (not auth.test)."""
        with self.lock:
            return [c for c in self.calls if c.method != "auth.test"]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 30.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"timed out after {timeout}s; calls so far: {self.calls!r}")


def _handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            if self.headers.get("Content-Type", "").startswith("application/json"):
                data = json.loads(raw or "{}")
            else:
                data = dict(parse_qsl(raw))
            if "auth.test" not in self.path:  # the gate holds replies, not authorization
                fake.gate.wait(timeout=30)
            if self.path.startswith("/response/"):
                fake.record(Call("response_url", data, time.monotonic()))
                return self._send(b"ok", "text/plain")
            method = self.path.removeprefix("/api/").split("?")[0]
            reply: dict[str, Any] = {"ok": True}
            if method in fake.errors:
                reply = {"ok": False, "error": fake.errors[method]}
            elif method == "apps.connections.open":
                reply.update(url=fake.socket_url)
            elif method == "auth.test":
                reply.update(user_id=BOT_USER, bot_id=BOT_ID, team_id=TEAM, user="tutor")
            elif method == "chat.postMessage":
                reply.update(channel=data.get("channel"), ts=fake.next_ts())
            elif method == "chat.postEphemeral":
                reply.update(message_ts=fake.next_ts())
            fake.record(
                Call(method, data, time.monotonic(), self.headers.get("Authorization"), reply)
            )
            self._send(json.dumps(reply).encode(), "application/json")

        def _send(self, body: bytes, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def start_fake_slack() -> tuple[FakeSlack, ThreadingHTTPServer, threading.Thread]:
    fake = FakeSlack()
    fake.gate.set()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return fake, server, thread


@dataclass
class Served:
    url: str

    def post(self, body: str, headers: dict[str, str], timeout: float = 20.0):
        import httpx

        return httpx.post(
            f"{self.url}/slack/events", content=body.encode(), headers=headers, timeout=timeout
        )


# -- signed Slack requests -----------------------------------------------------------------------


def signed(
    body: str,
    *,
    secret: str = SECRET,
    ts: int | None = None,
    content_type: str = "application/x-www-form-urlencoded",
    retry: int | None = None,
) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }
    if retry is not None:
        headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
    return headers


def command_body(text: str, fake: FakeSlack, *, user: str = USER, channel: str = CHANNEL) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "study",
            "channel_id": channel,
            "channel_name": "study",
            "user_id": user,
            "user_name": "alice",
            "command": "/tutor",
            "text": text,
            "api_app_id": "A0TUTOR",
            "response_url": fake.response_url,
            "trigger_id": "1.2.3",
        }
    )


_event_ids = itertools.count(1)


def event_body(event: dict[str, Any], *, event_id: str | None = None) -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "A0TUTOR",
            "type": "event_callback",
            "event": event,
            "event_id": event_id or f"Ev{next(_event_ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        }
    )


def mention(
    text: str, *, ts: str, thread_ts: str | None = None, channel: str = CHANNEL, user: str = USER
) -> dict[str, Any]:
    event = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def message(
    text: str,
    *,
    ts: str,
    thread_ts: str | None = None,
    channel: str = CHANNEL,
    channel_type: str = "channel",
    user: str = USER,
) -> dict[str, Any]:
    event = {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "channel_type": channel_type,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def click_body(
    blocks: list[dict],
    letter: str,
    fake: FakeSlack,
    *,
    message_ts: str,
    user: str = USER,
    channel: str = CHANNEL,
) -> str:
    """The block_actions payload Slack sends when `user` clicks button `letter` of a quiz."""
    actions = next(b for b in blocks if b["type"] == "actions")
    button = next(e for e in actions["elements"] if e.get("text", {}).get("text") == letter)
    payload = {
        "type": "block_actions",
        "user": {"id": user, "team_id": TEAM},
        "team": {"id": TEAM},
        "api_app_id": "A0TUTOR",
        "token": "legacy",
        "trigger_id": "4.5.6",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
        "channel": {"id": channel},
        "message": {"ts": message_ts, "blocks": blocks},
        "response_url": fake.response_url,
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": actions["block_id"],
                "value": button["value"],
                "action_ts": "1700000001.0",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


# -- reading what the bot posted ----------------------------------------------------------


def json_headers(body: str, **kwargs) -> dict[str, str]:
    return signed(body, content_type="application/json", **kwargs)


def texts(call) -> str:
    """Everything a message shows: its blocks' text, flattened."""
    out = []
    for block in call.data.get("blocks") or []:
        if isinstance(block, str):
            block = json.loads(block)
        if "text" in block:
            out.append(block["text"]["text"])
        out.extend(e.get("text", "") for e in block.get("elements", []) if e["type"] == "mrkdwn")
    return "\n".join(out)


def posts_in_thread(fake: FakeSlack, thread_ts: str):
    return [c for c in fake.of("chat.postMessage") if c.data.get("thread_ts") == thread_ts]


# -- waiting without sleeping --------------------------------------------------------------------

# Slack wants an ack within 3 s; the tests prove the ack does not wait for the work by what has
# (not) been posted when it returns, and bound its time only loosely, for a loaded machine.
ACK_LIMIT_S = 15.0
MARKER_TS = "1799999999.000100"


def settle(send: Callable[[str, dict[str, str]], Any], fake: FakeSlack) -> None:
    """Ask one question through `send` (a mention in a thread of its own) and wait for its answer.

    Every earlier request's lazy work was started before this one's, and an event the bot drops
    is dropped without waiting on anything; so once this answer is in, a reply the earlier
    requests would wrongly cause has had its turn. Use it before asserting that nothing arrived.
    """
    body = event_body(mention("What is S3 versioning?", ts=MARKER_TS))
    send(body, json_headers(body))
    fake.wait_for(lambda: posts_in_thread(fake, MARKER_TS), timeout=120)


def not_marker(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.data.get("thread_ts") != MARKER_TS]
