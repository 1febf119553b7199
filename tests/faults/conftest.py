"""Real servers that misbehave on loopback: a fake OpenAI-compatible LLM, a Chroma we can kill."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from support import free_port, wait_until_serving

from tutor.config import get_settings

CHROMA = Path(sys.executable).parent / "chroma"


class FakeLLM:
    """An OpenAI-compatible /v1/chat/completions on 127.0.0.1: `mode` is ok, hang or error.

    Records the Authorization headers it was sent, so a test can prove a key was really used.
    """

    def __init__(self, *, hang_s: float = 30.0) -> None:
        self.mode = "ok"
        self.reply = "S3 Versioning keeps every version of an object [1]."
        self.hang_s = hang_s
        self.calls = 0
        self.auth: list[str] = []
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake.calls += 1
                fake.auth.append(self.headers.get("Authorization", ""))
                if fake.mode == "hang":
                    fake.release.wait(fake.hang_s)  # longer than the tutor's timeout
                    return
                if fake.mode == "error":
                    self._send(500, {"error": {"message": "the model crashed", "type": "server"}})
                    return
                self._send(
                    200,
                    {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion",
                        "created": 0,
                        "model": "fake",
                        "choices": [
                            {
                                "index": 0,
                                "finish_reason": "stop",
                                "message": {"role": "assistant", "content": fake.reply},
                            }
                        ],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    },
                )

            def _send(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def fake_llm():
    server = FakeLLM()
    yield server
    server.close()


class ChromaServer:
    """`chroma run` on a fixed port and folder, so it can be killed and started again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        log = (self.path / "server.log").open("ab")
        self.proc = subprocess.Popen(
            [
                str(CHROMA),
                "run",
                "--path",
                str(self.path / "db"),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until_serving(
            self.proc,
            f"{self.url}/api/v2/heartbeat",
            timeout_s=60,
            what=f"chroma run (log: {self.path / 'server.log'})",
        )

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)  # a crash, not a clean stop
            self.proc.wait(timeout=20)


@pytest.fixture()
def chroma_server(tmp_path):
    server = ChromaServer(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    """The CLI in a bare folder with no TUTOR_ settings; the root logger put back afterwards."""
    for key in [k for k in os.environ if k.startswith("TUTOR_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    touched = [logging.getLogger(n) for n in ("httpx", "httpcore", "uvicorn.access")]
    levels = [(lg, lg.level, lg.disabled) for lg in touched]
    yield tmp_path
    get_settings.cache_clear()
    root.handlers[:] = before[0]
    root.setLevel(before[1])
    for logger, level, disabled in levels:
        logger.setLevel(level)
        logger.disabled = disabled
