"""Figures of the offline quiz bank on the notes: cue bias, leaks, coverage, and a review sample.

    .venv/bin/python bench/quizbank.py [--corpus corpus] [--sample 60] [--seed 14]

Offline, no store: the notes are chunked exactly as ingest chunks them, embedded with the
configured MiniLM, the question files beside them linked to the chunks, and the bank built from
those as `write_artifacts` does (imported items, then mined ones; the miners use the embedder to
pick distractors of the key's kind).

Cue figures are over the served single-answer MCQ, imported and mined together, and over the
mined ones alone:

- longest option: the score of always picking the longest choice (ties share the credit);
- shortest option: the same for the shortest (a bank that avoids long keys must not favour short);
- most words shared with the question: the same for the choice sharing most stemmed words;
  chance is 0.25 for both; the issue's bar is <= 0.35;
- key position: how often the key is A, B, C, D;
- contains its own answer: items whose stem holds their key (itemchecks.stem_not_containing_key);
- failing checks: items in the bank that break an item-writing rule (must be 0);
- per kind/origin, per topic share, and the largest share one section supplies;
- `--sample N` prints N random items (fixed seed) for the blind review in docs/quiz.md.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import questions as question_files
from ingest.pipeline import chunk_paths
from tutor.config import Settings
from tutor.embeddings import make_embedder
from tutor.itemchecks import failures, stem_not_containing_key
from tutor.lexical import tokenize
from tutor.quizbank import BankItem, QuizBank
from tutor.quizmine import Miner


def _share_of_pick(items: list[BankItem], score) -> float:
    """Expected score of picking the option(s) with the highest `score`, ties split evenly."""
    total = 0.0
    for item in items:
        assert item.choices is not None and item.answer_index is not None
        values = [score(item, c) for c in item.choices]
        best = [i for i, v in enumerate(values) if v == max(values)]
        total += (item.answer_index in best) / len(best)
    return total / len(items) if items else 0.0


def longest(item: BankItem, choice: str) -> float:
    return len(choice)


def shared_words(item: BankItem, choice: str) -> float:
    return len(set(tokenize(choice)) & set(tokenize(item.question)))


def build(corpus: Path, settings: Settings) -> tuple[Miner, list[BankItem], list[BankItem]]:
    """(the miner, the imported items, the mined items), as `tutor ingest` builds them."""
    _, chunks = chunk_paths([corpus], settings)
    embedder = make_embedder(settings, threads=0)
    vectors = embedder.embed_batch([c.embed_text for c in chunks])
    imported = question_files.load([corpus]).link(chunks, vectors, embedder, settings)
    miner = Miner(chunks, embedder.embed_batch)
    return miner, list(imported), miner.build()


def _cues(mcq: list[BankItem]) -> dict[str, float]:
    return {
        "longest": round(_share_of_pick(mcq, longest), 3),
        "shortest": round(_share_of_pick(mcq, lambda i, c: -len(c)), 3),
        "most-shared-words": round(_share_of_pick(mcq, shared_words), 3),
    }


def figures(miner: Miner, imported: list[BankItem], items: list[BankItem]) -> dict[str, object]:
    mcq = [i for i in items if i.kind == "mcq"]
    served = [i for i in [*imported, *mcq] if i.kind == "mcq" and i.answer_index is not None]
    notes = miner.notes
    sections = Counter(i.section for i in mcq)
    topics = Counter(i.topic for i in items)
    return {
        "imported items": len(imported),
        "imported single/multiple": f"{sum(i.answer_index is not None for i in imported)}"
        f"/{sum(i.answer_indexes is not None for i in imported)}",
        "mined items": len(items),
        "mined mcq": len(mcq),
        "served single-answer mcq": len(served),
        "distinct served mcq stems": len({" ".join(tokenize(i.question)) for i in served}),
        "cues, served mcq": _cues(served),
        "cues, mined mcq": _cues(mcq),
        "key position A/B/C/D, served": dict(
            sorted(Counter("ABCD"[i.answer_index or 0] for i in served).items())
        ),
        "contain their own answer": sum(
            stem_not_containing_key(i, notes) is not None for i in [*imported, *items]
        ),
        "mined failing checks": sum(bool(failures(i, notes)) for i in items),
        "mined per kind": dict(Counter(i.kind for i in items)),
        "mined per kind/miner": dict(Counter(f"{i.kind}/{i.origin}" for i in items)),
        "mined topics": len(topics),
        "top mined topic shares": {t: round(n / len(items), 3) for t, n in topics.most_common(8)},
        "largest section share of mined mcq": round(max(sections.values()) / len(mcq), 3)
        if mcq
        else 0,
        "dropped by rule (candidates)": dict(sorted(miner.dropped.items(), key=lambda kv: -kv[1])),
    }


def sample(items: list[BankItem], n: int, seed: int) -> list[BankItem]:
    return random.Random(seed).sample(items, min(n, len(items)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--sample", type=int, default=0, help="print N random items to review")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    miner, imported, mined = build(args.corpus, Settings())
    for name, value in figures(miner, imported, mined).items():
        print(f"{name:36} {value}")
    if args.sample:
        bank = QuizBank([*imported, *mined])
        for n, item in enumerate(sample(bank.items, args.sample, args.seed), 1):
            print(f"\n{n}. [{item.kind}/{item.origin}] {item.topic} | {item.section}")
            print(f"   Q: {item.question}")
            if item.choices:
                print("   " + "  ".join(f"{'ABCD'[i]}) {c}" for i, c in enumerate(item.choices)))
            print(f"   key: {item.answer}")
            print(f"   notes: {item.evidence[:200]}")


if __name__ == "__main__":
    main()
