"""Wall-clock limits for calls to the outside: one LLM budget per request, and `run_within`.

A provider's own timeout bounds each socket read, not the call: a server that sends one byte a
second never trips it. So a blocking call runs on a worker thread and the caller waits at most
the time left; `Deadline` is that time, made once per request and passed down, so every LLM call
of the request (condensing a follow-up, then answering it) draws on the same budget.

An abandoned call cannot be interrupted in Python: its worker thread (a daemon, so it never holds
up shutdown) runs on until the provider returns or its per-read timeout fires, and its result is
dropped. At most `MAX_LINGERING` such threads exist per process; when all are taken, a new LLM call
waits for one within its own budget and otherwise degrades like any timeout, so a misbehaving
provider costs a bounded number of threads, never an unbounded pile. Streams need none of this:
they run on the event loop, where cancelling at the deadline closes the connection.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

MAX_LINGERING = 64  # LLM calls in flight or abandoned and not yet returned, per process
_slots = threading.BoundedSemaphore(MAX_LINGERING)


class DeadlineExceeded(TimeoutError):
    """The call did not finish in the time it was given (it may still be running, abandoned)."""


def run_within(
    seconds: float,
    fn: Callable[..., T],
    *args: Any,
    name: str = "tutor-call",
    on_exit: Callable[[], None] | None = None,
) -> T:
    """`fn(*args)` on a daemon thread; its result or its exception, or DeadlineExceeded after
    `seconds` (the thread is then abandoned and `on_exit` runs whenever it does finish)."""
    if seconds <= 0:
        if on_exit:
            on_exit()
        raise DeadlineExceeded("no time left")
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            outcome["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001  handed to the caller, who re-raises it
            outcome["error"] = exc
        finally:
            done.set()
            if on_exit:
                on_exit()

    # The caller's context (its request id for the log lines) goes along to the worker thread.
    context = contextvars.copy_context()
    threading.Thread(target=context.run, args=(work,), name=name, daemon=True).start()
    if not done.wait(seconds):
        raise DeadlineExceeded(f"no answer within {seconds:.1f} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


class Deadline:
    """The time left for one request's LLM calls; `Deadline(budget_s)` starts the clock."""

    def __init__(self, budget_s: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.budget_s = budget_s
        self._clock = clock
        self.ends = clock() + budget_s

    def remaining(self) -> float:
        return max(0.0, self.ends - self._clock())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` within the time left, or DeadlineExceeded naming the whole budget."""
        if not _slots.acquire(timeout=self.remaining()):
            raise DeadlineExceeded(
                f"the LLM budget of {self.budget_s:g} s ran out waiting for a free worker "
                f"({MAX_LINGERING} calls still running)"
            )
        try:
            return run_within(self.remaining(), fn, *args, name="tutor-llm", on_exit=_slots.release)
        except DeadlineExceeded as exc:
            raise DeadlineExceeded(
                f"the LLM did not finish within the request's budget of {self.budget_s:g} s"
            ) from exc
