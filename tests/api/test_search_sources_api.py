"""POST /v1/search, GET /v1/sources/{id}, GET /v1/topics."""

from __future__ import annotations


def test_search_returns_k_ranked_passages(client):
    r = client.post("/v1/search", json={"query": "s3 versioning", "k": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["query"] == "s3 versioning"
    passages = body["passages"]
    assert len(passages) == 3
    assert "Versioning" in passages[0]["section"]
    scores = [p["score"] for p in passages]
    assert scores == sorted(scores, reverse=True)


def test_search_k_defaults_to_settings(client, settings):
    r = client.post("/v1/search", json={"query": "load balancer"})
    assert len(r.json()["passages"]) == settings.retrieval.k


def test_source_returns_the_passage_with_its_section(client, tutor):
    chunk = tutor.current_index().chunks[10]
    r = client.get(f"/v1/sources/{chunk.id}")
    assert r.status_code == 200
    body = r.json()
    assert body["chunk_id"] == chunk.id
    assert body["text"] == chunk.text and body["section"] == chunk.section
    assert body["source"] == "aws-developer-associate-study-guide.txt"


def test_unknown_source_is_404_with_a_message(client):
    r = client.get("/v1/sources/nope-not-a-chunk")
    assert r.status_code == 404
    assert "nope-not-a-chunk" in r.json()["detail"]


def test_topics_list_the_services_in_the_notes(client):
    r = client.get("/v1/topics")
    assert r.status_code == 200
    topics = r.json()["topics"]
    assert len(topics) > 5
    assert any("S3" in t for t in topics) and any("EC2" in t for t in topics)
