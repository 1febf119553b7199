"""Server mode: a real `chroma run` on loopback, reached through TUTOR_CHROMA_URL-style settings."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import NOTES, free_port, make_settings, wait_until_serving

from ingest.pipeline import ingest
from tutor.service import build_tutor
from tutor.store import ChromaStore

CHROMA = Path(sys.executable).parent / "chroma"


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory) -> Iterator[str]:
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = (path / "server.log").open("wb")
    server = subprocess.Popen(
        [
            str(CHROMA),
            "run",
            "--path",
            str(path / "db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(
            server,
            f"{url}/api/v2/heartbeat",
            timeout_s=60,
            what=f"chroma run (log: {path / 'server.log'})",
        )
        yield url
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def notes(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("server-notes")
    text = NOTES.read_text(encoding="utf-8")
    part = text[text.index("S3 (Simple Storage Service)") : text.index("\nS3 Security\n")]
    (folder / "s3.txt").write_text(part, encoding="utf-8")
    return folder


def test_ingest_and_search_through_a_chroma_server(chroma_url, notes, tmp_path, embedder):
    settings = make_settings(tmp_path, chroma_url=chroma_url)
    store = ChromaStore(settings)
    store.heartbeat()
    report = ingest([notes], settings=settings, store=store, embedder=embedder)
    assert report.embedded == report.chunks > 0
    assert store.location == chroma_url

    # Another client (another machine sharing the server) sees the same active index.
    other = ChromaStore(make_settings(tmp_path / "elsewhere", chroma_url=chroma_url))
    assert other.active_name() == report.collection
    assert len(other.chunks(report.collection)) == report.chunks

    again = ingest([notes], settings=settings, store=store, embedder=embedder)
    assert again.up_to_date and again.embedded == 0

    # A reader without the BM25 artifacts on its disk rebuilds them from the server's chunks.
    tutor = build_tutor(
        make_settings(tmp_path / "reader", chroma_url=chroma_url), embedder=embedder
    )
    passages = tutor.search("how do I keep old versions of my files", 3)
    assert any(p.section.endswith("S3 Versioning") for p in passages), [p.section for p in passages]
    health = tutor.health()
    assert health["store"]["ok"] and health["store"]["location"] == chroma_url
    tutor.close()


def test_the_server_going_away_is_a_clear_error(chroma_url, tmp_path):
    # Only the URL differs from a working setup: the port the server is not on.
    from tutor.errors import StoreUnavailable

    wrong = chroma_url.rsplit(":", 1)[0] + f":{free_port()}"
    with pytest.raises(StoreUnavailable, match="Chroma"):
        ChromaStore(make_settings(tmp_path, chroma_url=wrong)).heartbeat()
