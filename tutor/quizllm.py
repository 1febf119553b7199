"""The quiz's LLM seam: scenario questions from a section, and rubric grading.

Both return None on any failure (provider down, bad JSON, an answer key the notes do not
support, no reply within the request's LLM budget), so the offline bank and grader take over;
prompts are files in tutor/prompts/.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from tutor.config import GradingSettings
from tutor.deadline import Deadline
from tutor.index import Index
from tutor.itemchecks import SCENARIO_CHECKS, Notes, failures
from tutor.lexical import tokenize
from tutor.quizbank import BankItem, item_id
from tutor.quizmine import Miner
from tutor.types import Chunk, Verdict

log = logging.getLogger(__name__)
PROMPTS = Path(__file__).parent / "prompts"
_JSON = re.compile(r"\{.*\}", re.DOTALL)
_SHAPES = {
    "mcq": (
        "multiple-choice question with four options, exactly one correct",
        (
            '{"question": "...", "choices": ["...", "...", "...", "..."], "answer_index": 0, '
            '"key_terms": ["..."]}'
        ),
    ),
    "open": ("short-answer question", '{"question": "...", "answer": "...", "key_terms": ["..."]}'),
}


def load_prompt(name: str) -> str:
    return (PROMPTS / f"{name}.txt").read_text()


def ask_json(llm: Any, prompt: str, deadline: Deadline | None = None) -> dict | None:
    try:
        reply = deadline.call(llm.invoke, prompt) if deadline else llm.invoke(prompt)
        found = _JSON.search(str(reply.content))
        data = json.loads(found.group(0)) if found else None
        return data if isinstance(data, dict) else None
    except Exception as exc:  # noqa: BLE001 - any provider failure: the offline path takes over
        log.warning("quiz LLM call failed, using the offline path (%s)", exc)
        return None


def supported(answer: str, key_terms: list[str], notes: str) -> bool:
    """The answer key is backed by the section: its key terms occur there, and most of its words."""
    lowered = notes.lower()
    if not key_terms or not all(t.lower() in lowered for t in key_terms):
        return False
    words = set(tokenize(answer))
    return not words or len(words & set(tokenize(notes))) / len(words) >= 0.6


def section_chunks(item: BankItem, index: Index) -> list[Chunk]:
    """The chunks of the item's section (a bank item shows its own heading: look it up by chunk)."""
    chunk = index.by_id.get(item.chunk_id)
    section = chunk.section if chunk is not None else item.section
    return [c for c in index.chunks if c.section == section]


def notes_subject(index: Index) -> str:
    """What the notes are for, from the file most of them come from ("aws developer associate
    study guide"): the generation prompt names it rather than a hard-coded exam."""
    sources = Counter(c.source for c in index.chunks)
    if not sources:
        return "the student's course"
    return re.sub(r"[-_.]+", " ", Path(sources.most_common(1)[0][0]).stem).strip()


_NOTES: dict[str, Notes] = {}


def _notes(index: Index) -> Notes:
    """The notes' words and headings for the item checks, once per index."""
    if index.name not in _NOTES:
        _NOTES.clear()  # one index is active at a time
        _NOTES[index.name] = Miner(index.chunks).notes
    return _NOTES[index.name]


