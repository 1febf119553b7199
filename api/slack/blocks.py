"""Block Kit views of the Tutor's answers, quizzes, grades and progress (pure functions, no I/O)."""

from __future__ import annotations

import json
import re
from typing import Any

from tutor.practice import PracticeResult, PracticeTest
from tutor.types import Answer, Check, Citation, Grade, Progress, QuizItem

Block = dict[str, Any]

# Slack's limits: a section's text holds 3000 characters, a context block 10 elements.
SECTION_MAX = 3000
CONTEXT_MAX = 10
LETTERS = "ABCDEFGHIJ"
QUIZ_ACTION_PREFIX = "quiz_answer_"
TEST_ACTION_PREFIX = "test_answer_"
TEST_PICK_ACTION = "test_pick"
FLAG = "flag"  # the flag button's "answer": flags the item instead of grading it

HELP_TEXT = (
    "*Notes Tutor* answers from your study notes, with citations.\n"
    "• `/tutor <question>`: an answer with the sections it comes from\n"
    "• `/tutor quiz [topic]`: a multiple-choice question; click an answer or reply in the thread\n"
    "• `/tutor test [n]`: a short practice test (5 to 10 questions) in a thread, then your score\n"
    "• `/tutor progress`: your weak topics and what is due for review (only you see it)\n"
    "• `/tutor check QUESTION | ANSWER`: is your answer right, by the notes? (only you see it)\n"
    "• `/tutor help`: this message\n"
    "Mention me in a channel or send me a direct message to ask; I answer in a thread, "
    "and follow-ups in that thread keep the conversation."
)


def escape(text: str) -> str:
    """Slack treats &, < and > as control characters in mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(text: str) -> str:
    """Markdown from the tutor to Slack mrkdwn: **bold** -> *bold*, # headings -> bold lines."""
    text = escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"*\1*", text)
    return re.sub(r"(?m)^#{1,6}\s+(.+)$", r"*\1*", text)


def _clip(text: str, limit: int = SECTION_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _clip(text)}}


def context(*texts: str) -> Block:
    elements = [{"type": "mrkdwn", "text": _clip(t, 2000)} for t in texts[:CONTEXT_MAX]]
    return {"type": "context", "elements": elements}


def citation_line(citation: Citation) -> str:
    return f"[{citation.n}] *{escape(citation.section)}* · {escape(citation.source)}"


def citation_blocks(citations: list[Citation]) -> list[Block]:
    """One context block per cited section, so each reads as a small footnote."""
    return [context(citation_line(c)) for c in citations[:CONTEXT_MAX]]


def answer_blocks(
    answer: Answer, *, question: str | None = None, asker: str | None = None
) -> list[Block]:
    blocks: list[Block] = []
    if question:
        who = f"<@{asker}> asked" if asker else "Question"
        blocks.append(context(f"{who}: {escape(question)}"))
    blocks.append(section(to_mrkdwn(answer.text) or "_I have nothing to say about that._"))
    if answer.grounded:
        blocks.extend(citation_blocks(answer.citations))
    elif answer.nearest_topics:
        topics = ", ".join(escape(t) for t in answer.nearest_topics[:8])
        blocks.append(context(f"Topics I can help with: {topics}"))
    if answer.degraded:
        blocks.append(
            context("_The language model did not answer in time; this is the offline answer._")
        )
    return blocks


def answer_text(answer: Answer) -> str:
    """Plain fallback for notifications and clients that do not render blocks."""
    return _clip(answer.text or "No answer.", 3000)


def quiz_value(quiz_id: str, letter: str) -> str:
    return json.dumps({"quiz_id": quiz_id, "answer": letter})


def parse_quiz_value(value: str) -> tuple[str, str] | None:
    try:
        data = json.loads(value)
        return str(data["quiz_id"]), str(data["answer"])
    except (ValueError, TypeError, KeyError):
        return None


