"""Reports of a run: report.json (the issue's keys), report.md (summary, worst items), report.png."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.metrics import METRIC_NAMES, MRR, HitAtChars, ItemResult, score_all
from tutor.errors import InvalidInput

ROOT = Path(__file__).resolve().parent.parent
# Share-like metrics drawn in the chart (0..1, higher is better unless named in LOWER_IS_BETTER).
CHART_METRICS = (
    "retrieval.hit_at_k",
    "retrieval.context_recall_at_k",
    "retrieval.mrr",
    "retrieval.hit_at_chars.1000",
    "retrieval.hit_at_chars.2000",
    "retrieval.hit_at_chars.4000",
    "answer.key_fact_accuracy",
    "answer.key_fact_recall",
    "followup.key_fact_accuracy",
    "mcq.accuracy",
    "mcq.abstain_rate",
    "refusal.recall",
    "refusal.false_refusal_rate",
    "refusal.precision",
    "grading.decided",
    "grading.precision",
    "grading.false_incorrect",
    "judge.correctness",
    "judge.faithfulness",
)
LOWER_IS_BETTER = {
    "mcq.abstain_rate",
    "refusal.false_refusal_rate",
    "grading.false_incorrect",
    "answer.mean_chars",
    "latency_ms.retrieve_p50",
    "latency_ms.answer_p50",
    "latency_ms.answer_p95",
}


def git_commit(root: Path = ROOT) -> str | None:
    """HEAD's commit read from .git (no git binary needed); None outside a checkout."""
    git = root / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head.removeprefix("ref: ")
        if (git / ref).exists():
            return (git / ref).read_text().strip()
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split()[0]
    except OSError:
        return None
    return None


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """{"a.b.c": v} -> {"a": {"b": {"c": v}}}."""
    tree: dict[str, Any] = {}
    for key, value in flat.items():
        node = tree
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return tree


def metric_value(report: dict[str, Any], key: str) -> float | None:
    """A metric by dotted key; InvalidInput for a key that names no metric."""
    if key not in METRIC_NAMES:
        raise InvalidInput(f"unknown metric {key!r}; known: {', '.join(METRIC_NAMES)}")
    node: Any = report
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def item_record(result: ItemResult, dataset: str) -> dict[str, Any]:
    item = result.item
    context = result.context_found()
    found = result.answer_found()
    keyed = item.in_scope and bool(item.key_facts)
    searched = keyed and not item.follow_up
    correct = {
        "retrieval": all(context) if searched else None,
        "answer": all(found) if keyed and item.kind == "open" else None,
        "mcq": result.choice_index == item.answer_index if item.kind == "mcq" else None,
        "refusal": result.grounded == item.in_scope if item.asked else None,
        "grading": result.verdict == item.label
        if item.kind == "grade" and result.verdict != "unsure"
        else None,
    }
    return {
        "id": item.id,
        "dataset": dataset,
        "kind": item.kind,
        "section": item.section,
        "shape": item.shape,
        "question": item.question,
        "history": item.history,
        "reference": item.answer,
        "answer": result.answer,
        "grounded": result.grounded,
        "choice_index": result.choice_index,
        "answer_index": item.answer_index,
        "passage_ids": [p.chunk_id for p in result.passages],
        "passage_sections": [p.section for p in result.passages],
        "citation_ids": result.citation_ids,
        "key_facts": item.key_facts,
        "context_groups_found": context,
        "answer_groups_found": found,
        "reciprocal_rank": MRR.reciprocal_rank(result) if searched else None,
        "hit_at_chars": {
            str(n): HitAtChars(n).hit(result) if searched else None for n in (1000, 2000, 4000)
        },
        "correct": correct,
        "student_answer": item.student_answer,
        "label": item.label,
        "verdict": result.verdict,
        "retrieve_ms": round(result.retrieve_ms, 2),
        "answer_ms": round(result.answer_ms, 2),
        "judge": {
            "correctness": result.judge_correctness,
            "faithfulness": result.judge_faithfulness,
        },
    }


def build_report(
    results: Sequence[ItemResult],
    *,
    datasets: Sequence[str],
    item_datasets: Sequence[str],
    k: int,
    provider: str,
    judge: str | None = None,
) -> dict[str, Any]:
    report: dict[str, Any] = nest({key: value for key, value in score_all(results).items()})
    report.update(
        n=len(results),
        k=k,
        provider=provider,
        judge_model=judge,
        dataset=", ".join(datasets),
        commit=git_commit(),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        items=[item_record(r, d) for r, d in zip(results, item_datasets, strict=True)],
    )
    report["by_shape"] = by_shape(report)
    return report


CHECKS = ("answer", "refusal", "mcq", "retrieval")


