"""An LLM stream cut off without finish_reason or [DONE]: degraded, never passed off as whole.

Before, the cut text ("S3 versioning keeps every") came back as the answer with degraded false.
Now the streamed prefix is followed by the offline answer and the final answer says degraded.
The same server finishing its stream properly is the control: not degraded.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from slow_llm import CUT, REPLY, MisbehavingLLM

QUESTION = {"message": "What does S3 versioning do?"}


@pytest.fixture()
def llm_client(settings, embedder, ingested):
    from pydantic import SecretStr

    from api.app import create_app
    from tutor.service import build_tutor

    llm = MisbehavingLLM(mode="truncated")
    own = settings.model_copy(
        update={
            "llm": "openai:fake",
            "llm_base_url": llm.url,
            "llm_timeout_s": 20.0,
            "llm_api_key": SecretStr("sk-fake"),
            "rate_limit": "100000/minute",
        }
    )
    tutor = build_tutor(own, embedder=embedder)
    with TestClient(create_app(own, tutor=tutor)) as client:
        yield client, llm
    tutor.close()
    llm.close()


def events(text: str) -> list[tuple[str, dict]]:
    out = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = block.splitlines()
        kind = next((line[7:] for line in lines if line.startswith("event: ")), None)
        data = next((line[6:] for line in lines if line.startswith("data: ")), None)
        if kind and data:
            out.append((kind, json.loads(data)))
    return out


def test_a_cut_off_stream_is_degraded(llm_client):
    client, llm = llm_client
    r = client.post("/v1/chat/stream", json=QUESTION)
    assert r.status_code == 200
    got = events(r.text)
    assert all(kind != "error" for kind, _ in got)
    deltas = "".join(d["text"] for kind, d in got if kind == "delta")
    (final,) = [d for kind, d in got if kind == "answer"]
    assert llm.requests == [True]
    assert final["degraded"] is True and final["provider"] == "offline"
    assert final["text"] != CUT and final["grounded"] and final["citations"]
    # What was already streamed stays; the offline answer follows it.
    assert deltas.startswith(CUT) and deltas.endswith(final["text"])


def test_a_cut_off_openai_compatible_stream_gives_the_offline_answer(llm_client):
    client, _ = llm_client
    r = client.post(
        "/v1/chat/completions",
        json={"stream": True, "messages": [{"role": "user", "content": QUESTION["message"]}]},
    )
    assert r.status_code == 200
    chunks = [
        json.loads(line[6:])
        for line in r.text.splitlines()
        if line.startswith("data: ") and line != "data: [DONE]"
    ]
    content = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert content.startswith(CUT) and len(content) > len(CUT) + 20


def test_a_stream_that_finishes_is_whole(llm_client):
    client, llm = llm_client
    llm.mode = "ok"
    r = client.post("/v1/chat/stream", json=QUESTION)
    (final,) = [d for kind, d in events(r.text) if kind == "answer"]
    assert final["degraded"] is False and final["text"] == REPLY
    assert final["provider"] == "openai:fake"
