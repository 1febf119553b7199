"""Offline answers on the real notes: extractive, cited, short; declines; choices; bad input."""

from __future__ import annotations

import asyncio
import re

import pytest
from sqlalchemy import func, select

from tutor.errors import InvalidInput
from tutor.offline.answer import Scored, drop_dangling, reading_length
from tutor.offline.choices import asks_exception
from tutor.offline.engine import OfflineEngine
from tutor.offline.sentences import Unit
from tutor.sessions import Turn
from tutor.types import Answer

MARKER = re.compile(r"\[(\d+)\]")


@pytest.mark.parametrize(
    "question,fact",
    [
        ("What permissions must my SSH private key file have?", "0400"),
        ("Which port do I open to log into a Windows instance with remote desktop?", "3389"),
        ("What is the default deregistration delay of a target group?", "300 seconds"),
        ("How many copies of my data does Aurora keep?", "6 copies"),
        ("Which record type maps a hostname to an IPv6 address in Route 53?", "AAAA"),
    ],
)
def test_offline_answers_state_the_fact_and_cite_it(tutor, question, fact):
    answer = tutor.ask(question)
    assert answer.grounded and not answer.degraded and answer.provider == "offline"
    assert fact.lower() in answer.text.lower()
    assert reading_length(answer.text) <= 600  # the Markdown of the notes' lists aside
    numbers = {int(n) for n in MARKER.findall(answer.text)}
    assert numbers == {c.n for c in answer.citations}
    for sentence, n in re.findall(r"(.+?) \[(\d+)\]\s*", answer.text):
        cited = next(c for c in answer.citations if c.n == int(n))
        words = re.findall(r"[a-z0-9]{4,}", sentence.lower())[-3:]
        chunk = tutor.source(cited.chunk_id).text.lower()
        assert all(w in chunk for w in words), (sentence, cited.section)


def test_answers_read_as_sentences_not_chunks(tutor):
    answer = tutor.ask("What is the difference between Redis and Memcached?")
    assert "\n" not in answer.text and "•" not in answer.text
    assert "AOF" in answer.text or "append-only" in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "whats a good recipe for sourdough bread?",
        "who painted the mona lisa?",
        "how do i write a for loop in javascript?",
        # products the notes never cover, asked in words the notes use a lot (stage, instances, billed)
        "how do i add a manual approval stage to my CodePipeline?",
        "how do i configure X-Ray sampling rules for my EC2 instances?",
        "how are Step Functions express workflows billed?",
        # services the notes name only in passing, under other headings (S3 events)
        "what is the max message size in SNS?",
        "how many messages can an sqs receive call return?",
    ],
)
def test_out_of_scope_declines_with_nearest_topics(tutor, question):
    answer = tutor.ask(question)
    assert not answer.grounded and answer.citations == []
    assert "do not cover" in answer.text
    assert answer.nearest_topics and set(answer.nearest_topics) <= set(tutor.topics())


def test_follow_up_within_a_session_uses_the_earlier_subject(tutor):
    first = tutor.ask("What does RDS do with automated backups?")
    follow = tutor.ask("and how long is it kept?", session_id=first.session_id)
    assert follow.session_id == first.session_id
    assert "RDS" in follow.citations[0].section
    assert re.search(r"\b(7|35) days?\b", follow.text)
    alone = tutor.ask("and how long is it kept?")
    assert alone.session_id != first.session_id


def test_a_follow_up_may_name_what_the_previous_answer_said(tutor):
    first = tutor.ask("what is s3 object lock")
    follow = tutor.ask("whats the difference between the two modes", session_id=first.session_id)
    assert follow.citations[0].section.endswith("S3 Object Lock")  # not Redis's cluster modes
    assert "Governance Mode" in follow.text and "Compliance Mode" in follow.text


def test_a_short_new_question_that_names_an_acronym_is_no_follow_up(tutor):
    first = tutor.ask("what are the ebs volume types?")
    switch = tutor.ask("whats a nacl", session_id=first.session_id)
    assert switch.grounded and "NACL" in switch.citations[0].section + switch.text
    assert "subnet" in switch.text.lower()
    # a near tie between the two readings is read as typed: the learner named the subject
    health = tutor.ask("how do alb health checks work?")
    history, index = tutor.sessions.history(health.session_id), tutor.index.current()
    efs = tutor.ask("explain efs", session_id=health.session_id)
    assert "EFS" in efs.citations[0].section and "health check" not in efs.text.lower()
    no_margin = tutor.settings.offline.model_copy(update={"follow_up_margin": 0.0})
    engine = OfflineEngine(no_margin, tutor.embedder, tutor.retriever)
    assert engine.resolve("explain efs", history, index) == "alb health checks explain efs"


