"""CI gates: `--fail-under retrieval.hit_at_k=0.9` fails the run when a metric falls below."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evals.metrics import METRIC_NAMES
from evals.report import metric_value
from tutor.errors import InvalidInput


def parse_gates(specs: Sequence[str]) -> dict[str, float]:
    """KEY=VALUE pairs; an unknown key or a non-number is an error, never a silent pass."""
    gates: dict[str, float] = {}
    for spec in specs:
        key, sep, raw = spec.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InvalidInput(
                f"--fail-under {spec!r}: expected KEY=VALUE, e.g. retrieval.hit_at_k=0.9"
            )
        if key not in METRIC_NAMES:
            raise InvalidInput(
                f"--fail-under: unknown metric {key!r}; known: {', '.join(METRIC_NAMES)}"
            )
        try:
            gates[key] = float(raw)
        except ValueError:
            raise InvalidInput(f"--fail-under {spec!r}: {raw!r} is not a number") from None
    return gates


def failed_gates(report: dict[str, Any], gates: dict[str, float]) -> list[str]:
    """One line per gate not met; a metric with no value (e.g. judge without --judge) fails."""
    failures = []
    for key, minimum in gates.items():
        value = metric_value(report, key)
        if value is None:
            failures.append(f"{key} has no value in this run (gate {minimum})")
        elif value < minimum:
            failures.append(f"{key} = {value:.4g} is below {minimum}")
    return failures
