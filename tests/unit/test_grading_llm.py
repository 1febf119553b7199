"""The LLM rubric grader decides and says why; when it fails, the offline grader answers and says so."""

from __future__ import annotations

import dataclasses
import json

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from tutor.config import GradingSettings
from tutor.quizllm import llm_verdict

ASK = {
    "question": "How long does RDS keep automated backups by default?",
    "reference": "7 days, up to 35 days",
    "key_terms": [],
    "section": "RDS",
    "notes": "By default there is a 7 day retention of backups but this can be increased to 35 days.",
    "grading": GradingSettings(),
}


class FailingChatModel(FakeListChatModel):
    def _call(self, *args, **kwargs):
        raise TimeoutError("provider timed out")


def reply(**data) -> FakeListChatModel:
    return FakeListChatModel(responses=[json.dumps(data)])


def test_the_rubric_verdict_and_its_reason_are_kept():
    llm = reply(verdict="unsure", score=0.5, feedback="Right default, but the maximum is missing.")
    graded = llm_verdict(llm, answer="a week", **ASK)
    assert graded is not None and graded.verdict == "unsure" and "maximum" in graded.feedback


def test_a_verdict_that_contradicts_its_score_becomes_unsure():
    assert llm_verdict(reply(verdict="correct", score=0.1), answer="x", **ASK).verdict == "unsure"
    assert llm_verdict(reply(score=0.95), answer="x", **ASK).verdict == "correct"  # score only
    assert llm_verdict(reply(score=0.05), answer="x", **ASK).verdict == "incorrect"


def test_a_failing_model_leaves_it_to_the_offline_grader(tutor):
    assert llm_verdict(FailingChatModel(responses=["x"]), answer="x", **ASK) is None
    down = dataclasses.replace(tutor, llm=FailingChatModel(responses=["x"]))
    result = down.check(ASK["question"], "30 days")
    assert result.provider == "offline" and result.verdict == "incorrect"
    assert "checked offline" in result.feedback

    up = dataclasses.replace(tutor, llm=reply(verdict="incorrect", score=0, feedback="It is 7."))
    result = up.check(ASK["question"], "30 days")
    assert result.provider != "offline" and result.feedback == "It is 7."
