"""Each eval metric on hand-made results whose right value is known, edge cases included."""

from __future__ import annotations

import itertools

import pytest

from evals.dataset import EvalItem
from evals.gates import failed_gates, parse_gates
from evals.judge import Judge, parse_score
from evals.metrics import (
    MRR,
    ContextRecallAtK,
    FalseRefusalRate,
    HitAtChars,
    HitAtK,
    ItemResult,
    JudgeMean,
    KeyFactAccuracy,
    KeyFactRecall,
    McqAbstainRate,
    McqAccuracy,
    MeanChars,
    Percentile,
    RefusalPrecision,
    RefusalRecall,
    RetrievedPassage,
    groups_present,
    score_all,
)
from evals.report import build_report, markdown
from tutor.errors import InvalidInput

CHOICES = ["a", "b", "c", "d"]
_ids = itertools.count()


def item(kind="open", key_facts=None, answer_index=None):
    extra = {"choices": CHOICES, "answer_index": answer_index} if kind == "mcq" else {}
    facts = [] if kind == "out_of_scope" else (key_facts if key_facts is not None else [["x"]])
    return EvalItem(
        id=f"t{next(_ids)}",
        kind=kind,
        question="q?",
        answer="" if kind == "out_of_scope" else "ref",
        key_facts=facts,
        **extra,
    )


def result(it, passages=(), answer="", grounded=True, choice=None, ranked=None, **kw):
    ps = [RetrievedPassage(str(i), t) for i, t in enumerate(passages)]
    rk = [RetrievedPassage(str(i), t) for i, t in enumerate(ranked)] if ranked is not None else ps
    return ItemResult(
        item=it, passages=ps, ranked=rk, answer=answer, grounded=grounded, choice_index=choice, **kw
    )


def test_groups_fold_case_and_whitespace():
    groups = [["Versioning  Enabled"], ["nope", "MFA delete"], ["absent"]]
    assert groups_present(groups, "once versioning\n enabled, mfa DELETE") == [True, True, False]
    assert groups_present([], "anything") == []
    assert groups_present([["x"]], "") == [False]


def test_retrieval_hit_recall_and_mrr():
    both = item(key_facts=[["alpha"], ["beta"]])
    half = item(key_facts=[["alpha"], ["gamma", "delta"]])
    none = item(key_facts=[["zeta"]])
    results = [
        result(both, ["nothing here", "ALPHA and beta"]),  # hit, recall 1, first at rank 2
        result(half, ["alpha", "x", "y"]),  # miss, recall 0.5, rank 1
        result(none, ["a", "b"]),  # miss, recall 0, rr 0
    ]
    assert HitAtK().score(results) == pytest.approx(1 / 3)
    assert ContextRecallAtK().score(results) == pytest.approx((1 + 0.5 + 0) / 3)
    assert MRR().score(results) == pytest.approx((0.5 + 1 + 0) / 3)


def test_hit_at_chars_counts_characters_not_passages():
    it = item(key_facts=[["needle"]])
    # the needle starts at character 1500 of the joined ranking: in 2000 chars, not in 1000
    r = result(it, ranked=["a" * 999, "b" * 500, "needle" + "c" * 100])
    assert HitAtChars(1000).score([r]) == 0.0
    assert HitAtChars(2000).score([r]) == 1.0
    # a group cut off at the budget's edge is not found
    cut = result(it, ranked=["a" * 996 + "needle"])
    assert HitAtChars(1000).score([cut]) == 0.0


def test_items_without_key_facts_or_out_of_scope_are_left_out():
    bare = item(key_facts=[])
    oos = item(kind="out_of_scope")
    results = [result(bare, ["p"], answer="abc"), result(oos, ["p"], answer="no")]
    for metric in (
        HitAtK(),
        ContextRecallAtK(),
        MRR(),
        HitAtChars(1000),
        KeyFactAccuracy(),
        KeyFactRecall(),
    ):
        assert metric.score(results) is None, metric.name
    assert MeanChars().score(results) == 3.0  # length still counts for open items
    keyed = item(key_facts=[["p"]])
    assert HitAtK().score(results + [result(keyed, ["p"])]) == 1.0


