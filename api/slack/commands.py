"""Parsing `/tutor ...` text into what the user wants (pure, no Slack objects)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

SUBCOMMANDS = ("ask", "quiz", "test", "progress", "check", "help")
TEST_DEFAULT, TEST_MIN, TEST_MAX = 5, 5, 10  # a short test: Slack threads get long fast
MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")

Kind = Literal["ask", "quiz", "test", "progress", "check", "help", "empty", "unknown"]
CHECK_USAGE = "Check an answer with `/tutor check QUESTION | YOUR ANSWER`."


@dataclass(frozen=True)
class Command:
    kind: Kind
    arg: str = ""  # the question, the quiz topic, the test's size, "QUESTION | ANSWER", or the unknown word

    @property
    def count(self) -> int | None:
        """`/tutor test [n]`: n questions, or None when n is not a number in range."""
        if not self.arg:
            return TEST_DEFAULT
        n = int(self.arg) if self.arg.isdigit() else 0
        return n if TEST_MIN <= n <= TEST_MAX else None

    def check_parts(self) -> tuple[str, str] | None:
        """`/tutor check QUESTION | ANSWER` -> (question, answer); None without a question."""
        question, bar, answer = self.arg.partition("|")
        return (question.strip(), answer.strip()) if bar and question.strip() else None

    def reply(self) -> str | None:
        """The immediate ephemeral reply for commands that need no Tutor call."""
        if self.kind == "empty":
            return "Ask me something, e.g. `/tutor what is S3 versioning?`, or try `/tutor help`."
        if self.kind == "check" and self.check_parts() is None:
            return CHECK_USAGE
        if self.kind == "unknown":
            close = difflib.get_close_matches(self.arg.lower(), SUBCOMMANDS, n=1, cutoff=0.6)
            hint = f" Did you mean `/tutor {close[0]}`?" if close else ""
            return f"I don't know the command `{self.arg}`.{hint} Try `/tutor help`."
        if self.kind == "test" and self.count is None:
            return f"Try `/tutor test` or `/tutor test {TEST_MAX}`: {TEST_MIN} to {TEST_MAX} questions."
        return None


def parse_command(text: str | None) -> Command:
    text = (text or "").strip()
    if not text:
        return Command("empty")
    first, _, rest = text.partition(" ")
    word, rest = first.lower(), rest.strip()
    if word in ("help", "-h", "--help", "?"):
        return Command("help")
    if word == "quiz":
        return Command("quiz", rest)
    if word == "test":
        return Command("test", rest)
    if word == "check":
        return Command("check", rest)
    if word == "progress":
        return Command("progress") if not rest else Command("unknown", text)
    if word == "ask":
        return Command("ask", rest) if rest else Command("empty")
    if first.startswith(("-", "/")):
        return Command("unknown", first)
    # A lone word that is a near miss of a subcommand ("quizz") is a typo, not a question.
    if not rest and difflib.get_close_matches(word, SUBCOMMANDS, n=1, cutoff=0.75):
        return Command("unknown", first)
    return Command("ask", text)


def strip_mentions(text: str | None) -> str:
    return MENTION.sub("", text or "").strip()
