"""An LLM server that sends one byte a second: every request degrades within its one budget.

A provider's timeout bounds each read, and a byte a second never trips it: without a wall-clock
budget these answers took the whole reply's length in seconds (minutes). With it, chat, quiz and
grading come back offline within about TUTOR_LLM_TIMEOUT_S, and a follow-up's two LLM calls
(condense, then answer) share that one budget rather than taking it twice.
"""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient
from slow_llm import MisbehavingLLM

BUDGET_S = 2.0
SLACK_S = 8.0  # retrieval and the offline answer on a loaded 2-core machine; the reply: ~300 s
QUESTION = {"message": "How long does RDS keep automatic backups?"}


@pytest.fixture()
def slow(settings, embedder, ingested):
    from pydantic import SecretStr

    from api.app import create_app
    from tutor.service import build_tutor

    llm = MisbehavingLLM(mode="slow")
    own = settings.model_copy(
        update={
            "llm": "openai:fake",
            "llm_base_url": llm.url,
            "llm_timeout_s": BUDGET_S,
            "llm_api_key": SecretStr("sk-fake"),
            "rate_limit": "100000/minute",
        }
    )
    tutor = build_tutor(own, embedder=embedder)
    with TestClient(create_app(own, tutor=tutor)) as client:
        yield client, llm
    tutor.close()
    llm.close()


def timed(client, path: str, body: dict):
    started = time.monotonic()
    r = client.post(path, json=body)
    took = time.monotonic() - started
    print(f"{path}: {took:.2f} s")  # the figure, for -s runs
    return r, took


def test_chat_degrades_within_the_budget(slow):
    client, llm = slow
    r, took = timed(client, "/v1/chat", QUESTION)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["degraded"] is True and answer["provider"] == "offline"
    assert answer["grounded"] and "[1]" in answer["text"]
    assert llm.requests == [False]
    assert took < BUDGET_S + SLACK_S, f"{took:.1f} s"


def test_stream_degrades_within_the_budget(slow):
    client, llm = slow
    r, took = timed(client, "/v1/chat/stream", QUESTION)
    assert r.status_code == 200
    (final,) = [
        json.loads(line[len("data: ") :])
        for block in r.text.replace("\r\n", "\n").split("\n\n")
        if "event: answer" in block
        for line in block.splitlines()
        if line.startswith("data: ")
    ]
    assert final["degraded"] is True and final["citations"]
    assert llm.requests == [True]
    assert took < BUDGET_S + SLACK_S, f"{took:.1f} s"


def test_a_follow_up_shares_one_budget_between_condense_and_answer(slow):
    client, llm = slow
    first, _ = timed(client, "/v1/chat", {"message": "What are RDS automated backups?"})
    assert first.status_code == 200 and first.json()["degraded"] is True
    calls_before = len(llm.requests)
    follow_up = {"message": "and how long are they kept?", "session_id": first.json()["session_id"]}
    r, took = timed(client, "/v1/chat", follow_up)
    assert r.status_code == 200, r.text
    assert r.json()["degraded"] is True
    # Condensing spent the whole budget, so the answer never went to the LLM: one call, not two.
    assert len(llm.requests) - calls_before == 1
    assert took < BUDGET_S + SLACK_S, f"{took:.1f} s"


def test_quiz_and_grading_fall_back_offline_within_the_budget(slow):
    client, llm = slow
    graded_by_llm = False
    for n in range(8):  # open items are fill-ins (graded offline) or short answers (LLM first)
        asked = len(llm.requests)
        # a session per draw: one session would be drawn back to a weak topic (tutor/quiz.py),
        # which may hold only a fill-in
        session = f"slow-llm-{n}"
        r, took = timed(client, "/v1/quiz", {"session_id": session, "kind": "open"})
        assert r.status_code == 200, r.text
        item = r.json()
        assert item["provider"] == "offline" and item["question"]
        assert len(llm.requests) == asked + 1  # it did ask the LLM for a question
        assert took < BUDGET_S + SLACK_S, f"{took:.1f} s"

        g, took = timed(client, f"/v1/quiz/{item['id']}/answer", {"answer": "It keeps backups."})
        assert g.status_code == 200, g.text
        assert g.json()["provider"] == "offline"
        assert took < BUDGET_S + SLACK_S, f"{took:.1f} s"
        if len(llm.requests) == asked + 2:  # this one went to the LLM for a grade first
            graded_by_llm = True
            break
    assert graded_by_llm, "no short-answer item came up to grade"
