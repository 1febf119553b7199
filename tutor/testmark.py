"""A practice test's values and its marking: what is served, how an answer is read and graded.

Pure functions over a BankItem (no database): `parse_answer` reads "B", ["A", "C"], "A, C" ...;
`feedback` grades all-and-only the keyed options and cites the notes' evidence; `result_of` sums a
scored test up (per topic, against the pass mark). tutor.practice stores and schedules.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from tutor.errors import InvalidInput
from tutor.progress import QuizRow, utc
from tutor.quizbank import BankItem, leaf
from tutor.quizgrade import LETTERS, choice_index, choice_indexes
from tutor.types import Citation, Grade, QuizItem

Mode = Literal["exam", "practice"]


class TopicScore(BaseModel):
    topic: str
    correct: int
    total: int


class ReviewEntry(BaseModel):
    quiz_id: str
    question: str
    choices: list[str]
    select: int = 1
    topic: str
    section: str
    your_answer: str | None  # letters as chosen ("A, C"); None when skipped
    correct: bool
    reference_answer: str
    answer_letters: list[str]
    feedback: str
    explanation: str = ""
    citations: list[Citation] = []
    flagged: bool = False


class PracticeResult(BaseModel):
    id: str
    total: int
    correct: int
    score: float
    passed: bool
    pass_mark: float
    by_topic: list[TopicScore]
    review: list[ReviewEntry]
    submitted_at: str
    timed_out: bool = False


class PracticeTest(BaseModel):
    id: str
    session_id: str
    mode: Mode
    topic: str | None = None
    items: list[QuizItem]
    pass_mark: float
    time_limit_s: int | None = None
    created_at: str
    deadline: str | None = None
    answers: dict[str, str] = {}
    flagged: list[str] = []
    retry_of: str | None = None
    result: PracticeResult | None = None


class PracticeAnswer(BaseModel):
    quiz_id: str
    saved: bool = True
    grade: Grade | None = None  # practice mode: the grade at once; exam mode: None until submit
    answer_letters: list[str] = []  # practice mode: the keyed letters, to mark the choices


def keyed(item: BankItem) -> set[int]:
    return item.key_indexes


def letters(indexes: set[int]) -> str:
    return ", ".join(LETTERS[i] for i in sorted(indexes))


def parse_answer(item: BankItem, answer: str | list[str]) -> set[int]:
    """The options chosen: a letter, a number or a choice's text; for a "Select TWO" item a list
    (["A", "C"]) or "A, C" / "A C" / "AC". Grading then wants all and only the keyed ones."""
    choices = item.choices or []
    if isinstance(answer, str) and len(keyed(item)) == 1:
        return {choice_index(answer, choices)}
    chosen = choice_indexes(answer, choices)
    if not chosen:
        raise InvalidInput("The answer is empty: choose one or more letters, e.g. A, C.")
    return chosen


def feedback(item: BankItem, chosen: set[int] | None) -> tuple[bool, str]:
    """All and only the keyed options are right; the feedback cites the notes' evidence."""
    choices, key = item.choices or [], keyed(item)
    right = "; ".join(f"{LETTERS[i]}) {choices[i]}" for i in sorted(key))
    correct = chosen == key
    if correct:
        text = f"Correct: {right}."
    elif not chosen:
        text = f"Not answered: the answer is {right}."
    else:
        mine = "; ".join(f"{LETTERS[i]}) {choices[i]}" for i in sorted(chosen))
        text = f"Not quite: you chose {mine}; the answer is {right}."
    reread = f"Reread “{item.section}” ({item.source}) [1]."
    return correct, f"{text} The notes say: “{item.evidence}” [1] {reread}"


def citation(item: BankItem, snippet: str) -> Citation:
    return Citation(
        n=1,
        chunk_id=item.chunk_id,
        source=item.source,
        section=item.section,
        snippet=snippet[:300],
        score=1.0,
    )


def served(row: QuizRow) -> QuizItem:
    """The item as the learner sees it: no snippet that holds the answer."""
    item = BankItem.model_validate(row.item)
    return QuizItem(
        id=row.id,
        kind="mcq",
        question=item.question,
        choices=item.choices,
        section=item.section,
        citations=[citation(item, leaf(item.section))],
        topic=item.topic,
        select=len(keyed(item)),
    )


def result_of(
    test_id: str, pass_mark: float, review_list: list[ReviewEntry], at: datetime, timed_out: bool
) -> PracticeResult:
    topics: dict[str, list[int]] = {}
    for entry in review_list:
        counts = topics.setdefault(entry.topic, [0, 0])
        counts[0] += int(entry.correct)
        counts[1] += 1
    total = len(review_list)
    right = sum(e.correct for e in review_list)
    score = round(right / total, 4) if total else 0.0
    return PracticeResult(
        id=test_id,
        total=total,
        correct=right,
        score=score,
        passed=score >= pass_mark,
        pass_mark=pass_mark,
        by_topic=[TopicScore(topic=t, correct=c, total=n) for t, (c, n) in sorted(topics.items())],
        review=review_list,
        submitted_at=utc(at).isoformat(),
        timed_out=timed_out,
    )
