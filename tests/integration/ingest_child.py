"""An ingest run as its own OS process, so test_ingest_kill.py can SIGKILL it part-way.

    python ingest_child.py DATA_DIR PAUSE_S PATH...

The real pipeline and the real MiniLM; the embedder pauses PAUSE_S after each batch (a slow
machine), so a kill lands while embedding. Prints "progress DONE TOTAL" per batch, flushed.

Test-only hooks, read here and nowhere in the product: TUTOR_TEST_RESET=1 ingests with
reset=True (`tutor ingest --reset`); TUTOR_TEST_KILL_AT=STEP announces "at STEP COLLECTION" when
the pipeline reaches that step and then waits there for the parent's SIGKILL. Steps, in order:
create (nothing built yet), add (the new collection exists, empty), artifacts (filled, no BM25 or
quiz bank yet), activate (everything built, the pointer not switched), drop (switched, the old
collections not dropped yet).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from ingest.pipeline import ingest
from tutor.config import Settings
from tutor.embeddings import Embedder, MiniLMEmbedder
from tutor.store import ChromaStore

STOP_AT = os.environ.get("TUTOR_TEST_KILL_AT", "")


def step(name: str, collection: str) -> None:
    if name == STOP_AT:
        print(f"at {name} {collection}", flush=True)
        threading.Event().wait()  # until SIGKILL


class SteppedStore(ChromaStore):
    """The real store; each step the pipeline takes can be the one the child is killed at."""

    def create(self, name: str) -> None:
        step("create", name)
        super().create(name)

    def add(self, name, chunks, embeddings) -> None:
        step("add", name)
        super().add(name, chunks, embeddings)
        step("artifacts", name)  # the pipeline writes BM25 and the quiz bank next

    def activate(self, name: str) -> None:
        step("activate", name)
        super().activate(name)

    def drop_inactive(self, *, keep: set[str]) -> None:
        step("drop", ",".join(sorted(keep)))
        super().drop_inactive(keep=keep)


class SlowEmbedder(Embedder):
    def __init__(self, pause_s: float) -> None:
        self.model = MiniLMEmbedder()
        self.name, self.dimension, self.pause_s = self.model.name, self.model.dimension, pause_s

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.model.embed_batch(texts)
        time.sleep(self.pause_s)
        return vectors


def main(data_dir: str, pause_s: str, *paths: str) -> None:
    settings = Settings(_env_file=None, data_dir=Path(data_dir))
    report = ingest(
        [Path(p) for p in paths],
        settings=settings,
        store=SteppedStore(settings),
        embedder=SlowEmbedder(float(pause_s)),
        reset=os.environ.get("TUTOR_TEST_RESET") == "1",
        progress=lambda done, total: print(f"progress {done} {total}", flush=True),
    )
    print(f"done {report.collection} {report.chunks}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
