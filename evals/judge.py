"""Optional LLM judge: grades correctness against the reference and faithfulness to the passages."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from tutor.config import Settings
from tutor.errors import ConfigError, TutorError

PROMPTS = Path(__file__).parent / "prompts"
_SCORE = re.compile(r'"score"\s*:\s*"?([0-9]*\.?[0-9]+)')


class JudgeError(TutorError):
    """The judge model could not be reached or answered."""


@cache
def prompt(name: str) -> str:
    return (PROMPTS / f"{name}.txt").read_text(encoding="utf-8")


def parse_score(reply: str) -> float | None:
    """The 0-1 score from a `{"score": S, ...}` reply; None when the reply holds none."""
    match = _SCORE.search(reply)
    if match is None:
        try:
            value = json.loads(reply.strip())
        except json.JSONDecodeError:
            return None
        if not isinstance(value, int | float) or isinstance(value, bool):
            return None
        score = float(value)
    else:
        score = float(match.group(1))
    return min(max(score, 0.0), 1.0)


def build_judge_model(spec: str, settings: Settings) -> BaseChatModel:
    """`provider:model` -> a chat model through tutor.llm, the lookup the tutor's own LLM uses."""
    from tutor.llm import make_chat_model

    if ":" not in spec:
        raise ConfigError(
            f"--judge must look like provider:model, e.g. openai:gpt-4o-mini (got {spec!r})"
        )
    model = make_chat_model(settings.model_copy(update={"llm": spec}))
    if model is None:
        raise ConfigError(f"--judge {spec!r} names no model")
    return model


class Judge:
    def __init__(self, model: BaseChatModel, *, name: str) -> None:
        self.model = model
        self.name = name

    def _grade(self, template: str, **fields: str) -> float | None:
        try:
            reply = self.model.invoke(prompt(template).format(**fields))
        except Exception as exc:  # providers raise their own types; name the judge, stop the run
            raise JudgeError(f"judge {self.name} failed: {exc}") from exc
        return parse_score(str(reply.content))

    def correctness(self, *, question: str, reference: str, answer: str) -> float | None:
        return self._grade(
            "judge_correctness",
            question=question,
            reference=reference,
            answer=answer or "(no answer)",
        )

    def faithfulness(self, *, answer: str, passages: Sequence[str]) -> float | None:
        joined = "\n\n".join(f"[{n}] {text}" for n, text in enumerate(passages, start=1))
        return self._grade(
            "judge_faithfulness", passages=joined or "(none)", answer=answer or "(no answer)"
        )