def quiz_blocks(item: QuizItem, *, asker: str | None = None) -> list[Block]:
    choices = item.choices or []
    lines = [f"*{LETTERS[i]}.* {escape(c)}" for i, c in enumerate(choices[: len(LETTERS)])]
    topic = escape(item.topic or item.section.split(" > ")[0])  # the service, as the web shows
    header = f"Quiz for <@{asker}> · {topic}" if asker else f"Quiz · {topic}"
    blocks: list[Block] = [
        context(header),
        section(f"*{escape(item.question)}*\n" + "\n".join(lines)),
    ]
    several = item.select > 1  # "Select TWO": one click can't answer it; the letters in a reply do
    if choices and not several:
        buttons = [
            {
                "type": "button",
                "action_id": f"{QUIZ_ACTION_PREFIX}{LETTERS[i]}",
                "text": {"type": "plain_text", "text": LETTERS[i]},
                "value": quiz_value(item.id, LETTERS[i]),
            }
            for i in range(len(lines))
        ]
        blocks.append({"type": "actions", "block_id": f"quiz:{item.id}"[:255], "elements": buttons})
    flag = {
        "type": "button",
        "action_id": f"{QUIZ_ACTION_PREFIX}{FLAG}",
        "text": {"type": "plain_text", "text": "Flag a bad question"},
        "value": quiz_value(item.id, FLAG),
    }
    blocks.append({"type": "actions", "block_id": f"flag:{item.id}"[:255], "elements": [flag]})
    how = (
        f"Select {item.select}: reply in this thread with the letters, e.g. `A, C`."
        if several
        else "Click an answer, or reply in this thread in your own words."
    )
    blocks.append(context(how))
    return blocks


def answered_quiz_blocks(blocks: list[Block], letter: str, user: str | None = None) -> list[Block]:
    """The quiz message once graded: its buttons and the how-to-answer line give way to who
    answered what, so nobody clicks a finished quiz."""
    kept = [b for b in blocks if b.get("type") != "actions"]
    if kept and kept[-1].get("type") == "context":
        kept = kept[:-1]
    who = f"<@{user}> answered *{letter}*" if user else f"Answered *{letter}*"
    return [*kept, context(f"{who} · graded in the thread")]


def quiz_text(item: QuizItem) -> str:
    return _clip(f"Quiz: {item.question}", 3000)


def grade_blocks(grade: Grade, *, user: str | None = None) -> list[Block]:
    who = f", <@{user}>" if user else ""
    verdict = (
        f":white_check_mark: Correct{who}!"
        if grade.correct
        else f":grey_question: Not sure{who}: compare with the notes and rate yourself."
        if grade.verdict == "unsure"
        else f":x: Not quite{who}."
    )
    blocks: list[Block] = [
        section(f"{verdict}\n{to_mrkdwn(grade.feedback)}"),
        section(f"*Answer:* {to_mrkdwn(grade.reference_answer)}"),
        context(f":books: Reread *{escape(grade.section)}*"),
    ]
    blocks.extend(citation_blocks(grade.citations))
    return blocks


def grade_text(grade: Grade) -> str:
    verdict = "Correct" if grade.correct else "Not quite"
    return _clip(f"{verdict}. Answer: {grade.reference_answer}. Reread {grade.section}.")


def progress_blocks(progress: Progress) -> list[Block]:
    if not progress.topics and not progress.due:
        return [section("No quiz answers yet. Try `/tutor quiz` to start.")]
    blocks: list[Block] = []
    weak = progress.weakest or [
        t.topic for t in sorted(progress.topics, key=lambda t: t.mastery)[:3]
    ]
    by_topic = {t.topic: t for t in progress.topics}
    lines = []
    for name in weak[:8]:
        t = by_topic.get(name)
        detail = f" · {t.correct}/{t.attempts} right, mastery {t.mastery:.0%}" if t else ""
        lines.append(f"• *{escape(name)}*{detail}")
    blocks.append(section("*Weak topics*\n" + ("\n".join(lines) or "_none yet_")))
    due = [f"• {escape(d.question)} _({escape(d.topic)})_" for d in progress.due[:10]]
    blocks.append(
        section(f"*Due for review ({len(progress.due)})*\n" + ("\n".join(due) or "_nothing due_"))
    )
    return blocks


def progress_text(progress: Progress) -> str:
    weak = ", ".join(progress.weakest) or "none yet"
    return f"Weak topics: {weak}. Due for review: {len(progress.due)}."


# -- practice tests -------------------------------------------------------------------------------


def test_value(test_id: str, quiz_id: str, answer: str | None, thread_ts: str) -> str:
    return json.dumps(
        {"test_id": test_id, "quiz_id": quiz_id, "answer": answer, "thread": thread_ts}
    )


