"""Listeners: ack at once (Slack's 3-second rule), then call the Tutor in lazy listeners.

Sessions: a thread is a conversation (`slack:<channel>:<thread_ts>`); quizzes and progress
belong to the user (`slack:<team>:<user>`), so `/tutor progress` sums up every quiz they took.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from api.slack import blocks as ui
from api.slack.commands import parse_command, strip_mentions
from api.slack.memory import SlackMemory
from tutor.errors import Conflict, TutorError
from tutor.service import Tutor

log = logging.getLogger(__name__)
SORRY = "Sorry, something went wrong on my side; please try again in a moment."
# Message subtypes that are people writing; edits, joins and bot posts are not questions.
HUMAN_SUBTYPES = (None, "thread_broadcast", "file_share")


def user_session(team_id: str | None, user_id: str) -> str:
    return f"slack:{team_id or '-'}:{user_id}"


def thread_session(channel: str, thread_ts: str) -> str:
    return f"slack:{channel}:{thread_ts}"


class SlackBot:
    """The Tutor behind Slack; `register` wires its listeners into a bolt AsyncApp."""

    def __init__(self, tutor: Tutor, memory: SlackMemory | None = None) -> None:
        self.tutor = tutor
        self.memory = memory or SlackMemory()

    def register(self, app: AsyncApp) -> None:
        app.command("/tutor")(ack=self.ack_command, lazy=[self.run_command])
        app.event("app_mention")(ack=self.ack_message, lazy=[self.run_message])
        app.event("message")(ack=self.ack_message, lazy=[self.run_message])
        app.action(re.compile(f"^{ui.QUIZ_ACTION_PREFIX}"))(
            ack=self.ack_action, lazy=[self.run_action]
        )
        app.action(re.compile(f"^{ui.TEST_ACTION_PREFIX}"))(
            ack=self.ack_action, lazy=[self.run_test_action]
        )
        app.action(ui.TEST_PICK_ACTION)(self.ack_action)  # ticking a box: read at Submit

    async def _call(self, fn, *args, **kwargs):
        # The Tutor is synchronous (model, Chroma, SQL): keep it off the event loop.
        return await asyncio.to_thread(fn, *args, **kwargs)

    # -- /tutor ----------------------------------------------------------------------------------

    async def ack_command(self, ack, command: dict[str, Any]) -> None:
        parsed = parse_command(command.get("text"))
        if parsed.kind == "help":
            await ack(
                text=ui.HELP_TEXT, blocks=[ui.section(ui.HELP_TEXT)], response_type="ephemeral"
            )
        elif (reply := parsed.reply()) is not None:
            await ack(text=reply, response_type="ephemeral")
        else:
            await ack()

    async def run_command(self, command: dict[str, Any], client: AsyncWebClient, respond) -> None:
        parsed = parse_command(command.get("text"))
        channel, user = command.get("channel_id", ""), command.get("user_id", "")
        try:
            if parsed.kind == "ask":
                await self._answer_command(parsed.arg, channel, user, client, respond)
            elif parsed.kind == "quiz":
                await self._quiz_command(parsed.arg or None, command, client, respond)
            elif parsed.kind == "test" and parsed.count is not None:  # else: usage, in the ack
                await self._test_command(parsed.count, command, client, respond)
            elif parsed.kind == "check" and (parts := parsed.check_parts()) is not None:
                result = await self._call(self.tutor.check, parts[0], parts[1])
                await respond(
                    text=ui.check_text(result),
                    blocks=ui.check_blocks(result, question=parts[0], answer=parts[1]),
                    response_type="ephemeral",
                )
            elif parsed.kind == "progress":
                progress = await self._call(
                    self.tutor.progress, user_session(command.get("team_id"), user)
                )
                await respond(
                    text=ui.progress_text(progress),
                    blocks=ui.progress_blocks(progress),
                    response_type="ephemeral",
                )
        except TutorError as exc:
            await respond(text=str(exc), response_type="ephemeral", replace_original=False)
        except Exception:
            log.exception("/tutor %s failed", parsed.kind)
            await respond(text=SORRY, response_type="ephemeral", replace_original=False)

    async def _answer_command(
        self, question: str, channel: str, user: str, client: AsyncWebClient, respond
    ) -> None:
        session = f"slack:{channel}:{uuid.uuid4().hex}"
        answer = await self._call(self.tutor.ask, question, session_id=session)
        blocks = ui.answer_blocks(answer, question=question, asker=user)
        ts = await self._post(
            client, respond, channel=channel, blocks=blocks, text=ui.answer_text(answer)
        )
        if ts:  # the answer's thread continues this conversation
            self.memory.remember_thread(channel, ts, answer.session_id or session)

    async def _quiz_command(
        self, topic: str | None, command: dict[str, Any], client: AsyncWebClient, respond
    ) -> None:
        channel, user = command.get("channel_id", ""), command.get("user_id", "")
        session = user_session(command.get("team_id"), user)
        item = await self._call(self.tutor.quiz, session, topic=topic, kind="mcq")
        ts = await self._post(
            client,
            respond,
            channel=channel,
            blocks=ui.quiz_blocks(item, asker=user),
            text=ui.quiz_text(item),
        )
        if ts:  # replies in the quiz's thread answer it; later ones are a conversation there
            self.memory.remember_thread(channel, ts, thread_session(channel, ts), open_quiz=item.id)

    async def _test_command(
        self, n: int, command: dict[str, Any], client: AsyncWebClient, respond
    ) -> None:
        """A practice-mode test: a header in the channel, then each question in its thread."""
        channel, user = command.get("channel_id", ""), command.get("user_id", "")
        session = user_session(command.get("team_id"), user)
        test = await self._call(self.tutor.start_test, session, n=n, mode="practice")
        header = ui.test_header_blocks(test, asker=user)
        ts = await self._post(
            client, respond, channel=channel, blocks=header, text=ui.test_header_text(test)
        )
        for i, item in enumerate(test.items, 1):
            blocks = ui.test_item_blocks(test.id, i, len(test.items), item, ts or "")
            if ts:
                await client.chat_postMessage(
                    channel=channel, thread_ts=ts, blocks=blocks, text=ui.quiz_text(item)
                )
            else:  # no access to the channel: the questions come through the response_url
                await respond(text=ui.quiz_text(item), blocks=blocks, response_type="in_channel")

    async def _post(
        self, client: AsyncWebClient, respond, *, channel: str, blocks: list, text: str
    ) -> str | None:
        """Post in the channel so the message can start a thread; without access, answer
        through the command's response_url instead (no thread then)."""
        try:
            result = await client.chat_postMessage(channel=channel, blocks=blocks, text=text)
            return result.get("ts")
        except SlackApiError as exc:
            if exc.response.get("error") not in ("not_in_channel", "channel_not_found"):
                raise
        await respond(text=text, blocks=blocks, response_type="in_channel")
        return None

    # -- mentions, DMs and thread replies ---------------------------------------------------------

    def _wanted(self, body: dict[str, Any]) -> bool:
        """Whether this event is a person talking to the bot (decided once, in the ack)."""
        event = body.get("event") or {}
        if event.get("bot_id") or event.get("subtype") not in HUMAN_SUBTYPES:
            return False
        channel, ts = event.get("channel"), event.get("ts")
        if not channel or not ts or not event.get("user"):
            return False
        if event.get("type") == "message" and event.get("channel_type") != "im":
            thread_ts = event.get("thread_ts")
            if not thread_ts or self.memory.thread(channel, thread_ts) is None:
                return False  # channel chatter, or a thread the bot is not part of
        return self.memory.claim_message(channel, ts, body.get("event_id") or ts)

    async def ack_message(self, ack, body: dict[str, Any]) -> None:
        self._wanted(body)  # claims the message now, so a duplicate event finds it taken
        await ack()

    async def run_message(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        event = body.get("event") or {}
        channel, ts, user = event.get("channel", ""), event.get("ts", ""), event.get("user", "")
        if not self.memory.owns_message(channel, ts, body.get("event_id") or ts):
            return
        thread_ts = event.get("thread_ts") or ts
        info = self.memory.thread(channel, thread_ts)
        text = strip_mentions(event.get("text"))
        try:
            if info is not None and info.open_quiz and text:
                grade = await self._call(self.tutor.grade, info.open_quiz, text)
                self.memory.close_quiz(channel, thread_ts)
                await client.chat_postMessage(
                    channel=channel,
                    thread_ts=thread_ts,
                    blocks=ui.grade_blocks(grade, user=user),
                    text=ui.grade_text(grade),
                )
                return
            if not text:
                await client.chat_postEphemeral(
                    channel=channel,
                    user=user,
                    thread_ts=thread_ts,
                    text=parse_command("").reply() or ui.HELP_TEXT,
                )
                return
            session = info.session_id if info else thread_session(channel, thread_ts)
            answer = await self._call(self.tutor.ask, text, session_id=session)
            self.memory.remember_thread(channel, thread_ts, session)
            await client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                blocks=ui.answer_blocks(answer),
                text=ui.answer_text(answer),
            )
        except TutorError as exc:
            await self._tell(client, channel, user, thread_ts, str(exc))
        except Exception:
            log.exception("answering a Slack message failed")
            await self._tell(client, channel, user, thread_ts, SORRY)

    async def _tell(
        self, client: AsyncWebClient, channel: str, user: str, thread_ts: str, text: str
    ) -> None:
        try:
            await client.chat_postEphemeral(
                channel=channel, user=user, thread_ts=thread_ts, text=text
            )
        except SlackApiError as exc:
            log.warning("could not tell the user: %s", exc.response.get("error"))

    # -- quiz buttons -----------------------------------------------------------------------------

    async def ack_action(self, ack) -> None:
        await ack()

    async def run_action(self, body: dict[str, Any], client: AsyncWebClient, respond) -> None:
        actions = body.get("actions") or [{}]
        parsed = ui.parse_quiz_value(str(actions[0].get("value", "")))
        container = body.get("container") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id", "")
        thread_ts = (body.get("message") or {}).get("ts") or container.get("message_ts", "")
        user = (body.get("user") or {}).get("id", "")
        if parsed is None:
            await respond(
                text="That button is not a quiz answer I know.",
                response_type="ephemeral",
                replace_original=False,
            )
            return
        quiz_id, letter = parsed
        if letter == ui.FLAG:
            await self._flag(quiz_id, respond)
            return
        try:
            grade = await self._call(self.tutor.grade, quiz_id, letter)
            self.memory.close_quiz(channel, thread_ts)
            blocks, text = ui.grade_blocks(grade, user=user), ui.grade_text(grade)
            try:
                await client.chat_postMessage(
                    channel=channel, thread_ts=thread_ts, blocks=blocks, text=text
                )
            except SlackApiError:
                await respond(
                    text=text, blocks=blocks, replace_original=False, response_type="in_channel"
                )
            await self._close_buttons(client, body, channel, thread_ts, letter, user)
        except TutorError as exc:
            await respond(text=str(exc), response_type="ephemeral", replace_original=False)
        except Exception:
            log.exception("grading a quiz click failed")
            await respond(text=SORRY, response_type="ephemeral", replace_original=False)

    async def _flag(self, quiz_id: str, respond) -> None:
        try:
            await self._call(self.tutor.flag, quiz_id, "flagged in Slack")
            text = "Thanks: the question is flagged, and you won't get it again."
        except TutorError as exc:
            text = str(exc)
        await respond(text=text, response_type="ephemeral", replace_original=False)

    async def _close_buttons(
        self,
        client: AsyncWebClient,
        body: dict[str, Any],
        channel: str,
        ts: str,
        letter: str,
        user: str,
    ) -> None:
        original = (body.get("message") or {}).get("blocks")
        if not original or not ts:
            return
        try:
            await client.chat_update(
                channel=channel,
                ts=ts,
                blocks=ui.answered_quiz_blocks(original, letter, user),
                text=f"Quiz answered: {letter}",
            )
        except SlackApiError as exc:  # the grade is posted; stale buttons only say "finished"
            log.warning("could not close the quiz buttons: %s", exc.response.get("error"))

    # -- practice test buttons --------------------------------------------------------------------

    async def run_test_action(self, body: dict[str, Any], client: AsyncWebClient, respond) -> None:
        actions = body.get("actions") or [{}]
        parsed = ui.parse_test_value(str(actions[0].get("value", "")))
        if parsed is None:
            await respond(
                text="That button is not a test answer I know.",
                response_type="ephemeral",
                replace_original=False,
            )
            return
        test_id, quiz_id, letter, thread_ts = parsed
        answer: str | list[str] = letter or ui.checked_letters(body, quiz_id)
        container = body.get("container") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id", "")
        message_ts = (body.get("message") or {}).get("ts") or container.get("message_ts", "")
        user = (body.get("user") or {}).get("id", "")
        if not answer:
            await respond(
                text="Tick the options first, then Submit.",
                response_type="ephemeral",
                replace_original=False,
            )
            return
        try:
            answered = await self._call(self.tutor.test_answer, test_id, quiz_id, answer)
            grade = answered.grade
            blocks = ui.grade_blocks(grade, user=user)
            if grade.explanation:
                blocks.append(ui.section(ui.to_mrkdwn(grade.explanation)))
            thread = thread_ts or message_ts
            await client.chat_postMessage(
                channel=channel, thread_ts=thread, blocks=blocks, text=ui.grade_text(grade)
            )
            shown = letter or ", ".join(answer)
            await self._close_buttons(client, body, channel, message_ts, shown, user)
            await self._finish_test(client, channel, thread, test_id)
        except TutorError as exc:
            await respond(text=str(exc), response_type="ephemeral", replace_original=False)
        except Exception:
            log.exception("grading a test click failed")
            await respond(text=SORRY, response_type="ephemeral", replace_original=False)

    async def _finish_test(
        self, client: AsyncWebClient, channel: str, thread: str, test_id: str
    ) -> None:
        """Once every question is answered, submit and post the score in the thread."""
        test = await self._call(self.tutor.get_test, test_id)
        if test.result is not None or len(test.answers) < len(test.items):
            return
        try:
            result = await self._call(self.tutor.submit_test, test_id)
        except Conflict:  # another click finished it first; it posts the score
            return
        await client.chat_postMessage(
            channel=channel,
            thread_ts=thread,
            blocks=ui.test_result_blocks(result),
            text=ui.test_result_text(result),
        )
