"""Ingest and query speed against their floors, in one run (prints figures; not a timed test).

    .venv/bin/python bench/ingest.py [--rounds 3] [--queries 200] [--profile]

1. Whole-corpus ingest into a fresh temporary store (model already loaded) against a bare
   SentenceTransformer.encode of the same chunk texts (Chunk.embed_text) at the same batch size:
   the ratio is what chunking, Chroma writes, BM25 and the switch cost on top of the embedding.
   Rounds alternate the two so a busy machine slows both alike; medians are reported.
2. Re-ingest of the unchanged corpus against the first ingest.
3. Retrieval latency over N dev questions (evals/data/dev.jsonl, repeated as needed): tutor.search
   against a bare query embedding of the same question, the floor for any dense retrieval.
Targets (issue 2): ingest ratio <= 1.25, re-ingest <= 10%, search p50 <= 1.5x the floor.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.pipeline import chunk_paths, ingest
from tutor.config import Settings
from tutor.embeddings import Embedder, MiniLMEmbedder
from tutor.service import build_tutor
from tutor.store import ChromaStore


def settings_in(folder: Path) -> Settings:
    return Settings(_env_file=None, data_dir=folder, corpus_dir=ROOT / "corpus")


def bare_encode(embedder: MiniLMEmbedder, texts: list[str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one encode call."""
    started, cpu = time.perf_counter(), time.process_time()
    embedder.model.encode(
        texts,
        batch_size=embedder.batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return time.perf_counter() - started, time.process_time() - cpu


class TimedEmbedder(Embedder):
    """The same model, adding up the seconds ingest spends inside it."""

    def __init__(self, inner: MiniLMEmbedder) -> None:
        self.inner, self.name, self.dimension = inner, inner.name, inner.dimension
        self.seconds = 0.0

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        started = time.perf_counter()
        try:
            return self.inner.embed_batch(texts)
        finally:
            self.seconds += time.perf_counter() - started


def timed_ingest(embedder: Embedder, settings: Settings, profile: bool = False):
    store = ChromaStore(settings)
    profiler = cProfile.Profile() if profile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    report = ingest([settings.corpus_dir], settings=settings, store=store, embedder=embedder)
    if profiler:
        profiler.disable()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return wall, cpu, report


def questions(n: int) -> list[str]:
    lines = (ROOT / "evals" / "data" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    found = [json.loads(line)["question"] for line in lines if line.strip()]
    return [found[i % len(found)] for i in range(n)]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="ingest/encode pairs, alternated")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="cProfile the last ingest")
    args = parser.parse_args()

    embedder = MiniLMEmbedder()
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    _, chunks = chunk_paths([ROOT / "corpus"], settings_in(work / "probe"))
    texts = [c.embed_text for c in chunks]
    embedder.embed_batch(texts[:8])  # warm the model: both sides start hot
    print(
        f"corpus: {len(chunks)} chunks, {sum(map(len, texts))} chars; "
        f"batch size {embedder.batch_size}; torch threads {_threads()}"
    )

    bare, full, bare_cpu, full_cpu, rest = [], [], [], [], []
    for r in range(args.rounds):
        if r % 2:  # alternate which goes first: a neighbour's burst must not favour one side
            wall, cpu = bare_encode(embedder, texts)
        timed = TimedEmbedder(embedder)
        ingest_wall, ingest_cpu, report = timed_ingest(
            timed, settings_in(work / f"round{r}"), profile=args.profile and r == args.rounds - 1
        )
        if not r % 2:
            wall, cpu = bare_encode(embedder, texts)
        assert report.embedded == len(chunks), report
        bare.append(wall)
        bare_cpu.append(cpu)
        full.append(ingest_wall)
        full_cpu.append(ingest_cpu)
        rest.append(ingest_wall - timed.seconds)
        print(
            f"  round {r + 1}: bare encode {wall:.2f}s (cpu {cpu:.2f}s), ingest {ingest_wall:.2f}s "
            f"(cpu {ingest_cpu:.2f}s; {timed.seconds:.2f}s of it embedding, "
            f"{rest[-1]:.2f}s everything else)"
        )
    bare_s, ingest_s = statistics.median(bare), statistics.median(full)
    # CPU time as well: on a shared machine wall time mostly measures the neighbours.
    cpu_ratio = statistics.median(full_cpu) / statistics.median(bare_cpu)
    print(
        f"ingest {ingest_s:.2f}s vs bare encode {bare_s:.2f}s: "
        f"ratio {ingest_s / bare_s:.2f} wall, {cpu_ratio:.2f} cpu (target <= 1.25); "
        f"work besides embedding {statistics.median(rest):.2f}s "
        f"= {statistics.median(rest) / bare_s:.2f} of the bare encode"
    )

    last = settings_in(work / f"round{args.rounds - 1}")
    again_s, _, again = timed_ingest(embedder, last)
    assert again.embedded == 0 and again.chunks == len(chunks), again
    print(
        f"re-ingest unchanged {again_s * 1000:.0f}ms = {100 * again_s / ingest_s:.1f}% "
        f"of the first ingest (target <= 10%)"
    )

    tutor = build_tutor(last, embedder=embedder)
    qs = questions(args.queries)
    tutor.search(qs[0])
    embedder.embed_query(qs[0])
    search_ms, floor_ms = [], []
    for q in qs:  # interleaved, so load on the machine hits both alike
        started = time.perf_counter()
        tutor.search(q)
        search_ms.append(1000 * (time.perf_counter() - started))
        started = time.perf_counter()
        embedder.embed_query(q)
        floor_ms.append(1000 * (time.perf_counter() - started))
    s50, f50 = statistics.median(search_ms), statistics.median(floor_ms)
    print(
        f"search over {len(qs)} queries: p50 {s50:.1f}ms p95 {pct(search_ms, 0.95):.1f}ms; "
        f"query embedding p50 {f50:.1f}ms p95 {pct(floor_ms, 0.95):.1f}ms; "
        f"p50 ratio {s50 / f50:.2f} (target <= 1.5)"
    )
    tutor.close()


def _threads() -> int:
    import torch

    return torch.get_num_threads()


if __name__ == "__main__":
    main()
