"""`/tutor check QUESTION | ANSWER` and the quiz's flag button, through bolt's real signature check."""

from __future__ import annotations

from slack_fakes import FakeSlack, click_body, command_body, signed, texts

from api.slack.commands import CHECK_USAGE, parse_command


def test_check_command_parsing():
    parsed = parse_command("check How long are RDS backups kept? | 30 days")
    assert parsed.kind == "check"
    assert parsed.check_parts() == ("How long are RDS backups kept?", "30 days")
    assert parse_command("check no bar here").reply() == CHECK_USAGE
    assert parse_command("check | answer only").reply() == CHECK_USAGE
    assert parse_command("check What is S3? |").check_parts() == ("What is S3?", "")


def test_check_answers_privately_with_the_verdict_and_the_notes(served, fake_slack: FakeSlack):
    body = command_body("check How long does RDS keep backups by default? | 30 days", fake_slack)
    assert served.post(body, signed(body)).status_code == 200
    reply = fake_slack.wait_for(lambda: fake_slack.of("response_url"))[0]
    assert reply.data["response_type"] == "ephemeral"
    shown = texts(reply)
    assert "Incorrect" in shown and "The notes say" in shown and "7 day" in shown
    assert fake_slack.of("chat.postMessage") == []  # nothing public


def test_the_flag_button_flags_the_item_for_the_owner(served, fake_slack: FakeSlack, tutor):
    body = command_body("quiz S3", fake_slack)
    assert served.post(body, signed(body)).status_code == 200
    post = fake_slack.wait_for(lambda: fake_slack.of("chat.postMessage"))[0]
    flag_block = next(b for b in post.data["blocks"] if b.get("block_id", "").startswith("flag:"))
    click = click_body([flag_block], "Flag a bad question", fake_slack, message_ts=post.reply["ts"])
    assert served.post(click, signed(click)).status_code == 200
    told = fake_slack.wait_for(lambda: fake_slack.of("response_url"))[0]
    assert told.data["response_type"] == "ephemeral" and "flagged" in told.data["text"]
    quiz_id = flag_block["block_id"].removeprefix("flag:")
    assert quiz_id in {f.quiz_id for f in tutor.flags()}
