"""Quizzes end to end: `/tutor quiz`, a button click or a thread reply grades, `/tutor progress`."""

from __future__ import annotations

import json
import time

from slack_fakes import (
    ACK_LIMIT_S,
    CHANNEL,
    USER,
    FakeSlack,
    click_body,
    command_body,
    event_body,
    json_headers,
    message,
    posts_in_thread,
    signed,
    texts,
)

MAX_QUIZZES = 12  # the quiz picks at random; a "Select TWO" item has no buttons to click


def start_quiz(served, fake: FakeSlack, topic: str = "S3"):
    """A quiz on `topic` whose item is answered with one click (one button per choice): asks
    again, a bounded number of times, while the random pick is a "Select TWO" item."""
    for _ in range(MAX_QUIZZES):
        before = len(fake.of("chat.postMessage"))
        body = command_body(f"quiz {topic}", fake)
        started = time.monotonic()
        response = served.post(body, signed(body))
        assert response.status_code == 200 and time.monotonic() - started < ACK_LIMIT_S
        post = fake.wait_for(lambda n=before: fake.of("chat.postMessage")[n:])[0]
        if any(b.get("block_id", "").startswith("quiz:") for b in post.data["blocks"]):
            return post
    raise AssertionError(f"{MAX_QUIZZES} quizzes on {topic} and none had one button per choice")


def quiz_ts(post) -> str:
    """The ts Slack (the fake) gave the quiz message; its thread is where grades go."""
    return post.reply["ts"]


def test_quiz_posts_buttons_and_a_click_grades_in_the_thread(served, fake_slack):
    post = start_quiz(served, fake_slack)
    assert post.data["channel"] == CHANNEL
    blocks = post.data["blocks"]
    actions = [b for b in blocks if b["type"] == "actions"]
    assert actions and len(actions[0]["elements"]) >= 2  # one button per choice
    assert "S3" in texts(post)

    message_ts = quiz_ts(post)
    body = click_body(blocks, "A", fake_slack, message_ts=message_ts)
    started = time.monotonic()
    assert served.post(body, signed(body)).status_code == 200
    assert time.monotonic() - started < ACK_LIMIT_S
    graded = fake_slack.wait_for(lambda: posts_in_thread(fake_slack, message_ts))[0]
    shown = texts(graded)
    assert ("Correct" in shown) or ("Not quite" in shown)
    assert "*Answer:*" in shown and "Reread" in shown
    assert f"<@{USER}>" in shown
    # the quiz message loses its buttons and says who answered what
    update = fake_slack.wait_for(lambda: fake_slack.of("chat.update"))[0]
    assert update.data["ts"] == message_ts and update.data["channel"] == CHANNEL
    closed = update.data["blocks"]
    closed = json.loads(closed) if isinstance(closed, str) else closed
    assert not [b for b in closed if b["type"] == "actions"]
    assert f"<@{USER}> answered *A*" in json.dumps(closed)
    assert "S3" in json.dumps(closed)  # the question stays readable


def test_a_free_text_reply_in_the_quiz_thread_is_graded(served, fake_slack):
    post = start_quiz(served, fake_slack, topic="DynamoDB")
    quiz, root = post.data, quiz_ts(post)
    body = event_body(message("B", ts="1700000600.000100", thread_ts=root))
    assert served.post(body, json_headers(body)).status_code == 200
    graded = fake_slack.wait_for(lambda: posts_in_thread(fake_slack, root))[0]
    shown = texts(graded)
    assert "*Answer:*" in shown and "Reread" in shown

    # The quiz is answered now; a second click is told so, privately, and grades nothing.
    quiz_blocks = quiz["blocks"]
    click = click_body(quiz_blocks, "A", fake_slack, message_ts=root)
    assert served.post(click, signed(click)).status_code == 200
    told = fake_slack.wait_for(lambda: fake_slack.of("response_url"))[0]
    assert told.data.get("response_type") == "ephemeral"
    assert len(posts_in_thread(fake_slack, root)) == 1


def test_progress_is_ephemeral_and_lists_the_missed_topic(served, fake_slack):
    post = start_quiz(served, fake_slack, topic="IAM")
    blocks = post.data["blocks"]
    buttons = next(b for b in blocks if b["type"] == "actions")["elements"]
    root = quiz_ts(post)
    # One answer per quiz: whatever the verdict, progress must count the attempt.
    click = click_body(blocks, buttons[0]["text"]["text"], fake_slack, message_ts=root)
    served.post(click, signed(click))
    fake_slack.wait_for(lambda: posts_in_thread(fake_slack, root))
    public = len(fake_slack.of("chat.postMessage"))  # the quiz(zes) and the grade

    body = command_body("progress", fake_slack)
    assert served.post(body, signed(body)).status_code == 200
    reply = fake_slack.wait_for(lambda: fake_slack.of("response_url"))[0]
    assert reply.data["response_type"] == "ephemeral"
    assert "IAM" in texts(reply)
    assert len(fake_slack.of("chat.postMessage")) == public  # progress posts nothing public


def test_quiz_on_an_unknown_topic_gets_a_private_helpful_reply(served, fake_slack):
    body = command_body("quiz basket weaving", fake_slack)
    assert served.post(body, signed(body)).status_code == 200
    reply = fake_slack.wait_for(lambda: fake_slack.of("response_url"))[0]
    assert reply.data["response_type"] == "ephemeral"
    assert "basket weaving" in reply.data["text"] or "topic" in reply.data["text"].lower()
    assert fake_slack.of("chat.postMessage") == []
