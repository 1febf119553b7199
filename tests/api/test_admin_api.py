"""POST /v1/admin/ingest: bearer token, background re-ingest, old index serving until the switch."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

NOTES = Path(__file__).resolve().parents[2] / "corpus" / "aws-developer-associate-study-guide.txt"
TOKEN = "test-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _lines(first: int, last: int) -> str:
    return "\n".join(NOTES.read_text(encoding="utf-8").splitlines()[first:last]) + "\n"


@pytest.fixture()
def small(tmp_path, settings_at, embedder):
    """A store of its own over a slice of the notes, already ingested, and an app over it."""
    from api.app import create_app
    from ingest.pipeline import ingest
    from tutor.service import build_tutor
    from tutor.store import ChromaStore

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.txt").write_text(_lines(0, 400), encoding="utf-8")
    own = settings_at(tmp_path / "data", corpus_dir=corpus, admin_token=SecretStr(TOKEN))
    ingest([corpus], settings=own, store=ChromaStore(own), embedder=embedder)
    tutor = build_tutor(own, embedder=embedder)
    tutor.index.refresh_s = 0.0  # follow the pointer at once; the test polls anyway
    with TestClient(create_app(own, tutor=tutor)) as client:
        yield client, tutor, corpus


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}]
)
def test_admin_needs_the_token(small, headers):
    client, _, _ = small
    r = client.post("/v1/admin/ingest", headers=headers)
    assert r.status_code == 401
    assert "Bearer" in r.json()["detail"] and TOKEN not in r.text
    assert client.get("/v1/admin/ingest/anything", headers=headers).status_code == 401


def test_admin_is_closed_when_no_token_is_set(client_without_token):
    r = client_without_token.post("/v1/admin/ingest", headers={"Authorization": "Bearer "})
    assert r.status_code == 401
    assert "not set" in r.json()["detail"]


@pytest.fixture()
def client_without_token(settings, tutor):
    from api.app import create_app

    with TestClient(create_app(settings, tutor=tutor)) as client:
        yield client


def test_reingest_in_background_serves_the_old_index_until_the_switch(small):
    client, tutor, corpus = small
    old_ids = {c.id for c in tutor.current_index().chunks}
    (corpus / "notes.txt").write_text(_lines(400, 800), encoding="utf-8")

    r = client.post("/v1/admin/ingest", headers=AUTH)
    assert r.status_code == 202
    job = r.json()
    assert job["status"] in ("queued", "running")

    served, deadline = 0, time.monotonic() + 120
    while time.monotonic() < deadline:
        found = client.post("/v1/search", json={"query": "security group", "k": 3})
        assert found.status_code == 200, found.text  # never an error while the new index builds
        served += 1
        status = client.get(f"/v1/admin/ingest/{job['id']}", headers=AUTH).json()
        if status["status"] in ("done", "failed"):
            break
    assert status["status"] == "done", status
    assert status["report"]["chunks"] > 0 and status["report"]["embedded"] > 0
    assert served >= 1

    new_ids = {c.id for c in tutor.current_index().chunks}
    assert new_ids and new_ids != old_ids
    gone = next(iter(old_ids - new_ids))
    assert client.get(f"/v1/sources/{gone}").status_code == 404
    ids = {
        p["chunk_id"]
        for p in client.post("/v1/search", json={"query": "load balancer"}).json()["passages"]
    }
    assert ids <= new_ids


def test_a_second_ingest_while_one_runs_is_409_and_unknown_job_404(small):
    client, _, _ = small
    release = threading.Event()
    running = client.app.state.jobs.start(lambda: release.wait(30))  # an ingest that is busy
    try:
        r = client.post("/v1/admin/ingest", headers=AUTH)
        assert r.status_code == 409 and running.id in r.json()["detail"]
    finally:
        release.set()
        client.app.state.jobs.wait(30)
    assert client.get(f"/v1/admin/ingest/{running.id}", headers=AUTH).json()["status"] == "done"
    assert client.get("/v1/admin/ingest/nope", headers=AUTH).status_code == 404


def test_a_failed_ingest_is_reported_and_the_old_index_stays(small):
    client, tutor, corpus = small
    before = tutor.current_index().name
    (corpus / "notes.txt").unlink()
    job = client.post("/v1/admin/ingest", headers=AUTH).json()
    client.app.state.jobs.wait(60)
    status = client.get(f"/v1/admin/ingest/{job['id']}", headers=AUTH).json()
    assert status["status"] == "failed" and "No notes" in status["error"]
    assert tutor.current_index().name == before
    assert client.post("/v1/chat", json={"message": "What is IAM?"}).status_code == 200
