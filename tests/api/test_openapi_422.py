"""The OpenAPI schema documents each route's semantic 422s (beyond the schema's own), and they
are what the route answers: an MCQ answer out of range is a 422 with a message, as documented."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def schema(client) -> dict:
    return client.get("/openapi.json").json()


def described_422(schema: dict, path: str, method: str = "post") -> str:
    response = schema["paths"][path][method]["responses"]["422"]
    ref = response["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/Problem"
    return response["description"]


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/v1/quiz/{quiz_id}/answer", "not one of the options"),
        ("/v1/quiz", "unknown `kind`"),
        ("/v1/chat", "`choices`"),
        ("/v1/chat/stream", "TUTOR_MAX_MESSAGE_CHARS"),
        ("/v1/chat/completions", "no user message"),
        ("/v1/search", "blank query"),
    ],
)
def test_semantic_422s_are_documented(schema, path, words):
    description = described_422(schema, path)
    assert words in description
    assert "not valid JSON" in description  # the schema's own reasons stay listed


def test_an_answer_out_of_range_is_the_documented_422(client, schema):
    item = client.post("/v1/quiz", json={"session_id": "openapi-422", "kind": "mcq"})
    assert item.status_code == 200, item.text
    choices = item.json()["choices"]
    beyond = chr(ord("A") + len(choices))  # "E" for four choices
    r = client.post(f"/v1/quiz/{item.json()['id']}/answer", json={"answer": beyond})
    assert r.status_code == 422
    assert beyond in r.json()["detail"]  # the message names the answer it could not take
    assert "not one of the options" in described_422(schema, "/v1/quiz/{quiz_id}/answer")
