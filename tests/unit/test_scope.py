"""The out-of-scope check: one support figure from the best match, the answered share and the
share of terms the notes never use, on the real notes (declines: tests/unit/test_answer.py)."""

import pytest

from tutor.config import OfflineSettings
from tutor.offline.answer import content_terms, note_stats
from tutor.offline.scope import Support, support

SETTINGS = OfflineSettings()
W_ANSWERED, W_RARE, W_COMMON = SETTINGS.w_answered, SETTINGS.w_rare, SETTINGS.w_common
MIN_SUPPORT, MIN_UNTOPICAL_SUPPORT = SETTINGS.min_support, SETTINGS.min_untopical_support
MIN_QUANTITY_SUPPORT = SETTINGS.min_quantity_support


def figure(best: float, answered: float, **signals) -> Support:
    """A support figure under the default settings."""
    return Support(best, answered, settings=SETTINGS, **signals)


def support_on_the_notes(tutor, question):
    stats = note_stats(tutor.index.current())
    return support(question, tutor.search(question), [], tutor.embedder, stats, SETTINGS)


def test_support_rewards_answered_terms_and_penalises_unknown_ones():
    base = figure(best=0.5, answered=0.0)
    assert figure(0.5, 0.4).value == pytest.approx(base.value + W_ANSWERED * 0.4)
    assert figure(0.5, 0.0, rare=0.4).value == pytest.approx(base.value - W_RARE * 0.4)
    assert figure(0.5, 0.0, common=0.4).value == pytest.approx(base.value - W_COMMON * 0.4)
    assert W_RARE > W_COMMON
    assert figure(MIN_SUPPORT, 0.0).covered
    assert not figure(MIN_SUPPORT - 0.01, 0.0).covered


def test_a_question_off_the_headings_needs_stronger_support():
    assert not figure(MIN_UNTOPICAL_SUPPORT - 0.01, 0.0, topical=False).covered
    assert figure(MIN_UNTOPICAL_SUPPORT, 0.0, topical=False).covered


def test_a_quantity_question_needs_a_numbered_unit_on_its_subject():
    assert figure(1.0, 0.5, quantity=None).covered  # not asking for a number
    assert figure(1.0, 0.5, quantity=MIN_QUANTITY_SUPPORT).covered
    assert not figure(1.0, 0.5, quantity=MIN_QUANTITY_SUPPORT - 0.01).covered


@pytest.mark.parametrize(
    "question, covered",
    [
        ("how many read replicas can aurora have?", True),  # "up to 15 Aurora read replicas"
        ("how many inbound rules can a security group have?", False),  # numbers, not that one
        ("how much does a route 53 hosted zone cost per month?", False),  # "53" names the service
    ],
)
def test_a_number_the_notes_give_is_told_from_one_they_lack(tutor, question, covered):
    found = support_on_the_notes(tutor, question)
    assert found.quantity is not None
    assert (found.quantity >= MIN_QUANTITY_SUPPORT) is covered, found
    answer = tutor.ask(question)
    assert answer.grounded is covered
    if not covered:  # the notes cover security groups, just not that limit: say which
        assert "do not give that figure" in answer.text and answer.nearest_topics


@pytest.mark.parametrize(
    "question, rare, common",
    [
        ("how do i add a node group with eksctl?", True, False),  # a tool's name: rare
        ("our analytics team says the reports are slow", False, True),  # a scenario's words
        ("can the vpc on 10.0.0.0/16 serve api.mysite.com?", False, False),  # the student's own
    ],
)
def test_words_the_notes_never_use_count_by_kind(tutor, question, rare, common):
    found = support_on_the_notes(tutor, question)
    assert (found.rare > 0) is rare and (found.common > 0) is common, found


def test_stop_words_are_not_content():
    question = "what's the difference between the asg launch config and template?"
    assert "differ" not in content_terms(question)  # asks for a comparison, names no subject
    assert set(content_terms(question)) == {"asg", "launch", "config", "templat"}
    # NLTK's and scikit-learn's lists, contractions typed without the apostrophe included
    assert content_terms("i didnt set an expiry, youre sure? whats it for") == [
        "set",
        "expiri",
        "sure",
    ]


@pytest.mark.parametrize(
    "question",
    [
        "how do things get evicted from elasticache?",
        "can on-prem servers reach s3 over direct connect through a vpc endpoint?",
        "my db on ebs needs 40k iops, which volume type?",
        # no question term in the headings over the answer, but the notes do answer them
        "what does the x-forwarded-for header contain?",
        "gp2 vs gp3 - what changed?",
    ],
)
def test_paraphrased_questions_the_notes_answer_are_answered(tutor, question):
    answer = tutor.ask(question)
    assert answer.grounded and answer.citations, answer.text
