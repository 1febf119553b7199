"""A JSON body nested deeper than the parser can follow is a 422 that says so, never a 500 and
never a wrong reason (it used to say the body "could not be decoded as UTF-8")."""

from __future__ import annotations

import pytest

DEPTH = 30_000


@pytest.fixture(scope="module")
def client(settings, tutor):
    """The real app over the session's ingested notes (its default 64 KiB body limit)."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(settings, tutor=tutor)) as client:
        yield client


@pytest.mark.parametrize("path", ["/v1/chat", "/v1/search", "/v1/chat/completions"])
def test_a_30000_deep_body_is_422_saying_it_is_nested_too_deeply(client, path):
    body = b"[" * DEPTH + b"]" * DEPTH  # 60,000 bytes: under the default 64 KiB body limit
    r = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert "nested too deeply" in detail
    assert "UTF-8" not in detail


def test_deep_objects_with_a_roomier_body_limit(settings, tutor):
    """Nested objects take more bytes: a body limit that lets them through to the parser."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    roomy = settings.model_copy(update={"max_body_bytes": 1024 * 1024})
    body = b'{"message": ' + b'{"a": ' * DEPTH + b"1" + b"}" * DEPTH + b"}"
    with TestClient(create_app(roomy, tutor=tutor)) as client:
        r = client.post("/v1/chat", content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 422 and "nested too deeply" in r.json()["detail"]
        # and the server keeps serving
        assert (
            client.post("/v1/chat", json={"message": "What is S3 versioning?"}).status_code == 200
        )


def test_bytes_that_are_not_utf8_still_say_so(client):
    r = client.post(
        "/v1/chat", content=b'{"message": "\xff"}', headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 422
    assert "UTF-8" in r.json()["detail"]
