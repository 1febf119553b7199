"""Questions end to end: signed requests to the app under uvicorn, replies to a fake Slack API."""

from __future__ import annotations

import time

from slack_fakes import (
    ACK_LIMIT_S,
    BOT_ID,
    CHANNEL,
    command_body,
    event_body,
    json_headers,
    mention,
    message,
    posts_in_thread,
    settle,
    signed,
    texts,
)

from api.slack.blocks import escape, to_mrkdwn


def test_slash_question_acks_at_once_and_the_answer_follows(served, fake_slack, tutor):
    question = "What is S3 versioning?"
    fake_slack.gate.clear()  # Slack's API answers slowly: the ack must not wait for it
    body = command_body(question, fake_slack)
    started = time.monotonic()
    response = served.post(body, signed(body))
    acked = time.monotonic() - started
    assert response.status_code == 200
    assert acked < ACK_LIMIT_S, f"ack took {acked:.2f}s"
    assert fake_slack.replies() == []  # the answer comes after the ack
    fake_slack.gate.set()

    post = fake_slack.wait_for(lambda: fake_slack.of("chat.postMessage"))[0]
    assert post.at > started + acked - 0.05
    assert post.data["channel"] == CHANNEL
    assert "thread_ts" not in post.data  # a new message; its thread becomes the conversation
    assert post.authorization == "Bearer xoxb-test-bot-token-9d2a"
    expected = tutor.ask(question)
    shown = texts(post)
    assert to_mrkdwn(expected.text)[:80] in shown
    assert "asked: What is S3 versioning?" in shown
    contexts = [b for b in post.data["blocks"] if b["type"] == "context"]
    for citation in expected.citations:  # sections as context blocks
        assert any(
            f"[{citation.n}] *{escape(citation.section)}*" in e["text"]
            for b in contexts
            for e in b["elements"]
        )


def test_mention_answers_in_a_thread_and_the_thread_keeps_the_conversation(
    served, fake_slack, tutor
):
    body = event_body(mention("What is S3 versioning?", ts="1700000100.000100"))
    started = time.monotonic()
    response = served.post(body, json_headers(body))
    assert response.status_code == 200 and time.monotonic() - started < ACK_LIMIT_S
    first = fake_slack.wait_for(lambda: posts_in_thread(fake_slack, "1700000100.000100"))[0]
    assert "S3" in texts(first)

    # A follow-up in the thread, without a mention, is answered in the same thread.
    follow = "Can it be suspended?"
    body = event_body(message(follow, ts="1700000100.000200", thread_ts="1700000100.000100"))
    assert served.post(body, json_headers(body)).status_code == 200
    replies = fake_slack.wait_for(
        lambda: (
            len(posts_in_thread(fake_slack, "1700000100.000100")) == 2
            and posts_in_thread(fake_slack, "1700000100.000100")
        )
    )
    second = texts(replies[1])
    # The earlier turn (S3 versioning) is what "it" means: the answer comes from that section.
    assert "S3 Versioning" in second, second
    # The thread is one session in the tutor: both turns, the second resolved by the first.
    turns = tutor.sessions.history("slack:C0STUDY:1700000100.000100")
    assert [t.question for t in turns] == ["What is S3 versioning?", follow]
    assert "versioning" in turns[1].standalone.lower()


def test_channel_chatter_and_the_bots_own_messages_get_no_reply(served, fake_slack):
    chatter = event_body(message("lunch anyone?", ts="1700000200.000100"))
    assert served.post(chatter, json_headers(chatter)).status_code == 200
    body = event_body(mention("What is an IAM role?", ts="1700000200.000200"))
    served.post(body, json_headers(body))
    fake_slack.wait_for(lambda: posts_in_thread(fake_slack, "1700000200.000200"))
    own = message("Here is the answer", ts="1700000200.000300", thread_ts="1700000200.000200")
    own.update(bot_id=BOT_ID, subtype="bot_message")
    own_body = event_body(own)
    assert served.post(own_body, json_headers(own_body)).status_code == 200
    settle(served.post, fake_slack)
    assert len(posts_in_thread(fake_slack, "1700000200.000200")) == 1
    assert len(fake_slack.of("chat.postMessage")) == 2  # that answer and the marker's


def test_a_retried_event_is_answered_once(served, fake_slack):
    body = event_body(mention("What is DynamoDB?", ts="1700000300.000100"), event_id="EvRETRY1")
    fake_slack.gate.clear()
    assert served.post(body, json_headers(body)).status_code == 200
    for retry in (1, 2):  # Slack retries the same event id with X-Slack-Retry-Num
        assert served.post(body, json_headers(body, retry=retry)).status_code == 200
    fake_slack.gate.set()
    fake_slack.wait_for(lambda: posts_in_thread(fake_slack, "1700000300.000100"))
    settle(served.post, fake_slack)
    assert len(posts_in_thread(fake_slack, "1700000300.000100")) == 1


def test_a_mention_inside_a_known_thread_is_answered_once(served, fake_slack):
    body = event_body(mention("What is Lambda?", ts="1700000400.000100"))
    served.post(body, json_headers(body))
    fake_slack.wait_for(lambda: posts_in_thread(fake_slack, "1700000400.000100"))
    # Slack sends both app_mention and message for a mention in a thread the bot is in.
    ts, root = "1700000400.000200", "1700000400.000100"
    for event in (
        mention("What about its timeout?", ts=ts, thread_ts=root),
        message("<@U0TUTOR> What about its timeout?", ts=ts, thread_ts=root),
    ):
        event_json = event_body(event)
        assert served.post(event_json, json_headers(event_json)).status_code == 200
    fake_slack.wait_for(lambda: len(posts_in_thread(fake_slack, root)) >= 2)
    settle(served.post, fake_slack)
    assert len(posts_in_thread(fake_slack, root)) == 2


def test_direct_messages_work_like_mentions(served, fake_slack):
    body = event_body(
        message("What is DynamoDB?", ts="1700000500.000100", channel="D0ALICE", channel_type="im")
    )
    assert served.post(body, json_headers(body)).status_code == 200
    post = fake_slack.wait_for(lambda: posts_in_thread(fake_slack, "1700000500.000100"))[0]
    assert post.data["channel"] == "D0ALICE"
    assert "DynamoDB" in texts(post)


def test_out_of_scope_question_gets_the_tutors_polite_decline(served, fake_slack, tutor):
    question = "What is a good recipe for Neapolitan pizza dough?"
    expected = tutor.ask(question)
    assert not expected.grounded  # the tutor declines; the bot must show that, not a guess
    body = command_body(question, fake_slack)
    assert served.post(body, signed(body)).status_code == 200
    post = fake_slack.wait_for(lambda: fake_slack.of("chat.postMessage"))[0]
    shown = texts(post)
    assert to_mrkdwn(expected.text)[:60] in shown
    assert "[1]" not in shown  # no citations for a decline


def test_without_access_to_the_channel_the_answer_goes_through_response_url(served, fake_slack):
    fake_slack.errors["chat.postMessage"] = "not_in_channel"
    body = command_body("What is DynamoDB?", fake_slack)
    assert served.post(body, signed(body)).status_code == 200
    reply = fake_slack.wait_for(lambda: fake_slack.of("response_url"))[0]
    assert reply.data["response_type"] == "in_channel"
    assert "DynamoDB" in texts(reply)
