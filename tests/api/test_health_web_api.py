"""GET /healthz, the web page and the OpenAPI document."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_healthz_reports_each_part(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] is True
    assert body["store"]["ok"] is True and body["store"]["chunks"] > 100
    assert body["embedder"]["model"]
    assert body["llm"]["provider"] == "offline"


def test_empty_store_is_503_everywhere_with_a_reason(tmp_path, settings_at, embedder):
    from api.app import create_app
    from tutor.service import build_tutor

    settings = settings_at(tmp_path)
    tutor = build_tutor(settings, embedder=embedder)
    with TestClient(create_app(settings, tutor=tutor)) as client:
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["ok"] is False
        assert "ingest" in health.json()["store"]["error"]
        chat = client.post("/v1/chat", json={"message": "What is S3?"})
        assert chat.status_code == 503
        assert "tutor ingest" in chat.json()["detail"]
        stream = client.post("/v1/chat/stream", json={"message": "What is S3?"})
        assert stream.status_code == 503


def test_web_page_and_its_assets_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/static/app.js" in page.text and "/static/app.css" in page.text
    for asset, kind in (("app.js", "javascript"), ("app.css", "text/css")):
        r = client.get(f"/static/{asset}")
        assert r.status_code == 200 and kind in r.headers["content-type"]


def test_openapi_documents_every_endpoint(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/chat",
        "/v1/chat/stream",
        "/v1/search",
        "/v1/quiz",
        "/v1/quiz/{quiz_id}/answer",
        "/v1/quiz/{quiz_id}/hint",
        "/v1/progress",
        "/v1/topics",
        "/v1/sources/{chunk_id}",
        "/v1/chat/completions",
        "/v1/models",
        "/v1/admin/ingest",
        "/healthz",
    ):
        assert path in paths, path
