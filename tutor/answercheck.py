"""Check my answer: grade a learner's answer to any question against what the notes say.

The Tutor retrieves and scopes the question as it would to answer it (Tutor._prepare); the
notes' answer is the offline extractive answer (or a reference the caller gives, as the grading
eval does); the verdict comes from the LLM rubric grader when one is configured and answers, else
from tutor/checking.py. A question the notes do not cover is "unsure", with the nearest topics.
"""

from __future__ import annotations

import re
from typing import Any

from tutor.checking import check, key_points, options_of
from tutor.config import Settings
from tutor.deadline import Deadline
from tutor.offline.answer import citation, note_stats
from tutor.quizllm import llm_verdict
from tutor.types import Check

_MARKER = re.compile(r"\s*\[\d+\]")
_TEXT = {"correct": "Correct.", "incorrect": "Not quite.", "unsure": "Not sure."}


def check_prepared(
    prepared: Any,  # tutor.service.Prepared
    answer: str,
    *,
    settings: Settings,
    reference: str | None = None,
    llm: Any = None,
    provider: str = "offline",
    deadline: Deadline | None = None,
) -> Check:
    passages = prepared.passages
    if reference is None and not prepared.covered:
        topics = prepared.offline.nearest_topics  # the decline's
        feedback = "The notes do not cover that question, so I can't check the answer."
        if topics:
            feedback += " The nearest topics they do cover: " + ", ".join(topics) + "."
        return Check(
            verdict="unsure",
            score=0.0,
            feedback=feedback,
            reference_answer="",
            nearest_topics=topics,
        )
    if reference is None:
        text, citations = prepared.offline.text, prepared.offline.citations
        reference = _MARKER.sub("", text).strip()
    else:
        citations = [citation(n, p) for n, p in enumerate(passages[:3], 1)]
    points = key_points(reference)
    note = ""
    if llm is not None:
        graded = llm_verdict(
            llm,
            question=prepared.question,
            reference=reference,
            key_terms=[],
            section=passages[0].section if passages else "",
            notes="\n\n".join(p.text for p in passages[:3])[:3000],
            answer=answer,
            grading=settings.grading,
            deadline=deadline,
        )
        if graded is not None:
            return Check(
                verdict=graded.verdict,
                score=graded.score,
                feedback=graded.feedback,
                reference_answer=reference,
                key_points=points,
                citations=citations,
                provider=provider,
            )
        note = "The model did not answer, so this was checked offline. "
    index = prepared.index
    decision = check(
        answer,
        reference,
        question=prepared.standalone,
        options=options_of(tuple(c.text for c in index.chunks)),
        acronyms=note_stats(index).acronyms,
        grading=settings.grading,
    )
    feedback = f"{note}{_TEXT[decision.verdict]} {decision.reason}"
    if decision.verdict == "unsure":
        feedback += " Compare with what the notes say."
    return Check(
        verdict=decision.verdict,
        score=decision.score,
        feedback=feedback,
        reference_answer=reference,
        key_points=points,
        citations=citations,
    )
