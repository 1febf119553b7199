"""Answering with an LLM: prompts over numbered passages, [n] markers mapped back to citations.

The chat model is any LangChain BaseChatModel (tutor.llm builds it); every call here may raise
whatever the provider raises, DeadlineExceeded when the request's budget runs out, or Truncated
for a stream that ended without its finish; the caller (tutor.service) falls back to the offline
answer.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from tutor import prompts
from tutor.deadline import Deadline
from tutor.offline.answer import citation
from tutor.types import Answer, Citation, Passage

NOT_COVERED = "the notes do not cover"
_MARKER = re.compile(r"\[(\d+)\]")
_LETTER = re.compile(r"^\W*(?:answer\s*[:\-]?\s*)?\(?([A-Z])\b[\).:]?", re.IGNORECASE)


_DELIMITER = re.compile(r"</?\s*passages\s*>", re.IGNORECASE)
# How each provider marks the last chunk of a whole reply in its response metadata: OpenAI and
# OpenAI-compatible servers (finish_reason), Anthropic (stop_reason), Ollama (done_reason).
_FINISH_KEYS = ("finish_reason", "stop_reason", "done_reason")


class Truncated(Exception):
    """The stream ended without the provider saying it finished: the text is cut off."""


def number_passages(passages: Sequence[Passage]) -> str:
    """Numbered passages; a note cannot close the <passages> block it is quoted in."""
    return "\n\n".join(
        f"[{n}] ({_DELIMITER.sub('', p.section)})\n{_DELIMITER.sub('', p.text.strip())}"
        for n, p in enumerate(passages, 1)
    )


def answer_messages(question: str, passages: Sequence[Passage]) -> list[BaseMessage]:
    system = prompts.render("answer", passages=number_passages(passages))
    return [SystemMessage(system), HumanMessage(question)]


def condense_messages(question: str, history: Sequence[tuple[str, str]]) -> list[BaseMessage]:
    lines = "\n".join(f"Student: {q}\nTutor: {a}" for q, a in history)
    return [HumanMessage(prompts.render("condense", history=lines, question=question))]


def mcq_messages(
    question: str, choices: Sequence[str], passages: Sequence[Passage]
) -> list[BaseMessage]:
    lettered = "\n".join(f"{chr(65 + i)}. {c}" for i, c in enumerate(choices))
    return [
        HumanMessage(
            prompts.render(
                "mcq", passages=number_passages(passages), question=question, choices=lettered
            )
        )
    ]


def text_of(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in content)


def cited(text: str, passages: Sequence[Passage]) -> list[Citation]:
    """Citations for the [n] markers the model used, keeping its numbering; all if it used none."""
    used = [int(m) for m in dict.fromkeys(_MARKER.findall(text)) if 1 <= int(m) <= len(passages)]
    numbers = sorted(used) or list(range(1, len(passages) + 1))
    return [citation(n, passages[n - 1]) for n in numbers]


def finish(text: str, passages: Sequence[Passage], provider: str) -> Answer:
    text = text.strip()
    if not text or NOT_COVERED in text.lower():
        topics = list(dict.fromkeys(p.topic for p in passages))[:3]
        return Answer(
            text=text or "The notes do not cover this.",
            grounded=False,
            nearest_topics=topics,
            provider=provider,
        )
    return Answer(text=text, citations=cited(text, passages), provider=provider)


def parse_letter(text: str, n_choices: int) -> int | None:
    match = _LETTER.match(text.strip())
    if not match:
        return None
    index = ord(match.group(1).upper()) - 65
    return index if 0 <= index < n_choices else None


def finished(chunk: BaseMessage) -> bool:
    """Whether a streamed chunk carries the provider's finish (the reply is whole)."""
    meta = chunk.response_metadata or {}
    return any(meta.get(key) for key in _FINISH_KEYS)


def llm_answer(
    model: BaseChatModel,
    question: str,
    passages: Sequence[Passage],
    provider: str,
    *,
    deadline: Deadline,
) -> Answer:
    reply = deadline.call(model.invoke, answer_messages(question, passages))
    return finish(text_of(reply), passages, provider)


def llm_choice(
    model: BaseChatModel,
    question: str,
    choices: Sequence[str],
    passages: Sequence[Passage],
    provider: str,
    *,
    deadline: Deadline,
) -> Answer:
    reply = text_of(deadline.call(model.invoke, mcq_messages(question, choices, passages))).strip()
    index = parse_letter(reply, len(choices))
    return Answer(
        text=reply, citations=cited(reply, passages), choice_index=index, provider=provider
    )


def condense(
    model: BaseChatModel,
    question: str,
    history: Sequence[tuple[str, str]],
    *,
    deadline: Deadline,
) -> str:
    reply = text_of(deadline.call(model.invoke, condense_messages(question, history))).strip()
    return reply.splitlines()[0].strip() if reply else question


async def stream_text(
    model: BaseChatModel, question: str, passages: Sequence[Passage]
) -> AsyncIterator[str]:
    """The reply's text deltas; Truncated after the last one if the provider never finished.

    The caller bounds the whole stream (asyncio.timeout with the request's deadline).
    """
    whole = False
    async for chunk in model.astream(answer_messages(question, passages)):
        whole = whole or finished(chunk)
        piece = text_of(chunk)
        if piece:
            yield piece
    if not whole:
        raise Truncated("the LLM stream ended without a finish reason: the reply is cut off")
