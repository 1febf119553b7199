"""`/tutor test [n]`: a practice test in a thread; each click is graded, the last one scores it."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlencode

from slack_fakes import (
    CHANNEL,
    USER,
    click_body,
    command_body,
    posts_in_thread,
    signed,
    texts,
)

from api.slack import blocks as ui
from api.slack.commands import parse_command
from tutor.types import QuizItem


def answer_a(blocks: list[dict], fake, *, message_ts: str) -> str:
    """Click A; on a "Select TWO" item tick A and B, then click Submit (the form state rides
    along in the payload, as Slack sends it)."""
    actions = next(b for b in blocks if b["type"] == "actions")
    if actions["elements"][0]["type"] != "checkboxes":
        return click_body(blocks, "A", fake, message_ts=message_ts)
    body = parse_qs(click_body(blocks, "Submit", fake, message_ts=message_ts))
    payload = json.loads(body["payload"][0])
    ticked = [{"value": "A"}, {"value": "B"}]
    payload["state"] = {
        "values": {actions["block_id"]: {ui.TEST_PICK_ACTION: {"selected_options": ticked}}}
    }
    return urlencode({"payload": json.dumps(payload)})


def test_a_practice_test_in_a_thread_grades_each_click_and_posts_the_score(served, fake_slack):
    body = command_body("test 5", fake_slack)
    assert served.post(body, signed(body)).status_code == 200
    posts = fake_slack.wait_for(
        lambda: (p := fake_slack.of("chat.postMessage")) and len(p) >= 6 and p
    )
    header, items = posts[0], posts[1:6]
    root = header.reply["ts"]
    assert header.data["channel"] == CHANNEL and "Practice test" in texts(header)
    assert "5 questions" in texts(header) and "pass mark 72%" in texts(header)
    assert all(p.data["thread_ts"] == root for p in items)
    assert "Question 1/5" in texts(items[0]) and "Question 5/5" in texts(items[4])

    for n, item in enumerate(items, 1):
        blocks = item.data["blocks"]
        blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
        click = answer_a(blocks, fake_slack, message_ts=item.reply["ts"])
        assert served.post(click, signed(click)).status_code == 200
        fake_slack.wait_for(lambda n=n: len(posts_in_thread(fake_slack, root)) >= 5 + n)

    score = fake_slack.wait_for(
        lambda: [p for p in posts_in_thread(fake_slack, root) if "pass mark" in texts(p)]
    )[0]
    thread = posts_in_thread(fake_slack, root)
    grades = [p for p in thread if "Reread" in texts(p)]
    assert len(grades) == 5 and all(f"<@{USER}>" in texts(g) for g in grades)
    right = sum("Correct" in texts(g) for g in grades)
    assert f"{right}/5" in texts(score) and "By topic" in texts(score)
    assert len(fake_slack.of("chat.update")) == 5  # each question's buttons are closed


def test_bad_sizes_get_the_usage_privately(served, fake_slack):
    assert parse_command("test").count == 5 and parse_command("test 8").count == 8
    assert parse_command("test 50").count is None and parse_command("test x").count is None
    body = command_body("test 50", fake_slack)
    response = served.post(body, signed(body))
    assert response.status_code == 200 and "5 to 10 questions" in response.text
    assert fake_slack.of("chat.postMessage") == []


def test_a_select_two_item_has_checkboxes_and_a_submit_button():
    item = QuizItem(
        id="z1",
        kind="mcq",
        question="Which TWO?",
        choices=["a", "b", "c", "d", "e"],
        section="S3 > Versioning",
        topic="S3",
        select=2,
    )
    blocks = ui.test_item_blocks("t1", 1, 5, item, "123.4")
    actions = next(b for b in blocks if b["type"] == "actions")
    boxes, submit = actions["elements"]
    assert boxes["type"] == "checkboxes" and len(boxes["options"]) == 5
    assert ui.parse_test_value(submit["value"]) == ("t1", "z1", None, "123.4")
    state = {
        actions["block_id"]: {
            ui.TEST_PICK_ACTION: {"selected_options": [{"value": "C"}, {"value": "A"}]}
        }
    }
    assert ui.checked_letters({"state": {"values": state}}, "z1") == ["A", "C"]
    assert "Select 2" in json.dumps(blocks)