def parse_test_value(value: str) -> tuple[str, str, str | None, str] | None:
    try:
        data = json.loads(value)
        answer = data.get("answer")
        return str(data["test_id"]), str(data["quiz_id"]), answer, str(data["thread"])
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def checked_letters(body: dict[str, Any], quiz_id: str) -> list[str]:
    """The options ticked in a "Select TWO" item's checkboxes, from the click's form state."""
    values = ((body.get("state") or {}).get("values") or {}).get(f"test:{quiz_id}"[:255]) or {}
    picked = (values.get(TEST_PICK_ACTION) or {}).get("selected_options") or []
    return sorted(str(o.get("value")) for o in picked)


def test_header_blocks(test: PracticeTest, *, asker: str | None = None) -> list[Block]:
    who = f" for <@{asker}>" if asker else ""
    return [
        section(
            f"*Practice test{who}* · {len(test.items)} questions · "
            f"pass mark {test.pass_mark:.0%}\nAnswer each question in this thread; "
            "you get feedback after each one and your score after the last."
        )
    ]


def test_header_text(test: PracticeTest) -> str:
    return f"Practice test: {len(test.items)} questions, pass mark {test.pass_mark:.0%}."


def test_item_blocks(
    test_id: str, n: int, total: int, item: QuizItem, thread_ts: str
) -> list[Block]:
    choices = (item.choices or [])[: len(LETTERS)]
    lines = [f"*{LETTERS[i]}.* {escape(c)}" for i, c in enumerate(choices)]
    select = f" _(Select {item.select}.)_" if item.select > 1 else ""
    blocks: list[Block] = [
        context(f"Question {n}/{total} · {escape(item.topic or item.section)}"),
        section(f"*{escape(item.question)}*{select}\n" + "\n".join(lines)),
    ]
    block_id = f"test:{item.id}"[:255]
    if item.select > 1:
        options = [
            {"text": {"type": "mrkdwn", "text": f"*{LETTERS[i]}*"}, "value": LETTERS[i]}
            for i in range(len(choices))
        ]
        submit = {
            "type": "button",
            "action_id": f"{TEST_ACTION_PREFIX}submit",
            "text": {"type": "plain_text", "text": "Submit"},
            "value": test_value(test_id, item.id, None, thread_ts),
        }
        elements = [{"type": "checkboxes", "action_id": TEST_PICK_ACTION, "options": options}]
        blocks.append({"type": "actions", "block_id": block_id, "elements": [*elements, submit]})
        blocks.append(context(f"Tick {item.select} options, then Submit."))
        return blocks
    buttons = [
        {
            "type": "button",
            "action_id": f"{TEST_ACTION_PREFIX}{LETTERS[i]}",
            "text": {"type": "plain_text", "text": LETTERS[i]},
            "value": test_value(test_id, item.id, LETTERS[i], thread_ts),
        }
        for i in range(len(choices))
    ]
    blocks.append({"type": "actions", "block_id": block_id, "elements": buttons})
    blocks.append(context("Click an answer."))
    return blocks


def test_result_blocks(result: PracticeResult) -> list[Block]:
    verdict = ":tada: *Passed*" if result.passed else ":books: *Not passed yet*"
    lines = [
        f"• {escape(t.topic)}: {t.correct}/{t.total}"
        for t in sorted(result.by_topic, key=lambda t: t.correct / t.total)
    ]
    wrong = sum(not e.correct for e in result.review)
    return [
        section(
            f"{verdict}: {result.correct}/{result.total} = {result.score:.0%} "
            f"(pass mark {result.pass_mark:.0%})"
        ),
        section("*By topic*\n" + "\n".join(lines)),
        context(
            f"{wrong} to review: `/tutor test` again, or retry them on the web page."
            if wrong
            else "Every answer right."
        ),
    ]


def test_result_text(result: PracticeResult) -> str:
    return f"Test score {result.correct}/{result.total} ({result.score:.0%})."


def check_blocks(result: Check, *, question: str, answer: str) -> list[Block]:
    """`/tutor check`: the verdict, why, and what the notes say."""
    icon = {"correct": ":white_check_mark:", "incorrect": ":x:", "unsure": ":grey_question:"}
    blocks: list[Block] = [
        context(f"*Q:* {escape(question)} · *Your answer:* {escape(answer) or '(empty)'}"),
        section(
            f"{icon[result.verdict]} *{result.verdict.capitalize()}.* {to_mrkdwn(result.feedback)}"
        ),
    ]
    if result.reference_answer:
        blocks.append(section(f"*The notes say:* {to_mrkdwn(result.reference_answer)}"))
    blocks.extend(citation_blocks(result.citations))
    return blocks


def check_text(result: Check) -> str:
    return _clip(f"{result.verdict.capitalize()}. {result.feedback}")
