"""Telling a question that asks for a figure from one that only names one."""

import pytest

from tutor.offline.figures import asks_quantity


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
