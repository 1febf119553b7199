"""Each offline verdict rule on small fixtures (tutor/checking.py), and fill-ins (tutor/quizgrade.py)."""

from __future__ import annotations

import pytest

from tutor.checking import check, find_options, quantities, said_nothing
from tutor.config import GradingSettings
from tutor.quizgrade import mark_fill

NOTES = """Types of AWS Load Balancer
  1. Classic Load Balancer (V1 old generation)
  2. Application Load Balancer (V2 new generation)
  3. Network Load Balancer (V2 new generation)
There are 4 methods of encrypting objects in S3:
  1. SSE-S3
  2. SSE-KMS
  3. SSE-C
AWS KMS (Key Management Service)
"""
OPTIONS = find_options([NOTES])
ACRONYMS = {"kms": frozenset({"key", "manag", "servic"})}


def verdict(answer: str, reference: str, question: str = "") -> str:
    return check(answer, reference, question=question, options=OPTIONS, acronyms=ACRONYMS).verdict


@pytest.mark.parametrize("answer", ["", "   ", "I don't know", "idk", "no idea, sorry", "?"])
def test_saying_nothing_is_incorrect(answer):
    assert said_nothing(answer)
    assert verdict(answer, "7 days") == "incorrect"


def test_a_different_number_for_the_same_unit_is_incorrect():
    ref = "7 days by default, up to 35 days"
    assert verdict("30 days", ref, "How long are backups kept?") == "incorrect"
    assert verdict("1 week by default, 35 days at most", ref) == "correct"  # units converted
    assert verdict("up to 90 percent", "Up to 90%") == "correct"
    assert verdict("5 tb", "5TB") == "correct"
    assert verdict("5 terabytes", "5 TB") == "correct"  # units spelled out


def test_numbers_spelled_out_and_one_of_a_unit_count():
    assert verdict("fifteen", "Up to 15") == "correct"  # not "said nothing"
    assert verdict("a week", "7 days") == "correct"
    assert verdict("a week, can go up to 35 days", "7 days") == "unsure"  # another figure too
    assert verdict("about 100 calls a second", "100 calls per second") == "correct"  # a rate


def test_an_answer_in_stop_words_is_still_an_answer():
    assert not said_nothing("nothing can get in but everything can go out")
    assert said_nothing("not sure, sorry") and said_nothing("no idea")


def test_options_are_named_word_for_word_not_by_typo():
    from tutor.checking import Options, _mentioned, _Said

    charges = Options(names=frozenset({frozenset({"charg"})}))
    said = _Said("you can change it any time", {}, GradingSettings())
    assert _mentioned(said, charges) == set()  # "change" is no typo of "charge"
    assert _mentioned(_Said("no charges", {}, GradingSettings()), charges)


def test_a_command_is_a_fact_as_a_whole():
    question = "Which CLI command decodes an encoded authorization error message?"
    ref = "aws sts decode-authorization-message"
    assert verdict("aws sts get-session-token", ref, question) != "correct"
    assert verdict("sts decode-authorization-message", ref, question) == "correct"


def test_two_things_swapped_are_not_correct():
    question = "What is the difference between gp2 and gp3 regarding IOPS and throughput?"
    ref = "gp3 lets you set IOPS and throughput independently; on gp2 they are linked together"
    swapped = "gp2 lets you set IOPS and throughput independently, on gp3 they are linked to size"
    assert verdict(swapped, ref, question) != "correct"


def test_a_figure_is_no_option_beside_a_name_on_one_line():
    options = find_options(["  • Max object size is 5TB"])  # the notes' line: "Max", "5TB"
    assert check("5 terabytes max", "5 TB", options=options).verdict != "incorrect"


def test_numbers_in_the_question_or_besides_the_right_one_are_not_wrong():
    assert [q.raw for q in quantities("3,500 requests and 5 minutes")] == [3500, 5]
    ref = "Up to 15 replicas"
    assert verdict("15, where MySQL has 5", ref, "How many Aurora replicas?") == "unsure"
    asked = "MySQL has 5 replicas: how many replicas can Aurora have?"
    assert verdict("upto 15, more than the 5", ref, asked) == "correct"


def test_the_opposite_yes_or_no_is_incorrect():
    ref, asked = "No, groups only contain users", "Can an IAM group contain other groups?"
    assert verdict("yes, groups can contain groups", ref, asked) == "incorrect"
    assert verdict("no, only users", ref, asked) == "correct"
    assert verdict("no fee within the region", "No, there is no fee") != "incorrect"


def test_another_option_from_the_same_list_is_incorrect():
    question = "Which encryption lets the customer manage keys outside AWS?"
    assert verdict("SSE-KMS", "SSE-C", question) == "incorrect"
    assert verdict("sse c", "SSE-C", question) == "correct"
    assert verdict("the network load balancer", "Application Load Balancer") == "incorrect"
    assert verdict("SSE-C or SSE-KMS", "SSE-C", question) == "unsure"  # hedging is not right


def test_every_key_fact_with_typos_and_acronyms_is_correct():
    ref = "All inbound traffic is blocked and all outbound traffic is allowed"
    assert verdict("inbound trafic blocked, outbound traffic alowed", ref) == "correct"
    assert verdict("key managment service", "KMS") == "correct"
    assert verdict("kms", "Key Management Service") == "correct"


def test_swapped_facts_and_negations_are_not_correct():
    ref = "All inbound traffic is blocked and all outbound traffic is allowed"
    assert verdict("all inbound traffic is allowed and all outbound blocked", ref) == "unsure"
    assert verdict("people, not services", "Services, not people") == "unsure"
    assert verdict("it is not encrypted by default", "Encrypted by default") == "unsure"


def test_typos_never_change_the_first_letter_or_add_a_prefix():
    assert verdict("async replication", "SYNC replication") != "correct"
    assert verdict("unencrypted", "encrypted") != "correct"
    assert verdict("disabled", "enabled") != "correct"


def test_a_missing_fact_is_unsure_with_what_is_missing():
    decision = check("blocked", "Inbound traffic is blocked, outbound traffic allowed")
    assert decision.verdict == "unsure" and "allowed" in decision.missing


def test_thresholds_come_from_settings():
    ref = "All inbound traffic is blocked and all outbound traffic is allowed"
    loose = GradingSettings(coverage_correct=0.5)
    assert check("inbound traffic blocked", ref).verdict == "unsure"
    assert check("inbound traffic blocked", ref, grading=loose).verdict == "correct"


@pytest.mark.parametrize(
    ("answer", "expected", "right"),
    [
        ("kms", "AWS KMS", True),
        ("Séсurity groups", "Security Groups", False),  # Cyrillic letters are not a typo
        ("security group", "Security Groups", True),
        ("Secuirty Groups", "Security Groups", True),
        ("Réad Replicas", "Read replicas", True),
        ("7", "7 days", True),
        ("8", "7 days", False),
        ("SSE-KMS", "SSE-C", False),
        ("gp3", "gp2", False),
    ],
)
def test_fill_ins_are_exact_but_lenient_for_form(answer, expected, right):
    assert mark_fill(answer, expected).correct is right
