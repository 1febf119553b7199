"""One wall-clock budget per request (tutor/deadline.py), and a stream without its finish."""

from __future__ import annotations

import asyncio
import dataclasses
import threading

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from tutor.deadline import Deadline, DeadlineExceeded, run_within
from tutor.types import Answer


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_budget_is_shared_by_every_call_made_under_it():
    clock = Clock()
    deadline = Deadline(3.0, clock=clock)
    assert deadline.call(lambda x: x + 1, 1) == 2
    clock.now += 2.0
    assert deadline.remaining() == pytest.approx(1.0) and not deadline.expired
    clock.now += 1.5
    assert deadline.expired
    with pytest.raises(DeadlineExceeded, match="budget of 3 s"):
        deadline.call(lambda: "never asked")


def test_a_call_that_does_not_return_is_abandoned_at_the_deadline():
    release = threading.Event()
    finished = threading.Event()

    def stuck() -> str:
        release.wait()
        finished.set()
        return "late"

    with pytest.raises(DeadlineExceeded):
        Deadline(0.2).call(stuck)
    release.set()  # the abandoned worker ends when the call does; its result is dropped
    assert finished.wait(30)


def test_the_call_s_own_error_comes_through():
    def broken() -> None:
        raise ConnectionError("refused")

    with pytest.raises(ConnectionError, match="refused"):
        Deadline(30).call(broken)
    with pytest.raises(DeadlineExceeded):
        run_within(0, broken)


def test_a_stream_without_its_finish_is_degraded_and_keeps_what_was_streamed(tutor):
    question = "How long does RDS keep automatic backups?"
    cut = "RDS keeps automated backups for"
    # langchain's fake streams the reply word by word and, like a cut connection, never says
    # the reply finished (no finish_reason in any chunk).
    model = GenericFakeChatModel(messages=iter([AIMessage(cut)]))
    llm_tutor = dataclasses.replace(tutor, llm=model)

    async def run() -> list:
        return [part async for part in llm_tutor.stream(question)]

    parts = asyncio.run(run())
    final = parts[-1]
    assert isinstance(final, Answer) and final.degraded and final.provider == "offline"
    streamed = "".join(parts[:-1])
    assert streamed.startswith(cut) and streamed.endswith(final.text)
    assert final.text != cut and final.citations
