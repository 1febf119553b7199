"""Telling a question that asks for a figure from one that only names one."""

import pytest

from tutor.offline.figures import asks_quantity
from tutor.offline.quantity import asked_kinds, gives_kind


@pytest.mark.parametrize(
    "question, asks",
    [
        ("how long are rds backups kept?", True),
        ("whats the max size of an s3 object", True),
        ("alb - what does it cost per hour?", True),
        ("is there a cap on how long i can keep a manual snapshot?", False),  # yes or no
        ("rolling deploys - can i control how many instances update at once?", False),
        ("is cross zone load balancing on by default?", False),
        ("what is the default behaviour of an alb?", False),  # no number wanted
    ],
)
def test_asking_for_a_number_is_told_from_naming_one(question, asks):
    assert asks_quantity(question) is asks


def test_a_figure_asked_in_one_part_is_looked_for_on_that_part_s_subject():
    """The other part's terms ("vault lock") do not dilute the figure's subject."""
    from tutor.lexical import tokenize
    from tutor.offline.answer import Scored
    from tutor.offline.figures import quantity_support
    from tutor.offline.sentences import Unit

    question = (
        "What does Glacier Vault Lock do, and what's the minimum storage duration for Glacier?"
    )
    parts = ["What does Glacier Vault Lock do", "what's the minimum storage duration for Glacier"]
    glacier, vault, lock, storage, duration = tokenize("glacier vault lock storage duration")
    weights = {glacier: 1.0, vault: 3.0, lock: 3.0, storage: 1.0, duration: 2.0}
    figure = Scored(
        Unit("Glacier: 90 days minimum storage duration.", 0, heading="Glacier"),
        1,
        1.0,
        {glacier: 0.1, storage: 0.1, duration: 0.2},
    )
    alone = quantity_support(question, weights, [figure], 5)
    by_part = quantity_support(question, weights, [figure], 5, parts)
    assert alone == 0.4 and by_part == 1.0
    assert quantity_support("What does Glacier Vault Lock do?", weights, [figure], 5) is None


@pytest.mark.parametrize(
    "question, kinds",
    [
        ("whats the max size of an s3 object", ["size"]),
        ("what's the default visibility timeout?", ["duration"]),
        ("what does s3 standard cost per gb?", ["money"]),
        ("max throughput of a gp3 volume?", ["rate"]),
        # words that name no kind for certain: any number answers them
        ("how long can an s3 bucket name be?", []),
        ("how fast does aurora fail over?", []),
        ("how many read replicas can rds have?", []),
        ("is the size limit on by default?", []),  # yes or no
    ],
)
def test_a_figure_s_kind_is_named_only_where_the_words_leave_no_doubt(question, kinds):
    assert asked_kinds(question) == kinds


def test_a_figure_of_the_asked_kind_is_told_from_another_number():
    assert gives_kind("Max object size is 5TB.", ["size"])
    assert not gives_kind("Max 5 buckets per request.", ["size"])
    assert gives_kind("Default is 30 seconds.", ["duration"])
    assert gives_kind("Costs $0.023 per GB.", ["money"])
    assert gives_kind("Up to 16,000 IOPS.", ["rate"])
    assert gives_kind("Up to 15 read replicas.", [])  # no kind asked: any number
