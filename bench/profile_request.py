"""Where a /v1/chat request spends its time, stage by stage, over the dev questions.

    .venv/bin/python -m bench.profile_request [--requests 100]

Runs the same calls Tutor.ask makes, in order, timing each with perf_counter: session history,
query embedding, Chroma, BM25, fusion, scoring the answer units (split + embedding them + the
rest), composing, the session write and JSON serialization. Offline tutor (no LLM). Prints the
mean ms per stage and its share of the total.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent


def timed_embedder(inner, totals: dict[str, float], bucket: str):
    """The embedder, adding the time of its calls to a bucket (the ones inside score_units)."""
    from tutor.embeddings import Embedder

    class TimedEmbedder(Embedder):
        name, dimension = inner.name, inner.dimension

        def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
            started = time.perf_counter()
            try:
                return inner.embed_batch(texts)
            finally:
                totals[bucket] += time.perf_counter() - started

    return TimedEmbedder()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warm", type=int, default=1, help="questions asked before timing")
    parser.add_argument("--data-dir", type=Path, default=None, help="an ingested store to reuse")
    args = parser.parse_args()

    from ingest.pipeline import ingest
    from tutor.config import Settings
    from tutor.embeddings import MiniLMEmbedder
    from tutor.offline import answer as offline
    from tutor.offline import scope
    from tutor.offline.parts import readings
    from tutor.retrieve import fuse
    from tutor.service import build_tutor
    from tutor.sessions import new_session_id
    from tutor.store import ChromaStore
    from tutor.types import Answer, Passage

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="bench-profile-"))
    settings = Settings(_env_file=None, data_dir=data_dir, corpus_dir=ROOT / "corpus")
    embedder = MiniLMEmbedder()
    store = ChromaStore(settings)
    if store.active_name() is None:
        ingest([settings.corpus_dir], settings=settings, store=store, embedder=embedder)
    tutor = build_tutor(settings, embedder=embedder)
    questions = [
        json.loads(line)["question"]
        for line in (ROOT / "evals/data/dev.jsonl").read_text().splitlines()
        if line
    ]
    r = settings.retrieval
    totals: dict[str, float] = defaultdict(float)
    timed = timed_embedder(embedder, totals, "score: embed units + question")

    def stage(name: str, started: float) -> float:
        now = time.perf_counter()
        totals[name] += now - started
        return now

    tutor.warm()  # every chunk's answer units, as the served app prepares them before serving
    for question in questions[: args.warm]:
        tutor.ask(question)
    for i in range(args.requests):
        question = questions[i % len(questions)]
        t = time.perf_counter()
        history = tutor.sessions.history(None)
        standalone = readings(question, history)[0]
        index = tutor.index.current()
        t = stage("session history + index", t)
        vector = embedder.embed_query(standalone)
        t = stage("embed query", t)
        n = max(r.candidates, r.k)
        dense = store.query(index.name, vector, n)
        t = stage("chroma query", t)
        lexical = index.lexical.search(standalone, n)
        t = stage("bm25", t)
        fused = fuse(dense, lexical, r)
        passages = [Passage.of(c, s) for cid, s in fused[: r.k] if (c := index.by_id.get(cid))]
        stats = offline.note_stats(index)
        t = stage("fusion + passages", t)
        before = totals["score: embed units + question"]
        scored = offline.score_units(
            standalone, passages, timed, stats, settings.offline, query_vector=vector
        )
        t = stage("score: all", t)
        totals["score: all"] -= totals["score: embed units + question"] - before
        chosen = offline.select(scored, settings.offline)
        found = scope.support(
            standalone, passages, chosen, timed, stats, settings.offline, query_vector=vector
        )
        if found.covered:
            text, citations = offline.compose(chosen, passages, settings.offline)
            answer = Answer(text=text, citations=citations)
        else:
            answer = offline.decline(passages)
        t = stage("select + compose", t)
        session_id = new_session_id()
        answer = answer.model_copy(update={"session_id": session_id})
        tutor.sessions.record(session_id, question, standalone, answer)
        t = stage("session write", t)
        answer.model_dump_json()
        stage("serialize", t)
    tutor.close()

    total = sum(totals.values())
    print(
        f"{args.requests} requests, mean {total / args.requests * 1000:.1f} ms each "
        f"(torch threads {__import__('torch').get_num_threads()})"
    )
    rename = {"score: all": "score: units against the question"}
    for name, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(
            f"  {rename.get(name, name):40s} {seconds / args.requests * 1000:7.1f} ms"
            f"  {seconds / total:6.1%}"
        )


if __name__ == "__main__":
    main()