def test_multiple_choice_abstains_when_a_choice_is_beyond_the_notes(tutor):
    """The notes never mention Cognito, so they cannot rule it out: no guess between the rest."""
    answer = tutor.ask(
        "A developer must add multi-factor authentication to the sign-in of a web app. "
        "Which service should they use?",
        choices=["Amazon Cognito with MFA", "AWS IAM with MFA enabled", "Amazon S3", "Amazon EFS"],
    )
    assert answer.choice_index is None and answer.citations == []
    assert answer.text.startswith("The notes do not settle this question")
    assert "The nearest sections: " in answer.text and answer.nearest_topics


def test_multiple_choice_picks_the_supported_option_or_abstains(tutor):
    picked = tutor.ask(
        "Which port do you open to RDP into a Windows instance?",
        choices=["22", "3389", "443", "21"],
    )
    assert picked.choice_index == 1 and picked.text.startswith("B. 3389")
    unsupported = tutor.ask(
        "Which sourdough starter flour is best?", choices=["Rye", "Spelt", "Einkorn", "Emmer"]
    )
    assert unsupported.choice_index is None


@pytest.mark.parametrize(
    ("question", "exception"),
    [
        ("Which of these can NOT be registered as an ALB target?", True),
        ("Which EBS volume type cannot be used as a boot volume?", True),
        ("Which load balancer doesn’t support SNI?", True),
        ("All of the following are S3 storage classes EXCEPT:", True),
        ("Which constraint guarantees two tasks never land on the same instance?", False),
        ("What happens if you do not set a region in the SDK?", False),
        ("The master is NOT encrypted. Can you create an encrypted read replica?", False),
        ("Which option needs HTTPS, sends your key in a header, and AWS does not keep it?", False),
        ("SNI does not work with which of these?", True),
        ("Which statement about VPC peering is false?", True),
        ("If you do not enable versioning, which feature stops working?", False),
    ],
)
def test_a_question_asking_for_the_exception_is_told_apart(question, exception):
    assert asks_exception(question) is exception


def test_the_exception_is_the_choice_the_notes_rule_out(tutor):
    # the notes say so of the one ("You can't attach health checks to simple routing policy")
    said = tutor.ask(
        "Which Route 53 routing policy does NOT let you attach health checks?",
        choices=["Simple", "Weighted", "Failover", "Multi value"],
    )
    assert said.choice_index == 0 and "health checks" in said.text
    # the notes settle the other three ("Only gp2/gp3 and io1/io1 can be used as boot volumes")
    odd = tutor.ask(
        "Which EBS volume type cannot be used as a boot volume?",
        choices=["st1", "gp2", "gp3", "io1"],
    )
    assert odd.choice_index == 0 and "not of this one" in odd.text and "boot" in odd.text
    # asked the other way round, the ordinary rule holds: the supported choice, or none
    assert tutor.ask(
        "Which EBS volume type can be used as a boot volume?", choices=["st1", "sc1", "gp3", "HDD"]
    ).choice_index in (2, None)
    # a true statement that says "not" itself is not contradicted by a unit that says "not"
    assert (
        tutor.ask(
            "Which of these is NOT true of lazy loading?",
            choices=[
                "Node failures are not fatal, since the data is in the database",
                "Cached data can never be stale",
                "Only the data that is asked for is cached",
                "A cache miss costs three round trips",
            ],
        ).choice_index
        != 0
    )
    # a choice about the others is not the exception by elimination (without the rule: D)
    meta = tutor.ask(
        "Which load balancer can NOT serve several certificates with SNI?",
        choices=[
            "Application Load Balancer",
            "Network Load Balancer",
            "Classic Load Balancer",
            "All ELB types support SNI",
        ],
    )
    assert meta.choice_index is None


SDK_SOURCES = [
    "Environment variables",
    "Java system properties",
    "Instance profile credentials",
    "ECS container credentials",
]
NEXT_TO = [
    "The default credential profiles file",
    "Java system properties",
    "Instance profile credentials",
    "Environment variables",
]


