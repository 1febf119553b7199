"""`tutor serve` as an operator runs it: one log line per event (one access line per request, each
with its request id, nothing printed twice), through the one root handler the CLI installs."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import httpx
import pytest
from support import NOTES, ROOT, free_port, wait_until_serving
from typer.testing import CliRunner

from cli.main import app

TUTOR = Path(sys.executable).parent / "tutor"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    lines = NOTES.read_text(encoding="utf-8").splitlines()[:150]
    (corpus / "notes.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    env.update(
        PYTHONPATH=str(ROOT),  # this checkout's code, also in uvicorn's worker
        TUTOR_DATA_DIR=str(tmp_path / "data"),
        TUTOR_CORPUS_DIR=str(corpus),
        TUTOR_RATE_LIMIT="1000/minute",
        **extra,
    )
    return env


def test_serve_logs_one_json_line_per_request_with_its_id(tmp_path):
    port = free_port()
    log_file = tmp_path / "stderr.log"
    with log_file.open("wb") as stderr:
        proc = subprocess.Popen(
            [str(TUTOR), "serve", "--port", str(port)],
            cwd=tmp_path,  # no .env from the checkout
            env=_env(tmp_path),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        # A fresh data folder: serve ingests the notes first, then loads the model and warms.
        wait_until_serving(proc, f"{url}/healthz", timeout_s=300, what="tutor serve")
        sent = {
            "req-topics-1": ("GET", "/v1/topics", None),
            "req-topics-2": ("GET", "/v1/topics", None),
            "req-chat-1": ("POST", "/v1/chat", {"message": "What is S3 versioning?"}),
            "req-chat-2": ("POST", "/v1/chat", {"message": ""}),  # a 422 is logged once too
            "req-missing": ("GET", "/v1/sources/no-such-chunk", None),
            "req-search": ("POST", "/v1/search", {"query": "bucket policy"}),
        }
        with httpx.Client(base_url=url, timeout=60) as client:
            for request_id, (method, path, body) in sent.items():
                r = client.request(method, path, json=body, headers={"X-Request-ID": request_id})
                assert r.headers["x-request-id"] == request_id
    finally:
        proc.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    lines = [line for line in log_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except ValueError:
            pytest.fail(
                f"a log line that is not JSON (logged twice, or not through the handler): {line!r}"
            )
    assert all("request_id" in r for r in records)
    repeated = [line for line, n in Counter(lines).items() if n > 1]
    assert not repeated, f"lines printed twice: {repeated}"

    access = [r for r in records if r["logger"] == "api.access"]
    for request_id, (method, path, _) in sent.items():
        mine = [r for r in access if r["request_id"] == request_id]
        assert len(mine) == 1, (request_id, mine)
        assert mine[0]["method"] == method and mine[0]["path"] == path
    # Every access line is one request: ids never repeat (health polls included).
    assert len({r["request_id"] for r in access}) == len(access)
    # uvicorn's own lines go through the same handler, once, outside any request.
    started = [r for r in records if "Application startup complete" in r["message"]]
    assert len(started) == 1 and started[0]["request_id"] == "-"
    assert not [r for r in records if r["level"] in ("ERROR", "CRITICAL")]


@pytest.mark.parametrize(
    ("command", "env", "json_lines"),
    [
        (["serve", "--help"], {}, True),
        (["slack", "--help"], {}, True),
        (["ingest", "--help"], {}, False),
        (["serve", "--help"], {"TUTOR_LOG_FORMAT": "text"}, False),
        (["ingest", "--help"], {"TUTOR_LOG_FORMAT": "JSON"}, True),
        (["serve", "--help"], {"TUTOR_LOG_JSON": "false"}, False),  # the older spelling
    ],
)
def test_the_cli_installs_one_root_handler_json_for_services(
    cli_env, monkeypatch, command, env, json_lines
):
    from api.observability import JsonFormatter

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for _ in range(2):  # a second run replaces the handler, never adds one
        assert CliRunner().invoke(app, command).exit_code == 0
    (handler,) = logging.getLogger().handlers
    assert isinstance(handler.formatter, JsonFormatter) is json_lines


def test_text_lines_carry_the_request_id_too(cli_env, capfd):
    from api.observability import REQUEST_ID, configure_logging
    from tutor.config import Settings

    configure_logging(Settings(_env_file=None, log_format="text"))
    token = REQUEST_ID.set("req-text-1")
    try:
        logging.getLogger("tutor.test").warning("inside")
    finally:
        REQUEST_ID.reset(token)
    logging.getLogger("tutor.test").warning("outside")
    inside, outside = capfd.readouterr().err.strip().splitlines()
    assert "[req-text-1] inside" in inside and "[-] outside" in outside
