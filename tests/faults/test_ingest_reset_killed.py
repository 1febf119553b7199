"""`tutor ingest --reset` SIGKILLed at any step, server mode: the running API keeps answering.

The old pipeline dropped every collection first and built after, so a kill in between left no
active index (every chat 503 "No notes are ingested yet"). Now reset builds beside the serving
index and drops it only after the switch. The ingest runs as its own process against a real
`chroma run` (tests/integration/ingest_child.py, which stops at a named step for the kill).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from support import NOTES, ROOT, make_settings

CHILD = ROOT / "tests" / "integration" / "ingest_child.py"
STEPS = ["create", "add", "artifacts", "activate", "drop"]
QUESTION = {"message": "What is S3 versioning?"}


def kill_at(settings, corpus: Path, log: Path, step: str) -> str:
    env = {
        **os.environ,
        "TUTOR_CHROMA_URL": str(settings.chroma_url),
        "TUTOR_TEST_KILL_AT": step,
        "TUTOR_TEST_RESET": "1",
    }
    with log.open("w") as errors:
        proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(settings.data_dir), "0", str(corpus)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        reached = ""
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith(f"at {step} "):
                    reached = line.strip()
                    break
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    assert reached, f"the ingest never reached {step}: {log.read_text()}"
    return reached


def test_reset_killed_at_any_step_leaves_the_api_answering(chroma_server, tmp_path, embedder):
    from api.app import create_app
    from ingest.pipeline import ingest
    from tutor.service import build_tutor
    from tutor.store import ChromaStore

    corpus = tmp_path / "notes"
    corpus.mkdir()
    text = NOTES.read_text(encoding="utf-8")
    part = text[text.index("S3 (Simple Storage Service)") : text.index("\nS3 Security\n")]
    (corpus / "s3.txt").write_text(part, encoding="utf-8")
    settings = make_settings(tmp_path / "data", chroma_url=chroma_server.url)
    ingest([corpus], settings=settings, store=ChromaStore(settings), embedder=embedder)

    def ask() -> tuple[int, dict]:
        """A worker starting now (no cached index): its chat and its health check."""
        tutor = build_tutor(settings, embedder=embedder)
        with TestClient(create_app(settings, tutor=tutor)) as client:
            r = client.post("/v1/chat", json=QUESTION)
            health = client.get("/healthz").status_code
        tutor.close()
        assert r.status_code == 200, r.text
        return health, r.json()

    _, before = ask()
    assert before["grounded"]
    for step in STEPS:
        kill_at(settings, corpus, tmp_path / f"ingest-{step}.log", step)
        health, after = ask()
        assert health == 200, step
        assert (after["text"], after["citations"]) == (before["text"], before["citations"]), step
