"""Questions of several parts: clauses and the sides of a comparison, each with its subject."""

from __future__ import annotations

import pytest

from tutor.config import OfflineSettings
from tutor.lexical import tokenize
from tutor.offline.parts import split_question

TOPICS = frozenset(tokenize("EFS S3 RDS ElastiCache Redis ELB EC2"))
VOCABULARY = frozenset(
    tokenize(
        "efs protocol windows servers mount s3 intelligent tiering charge rds read replicas multi "
        "az redis cluster mode disabled enabled vertical horizontal scaling elb sticky sessions "
        "work downside"
    )
)


def parts(question: str) -> list[str]:
    return split_question(
        question,
        topics=TOPICS,
        vocabulary=VOCABULARY,
        max_parts=OfflineSettings().max_parts,
    )


@pytest.mark.parametrize(
    "question, expected",
    [
        (
            "what protocol does efs use and can my windows servers mount it?",
            ["what protocol does efs use", "protocol efs can my windows servers mount it"],
        ),
        (
            "what is s3 intelligent tiering and is there any extra charge for it?",
            ["what is s3 intelligent tiering", "s3 intelligent tiering is there any extra charge"],
        ),
        (
            "rds read replicas vs multi az - aren't they the same?",
            ["rds read replicas", "multi az"],
        ),
        (
            "redis cluster mode disabled vs enabled?",
            ["redis cluster mode disabled", "redis cluster mode enabled"],
        ),
        ("vertical vs horizontal scaling?", ["vertical scaling", "horizontal scaling"]),
    ],
)
def test_each_part_keeps_its_subject(question, expected):
    found = parts(question)
    assert len(found) == len(expected)
    for part, start in zip(found, expected):
        assert part.startswith(start)


@pytest.mark.parametrize(
    "question",
    [
        "How does S3 versioning work?",
        "what is s3 intelligent tiering?",
        "sticky sessions on elb? pros and cons",  # "pros and cons" names nothing the notes use
    ],
)
def test_a_question_of_one_part_is_left_whole(question):
    assert parts(question) == [question]
