"""Each item-writing rule on small items: one that keeps it (None), one that breaks it (a reason)."""

from __future__ import annotations

from collections import Counter

from tutor import itemchecks as ic
from tutor.quizbank import BankItem

NOTES = ic.Notes(
    headings=frozenset({"difference between amazon glacier and glacier deep archive", "s3"}),
    words=Counter({"ElastiCache": 9, "GlacierExpedited": 1, "CloudFront": 12}),
)


def item(
    question: str = "Which of these is a managed DNS service?",
    choices: list[str] | None = None,
    key: int = 0,
    evidence: str = "Route 53 is a managed DNS service.",
    kind: str = "mcq",
    answer: str | None = None,
) -> BankItem:
    if kind == "mcq":
        choices = choices or ["Route 53", "CloudFront", "DynamoDB", "Athena"]
        answer = choices[key]
    return BankItem(
        id="q1",
        kind=kind,
        question=question,
        answer=answer or "",
        choices=choices if kind == "mcq" else None,
        answer_index=key if kind == "mcq" else None,
        evidence=evidence,
        chunk_id="c1",
        section="DNS",
        source="notes.txt",
        origin="test",
    )


def test_a_well_written_item_keeps_every_rule():
    assert ic.failures(item(), NOTES) == []


def test_key_not_length_outlier():
    long_key = ["A managed DNS service with health checks and routing policies", "S3", "EC2", "RDS"]
    assert ic.key_not_length_outlier(item(choices=long_key), NOTES)
    short_key = ["S3", "Elastic Beanstalk", "Amazon CloudFront", "Amazon DynamoDB"]
    assert ic.key_not_length_outlier(item(choices=short_key), NOTES)
    assert ic.key_not_length_outlier(item(), NOTES) is None


def test_no_stem_word_only_in_key():
    stem = "Which of these is a managed DNS routing service?"
    leaky = ["Route 53 routing", "CloudFront", "DynamoDB", "Athena"]
    assert "rout" in ic.no_stem_word_only_in_key(item(stem, leaky), NOTES)
    shared = ["Route 53 routing", "CloudFront routing", "DynamoDB", "Athena"]
    assert ic.no_stem_word_only_in_key(item(stem, shared), NOTES) is None


def test_no_grammatical_cue_article():
    stem = "Complete the sentence: “Static content is cached at an ___.”"
    options = ["edge location", "region", "availability zone", "subnet"]
    assert "an" in ic.no_grammatical_cue(item(stem, options), NOTES)
    vowels = ["edge location", "availability zone", "origin", "instance"]
    assert ic.no_grammatical_cue(item(stem, vowels), NOTES) is None


def test_no_grammatical_cue_plural():
    stem = "Which of these provide the information required to launch an instance?"
    options = ["Amazon Machine Images", "VPC Peering", "Amazon RDS", "CloudFront"]
    assert "plural" in ic.no_grammatical_cue(item(stem, options), NOTES)


def test_no_all_or_none_of_above():
    options = ["Route 53", "CloudFront", "DynamoDB", "All of the above"]
    assert ic.no_all_or_none_of_above(item(choices=options), NOTES)
    assert ic.no_all_or_none_of_above(item(), NOTES) is None


def test_options_of_one_kind():
    assert ic.options_of_one_kind(item(choices=["Route 53", "22", "DynamoDB", "Athena"]), NOTES)
    phrases = ["Route 53", "caches content", "DynamoDB", "Athena"]
    assert ic.options_of_one_kind(item(choices=phrases), NOTES)
    assert ic.options_of_one_kind(item(choices=["21", "22", "80", "443"], key=1), NOTES) is None


def test_options_similar_length():
    uneven = ["S3", "EC2", "RDS", "Elastic Container Service with Fargate launch type"]
    assert ic.options_similar_length(item(choices=uneven), NOTES)
    assert ic.options_similar_length(item(), NOTES) is None


def test_numbers_in_order():
    assert ic.numbers_in_order(item(choices=["22", "21", "80", "443"]), NOTES)
    assert ic.numbers_in_order(item(choices=["21", "22", "80", "3,389"]), NOTES) is None


def test_one_supported_option():
    evidence = "Route 53 is a managed DNS service, unlike CloudFront."
    assert "CloudFront" in ic.one_supported_option(item(evidence=evidence), NOTES)
    assert "key" in ic.one_supported_option(item(evidence="A managed DNS service."), NOTES)
    assert ic.one_supported_option(item(), NOTES) is None


