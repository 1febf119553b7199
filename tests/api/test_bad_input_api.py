"""Bad input gets a 4xx with a message a person can act on, never a 500; the server keeps serving."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("path", "body", "status", "words"),
    [
        ("/v1/chat", {"message": ""}, 422, "message"),
        ("/v1/chat", {"message": "   \n "}, 422, "empty"),
        ("/v1/chat", {"message": "x" * 4001}, 422, "4000"),
        ("/v1/chat", {}, 422, "message: Field required"),
        ("/v1/chat", {"message": 42}, 422, "message"),
        ("/v1/chat", {"message": "hi", "choices": [""] * 2}, 422, "choices"),
        ("/v1/chat/stream", {"message": ""}, 422, "message"),
        ("/v1/chat/stream", {"message": "y" * 4001}, 422, "4000"),
        ("/v1/search", {"query": "s3", "k": 0}, 422, "k"),
        ("/v1/search", {"query": ""}, 422, "query"),
        ("/v1/quiz", {"session_id": ""}, 422, "session_id"),
        ("/v1/quiz", {"session_id": "s", "kind": "essay"}, 422, "kind"),
        ("/v1/quiz/some-id/answer", {"answer": ""}, 422, "answer"),
    ],
)
def test_invalid_bodies_are_422_with_the_field_named(client, path, body, status, words):
    r = client.post(path, json=body)
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, str) and words in detail
    assert r.json()["errors"], "the failing fields are listed too"


@pytest.mark.parametrize(
    "path", ["/v1/chat", "/v1/chat/stream", "/v1/search", "/v1/chat/completions"]
)
def test_malformed_json_is_422_saying_so(client, path):
    r = client.post(
        path, content=b'{"message": "unfinished', headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 422
    assert "not valid JSON" in r.json()["detail"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_wrong_content_type_is_415_saying_what_to_send(client, content_type):
    r = client.post(
        "/v1/chat", content=b'{"message": "What is S3?"}', headers={"Content-Type": content_type}
    )
    assert r.status_code == 415
    assert "application/json" in r.json()["detail"]


def test_a_limit_lowered_in_settings_is_enforced(tmp_path, settings, tutor):
    from fastapi.testclient import TestClient

    from api.app import create_app

    strict = settings.model_copy(update={"max_message_chars": 20})
    with TestClient(create_app(strict, tutor=tutor)) as strict_client:
        r = strict_client.post("/v1/chat", json={"message": "What is versioning in Amazon S3?"})
    assert r.status_code == 422 and "limit is 20" in r.json()["detail"]


def test_unknown_route_and_method_are_4xx(client):
    assert client.get("/v1/nothing-here").status_code == 404
    assert client.get("/v1/chat").status_code == 405


def test_server_keeps_serving_after_bad_input(client):
    for body in ({"message": ""}, {"message": "z" * 5000}, {"nope": 1}):
        assert client.post("/v1/chat", json=body).status_code == 422
    client.post("/v1/chat", content=b"{{{", headers={"Content-Type": "application/json"})
    r = client.post("/v1/chat", json={"message": "What is S3 versioning?"})
    assert r.status_code == 200 and r.json()["citations"]
