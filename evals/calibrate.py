"""Grid search over a few of the offline engine's settings on the dev set, never the held-out set.

    python -m evals.calibrate [--grid keep_ratio=0.3,0.35,0.4 ...] [--out calibrated.env]

Builds the tutor once (offline), retrieves each dev question once (retrieval does not depend on
these settings), then answers every open and out-of-scope dev question with an OfflineEngine per
grid point and scores it as `tutor eval` does (answer.key_fact_accuracy, refusal.recall,
refusal.false_refusal_rate). The best point is the one with the highest key_fact_accuracy among
those that decline no fewer out-of-scope questions and no more in-scope ones than the current
settings. It is printed and written as TUTOR_OFFLINE__ lines to --out, a dotenv file the settings
read (`Settings(_env_file=path)`, or copy the lines into `.env`). The defaults are not changed.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.dataset import EvalItem, load_dataset
from evals.metrics import (
    FalseRefusalRate,
    ItemResult,
    KeyFactAccuracy,
    KeyFactRecall,
    RefusalRecall,
)

DEV = Path(__file__).parent / "data" / "dev.jsonl"
DEFAULT_GRID = (
    "keep_ratio=0.3,0.35,0.4",
    "window_floor=0.25,0.3,0.35",
    "coverage_bonus=0.4,0.5,0.6",
)


@dataclass(frozen=True)
class Point:
    values: dict[str, Any]
    accuracy: float
    recall: float  # answer.key_fact_recall
    refusal_recall: float
    false_refusals: float  # over the open questions (`tutor eval` counts multiple choice too)

    def line(self) -> str:
        return (
            f"{self.values}: key_fact_accuracy {self.accuracy:.3f}, key_fact_recall "
            f"{self.recall:.3f}, refusal recall {self.refusal_recall:.3f}, "
            f"false refusals {self.false_refusals:.3f}"
        )


def parse_grid(specs: Sequence[str], fields: Any) -> dict[str, list[float]]:
    """ "name=v1,v2,..." for OfflineSettings fields."""
    grid: dict[str, list[float]] = {}
    for spec in specs:
        name, _, values = spec.partition("=")
        name = name.strip().lower()
        if name not in fields or not values:
            raise SystemExit(f"--grid {spec!r}: expected name=v1,v2 with a TUTOR_OFFLINE__ setting")
        grid[name] = [float(v) for v in values.split(",") if v.strip()]
    return grid


def score(
    tutor: Any, offline: Any, items: Sequence[EvalItem], evidence: dict[str, Any]
) -> tuple[float, float, float, float]:
    from tutor.offline.engine import OfflineEngine

    engine = OfflineEngine(offline, tutor.embedder, tutor.retriever)
    index = tutor.current_index()
    results = []
    for item in items:
        vector, passages = evidence[item.id]
        reply = engine.answer(item.question, passages, index, vector=vector)
        results.append(
            ItemResult(
                item=item,
                passages=[],
                ranked=[],
                answer=reply.answer.text,
                grounded=reply.answer.grounded,
            )
        )
    return (
        KeyFactAccuracy().score(results) or 0.0,
        KeyFactRecall().score(results) or 0.0,
        RefusalRecall().score(results) or 0.0,
        FalseRefusalRate().score(results) or 0.0,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--grid", action="append", help="name=v1,v2 (repeat; default: 3 weights)")
    parser.add_argument("--out", type=Path, default=Path("evals/results/calibrated.env"))
    args = parser.parse_args(argv)

    from tutor.config import OfflineSettings, Settings
    from tutor.service import build_tutor

    settings = Settings().model_copy(update={"llm": None})  # the offline engine, whatever .env says
    grid = parse_grid(args.grid or DEFAULT_GRID, OfflineSettings.model_fields)
    items = [i for i in load_dataset(DEV) if i.kind in ("open", "out_of_scope")]
    tutor = build_tutor(settings)
    try:
        tutor.warm()
        index = tutor.current_index()
        evidence = {}
        for item in items:
            vector = tutor.embedder.embed_query(item.question)
            evidence[item.id] = (
                vector,
                tutor.retriever.search(item.question, index=index, vector=vector),
            )
        base = settings.offline
        current = Point({k: getattr(base, k) for k in grid}, *score(tutor, base, items, evidence))
        print(f"current {current.line()}", flush=True)
        points = []
        for values in itertools.product(*grid.values()):
            offline = OfflineSettings.model_validate(
                {**base.model_dump(), **dict(zip(grid, values, strict=True))}
            )
            chosen = {k: getattr(offline, k) for k in grid}
            point = Point(chosen, *score(tutor, offline, items, evidence))
            points.append(point)
            print(point.line(), flush=True)
    finally:
        tutor.close()
    eligible = [
        p
        for p in points
        if p.refusal_recall >= current.refusal_recall and p.false_refusals <= current.false_refusals
    ]
    # The current settings win ties: a point must do better on dev to be worth a change.
    best = max(
        [current, *eligible],
        key=lambda p: (p.accuracy, p.recall, p.refusal_recall, -p.false_refusals),
    )
    print(f"best {best.line()}" + (" (the current settings)" if best is current else ""))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        "# evals/calibrate.py on evals/data/dev.jsonl; read with Settings(_env_file=...) or .env\n"
        + "".join(f"TUTOR_OFFLINE__{k.upper()}={v}\n" for k, v in best.values.items())
    )
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