def test_stem_answerable():
    assert ic.stem_answerable(item("Which of the following is true?"), NOTES)
    assert ic.stem_answerable(item("In “Route 53”, what is “Multi Value”?"), NOTES)
    assert ic.stem_answerable(item("Route 53 and DNS"), NOTES)
    cloze = item("Complete: “___ is a managed DNS service.”")
    assert ic.stem_answerable(cloze, NOTES) is None


def test_stem_not_containing_key():
    stem = "Which of these is Route 53, a managed DNS service?"
    assert ic.stem_not_containing_key(item(stem), NOTES)
    fill = item(
        "It returns 8 healthy records even if there are more than ___ records.",
        kind="fill",
        answer="8",
        evidence="It returns 8 healthy records even if there are more than 8 records.",
    )
    assert ic.stem_not_containing_key(fill, NOTES)
    assert ic.stem_not_containing_key(item(), NOTES) is None


def test_no_example_answer():
    fill = item(
        "Complete: “Average ASG CPU should be around ___%”",
        kind="fill",
        answer="40",
        evidence="Target tracking, e.g. average ASG CPU should be around 40%",
    )
    assert ic.no_example_answer(fill, NOTES)
    plain = fill.model_copy(update={"evidence": "Average ASG CPU should be around 40%"})
    assert ic.no_example_answer(plain, NOTES) is None
    hypothetical = fill.model_copy(
        update={"answer": "60", "evidence": "60 seconds would be considered a low TTL"}
    )
    assert "hypothetical" in ic.no_example_answer(hypothetical, NOTES)


def test_no_heading_answer():
    options = [
        "Difference between Amazon Glacier and Glacier Deep Archive",
        "S3 Lifecycle Rules and transitions",
        "CloudFront Signed URL process",
        "Route 53 health check settings",
    ]
    assert ic.no_heading_answer(item(choices=options), NOTES)
    names = ["S3", "CloudFront", "DynamoDB", "Athena"]  # "S3" is a heading but a name
    assert ic.no_heading_answer(item(choices=names), NOTES) is None


def test_no_glued_words():
    options = ["GlacierExpedited", "Standard", "Bulk", "Expedited"]
    assert "GlacierExpedited" in ic.no_glued_words(item(choices=options), NOTES)
    camel = ["ElastiCache", "CloudFront", "DynamoDB", "Athena"]  # written so throughout
    assert ic.no_glued_words(item(choices=camel), NOTES) is None
    assert ic.no_glued_words(item(choices=["S3", "EC2", "(ALB)Always", "RDS"]), NOTES)
    steps = "1. Take a snapshot\n  2. Restore it in the other AZ"  # indented lines, no cells
    assert ic.no_glued_words(item("How to move it?", kind="short", answer=steps), NOTES) is None
    cells = "Standard  3-5 hours"
    assert ic.no_glued_words(item("How long?", kind="short", answer=cells), NOTES)


def test_one_fact_per_cloze():
    two_blanks = item("Complete: “___ read replicas and ___ AZs.”", kind="fill", answer="5")
    assert ic.one_fact_per_cloze(two_blanks, NOTES)
    second_figure = item(
        "Complete: “IOPS from ___ to 16,000.”", kind="fill", answer="3,000", evidence="x"
    )
    assert ic.one_fact_per_cloze(second_figure, NOTES)
    named = item("Complete: “Route 53 health checks run every ___ seconds.”", kind="fill")
    assert ic.one_fact_per_cloze(named.model_copy(update={"answer": "30"}), NOTES) is None


def test_every_rule_is_run_and_named_in_the_reasons():
    assert len(ic.CHECKS) == 15
    bad = item("Which of the following is true?", ["All of the above", "S3", "EC2", "RDS"])
    reasons = ic.failures(bad, NOTES)
    assert any("all/none" in r for r in reasons) and any("what is asked" in r for r in reasons)


def test_the_label_shown_with_the_question_does_not_name_the_key():
    shown = item().model_copy(update={"section": "Route 53 > Routing Policies"})
    assert ic.label_not_showing_key(shown, NOTES)  # "Which of these …?" under its own key
    fill = item("Complete: “___ is a managed DNS service.”", kind="fill", answer="Route 53")
    assert ic.label_not_showing_key(fill.model_copy(update={"topic": "Route 53"}), NOTES)
    assert ic.label_not_showing_key(item(), NOTES) is None  # "DNS" does not name Route 53
    short = item("What is Route 53?", kind="short", answer="Route 53 is a managed DNS service.")
    assert ic.label_not_showing_key(short.model_copy(update={"section": "Route 53"}), NOTES) is None
