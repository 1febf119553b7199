"""Paths and helpers the tests import (conftest modules are not importable reliably)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
NOTES = CORPUS / "aws-developer-associate-study-guide.txt"
# Where the tests keep MiniLM's ONNX export (keyed by the weights' sha256, so never stale).
MODEL_CACHE = ROOT / ".data" / "models"


def make_settings(data_dir: Path, **overrides):
    from tutor.config import Settings

    return Settings(_env_file=None, data_dir=data_dir, corpus_dir=CORPUS, **overrides)


def free_port() -> int:
    """A loopback port nothing listens on right now: for a server to take, or to find closed."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(proc, url: str, *, timeout_s: float, what: str) -> None:
    """Poll `url` until it answers 200; fail clearly if `proc` exits or time runs out."""
    import time

    import httpx

    deadline = time.monotonic() + timeout_s
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer {url} within {timeout_s:.0f} s")
        time.sleep(0.2)


def multi_item(chunk, n: int):
    """A "Select TWO" item as a question file gives it (imported, with an explanation)."""
    from tutor.quizbank import BankItem

    choices = ["Versioning", "Lifecycle rules", "MFA Delete", "Transfer Acceleration", "CORS"]
    return BankItem(
        id=f"qmulti{n:09d}",
        kind="mcq",
        question=f"Which TWO protect objects from accidental deletion? (Select TWO.) #{n}",
        answer="Versioning; MFA Delete",
        choices=choices,
        answer_index=None,
        answer_indexes=[0, 2],
        evidence=chunk.text[:120],
        chunk_id=chunk.id,
        section=chunk.section,
        source=chunk.source,
        origin="imported",
        explanation="Versioning keeps old versions; MFA Delete guards deleting them.",
    )


def fixed_index(index):
    """An IndexHandle that always serves `index` (the real one with items added to its bank)."""
    from tutor.index import IndexHandle

    class FixedIndex(IndexHandle):
        def __init__(self) -> None:
            self.fixed = index

        def current(self):
            return self.fixed

    return FixedIndex()


def mined_only(index):
    """The bank's mined items: tests that add imported items of their own don't depend on the
    question files shipped beside the notes."""
    return [i for i in index.bank.items if i.origin != "imported"]


def wait_for(condition, *, timeout_s: float = 60, what: str = "the condition") -> None:
    """Poll `condition()` until it is true; fail after a generous `timeout_s` (a loaded machine
    is slow, never this slow). For tests that would otherwise sleep and hope."""
    import time

    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout_s:.0f} s")
        time.sleep(0.01)
