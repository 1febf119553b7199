"""Retrieval quality side by side with peers, in one run, on the dev set's in-scope questions.

    .venv/bin/python bench/retrieval.py [--dataset evals/data/dev.jsonl] [--backends onnx torch]

(a) runs once per embedding backend (TUTOR_EMBEDDING__BACKEND): the ONNX Runtime export must
    retrieve as torch does (within 0.005 on every column).

(a) this pipeline: the real notes ingested into a temporary data dir, tutor.search (hybrid BM25 +
    dense, RRF), exactly what the API serves;
(b) the LangChain tutorial default: RecursiveCharacterTextSplitter(1000, 200) over the notes,
    dense top-k with the same MiniLM in Chroma (langchain_chroma);
(c) BM25 alone (bm25s, English stopwords + stemmer) over (b)'s chunks.

hit@N chars is evals.metrics.HitAtChars: every key-fact group found in the first N characters of
the ranked passages joined in rank order, so systems with different chunk sizes compare fairly.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console
from rich.table import Table

from bench.peers import tutorial_chunks, tutorial_store
from evals.dataset import EvalItem, load_dataset
from evals.metrics import HitAtChars, HitAtK, ItemResult, RetrievedPassage
from tutor.config import Settings
from tutor.embeddings import Embedder, make_embedder

DEPTH = 20  # ranked passages per question: more than enough to fill 4000 characters
Search = Callable[[str], list[str]]


def pipeline_search(embedder: Embedder, data_dir: Path) -> tuple[Search, list[str]]:
    from ingest.pipeline import ingest
    from tutor.config import Settings
    from tutor.service import build_tutor
    from tutor.store import ChromaStore

    settings = Settings(_env_file=None, data_dir=data_dir, corpus_dir=ROOT / "corpus")
    ingest([settings.corpus_dir], settings=settings, store=ChromaStore(settings), embedder=embedder)
    tutor = build_tutor(settings, embedder=embedder)
    chunks = [c.text for c in tutor.current_index().chunks]
    return (lambda q: [p.text for p in tutor.search(q, DEPTH)]), chunks


def tutorial_dense(embedder: Embedder, chunks: list[str]) -> Search:
    store = tutorial_store(embedder, chunks, "bench_tutorial")
    return lambda q: [d.page_content for d in store.similarity_search(q, k=DEPTH)]


def bm25_alone(chunks: list[str]) -> Search:
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    model = bm25s.BM25()
    model.index(
        bm25s.tokenize(chunks, stopwords="en", stemmer=stemmer, show_progress=False),
        show_progress=False,
    )

    def search(q: str) -> list[str]:
        tokens = bm25s.tokenize([q], stopwords="en", stemmer=stemmer, show_progress=False)
        found, _ = model.retrieve(tokens, k=DEPTH, show_progress=False, n_threads=1)
        return [chunks[int(i)] for i in found[0]]

    return search


def measure(search: Search, items: Sequence[EvalItem]) -> dict[str, float]:
    results, times = [], []
    for item in items:
        started = time.perf_counter()
        texts = search(item.question)
        times.append((time.perf_counter() - started) * 1000)
        ranked = [RetrievedPassage(str(i), t) for i, t in enumerate(texts)]
        results.append(ItemResult(item=item, passages=ranked[:5], ranked=ranked))
    return {
        "hit@1000c": HitAtChars(1000).score(results) or 0.0,
        "hit@2000c": HitAtChars(2000).score(results) or 0.0,
        "hit@4000c": HitAtChars(4000).score(results) or 0.0,
        "hit@5": HitAtK().score(results) or 0.0,
        "p50 ms": statistics.median(times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=ROOT / "evals/data/dev.jsonl")
    parser.add_argument(
        "--backends", nargs="+", default=["onnx", "torch"], help="onnx, onnx-int8, torch"
    )
    parser.add_argument("--no-peers", action="store_true", help="only this pipeline's rows")
    args = parser.parse_args()
    items = [i for i in load_dataset(args.dataset) if i.in_scope and i.key_facts]
    console = Console(width=max(Console().width, 110))
    rows: list[tuple[str, list[str], dict[str, float]]] = []
    for backend in args.backends:
        runtime, _, quantize = backend.partition("-")
        settings = Settings(
            _env_file=None, embedding={"backend": runtime, "quantize": quantize or "none"}
        )
        embedder = make_embedder(settings, threads=0)
        with tempfile.TemporaryDirectory() as tmp:
            search, chunks = pipeline_search(embedder, Path(tmp))
            rows.append((f"(a) this pipeline, {backend}", chunks, measure(search, items)))
    if not args.no_peers:
        tutorial = tutorial_chunks()
        rows.append(
            ("(b) tutorial default", tutorial, measure(tutorial_dense(embedder, tutorial), items))
        )
        rows.append(("(c) BM25 alone", tutorial, measure(bm25_alone(tutorial), items)))

    table = Table(title=f"Retrieval on {args.dataset.name}: {len(items)} in-scope questions")
    table.add_column("system")
    for col in ("chunks", "mean chars", "hit@1000c", "hit@2000c", "hit@4000c", "hit@5", "p50 ms"):
        table.add_column(col, justify="right")
    for name, chunks, m in rows:
        table.add_row(
            name,
            str(len(chunks)),
            f"{statistics.mean(map(len, chunks)):.0f}",
            f"{m['hit@1000c']:.3f}",
            f"{m['hit@2000c']:.3f}",
            f"{m['hit@4000c']:.3f}",
            f"{m['hit@5']:.3f}",
            f"{m['p50 ms']:.1f}",
        )
    console.print(table)
    a = rows[0][2]
    console.print(
        f"targets for (a): hit@1000c >= 0.90 ({'met' if a['hit@1000c'] >= 0.90 else 'MISSED'}),"
        f" hit@2000c >= 0.97 ({'met' if a['hit@2000c'] >= 0.97 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