def test_answer_key_facts_on_open_items_only():
    full = item(key_facts=[["one"], ["two"]])
    part = item(key_facts=[["one"], ["two"], ["three"], ["four"]])
    empty = item(key_facts=[["one"]])
    mcq = item(kind="mcq", key_facts=[["one"]], answer_index=1)
    results = [
        result(full, answer="One and TWO"),
        result(part, answer="one, three"),
        result(empty, answer=""),
        result(mcq, answer="nothing", choice=1),
    ]
    assert KeyFactAccuracy().score(results) == pytest.approx(1 / 3)
    assert KeyFactRecall().score(results) == pytest.approx((1 + 0.5 + 0) / 3)
    assert MeanChars().score(results) == pytest.approx((11 + 10 + 0) / 3)
    assert KeyFactAccuracy().score([results[3]]) is None


def test_mcq_accuracy_counts_abstaining_as_wrong():
    results = [
        result(item(kind="mcq", answer_index=2), choice=2),
        result(item(kind="mcq", answer_index=0), choice=1),
        result(item(kind="mcq", answer_index=3), choice=None),  # abstained
        result(item(kind="mcq", answer_index=0), choice=None),  # abstained
    ]
    assert McqAccuracy().score(results) == 0.25
    assert McqAbstainRate().score(results) == 0.5
    assert McqAccuracy().score([result(item())]) is None


def test_refusal_recall_false_refusals_and_precision():
    results = [
        result(item(kind="out_of_scope"), grounded=False),  # declined: right
        result(item(kind="out_of_scope"), grounded=True),  # answered: missed refusal
        result(item(), grounded=False),  # declined an in-scope question
        result(item(), grounded=True),
        result(item(kind="mcq", answer_index=0), grounded=True),
        result(item(), grounded=True),
    ]
    assert RefusalRecall().score(results) == 0.5
    assert FalseRefusalRate().score(results) == 0.25
    assert RefusalPrecision().score(results) == 0.5
    assert RefusalPrecision().score(results[3:]) is None  # nothing declined
    assert RefusalRecall().score(results[2:]) is None  # no out-of-scope items


def test_latency_percentiles_and_judge_means():
    results = [
        result(item(), retrieve_ms=float(ms), answer_ms=float(ms * 10)) for ms in range(1, 101)
    ]
    assert Percentile("p", "retrieve_ms", 50).score(results) == pytest.approx(50.5)
    assert Percentile("p", "answer_ms", 95).score(results) == pytest.approx(950.5)
    assert Percentile("p", "answer_ms", 50).score([]) is None
    assert JudgeMean("j", "judge_correctness").score(results) is None
    results[0].judge_correctness, results[1].judge_correctness = 1.0, 0.5
    assert JudgeMean("j", "judge_correctness").score(results) == 0.75


def test_report_has_the_issue_keys():
    it = item(key_facts=[["alpha"]])
    report = build_report(
        [result(it, ["alpha"], answer="alpha")],
        datasets=["d.jsonl"],
        item_datasets=["d.jsonl"],
        k=5,
        provider="offline",
    )
    assert set(report["retrieval"]) == {"hit_at_k", "context_recall_at_k", "mrr", "hit_at_chars"}
    assert set(report["retrieval"]["hit_at_chars"]) == {"1000", "2000", "4000"}
    assert set(report["answer"]) == {"key_fact_accuracy", "key_fact_recall", "mean_chars"}
    assert set(report["mcq"]) == {"accuracy", "abstain_rate"}
    assert set(report["refusal"]) == {"recall", "false_refusal_rate", "precision"}
    assert set(report["latency_ms"]) == {"retrieve_p50", "answer_p50", "answer_p95"}
    assert report["judge"] == {"correctness": None, "faithfulness": None}
    for key in ("n", "provider", "dataset", "commit", "created", "items"):
        assert key in report
    record = report["items"][0]
    assert record["passage_ids"] == ["0"] and record["answer_groups_found"] == [True]
    assert record["correct"]["answer"] is True and record["correct"]["mcq"] is None
    assert all(value is None for value in score_all([]).values())


