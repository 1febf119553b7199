"""A Chroma server frozen (SIGSTOP), not dead: 503 within TUTOR_CHROMA_TIMEOUT_S, then recovery.

A stopped server still accepts connections (the kernel does), so nothing fails fast: without a
bound every call waited forever. Now chat, health and topics answer 503 with the reason within
about the timeout, and once the server runs again (SIGCONT) the same app serves again.
"""

from __future__ import annotations

import os
import signal
import time

from fastapi.testclient import TestClient
from support import NOTES, make_settings

TIMEOUT_S = 2.0
SLACK_S = 8.0  # the rest of the request on a loaded 2-core machine; unbounded it never returns
QUESTION = {"message": "What is S3 versioning?"}


def _s3_notes(folder):
    text = NOTES.read_text(encoding="utf-8")
    part = text[text.index("S3 (Simple Storage Service)") : text.index("\nS3 Security\n")]
    (folder / "s3.txt").write_text(part, encoding="utf-8")


def timed(client, method: str, path: str, body: dict | None = None):
    started = time.monotonic()
    r = client.request(method, path, json=body)
    took = time.monotonic() - started
    print(f"{method} {path}: {r.status_code} in {took:.2f} s")  # the figure, for -s runs
    return r, took


def test_a_frozen_chroma_is_503_within_the_timeout_and_recovers(chroma_server, tmp_path, embedder):
    from api.app import create_app
    from ingest.pipeline import ingest
    from tutor.service import build_tutor
    from tutor.store import ChromaStore

    notes = tmp_path / "notes"
    notes.mkdir()
    _s3_notes(notes)
    settings = make_settings(
        tmp_path / "data", chroma_url=chroma_server.url, chroma_timeout_s=TIMEOUT_S
    )
    ingest([notes], settings=settings, store=ChromaStore(settings), embedder=embedder)
    tutor = build_tutor(settings, embedder=embedder)
    assert chroma_server.proc is not None
    pid = chroma_server.proc.pid

    with TestClient(create_app(settings, tutor=tutor)) as client:
        before = client.post("/v1/chat", json=QUESTION)
        assert before.status_code == 200 and before.json()["grounded"], before.text

        os.kill(pid, signal.SIGSTOP)
        try:
            # Chat goes to Chroma for its search; health for a heartbeat; topics for the
            # pointer once the index handle's one-second cache has lapsed (each call above
            # takes the timeout, so by then it has).
            for method, path, body in [
                ("POST", "/v1/chat", QUESTION),
                ("POST", "/v1/chat/stream", QUESTION),
                ("GET", "/healthz", None),
                ("GET", "/v1/topics", None),
            ]:
                r, took = timed(client, method, path, body)
                assert r.status_code == 503, (path, r.text)
                detail = r.json()["store"]["error"] if path == "/healthz" else r.json()["detail"]
                assert "Chroma" in detail and "TUTOR_CHROMA_TIMEOUT_S" in detail, detail
                assert took < TIMEOUT_S + SLACK_S, f"{path}: {took:.1f} s"
        finally:
            os.kill(pid, signal.SIGCONT)

        limit = time.monotonic() + 30
        while (r := client.post("/v1/chat", json=QUESTION)).status_code != 200:
            assert time.monotonic() < limit, r.text
            time.sleep(0.2)
        assert r.json()["text"] == before.json()["text"]
        assert client.get("/healthz").status_code == 200
    tutor.close()


def test_a_frozen_chroma_at_start_up_is_store_unavailable(chroma_server, tmp_path):
    """Building the client already talks to the server: that too is bounded."""
    import pytest

    from tutor.errors import StoreUnavailable
    from tutor.store import ChromaStore

    settings = make_settings(
        tmp_path / "data", chroma_url=chroma_server.url, chroma_timeout_s=TIMEOUT_S
    )
    assert chroma_server.proc is not None
    os.kill(chroma_server.proc.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="TUTOR_CHROMA_TIMEOUT_S"):
            ChromaStore(settings)
        assert time.monotonic() - started < TIMEOUT_S + SLACK_S
    finally:
        os.kill(chroma_server.proc.pid, signal.SIGCONT)
    assert ChromaStore(settings).active_name() is None  # and it works once the server does
