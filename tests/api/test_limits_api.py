"""Body size limit (413), per-client rate limit on chat (429 + Retry-After), CORS from settings."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.fixture()
def app_with(settings, tutor):
    from api.app import create_app

    def make(**overrides):
        return create_app(settings.model_copy(update=overrides), tutor=tutor)

    return make


@pytest.mark.parametrize("path", ["/v1/chat", "/v1/search", "/v1/chat/completions"])
def test_a_body_over_the_limit_is_413_with_the_limit_named(client, path):
    body = b'{"message": "' + b"x" * (70 * 1024) + b'"}'
    r = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 413, r.text
    assert "65536 bytes" in r.json()["detail"] and "TUTOR_MAX_BODY_BYTES" in r.json()["detail"]
    assert client.post("/v1/search", json={"query": "s3 versioning"}).status_code == 200


def test_a_chunked_body_over_the_limit_is_413_too(client):
    def chunks():  # no Content-Length: the server must count as it reads
        yield b'{"query": "'
        for _ in range(20):
            yield b"y" * 4096
        yield b'"}'

    r = client.post("/v1/search", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["detail"]

    def small():
        yield b'{"query": "s3 versioning", '
        yield b'"k": 2}'

    r = client.post("/v1/search", content=small(), headers={"Content-Type": "application/json"})
    assert r.status_code == 200 and len(r.json()["passages"]) == 2


def test_the_limit_comes_from_settings(app_with):
    with TestClient(app_with(max_body_bytes=2048)) as small:
        r = small.post("/v1/search", json={"query": "word " * 500})
        assert r.status_code == 413 and "2048 bytes" in r.json()["detail"]
        assert small.post("/v1/search", json={"query": "word " * 300}).status_code == 200


def test_chat_endpoints_share_a_per_client_rate_limit(app_with):
    app = app_with(rate_limit="3/minute")
    question = {"message": "What is S3 versioning?"}
    with TestClient(app) as one, TestClient(app, client=("10.0.0.2", 5000)) as other:
        assert one.post("/v1/chat", json=question).status_code == 200
        assert one.post("/v1/chat/stream", json=question).status_code == 200
        completion = {"messages": [{"role": "user", "content": "What is S3 versioning?"}]}
        assert one.post("/v1/chat/completions", json=completion).status_code == 200

        for path, body in [("/v1/chat", question), ("/v1/chat/completions", completion)]:
            r = one.post(path, json=body)
            assert r.status_code == 429, r.text
            assert 1 <= int(r.headers["Retry-After"]) <= 60
            assert "3/minute" in r.json()["detail"]
        assert "error" in r.json()  # OpenAI clients read error.message

        # Another client has its own budget; other endpoints are not limited.
        assert other.post("/v1/chat", json=question).status_code == 200
        assert one.post("/v1/search", json={"query": "s3"}).status_code == 200
        assert one.get("/healthz").status_code == 200


def test_cors_allows_only_the_configured_origins(app_with):
    with TestClient(app_with(cors_origins=["https://tutor.example"])) as client:
        ok = client.options(
            "/v1/chat",
            headers={"Origin": "https://tutor.example", "Access-Control-Request-Method": "POST"},
        )
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == "https://tutor.example"
        bad = client.options(
            "/v1/chat",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert bad.status_code == 400 and "access-control-allow-origin" not in bad.headers
        r = client.get("/v1/topics", headers={"Origin": "https://tutor.example"})
        assert r.headers["access-control-allow-origin"] == "https://tutor.example"
        assert "x-request-id" in r.headers["access-control-expose-headers"].lower()
        r = client.get("/v1/topics", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers


def test_no_cors_headers_when_no_origins_are_set(client):
    r = client.get("/v1/topics", headers={"Origin": "https://tutor.example"})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers


def test_a_bad_rate_limit_setting_fails_fast(tmp_path):
    from pydantic import ValidationError
    from support import make_settings

    with pytest.raises(ValidationError, match="TUTOR_RATE_LIMIT"):
        make_settings(tmp_path, rate_limit="lots")
