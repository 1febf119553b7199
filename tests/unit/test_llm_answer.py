"""The LLM path through the Tutor, with langchain_core's fake chat models at the seam."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk

from tutor.types import Answer

QUESTION = "How long does RDS keep automatic backups?"


class ScriptedModel(GenericFakeChatModel):
    """Replies from a queue and records every prompt it was sent."""

    seen: list[list[BaseMessage]] = []  # noqa: RUF012  (a pydantic field: copied per model)

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any):
        self.seen.append(list(messages))
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)

    def _stream(self, messages, stop=None, run_manager=None, **kwargs: Any):
        yield from super()._stream(messages, stop=stop, run_manager=run_manager, **kwargs)
        # As a real provider does, the last chunk says the reply is whole.
        yield ChatGenerationChunk(
            message=AIMessageChunk(content="", response_metadata={"finish_reason": "stop"})
        )


class BrokenModel(GenericFakeChatModel):
    """A provider that times out on every call."""

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any):
        raise TimeoutError("provider did not answer in time")


def scripted(*replies: str) -> ScriptedModel:
    return ScriptedModel(messages=iter([AIMessage(r) for r in replies]), seen=[])


def with_llm(tutor, model):
    return dataclasses.replace(tutor, llm=model)


def collect(tutor, question: str, session_id: str | None = None) -> list:
    async def run() -> list:
        return [part async for part in tutor.stream(question, session_id=session_id)]

    return asyncio.run(run())


def test_prompt_holds_the_numbered_passages_and_markers_map_to_citations(tutor):
    passages = tutor.search(QUESTION)
    model = scripted("Automated backups are kept 7 days by default, up to 35 [2].")
    answer = with_llm(tutor, model).ask(QUESTION)

    system, human = model.seen[0]
    for n, passage in enumerate(passages, 1):
        assert f"[{n}] ({passage.section})" in system.content
        assert passage.text.strip() in system.content
    assert "ONLY the numbered passages" in system.content
    assert human.content == QUESTION
    assert answer.text.endswith("[2].") and answer.grounded and not answer.degraded
    assert [(c.n, c.chunk_id) for c in answer.citations] == [(2, passages[1].chunk_id)]
    assert answer.provider == "ScriptedModel"


def test_not_covered_reply_is_not_grounded(tutor):
    answer = with_llm(tutor, scripted("The notes do not cover this.")).ask(QUESTION)
    assert not answer.grounded and answer.citations == [] and answer.nearest_topics


def test_streaming_yields_tokens_then_one_final_answer(tutor):
    reply = "RDS keeps automated backups for 7 days by default [1]."
    parts = collect(with_llm(tutor, scripted(reply)), QUESTION)
    deltas, final = parts[:-1], parts[-1]
    assert len(deltas) > 3 and all(isinstance(d, str) for d in deltas)
    assert "".join(deltas) == reply
    assert isinstance(final, Answer) and final.text == reply and final.citations[0].n == 1
    assert final.session_id and not final.degraded


def test_a_failing_model_degrades_to_the_offline_answer(tutor, caplog):
    broken = with_llm(tutor, BrokenModel(messages=iter([])))
    answer = broken.ask(QUESTION)
    assert answer.degraded and answer.provider == "offline" and answer.grounded
    assert "35" in answer.text and "[1]" in answer.text
    assert "provider did not answer in time" in caplog.text

    parts = collect(broken, QUESTION)
    final = parts[-1]
    assert isinstance(final, Answer) and final.degraded
    assert "".join(parts[:-1]) == final.text


def test_multiple_choice_by_letter(tutor):
    choices = ["22", "3389", "443", "21"]
    model = scripted("B. RDP uses port 3389 [1].")
    answer = with_llm(tutor, model).ask("Which port does RDP use?", choices=choices)
    assert answer.choice_index == 1
    prompt = model.seen[0][0].content
    assert "A. 22" in prompt and "B. 3389" in prompt and "D. 21" in prompt


def test_follow_up_is_condensed_with_the_history(tutor):
    model = scripted(
        "Automated backups are kept 7 days by default [1].",
        "Can an RDS automated backup be restored to any point in time?",
        "Yes, to within 5 minutes [1].",
    )
    llm_tutor = with_llm(tutor, model)
    first = llm_tutor.ask("What are RDS automated backups?")
    second = llm_tutor.ask(
        "and can I restore it to any point in time?", session_id=first.session_id
    )
    condense_prompt = model.seen[1][0].content
    assert "What are RDS automated backups?" in condense_prompt
    assert "kept 7 days" in condense_prompt
    assert (
        model.seen[2][1].content == "Can an RDS automated backup be restored to any point in time?"
    )
    assert second.session_id == first.session_id


@pytest.mark.parametrize(
    "reply,index",
    [("C", 2), ("(a) because", 0), ("Answer: D.", 3), ("None of them", None), ("Z.", None)],
)
def test_letter_parsing(reply, index):
    from tutor.generate import parse_letter

    assert parse_letter(reply, 4) == index
