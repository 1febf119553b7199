"""The typed values that flow between modules and out of every surface."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Chunk(BaseModel):
    """A piece of the notes as stored: id is a hash of its content and place."""

    id: str
    text: str
    section: str  # path, "S3 > S3 Versioning"
    source: str  # file name relative to the corpus root
    start: int  # character offsets into the source text
    end: int

    @property
    def topic(self) -> str:
        return self.section.split(" > ")[0]

    @property
    def embed_text(self) -> str:
        """Contextual header: the section path in front of the text it heads."""
        return f"{self.section}\n{self.text}"


class Passage(BaseModel):
    """A retrieved chunk with its fused score."""

    chunk_id: str
    text: str
    section: str
    source: str
    score: float
    start: int = 0
    end: int = 0

    @classmethod
    def of(cls, chunk: Chunk, score: float) -> Passage:
        return cls(
            chunk_id=chunk.id,
            text=chunk.text,
            section=chunk.section,
            source=chunk.source,
            score=score,
            start=chunk.start,
            end=chunk.end,
        )

    @property
    def topic(self) -> str:
        return self.section.split(" > ")[0]


class Citation(BaseModel):
    n: int  # the [n] marker used in the answer text
    chunk_id: str
    source: str
    section: str
    snippet: str
    score: float


class Answer(BaseModel):
    text: str
    citations: list[Citation] = []
    grounded: bool = True
    choice_index: int | None = None
    provider: str = "offline"
    degraded: bool = False
    session_id: str | None = None
    nearest_topics: list[str] = []


QuizKind = Literal["mcq", "open"]
Verdict = Literal["correct", "incorrect", "unsure"]
Rating = Literal["again", "hard", "good", "easy"]


class QuizItem(BaseModel):
    id: str
    kind: QuizKind
    question: str
    choices: list[str] | None = None
    section: str
    citations: list[Citation] = []
    topic: str = ""
    review: bool = False  # served again because the spaced-repetition schedule says it is due
    provider: str = "offline"  # "offline" for bank items, the LLM's name for generated ones
    select: int = 1  # options to pick: 1 single answer; 2+ = "Select TWO" (multiple response)


class Grade(BaseModel):
    quiz_id: str
    correct: bool
    score: float = Field(ge=0, le=1)
    feedback: str
    reference_answer: str
    answer_choices: list[str] = []  # a choice item: the keyed options, each whole
    section: str
    citations: list[Citation] = []
    topic: str = ""
    next_review: str | None = None  # ISO timestamp the item comes back for review
    provider: str = "offline"  # who graded: "offline" or the LLM's name
    verdict: Verdict  # "correct" | "incorrect" | "unsure"; correct == (verdict == "correct")
    key_points: list[str] = []  # the notes' key points, shown on "unsure" for self-rating
    explanation: str = ""  # why the key is right (imported/curated items)
    rating: Rating | None = None  # the learner's self-rating, when given
    overridden: bool = False  # the learner overrode the verdict ("I was right")


class Hint(BaseModel):
    quiz_id: str
    level: int  # 1: the section, 2: a key term, 3: the answer
    text: str
    remaining: int


class TopicProgress(BaseModel):
    topic: str
    attempts: int
    correct: int
    mastery: float = Field(ge=0, le=1)
    due: int  # items in this topic due for review now


class DueItem(BaseModel):
    quiz_id: str  # the last quiz served for this item
    topic: str
    question: str
    due: str  # ISO timestamp
    item_id: str = ""  # the bank item: the same across sessions and re-ingests of the same notes
    is_due: bool = False  # due now (else: the next scheduled reviews)


class DayHistory(BaseModel):
    date: str  # ISO date (UTC)
    attempts: int
    correct: int
    mastery: dict[str, float] = {}  # topic -> mastery at the end of that day (topics seen so far)


class PastTest(BaseModel):
    id: str
    date: str  # ISO timestamp the test was submitted (or timed out)
    score: float = Field(ge=0, le=1)
    passed: bool
    total: int = 0
    correct: int = 0
    mode: str = "exam"
    topic: str | None = None


class Progress(BaseModel):
    session_id: str
    topics: list[TopicProgress] = []
    due: list[DueItem] = []
    weakest: list[str] = []
    history: list[DayHistory] = []  # per day with graded answers, oldest first
    tests: list[PastTest] = []  # finished practice tests, newest first


class Check(BaseModel):
    """An answer to any question checked against what the notes say (POST /v1/check)."""

    verdict: Verdict
    score: float = Field(ge=0, le=1)
    feedback: str
    reference_answer: str  # what the notes say ("" when they do not cover the question)
    key_points: list[str] = []
    citations: list[Citation] = []
    provider: str = "offline"
    nearest_topics: list[str] = []  # when the notes do not cover the question


class Flag(BaseModel):
    """A learner's flag on a bad quiz item: not served to them again, listed for the owner."""

    quiz_id: str
    item_id: str
    session_id: str
    question: str
    section: str
    reason: str = ""
    created_at: str