def generate(
    llm: Any,
    seed: BankItem,
    kind: str,
    index: Index,
    *,
    subject: str | None = None,
    deadline: Deadline | None = None,
) -> BankItem | None:
    """A scenario question from the seed item's section, or None when unsupported, when it breaks
    an item-writing rule (tutor/itemchecks.py SCENARIO_CHECKS), or when the call failed."""
    chunks = section_chunks(seed, index)
    if not chunks:
        return None
    notes = "\n\n".join(c.text for c in chunks)[:4000]
    kind_text, shape = _SHAPES[kind]
    data = ask_json(
        llm,
        load_prompt("quiz_generate").format(
            subject=subject or notes_subject(index),
            kind_text=kind_text,
            section=seed.section,
            notes=notes,
            shape=shape,
        ),
        deadline,
    )
    if data is None:
        return None
    try:
        question = str(data["question"]).strip()
        terms = [str(t).strip() for t in data["key_terms"] if str(t).strip()][:4]
        choices: list[str] | None = None
        answer_index: int | None = None
        if kind == "mcq":
            choices = [str(c).strip() for c in data["choices"]]
            answer_index = int(data["answer_index"])
            if len(choices) != 4 or len({c.lower() for c in choices}) != 4:
                return None
            answer = choices[answer_index]
        else:
            answer = str(data["answer"]).strip()
    except (TypeError, KeyError, ValueError, IndexError):
        return None
    if not question or not answer or not supported(answer, terms, notes):
        log.info("generated quiz dropped: its answer is not supported by %s", seed.section)
        return None
    best = max(chunks, key=lambda c: sum(t.lower() in c.text.lower() for t in terms))
    evidence = next(
        (
            s
            for s in re.split(r"(?<=[.!?])\s+|\n", best.text)
            if any(t.lower() in s.lower() for t in terms)
        ),
        seed.evidence,
    )
    item = BankItem(
        id=item_id(kind, question, answer, best.id),
        kind="mcq" if kind == "mcq" else "short",
        question=question,
        answer=answer,
        choices=choices,
        answer_index=answer_index,
        evidence=evidence.strip(),
        key_terms=terms,
        chunk_id=best.id,
        section=seed.section,
        source=best.source,
        origin="llm",
        topic=seed.topic,
    )
    broken = failures(item, _notes(index), SCENARIO_CHECKS)
    if broken:
        log.info("generated quiz dropped: %s", "; ".join(broken))
        return None
    return item


@dataclass(frozen=True)
class LlmVerdict:
    verdict: Verdict
    score: float
    feedback: str  # one or two sentences: why


def llm_verdict(
    llm: Any,
    *,
    question: str,
    reference: str,
    key_terms: list[str],
    section: str,
    notes: str,
    answer: str,
    grading: GradingSettings,
    deadline: Deadline | None = None,
) -> LlmVerdict | None:
    """The rubric grader's verdict and why, or None so the offline grader takes over."""
    data = ask_json(
        llm,
        load_prompt("quiz_grade").format(
            question=question,
            reference=reference,
            key_terms=", ".join(key_terms),
            section=section,
            notes=notes or reference,
            answer=answer,
        ),
        deadline,
    )
    if data is None:
        return None
    try:
        score = min(1.0, max(0.0, float(data["score"])))
        feedback = str(data.get("feedback", "")).strip()
    except (TypeError, KeyError, ValueError):
        return None
    said = str(data.get("verdict", "")).strip().lower()
    verdict: Verdict
    if said in ("correct", "incorrect", "unsure"):
        verdict = cast(Verdict, said)
    else:  # an older reply shape: only a score
        verdict = (
            "correct"
            if score >= grading.llm_correct_at
            else "incorrect"
            if score <= grading.llm_incorrect_at
            else "unsure"
        )
    if verdict == "correct" and score < 0.5 or verdict == "incorrect" and score > 0.5:
        verdict = "unsure"  # the verdict and the score disagree: let the learner judge
    return LlmVerdict(verdict, round(score, 3), feedback)


def llm_grade(
    llm: Any,
    item: BankItem,
    answer: str,
    index: Index,
    grading: GradingSettings,
    *,
    deadline: Deadline | None = None,
) -> LlmVerdict | None:
    """Rubric grading of a quiz item by the model, or None so the offline grader takes over."""
    notes = "\n\n".join(c.text for c in section_chunks(item, index))[:3000]
    graded = llm_verdict(
        llm,
        question=item.question,
        reference=item.evidence,
        key_terms=item.key_terms,
        section=item.section,
        notes=notes,
        answer=answer,
        grading=grading,
        deadline=deadline,
    )
    if graded is None:
        return None
    return LlmVerdict(
        graded.verdict, graded.score, f"{graded.feedback} Reference: “{item.evidence}” [1]"
    )
