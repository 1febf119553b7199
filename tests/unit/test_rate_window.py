"""The chat rate limit's moving window: limits' semantics (a refused hit is not counted, the
window moves with each hit), Retry-After from the oldest hit that still counts, and no thread."""

from __future__ import annotations

import threading

import pytest
from limits import parse_many

from api.limits import MovingWindow


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_three_a_minute_moves_with_each_hit(clock):
    window = MovingWindow(parse_many("3/minute"), clock=clock)
    for step in (0, 10, 10):  # hits at 1000, 1010, 1020
        clock.now += step
        assert window.hit("a") is None
    clock.now = 1030
    assert window.hit("a") == pytest.approx(30)  # the hit at 1000 leaves the window at 1060
    assert window.hit("b") is None  # another client has its own budget
    clock.now = 1060
    assert window.hit("a") is None  # 1000 is out; refused hits were not counted
    assert window.hit("a") == pytest.approx(10)  # now 1010, 1020, 1060 count


def test_several_rules_all_hold_and_a_refusal_counts_for_none(clock):
    window = MovingWindow(parse_many("2/second;3/minute"), clock=clock)
    assert window.hit("a") is None and window.hit("a") is None
    assert window.hit("a") == pytest.approx(1)  # the per-second rule
    clock.now += 1
    assert window.hit("a") is None
    clock.now += 1
    assert window.hit("a") == pytest.approx(58)  # the per-minute rule: 3 in the last minute


def test_zero_allows_nothing(clock):
    window = MovingWindow(parse_many("0/minute"), clock=clock)
    assert window.hit("a") == pytest.approx(60)
    clock.now += 61
    assert window.hit("a") == pytest.approx(60) and window.clients == 0


def test_idle_clients_are_dropped_and_a_check_starts_no_thread(clock):
    window = MovingWindow(parse_many("5/second;100/minute"), clock=clock)
    threads = threading.active_count()
    for n in range(50):
        assert window.hit(f"client-{n}") is None
    assert threading.active_count() == threads
    assert window.clients == 50
    clock.now += 59
    assert window.hit("client-0") is None and window.clients == 50  # all still in the window
    clock.now += 2  # a minute after the first 49 clients' only hit
    assert window.hit("someone-new") is None
    assert window.clients == 2  # client-0 (hit 2 s ago) and the new one
