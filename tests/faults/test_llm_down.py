"""The LLM endpoint hangs or fails: answers degrade to offline within the timeout, never a 500."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient

TIMEOUT_S = 2.0
# The fake's hang outlasts this bound by far, and the bound outlasts the timeout by far: a request
# that waited for the hang fails, a slow machine (retrieval, scoring, offline answer) does not.
HANG_S = 240.0
BOUND_S = 60.0
QUESTION = {"message": "How long does RDS keep automatic backups?"}


@pytest.fixture()
def llm_client(settings, embedder, ingested, fake_llm):
    from pydantic import SecretStr

    from api.app import create_app
    from tutor.service import build_tutor

    own = settings.model_copy(
        update={
            "llm": "openai:fake",
            "llm_base_url": fake_llm.url,
            "llm_timeout_s": TIMEOUT_S,
            "llm_api_key": SecretStr("sk-fake-key"),
            "rate_limit": "100000/minute",
        }
    )
    tutor = build_tutor(own, embedder=embedder)
    with TestClient(create_app(own, tutor=tutor)) as client:
        yield client, fake_llm
    tutor.close()


def _timed(client, path, body):
    started = time.monotonic()
    r = client.post(path, json=body)
    return r, time.monotonic() - started


def _final(text: str) -> dict:
    blocks = [b for b in text.replace("\r\n", "\n").split("\n\n") if "event: answer" in b]
    (block,) = blocks
    return json.loads(next(line[6:] for line in block.splitlines() if line.startswith("data: ")))


def test_a_working_llm_answers_not_degraded(llm_client):
    client, llm = llm_client
    r = client.post("/v1/chat", json=QUESTION)
    assert r.status_code == 200
    assert r.json()["text"] == llm.reply and r.json()["degraded"] is False
    assert r.json()["provider"] == "openai:fake" and llm.calls == 1


@pytest.mark.parametrize("mode", ["error", "hang"])
def test_chat_degrades_to_offline(llm_client, mode):
    client, llm = llm_client
    llm.mode, llm.hang_s = mode, HANG_S
    r, took = _timed(client, "/v1/chat", QUESTION)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["degraded"] is True and answer["provider"] == "offline"
    assert answer["grounded"] and answer["citations"] and "[1]" in answer["text"]
    assert llm.calls >= 1
    # No retries (tutor/llm.py): a hang costs one timeout, then the offline answer.
    assert took < BOUND_S, f"{mode}: {took:.1f}s"


@pytest.mark.parametrize("mode", ["error", "hang"])
def test_stream_degrades_to_offline_within_the_timeout(llm_client, mode):
    client, llm = llm_client
    llm.mode, llm.hang_s = mode, HANG_S
    r, took = _timed(client, "/v1/chat/stream", QUESTION)
    assert r.status_code == 200
    final = _final(r.text)
    assert final["degraded"] is True and final["citations"]
    assert "event: error" not in r.text
    assert took < BOUND_S, f"{mode}: {took:.1f}s"


def test_openai_compatible_endpoint_degrades_too(llm_client):
    client, llm = llm_client
    llm.mode = "error"
    r = client.post(
        "/v1/chat/completions",
        json={"messages": [{"role": "user", "content": QUESTION["message"]}]},
    )
    assert r.status_code == 200
    assert "Sources:" in r.json()["choices"][0]["message"]["content"]
