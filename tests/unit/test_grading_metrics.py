"""Rows of kind "grade": loaded, scored by the grading metrics, and kept out of the others."""

from __future__ import annotations

import json

import pytest
from support import ROOT

from evals.dataset import DatasetError, parse_lines
from evals.metrics import ItemResult, score_all

ROW = {"kind": "grade", "question": "Which port does SSH use?", "answer": "22"}


def rows(*specs: tuple[str, str, str]) -> list[ItemResult]:
    lines = [
        json.dumps(ROW | {"id": f"g{i}", "student_answer": said, "label": label})
        for i, (said, label, _) in enumerate(specs)
    ]
    items = parse_lines(lines, name="t")
    return [
        ItemResult(item=item, passages=[], ranked=[], verdict=verdict)
        for item, (_, _, verdict) in zip(items, specs, strict=True)
    ]


def test_grading_metrics_count_decided_right_and_false_incorrect():
    results = rows(
        ("22", "correct", "correct"),
        ("port twenty-two", "correct", "unsure"),
        ("ssh port 22", "correct", "incorrect"),  # the harm: a right answer called wrong
        ("21", "incorrect", "incorrect"),
        ("", "incorrect", "incorrect"),
        ("80", "incorrect", "unsure"),
    )
    scores = score_all(results)
    assert scores["grading.decided"] == pytest.approx(4 / 6)
    assert scores["grading.precision"] == pytest.approx(3 / 4)
    assert scores["grading.false_incorrect"] == pytest.approx(1 / 3)
    # grade rows are not questions to the tutor: the other metrics have nothing to score
    assert scores["refusal.false_refusal_rate"] is None
    assert scores["latency_ms.answer_p50"] is None


def test_grade_rows_need_a_student_answer_and_a_label():
    with pytest.raises(DatasetError, match="student_answer and label"):
        parse_lines([json.dumps(ROW | {"id": "x", "label": "correct"})], name="t")
    with pytest.raises(DatasetError, match="label"):
        parse_lines([json.dumps(ROW | {"id": "x", "student_answer": "", "label": "ok"})], name="t")


def test_the_committed_grading_sets_load_and_are_balanced():
    sets = [("grading_dev.jsonl", 90), ("grading_fresh.jsonl", 40)]
    sets += [(f"grading_blind{n}.jsonl", 90) for n in ("", "2", "3", "4")]
    for name, least in sets:
        items = parse_lines((ROOT / "evals" / "data" / name).read_text().splitlines(), name=name)
        assert len(items) >= least and all(i.kind == "grade" for i in items)
        right = sum(i.label == "correct" for i in items)
        assert 0.35 <= right / len(items) <= 0.6, name
        assert any(not (i.student_answer or "").strip() for i in items)  # empty answers too
