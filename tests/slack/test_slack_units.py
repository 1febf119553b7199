"""Pure parts: `/tutor` parsing and the Block Kit views (no Slack, no Tutor)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api.slack import blocks as ui
from api.slack.commands import parse_command, strip_mentions
from tutor.types import Answer, Citation, Grade, QuizItem


@pytest.mark.parametrize(
    "text, kind, arg",
    [
        ("What is S3 versioning?", "ask", "What is S3 versioning?"),
        ("ask what is IAM", "ask", "what is IAM"),
        ("quiz", "quiz", ""),
        ("QUIZ  S3 security", "quiz", "S3 security"),
        ("progress", "progress", ""),
        ("help", "help", ""),
        ("", "empty", ""),
        ("ask", "empty", ""),
        ("quizz", "unknown", "quizz"),
        ("-x", "unknown", "-x"),
        ("Lambda", "ask", "Lambda"),  # a lone topic word is a question, not a typo
        ("progress report please", "unknown", "progress report please"),
    ],
)
def test_parse_command(text, kind, arg):
    parsed = parse_command(text)
    assert (parsed.kind, parsed.arg) == (kind, arg)


def test_strip_mentions():
    assert strip_mentions("<@U0TUTOR> what is <@U0BOB|bob> doing?") == "what is  doing?"


def citation(n: int, section: str) -> Citation:
    return Citation(
        n=n, chunk_id=f"c{n}", source="notes.txt", section=section, snippet="...", score=1.0
    )


def test_answer_blocks_escape_slack_control_characters_and_cite_sections():
    answer = Answer(text="Use **<bucket>** & versioning [1]", citations=[citation(1, "S3 > A&B")])
    blocks = ui.answer_blocks(answer, question="x < y?", asker="U1")
    flat = json.dumps(blocks)
    assert "*&lt;bucket&gt;* &amp; versioning [1]" in blocks[1]["text"]["text"]
    assert "<@U1> asked: x &lt; y?" in flat
    assert blocks[-1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "[1] *S3 &gt; A&amp;B* · notes.txt"}],
    }


def test_decline_shows_topics_not_citations():
    answer = Answer(
        text="The notes do not cover that.",
        grounded=False,
        nearest_topics=["S3", "IAM"],
        citations=[citation(1, "S3")],
    )
    flat = json.dumps(ui.answer_blocks(answer))
    assert "Topics I can help with: S3, IAM" in flat and "[1]" not in flat


def test_long_answers_fit_slacks_section_limit():
    blocks = ui.answer_blocks(Answer(text="word " * 2000))
    assert all(len(b["text"]["text"]) <= ui.SECTION_MAX for b in blocks if "text" in b)


def test_quiz_blocks_have_one_button_per_choice_carrying_the_quiz_id():
    item = QuizItem(
        id="q1", kind="mcq", question="Which?", choices=["a", "b", "c"], section="S3 > Versioning"
    )
    blocks = ui.quiz_blocks(item, asker="U1")
    buttons = next(b for b in blocks if b["type"] == "actions")["elements"]
    assert [b["text"]["text"] for b in buttons] == ["A", "B", "C"]
    assert ui.parse_quiz_value(buttons[1]["value"]) == ("q1", "B")
    assert len({b["action_id"] for b in buttons}) == 3  # unique within the block
    assert ui.parse_quiz_value("garbage") is None


def test_grade_blocks_show_verdict_answer_and_section():
    grade = Grade(
        quiz_id="q1",
        correct=False,
        verdict="incorrect",
        score=0,
        feedback="No.",
        reference_answer="B",
        section="S3 > Versioning",
        citations=[citation(1, "S3 > Versioning")],
    )
    flat = json.dumps(ui.grade_blocks(grade, user="U1"))
    assert "Not quite, <@U1>" in flat and "*Answer:* B" in flat
    assert "Reread *S3 &gt; Versioning*" in flat


def test_slack_routes_are_off_without_both_settings(settings, tutor):
    from pydantic import SecretStr

    from api.app import create_app

    only_secret = settings.model_copy(update={"slack_signing_secret": SecretStr("s")})
    with TestClient(create_app(only_secret, tutor=tutor)) as client:
        assert client.post("/slack/events", content="{}").status_code == 404


def test_a_select_two_quiz_asks_for_the_letters_in_a_reply_not_one_click():
    item = QuizItem(
        id="z1",
        kind="mcq",
        question="Which TWO protect objects from deletion?",
        choices=["Versioning", "Lifecycle", "MFA Delete", "CORS", "Replication"],
        section="S3 > Versioning",
        select=2,
    )
    blocks = ui.quiz_blocks(item)
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == [f"{ui.QUIZ_ACTION_PREFIX}{ui.FLAG}"]
    assert "Select 2: reply in this thread with the letters" in json.dumps(blocks)