def by_shape(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per question shape (items that name one): how many, and the share right on each check."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for rec in report["items"]:
        if rec.get("shape"):
            groups.setdefault(rec["shape"], []).append(rec)
    out: dict[str, dict[str, Any]] = {}
    for shape, recs in sorted(groups.items()):
        row: dict[str, Any] = {"n": len(recs)}
        for check in CHECKS:
            marks = [r["correct"][check] for r in recs if r["correct"].get(check) is not None]
            row[check] = sum(marks) / len(marks) if marks else None
        out[shape] = row
    return out


def deltas(report: dict[str, Any], old: dict[str, Any]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for key in METRIC_NAMES:
        new, before = metric_value(report, key), metric_value(old, key)
        out[key] = None if new is None or before is None else new - before
    return out


def load_report(path: Path) -> dict[str, Any]:
    try:
        report = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such report to compare with") from None
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"{path}: not a readable report.json ({exc})") from None
    if not isinstance(report, dict) or "retrieval" not in report:
        raise InvalidInput(f"{path}: not an eval report.json (no 'retrieval' metrics)")
    return report


def fmt(value: float | None, key: str = "") -> str:
    if value is None:
        return "n/a"
    return f"{value:.0f}" if key.startswith(("latency_ms", "answer.mean_chars")) else f"{value:.3f}"


def fmt_delta(value: float | None, key: str) -> str:
    if value is None:
        return ""
    return (
        f"{value:+.0f}" if key.startswith(("latency_ms", "answer.mean_chars")) else f"{value:+.3f}"
    )


def _missing(groups: list[list[str]], found: list[bool]) -> str:
    return "; ".join(" | ".join(g) for g, ok in zip(groups, found, strict=True) if not ok) or "-"


def worst_items(report: dict[str, Any], n: int = 10) -> list[dict[str, Any]]:
    """In-scope items that failed the most checks, fewest key facts found first."""

    def badness(rec: dict[str, Any]) -> tuple[int, float]:
        failed = sum(1 for ok in rec["correct"].values() if ok is False)
        groups = rec["answer_groups_found"] + rec["context_groups_found"]
        return (-failed, sum(groups) / len(groups) if groups else 1.0)

    failing = [r for r in report["items"] if any(ok is False for ok in r["correct"].values())]
    return sorted(failing, key=badness)[:n]


def markdown(report: dict[str, Any], old: dict[str, Any] | None = None) -> str:
    change = deltas(report, old) if old else {}
    lines = [
        "# Eval report",
        "",
        f"- dataset: `{report['dataset']}` ({report['n']} items), k = {report['k']}",
        f"- provider: {report['provider']}; judge: {report.get('judge_model') or 'none'}",
        f"- commit: {report['commit'] or 'unknown'}; created: {report['created']}",
        "",
        "| metric | value |" + (" change |" if old else ""),
        "|---|---|" + ("---|" if old else ""),
    ]
    for key in METRIC_NAMES:
        row = f"| {key} | {fmt(metric_value(report, key), key)} |"
        lines.append(row + (f" {fmt_delta(change.get(key), key)} |" if old else ""))
    shapes = by_shape(report)
    if shapes:
        lines += ["", "## By question shape", ""]
        lines += ["| shape | n | " + " | ".join(CHECKS) + " |", "|---|---|" + "---|" * len(CHECKS)]
        for shape, marks in shapes.items():
            cells = " | ".join("–" if marks[c] is None else f"{marks[c]:.3f}" for c in CHECKS)
            lines.append(f"| {shape} | {marks['n']} | {cells} |")
    lines += ["", "## Worst items", ""]
    worst = worst_items(report)
    if not worst:
        lines.append("Every item passed every check.")
    for rec in worst:
        failed = ", ".join(name for name, ok in rec["correct"].items() if ok is False)
        if rec["kind"] == "grade":
            lines += [
                f"### {rec['id']} (grade): called {rec['verdict']}, labelled {rec['label']}",
                f"- question: {rec['question']}",
                f"- reference: {rec['reference']}",
                f"- student: {rec.get('student_answer')!r}",
                "",
            ]
            continue
        lines += [
            f"### {rec['id']} ({rec['kind']}, {rec['section'] or 'no section'}): failed {failed}",
            f"- question: {rec['question']}",
            (
                f"- missing from the top-{report['k']} passages: "
                f"{_missing(rec['key_facts'], rec['context_groups_found'])}"
            ),
            f"- missing from the answer: {_missing(rec['key_facts'], rec['answer_groups_found'])}",
        ]
        if rec["kind"] == "mcq":
            lines.append(f"- chose {rec['choice_index']}, expected {rec['answer_index']}")
        lines.append(f"- retrieved sections: {', '.join(rec['passage_sections'][:3]) or 'none'}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def chart(report: dict[str, Any], path: Path, old: dict[str, Any] | None = None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [k for k in CHART_METRICS if metric_value(report, k) is not None]
    values = [metric_value(report, k) or 0.0 for k in keys]
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(keys) + 1.4))
    rows = range(len(keys))
    if old:
        before = [metric_value(old, k) for k in keys]
        ax.barh(
            [r + 0.2 for r in rows],
            [b or 0.0 for b in before],
            height=0.4,
            color="#c8c8c8",
            label="before",
        )
        ax.barh([r - 0.2 for r in rows], values, height=0.4, color="#3b6ea8", label="now")
        for r, key, new, b in zip(rows, keys, values, before, strict=True):
            if b is not None:
                d = new - b
                good = d >= 0 if key not in LOWER_IS_BETTER else d <= 0
                ax.text(1.02, r, f"{d:+.3f}", va="center", color="#2a7a2a" if good else "#b02a2a")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.05), ncol=2, frameon=False)
    else:
        ax.barh(list(rows), values, color="#3b6ea8")
    for r, v in zip(rows, values, strict=True):
        inside = v >= 0.12  # short bars get their label outside, in dark text
        ax.text(
            min(v, 1.0) + (-0.01 if inside else 0.01),
            r - (0.2 if old else 0),
            f"{v:.2f}",
            va="center",
            ha="right" if inside else "left",
            color="white" if inside else "black",
            fontsize=8,
        )
    ax.set_yticks(list(rows), keys)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.12 if old else 1.0)
    ax.set_title(
        f"{report['dataset']}  (n={report['n']}, k={report['k']}, {report['provider']})", fontsize=9
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_reports(report: dict[str, Any], out: Path, old: dict[str, Any] | None = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (out / "report.md").write_text(markdown(report, old), encoding="utf-8")
    chart(report, out / "report.png", old)