def test_a_position_in_an_order_is_read_from_the_notes_numbered_list(tutor):
    """The SDK's chain: 1. Java System Properties, 2. Environment variables, 3. Default credential
    profiles file, ... 5. Instance profile credentials. Without the list, the notes settle none of
    these over the others."""
    for question, choices, right in [
        ("Which source does the AWS SDK check first for credentials?", SDK_SOURCES, 1),
        ("Which source does the AWS SDK check last for credentials?", SDK_SOURCES, 2),
        ("Which source does the AWS SDK check second for credentials?", SDK_SOURCES, 0),
        (
            "Which credentials source does the AWS SDK check right after environment variables?",
            NEXT_TO,
            0,
        ),
        (
            "Which credentials source does the AWS SDK check just before ECS container credentials?",
            NEXT_TO,
            0,
        ),
    ]:
        answer = tutor.ask(question, choices=choices)
        assert answer.choice_index == right, question
        assert "Credentials Provider Chain" in answer.text
    # "per second" asks for no position
    assert (
        tutor.ask(
            "How many requests per second can the SDK make?", choices=SDK_SOURCES
        ).choice_index
        is None
    )
    # "last" that asks for no order: read as any other question
    tool = tutor.ask(
        "Which IAM tool shows the services a user may use and when they were last used?",
        choices=["IAM Credentials Report", "IAM Access Advisor", "AWS Config", "CloudTrail"],
    )
    assert tool.choice_index == 1


def test_offline_stream_yields_pieces_then_the_answer(tutor):
    async def run() -> list:
        return [p async for p in tutor.stream("What is an S3 bucket?")]

    parts = asyncio.run(run())
    final = parts[-1]
    assert isinstance(final, Answer) and all(isinstance(p, str) for p in parts[:-1])
    assert len(parts) > 2 and "".join(parts[:-1]) == final.text


def _turns(tutor) -> int:
    with tutor.sessions.maker() as db:
        return db.scalar(select(func.count()).select_from(Turn))


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"question": "   "}, "empty"),
        ({"question": "x" * 5000}, "too long"),
        ({"question": "Which?", "choices": ["only one"]}, "two non-empty"),
        ({"question": "Which?", "choices": ["a", " "]}, "two non-empty"),
        ({"question": "What is S3?", "session_id": "x" * 300}, "session id"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(tutor, kwargs, message):
    before = _turns(tutor)
    with pytest.raises(InvalidInput, match=message):
        tutor.ask(**kwargs)
    assert _turns(tutor) == before


def test_bad_input_on_the_stream_too(tutor):
    async def run() -> None:
        async for _ in tutor.stream(""):
            pass

    with pytest.raises(InvalidInput):
        asyncio.run(run())


def test_warm_prepares_every_chunk_once(tutor):
    from tutor.offline import answer as offline

    index = tutor.current_index()
    assert tutor.warm() == len(index.chunks)
    stats = offline.note_stats(index)
    assert set(stats.units) >= {c.id for c in index.chunks}
    # Answering afterwards reuses the prepared units: the cache does not grow.
    before = len(stats.units)
    tutor.ask("How long is an RDS IAM auth token valid?")
    assert len(stats.units) == before


def test_a_line_that_introduces_a_list_is_kept_only_with_the_list():
    def item(text: str, position: int) -> Scored:
        return Scored(Unit(text, position), passage_n=1, score=0.5)

    intro, first, last = item("The targets are:", 3), item("SNS", 4), item("SQS", 5)
    assert drop_dangling([intro, first, last]) == [intro, first, last]
    assert drop_dangling([first, item("Use cases:", 9)]) == [first]


def test_the_notes_lists_stay_markdown_lists(tutor):
    steps = tutor.ask("what MFA devices can I use with IAM?").text
    assert "\n1. Virtual MFA device" in steps and "\n2. Universal 2nd Factor" in steps
    bullets = tutor.ask("what is appsync actually for?").text
    assert "\n- Real time chat applications" in bullets


def test_a_sentence_that_refers_back_brings_the_line_it_depends_on():
    from tutor.config import OfflineSettings
    from tutor.offline.answer import Scored, with_antecedents
    from tutor.offline.sentences import Unit

    lines = ["Suspending versioning keeps old versions.", "This deletes them for good.", "Other."]
    scored = [Scored(Unit(t, i), 1, 1.0 - i / 10) for i, t in enumerate(lines)]
    settings = OfflineSettings()
    assert [s.unit.text for s in with_antecedents([scored[1]], scored, 600, settings)] == lines[:2]
    # No room for the line it depends on: the sentence goes rather than dangle.
    alone = with_antecedents([scored[2], scored[1]], scored, 40, settings)
    assert [s.unit.text for s in alone] == ["Other."]


def test_search_reads_typos_as_the_notes_words_as_ask_does(tutor):
    typed = tutor.search("cloudfornt signed cookies", 3)
    assert typed[0].section == tutor.search("cloudfront signed cookies", 3)[0].section
    assert "CloudFront" in typed[0].section
