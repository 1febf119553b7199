"""OpenAI-compatible /v1/chat/completions and /v1/models through TestClient (the real client: e2e)."""

from __future__ import annotations

import json

QUESTION = {"role": "user", "content": "How does S3 versioning work?"}


def test_models_lists_notes_tutor(client):
    r = client.get("/v1/models")
    assert r.status_code == 200
    body = r.json()
    assert body["object"] == "list"
    assert [m["id"] for m in body["data"]] == ["notes-tutor"]
    assert body["data"][0]["object"] == "model"


def test_completion_answers_the_last_user_message_with_sources(client):
    messages = [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "What are EBS snapshots?"},
        {"role": "assistant", "content": "They are backups of EBS volumes."},
        QUESTION,
    ]
    r = client.post("/v1/chat/completions", json={"model": "notes-tutor", "messages": messages})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["object"] == "chat.completion" and body["model"] == "notes-tutor"
    assert body["id"].startswith("chatcmpl-")
    choice = body["choices"][0]
    assert choice["finish_reason"] == "stop" and choice["message"]["role"] == "assistant"
    content = choice["message"]["content"]
    sources = content.split("\n\nSources:\n")[1]
    assert "[1]" in sources and "Versioning" in sources, "sources come from the last question"
    assert (
        body["usage"]["total_tokens"]
        == body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"]
    )


def test_content_parts_are_read_as_text(client):
    parts = {"role": "user", "content": [{"type": "text", "text": "What is S3 versioning?"}]}
    r = client.post("/v1/chat/completions", json={"model": "notes-tutor", "messages": [parts]})
    assert r.status_code == 200
    assert "Versioning" in r.json()["choices"][0]["message"]["content"]


def test_stream_is_openai_chunks_ending_with_done(client, parse_sse):
    body = {
        "model": "notes-tutor",
        "messages": [QUESTION],
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    with client.stream("POST", "/v1/chat/completions", json=body) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        raw = r.read().decode()
    assert raw.rstrip().endswith("data: [DONE]")
    assert "\r\n" not in raw, "OpenAI's framing: LF-separated data lines"
    events = parse_sse(raw)
    assert all(e["event"] == "message" for e in events), "OpenAI streams carry no event names"
    chunks = [json.loads(e["data"]) for e in events[:-1]]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    with_choices = [c for c in chunks if c["choices"]]
    assert with_choices[-1]["choices"][0]["finish_reason"] == "stop"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in with_choices)
    assert "\n\nSources:\n[1]" in text
    usage = chunks[-1]
    assert usage["choices"] == [] and usage["usage"]["completion_tokens"] > 0


def test_unknown_model_is_404_in_openai_error_shape(client):
    r = client.post("/v1/chat/completions", json={"model": "gpt-4o", "messages": [QUESTION]})
    assert r.status_code == 404
    assert "notes-tutor" in r.json()["error"]["message"]


def test_no_user_message_is_422(client):
    messages = [{"role": "system", "content": "Be brief."}]
    r = client.post("/v1/chat/completions", json={"model": "notes-tutor", "messages": messages})
    assert r.status_code == 422
    assert "user message" in r.json()["error"]["message"]
