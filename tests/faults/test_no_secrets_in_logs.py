"""No secret reaches any log: every configured secret in use, every record captured at DEBUG."""

from __future__ import annotations

import logging

from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.observability import JsonFormatter

SECRETS = {
    "admin_token": "adm-7c0ffee-SECRET-admin",
    "llm_api_key": "sk-SECRET-llm-key-3141",
    "slack_signing_secret": "SECRET-signing-2718",
    "slack_bot_token": "xoxb-SECRET-bot-1618",
}


def test_no_secret_value_appears_in_any_log_record(settings, embedder, ingested, fake_llm, caplog):
    from api.app import create_app
    from tutor.service import build_tutor

    own = settings.model_copy(
        update={
            **{k: SecretStr(v) for k, v in SECRETS.items()},
            "llm": "openai:fake",
            "llm_base_url": fake_llm.url,
            "llm_timeout_s": 5.0,
            "rate_limit": "100000/minute",
        }
    )
    caplog.set_level(logging.DEBUG)
    tutor = build_tutor(own, embedder=embedder)
    admin = {"Authorization": f"Bearer {SECRETS['admin_token']}"}
    question = {"message": "What is S3 versioning?"}
    with TestClient(create_app(own, tutor=tutor)) as client:
        assert client.post("/v1/chat", json=question).json()["provider"] == "openai:fake"
        assert client.post("/v1/chat/stream", json=question).status_code == 200
        completion = {"messages": [{"role": "user", "content": "What is IAM?"}]}
        assert client.post("/v1/chat/completions", json=completion).status_code == 200
        fake_llm.mode = "error"  # failures log the provider's error: it must not carry the key
        assert client.post("/v1/chat", json=question).json()["degraded"] is True
        assert client.get("/v1/admin/ingest/nope", headers=admin).status_code == 404
        wrong = {"Authorization": f"Bearer {SECRETS['admin_token']}x"}
        assert client.get("/v1/admin/ingest/nope", headers=wrong).status_code == 401
        assert client.post(
            "/slack/events",
            content=b"{}",
            headers={"X-Slack-Signature": "v0=bad", "X-Slack-Request-Timestamp": "1"},
        ).status_code in (400, 401)
        assert client.get("/healthz").status_code == 200
        assert client.get("/metrics").status_code == 200
    tutor.close()

    # The key was really sent to the provider, so a leak had every chance to happen.
    assert f"Bearer {SECRETS['llm_api_key']}" in fake_llm.auth
    assert len(caplog.records) > 10
    formatter = JsonFormatter()
    lines = [caplog.text] + [formatter.format(r) for r in caplog.records]
    lines += [repr(r.args) for r in caplog.records]
    for name, value in SECRETS.items():
        for line in lines:
            assert value not in line, f"{name} leaked into a log: {line[:300]}"