def test_gates_parse_and_fail():
    gates = parse_gates(["retrieval.hit_at_k=0.9", "retrieval.hit_at_chars.2000=0.5"])
    assert gates == {"retrieval.hit_at_k": 0.9, "retrieval.hit_at_chars.2000": 0.5}
    for bad in ("retrieval.hit_at_kk=0.9", "hit_at_k=1", "retrieval.hit_at_k", "mcq.accuracy=abc"):
        with pytest.raises(InvalidInput):
            parse_gates([bad])
    report = {"retrieval": {"hit_at_k": 0.85, "hit_at_chars": {"2000": 0.5}}, "judge": {}}
    failures = failed_gates(report, gates | {"judge.correctness": 0.1})
    assert len(failures) == 2
    assert "retrieval.hit_at_k" in failures[0] and "judge.correctness" in failures[1]


def test_judge_grades_with_a_fake_chat_model():
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    model = FakeListChatModel(responses=['{"score": 0.5, "reason": "half"}', "I refuse", "1"])
    judge = Judge(model, name="fake:model")
    assert judge.correctness(question="q", reference="r", answer="a") == 0.5
    assert judge.faithfulness(answer="a", passages=["p1", "p2"]) is None
    assert judge.correctness(question="q", reference="r", answer="") == 1.0
    assert parse_score('{"score": 7}') == 1.0  # clamped to 0..1


def test_report_breaks_down_by_question_shape():
    def shaped(shape, **kw):
        return item(**kw).model_copy(update={"shape": shape})

    results = [
        result(shaped("casual", key_facts=[["alpha"]]), ["alpha"], answer="alpha"),
        result(shaped("casual", key_facts=[["beta"]]), ["beta"], answer="no"),
        result(shaped("comparison", kind="out_of_scope"), grounded=False),
        result(item(key_facts=[["gamma"]]), ["gamma"], answer="gamma"),  # no shape: left out
    ]
    report = build_report(results, datasets=["d"], item_datasets=["d"] * 4, k=5, provider="offline")
    assert report["by_shape"]["casual"] == {
        "n": 2,
        "answer": 0.5,
        "refusal": 1.0,
        "mcq": None,
        "retrieval": 1.0,
    }
    assert report["by_shape"]["comparison"]["refusal"] == 1.0
    assert set(report["by_shape"]) == {"casual", "comparison"}
    md = markdown(report)
    assert "## By question shape" in md and "| casual | 2 | 0.500 | 1.000 | – | 1.000 |" in md


def test_follow_ups_are_scored_on_their_answer_and_left_out_of_retrieval():
    alone = item(key_facts=[["alpha"]])
    follow = EvalItem(
        id="fu",
        kind="open",
        question="and how do i turn it off?",
        history=["what is versioning?"],
        answer="ref",
        key_facts=[["suspend"]],
    )
    results = [
        result(alone, ["alpha"], answer="alpha", retrieve_ms=8.0),
        result(follow, [], answer="You can suspend it."),  # not searched: no passages
    ]
    scores = score_all(results)
    assert scores["retrieval.hit_at_k"] == 1.0  # the follow-up's empty search is no miss
    assert scores["retrieval.hit_at_chars.1000"] == 1.0
    assert scores["latency_ms.retrieve_p50"] == 8.0
    assert scores["answer.key_fact_accuracy"] == 1.0
    assert scores["followup.key_fact_accuracy"] == 1.0
    assert score_all([results[0]])["followup.key_fact_accuracy"] is None
    miss = result(follow, [], answer="Versioning keeps every version.")
    assert score_all([miss])["followup.key_fact_accuracy"] == 0.0
    report = build_report([miss], datasets=["d"], item_datasets=["d"], k=5, provider="offline")
    record = report["items"][0]
    assert record["history"] == ["what is versioning?"] and record["correct"]["retrieval"] is None


@pytest.mark.parametrize("history", [[""], ["  "]])
def test_a_blank_history_turn_is_rejected(history):
    with pytest.raises(ValueError, match="history"):
        EvalItem(id="x", kind="open", question="q?", answer="a", key_facts=[["a"]], history=history)
