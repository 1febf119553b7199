"""What the bot remembers between Slack requests: threads it runs, events and messages it took.

In memory and bounded: one process serves a workspace. With several workers behind a load
balancer a retry may reach another worker; run one worker for Slack (or Socket Mode).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass
class ThreadInfo:
    session_id: str
    open_quiz: str | None = None  # quiz id still waiting for an answer in this thread


class _Bounded(OrderedDict):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key, value) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)


class SlackMemory:
    def __init__(self, limit: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._events: _Bounded = _Bounded(limit)
        self._messages: _Bounded = _Bounded(limit)
        self._threads: _Bounded = _Bounded(limit)

    def first_delivery(self, event_id: str) -> bool:
        """True the first time an event id is seen; Slack's retries repeat the id."""
        with self._lock:
            if event_id in self._events:
                return False
            self._events.put(event_id, True)
            return True

    def claim_message(self, channel: str, ts: str, event_id: str) -> bool:
        """A mention in a thread arrives twice (app_mention and message); the first event wins."""
        with self._lock:
            owner = self._messages.get((channel, ts))
            if owner is None:
                self._messages.put((channel, ts), event_id)
                return True
            return owner == event_id

    def owns_message(self, channel: str, ts: str, event_id: str) -> bool:
        with self._lock:
            return self._messages.get((channel, ts)) == event_id

    def thread(self, channel: str, thread_ts: str) -> ThreadInfo | None:
        with self._lock:
            return self._threads.get((channel, thread_ts))

    def remember_thread(
        self, channel: str, thread_ts: str, session_id: str, open_quiz: str | None = None
    ) -> None:
        with self._lock:
            self._threads.put((channel, thread_ts), ThreadInfo(session_id, open_quiz))

    def close_quiz(self, channel: str, thread_ts: str) -> None:
        with self._lock:
            info = self._threads.get((channel, thread_ts))
            if info is not None:
                info.open_quiz = None
