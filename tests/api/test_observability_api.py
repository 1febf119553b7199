"""Request ids, one structured log line per request, and /metrics for Prometheus."""

from __future__ import annotations

import json
import logging

from api.observability import JsonFormatter


def _request_lines(caplog, path: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "api.access" and getattr(r, "path", "") == path]


def test_the_request_id_is_echoed_or_made(client):
    given = client.get("/v1/topics", headers={"X-Request-ID": "trace-42.a"})
    assert given.headers["x-request-id"] == "trace-42.a"
    made = client.get("/v1/topics")
    other = client.get("/v1/topics")
    assert len(made.headers["x-request-id"]) == 32
    assert made.headers["x-request-id"] != other.headers["x-request-id"]
    # A header that could forge a log line is replaced, not echoed.
    forged = client.get("/v1/topics", headers={"X-Request-ID": 'x" evil=1 {}'})
    assert forged.headers["x-request-id"] != 'x" evil=1 {}'
    assert client.post("/v1/chat", json={"message": ""}).headers["x-request-id"]


def test_one_json_line_per_request_with_its_fields(client, caplog):
    caplog.set_level(logging.INFO)
    r = client.post(
        "/v1/chat",
        json={"message": "What is S3 versioning?"},
        headers={"X-Request-ID": "req-line-1"},
    )
    assert r.status_code == 200
    client.get("/v1/sources/no-such-chunk", headers={"X-Request-ID": "req-line-2"})

    (ok,) = _request_lines(caplog, "/v1/chat")
    line = json.loads(JsonFormatter().format(ok))
    assert line["method"] == "POST" and line["path"] == "/v1/chat" and line["status"] == 200
    assert line["request_id"] == "req-line-1" and line["duration_ms"] > 0
    assert {"ts", "level", "logger", "message"} <= set(line)
    (missing,) = _request_lines(caplog, "/v1/sources/no-such-chunk")
    assert json.loads(JsonFormatter().format(missing))["status"] == 404


def test_records_made_inside_a_request_carry_its_id(settings, tutor, caplog):
    # Sync handlers (and the tutor under them) run in a threadpool; the id must follow them there.
    from fastapi.testclient import TestClient

    from api.app import create_app

    app = create_app(settings, tutor=tutor)

    @app.get("/probe")
    def probe() -> dict:
        logging.getLogger("tutor.probe").warning("inside the handler")
        return {}

    caplog.set_level(logging.INFO)
    with TestClient(app) as client:
        client.get("/probe", headers={"X-Request-ID": "inner-7"})
        client.get("/probe")
    inside = [r for r in caplog.records if r.name == "tutor.probe"]
    assert inside[0].request_id == "inner-7"
    assert len(inside[1].request_id) == 32
    logging.getLogger("tutor.probe").warning("outside any request")
    assert caplog.records[-1].request_id == "-"


def test_metrics_count_requests_per_route(client):
    client.post("/v1/search", json={"query": "s3 versioning"})
    client.get("/v1/sources/nope")
    text = client.get("/metrics").text
    assert "# TYPE http_requests_total counter" in text
    assert 'handler="/v1/search",method="POST",status="200"' in text
    assert 'handler="/v1/sources/{chunk_id}",method="GET",status="404"' in text
    assert "http_request_duration_seconds_bucket" in text
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]


def test_configure_logging_writes_json_lines(capfd, settings):
    from api.observability import configure_logging

    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    try:
        configure_logging(settings)
        configure_logging(settings)  # idempotent: one handler, not two
        logging.getLogger("tutor.test").warning("hello %s", "there")
        err = capfd.readouterr().err.strip().splitlines()
        assert len(err) == 1
        assert json.loads(err[0])["message"] == "hello there"
    finally:
        root.handlers[:] = before[0]
        root.setLevel(before[1])
        logging.getLogger("uvicorn.access").disabled = False
