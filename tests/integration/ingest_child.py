"""An ingest run as its own OS process, so test_ingest_kill.py can SIGKILL it part-way.

    python ingest_child.py DATA_DIR PAUSE_S PATH...

The real pipeline and the real MiniLM; the embedder pauses PAUSE_S after each batch (a slow
machine), so a kill lands while embedding. Prints "progress DONE TOTAL" per batch, flushed.
"""

from __future__ import annotations

import os
import sys
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
        store=ChromaStore(settings),
        embedder=SlowEmbedder(float(pause_s)),
        progress=lambda done, total: print(f"progress {done} {total}", flush=True),
    )
    print(f"done {report.collection} {report.chunks}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
