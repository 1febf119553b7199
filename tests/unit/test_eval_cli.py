"""`tutor eval`: bad input stops before scoring; a small real run on the session's ingested notes."""

from __future__ import annotations

import json

import pytest
from support import ROOT
from typer.testing import CliRunner

from cli.main import app
from evals.dataset import load_dataset
from evals.report import load_report, metric_value, write_reports
from evals.runner import LocalTarget, evaluate

DEV = ROOT / "evals/data/dev.jsonl"
runner = CliRunner()


def run_eval(dataset, out, *options: str):
    return runner.invoke(app, ["eval", "--dataset", str(dataset), "--out", str(out), *options])


@pytest.fixture
def cli_env(settings, monkeypatch):
    """The CLI reads settings from the environment: point it at the session's ingested store."""
    from tutor.config import get_settings

    monkeypatch.setenv("TUTOR_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_malformed_line_is_reported_with_its_number_and_nothing_is_scored(tmp_path):
    data = tmp_path / "bad.jsonl"
    good = DEV.read_text().splitlines()[0]
    data.write_text(f"{good}\n{good.replace('dev-001', 'dev-x')}\n{{not json\n")
    out = tmp_path / "out"
    result = run_eval(data, out)
    assert result.exit_code == 1
    assert "line 3" in result.output and "not valid JSON" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_unknown_fail_under_key_is_an_error(tmp_path):
    out = tmp_path / "out"
    result = run_eval(DEV, out, "--fail-under", "retrieval.hit_at_kay=0.9")
    assert result.exit_code == 1
    assert "unknown metric 'retrieval.hit_at_kay'" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fail-under", "retrieval.mrr"], "expected KEY=VALUE"),
        (["--compare", "missing/report.json"], "no such report"),
        (["--url", "localhost:8000"], "--url must start with http"),
        (["--judge", "gpt4"], "provider:model"),
    ],
)
def test_other_bad_options(tmp_path, args, message):
    result = run_eval(DEV, tmp_path / "o", *args)
    assert result.exit_code != 0
    assert message in result.output


def test_runner_on_the_ingested_notes(tutor, tmp_path):
    items = load_dataset(DEV)
    sample = [next(i for i in items if i.kind == kind) for kind in ("open", "mcq", "out_of_scope")]
    report = evaluate([("dev", sample)], LocalTarget(tutor), k=5)
    assert report["n"] == 3 and report["provider"] == "offline"
    known = set(tutor.current_index().by_id)
    for record in report["items"]:
        assert 1 <= len(record["passage_ids"]) <= 5
        assert set(record["passage_ids"]) <= known
    hit = metric_value(report, "retrieval.hit_at_k")
    assert hit is not None and 0 <= hit <= 1
    assert metric_value(report, "retrieval.hit_at_chars.4000") >= metric_value(
        report, "retrieval.hit_at_chars.1000"
    )
    assert metric_value(report, "latency_ms.retrieve_p50") > 0
    assert report["judge"] == {"correctness": None, "faithfulness": None}

    write_reports(report, tmp_path / "a")
    older = load_report(tmp_path / "a" / "report.json")
    older["retrieval"]["mrr"] = (report["retrieval"]["mrr"] or 0) - 0.25
    write_reports(report, tmp_path / "b", older)
    md = (tmp_path / "b" / "report.md").read_text()
    assert "| retrieval.mrr |" in md and "+0.250" in md
    assert (tmp_path / "b" / "report.png").read_bytes()[:4] == b"\x89PNG"


def test_cli_small_run_writes_reports_and_gates(cli_env, ingested, tmp_path):
    out = tmp_path / "out"
    gates = [
        "--fail-under",
        "retrieval.hit_at_chars.4000=0",
        "--fail-under",
        "answer.mean_chars=1000000",
    ]
    result = run_eval(DEV, out, "--limit", "3", *gates)
    assert result.exit_code == 1, result.output
    assert "answer.mean_chars" in result.output and "below" in result.output
    assert "retrieval.hit_at_chars.4000 =" not in result.output  # a gate that passed says nothing
    report = json.loads((out / "report.json").read_text())
    assert report["n"] == 3 and [r["id"] for r in report["items"]] == [
        "dev-001",
        "dev-002",
        "dev-003",
    ]
    assert "## Worst items" in (out / "report.md").read_text()
    assert (out / "report.png").stat().st_size > 1000


def test_url_measures_the_served_api_the_same_way(settings, tutor):
    """HttpTarget over the real app (TestClient is an httpx.Client) matches the in-process run."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from evals.runner import HttpTarget

    items = [i for i in load_dataset(DEV) if i.kind in ("open", "mcq")][:2]
    local = evaluate([("dev", items)], LocalTarget(tutor), k=4)
    with TestClient(create_app(settings, tutor=tutor)) as client:
        remote = evaluate([("dev", items)], HttpTarget("http://testserver", client=client), k=4)
    for a, b in zip(local["items"], remote["items"], strict=True):
        assert a["passage_ids"] == b["passage_ids"]
        assert a["answer"] == b["answer"] and a["choice_index"] == b["choice_index"]
    assert remote["retrieval"] == local["retrieval"]


def test_url_that_does_not_answer_is_a_clear_error(tmp_path):
    result = run_eval(DEV, tmp_path / "o", "--limit", "1", "--url", "http://127.0.0.1:9")
    assert result.exit_code == 1
    assert "did not answer" in result.output and "Traceback" not in result.output


class RecordingTarget(LocalTarget):
    """The real tutor, with the calls the runner makes written down."""

    def __init__(self, tutor) -> None:
        super().__init__(tutor)
        self.calls: list[tuple[str, str, str | None]] = []

    def search(self, question, k):
        self.calls.append(("search", question, None))
        return super().search(question, k)

    def ask(self, question, choices, session_id=None):
        self.calls.append(("ask", question, session_id))
        return super().ask(question, choices, session_id)


def test_a_follow_up_is_asked_after_its_history_in_one_session(tutor):
    from evals.dataset import EvalItem

    follow = EvalItem(
        id="fu-1",
        kind="open",
        shape="follow_up",
        history=["what is an EBS snapshot?"],
        question="how do i copy it to another region?",
        answer="Snapshots can be copied across AZ or Region.",
        key_facts=[["snapshot"]],
    )
    target = RecordingTarget(tutor)
    report = evaluate([("fu", [follow])], target, k=5)
    (first, second) = target.calls  # no search: a follow-up means nothing on its own
    assert first[:2] == ("ask", "what is an EBS snapshot?")
    assert second[:2] == ("ask", "how do i copy it to another region?")
    assert first[2] and first[2] == second[2]
    assert [t.question for t in tutor.sessions.history(first[2])] == [first[1], second[1]]
    record = report["items"][0]
    assert record["passage_ids"] == [] and record["correct"]["retrieval"] is None
    assert report["followup"]["key_fact_accuracy"] in (0.0, 1.0)
    assert "snapshot" in record["answer"].lower()  # the answer is about the earlier subject
