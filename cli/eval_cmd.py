"""`tutor eval --dataset PATH [...] [--k 5] [--out DIR] [--limit N] [--url URL] [--compare OLD]
[--fail-under KEY=VALUE ...] [--judge provider:model]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cli.common import console, err_console, fail, load_settings, progress_bar, user_errors


def metrics_table(report: dict[str, Any], old: dict[str, Any] | None) -> Table:
    from evals.metrics import METRIC_NAMES
    from evals.report import deltas, fmt, fmt_delta, metric_value

    table = Table(
        title=f"{report['dataset']}: {report['n']} items, k={report['k']}, {report['provider']}"
    )
    table.add_column("metric")
    table.add_column("value", justify="right")
    change = deltas(report, old) if old else {}
    if old:
        table.add_column("change", justify="right")
    for key in METRIC_NAMES:
        row = [key, fmt(metric_value(report, key), key)]
        table.add_row(*row, *([fmt_delta(change.get(key), key)] if old else []))
    return table


def run_eval_command(
    *,
    datasets: list[Path],
    k: int,
    out: Path,
    limit: int | None,
    url: str | None,
    compare: Path | None,
    fail_under: list[str],
    judge_spec: str | None,
) -> int:
    """Everything `tutor eval` does; returns the exit code. Bad input fails before any scoring."""
    from evals.dataset import load_dataset
    from evals.gates import failed_gates, parse_gates
    from evals.report import load_report, write_reports
    from evals.runner import HttpTarget, LocalTarget, Target, evaluate

    gates = parse_gates(fail_under)
    loaded = [(str(path), load_dataset(path)) for path in datasets]
    old = load_report(compare) if compare else None
    judge = None
    if judge_spec:
        from evals.judge import Judge, build_judge_model

        judge = Judge(build_judge_model(judge_spec, load_settings()), name=judge_spec)
    target: Target
    if url:
        target = HttpTarget(url)
    else:
        from tutor.service import build_tutor

        target = LocalTarget(build_tutor(load_settings()))
    try:
        with progress_bar("Evaluating") as bar:
            task = bar.add_task("eval", total=None)
            report = evaluate(
                loaded,
                target,
                k=k,
                limit=limit,
                judge=judge,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    finally:
        target.close()
    write_reports(report, out, old)
    console.print(metrics_table(report, old))
    console.print(f"Reports written to {out}/ (report.json, report.md, report.png)")
    failures = failed_gates(report, gates)
    for line in failures:
        err_console.print(f"[bold red]gate failed:[/] {line}", highlight=False)
    return 1 if failures else 0


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_command(
        dataset: Annotated[
            list[Path], typer.Option("--dataset", help="JSONL dataset (repeatable).")
        ],
        k: Annotated[
            int, typer.Option("--k", min=1, max=50, help="Passages for retrieval metrics.")
        ] = 5,
        out: Annotated[Path, typer.Option("--out", help="Report folder.")] = Path(
            "evals/results/latest"
        ),
        limit: Annotated[
            int | None, typer.Option("--limit", min=1, help="Only the first N items.")
        ] = None,
        url: Annotated[
            str | None, typer.Option("--url", help="Measure a running service instead.")
        ] = None,
        compare: Annotated[
            Path | None, typer.Option("--compare", help="An older report.json.")
        ] = None,
        fail_under: Annotated[
            list[str] | None,
            typer.Option("--fail-under", help="KEY=VALUE: exit 1 when below (repeatable)."),
        ] = None,
        judge: Annotated[
            str | None, typer.Option("--judge", help="provider:model to grade answers.")
        ] = None,
    ) -> None:
        """Score the tutor on eval datasets and write report.json, report.md and report.png."""
        if url is not None and not url.startswith(("http://", "https://")):
            raise fail(f"--url must start with http:// or https:// (got {url!r})")
        with user_errors():
            code = run_eval_command(
                datasets=list(dataset),
                k=k,
                out=out,
                limit=limit,
                url=url,
                compare=compare,
                fail_under=list(fail_under or []),
                judge_spec=judge,
            )
        if code:
            raise typer.Exit(code)
