"""The web chat in Debian's Chromium (driven by Playwright) against a real uvicorn.

Chromium comes from apt (`apt-get install -y chromium`, done by .ci/run); Playwright's own browser
download is never used. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        "install Chromium: apt-get update && apt-get install -y chromium"
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, server_url):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.set_default_timeout(60_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server_url)
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate(
        "window.scrollTo(0, 0)"
    )  # sticky header and composer sit right in full-page shots
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_ask_streams_an_answer_with_a_citation_that_opens(page):
    from playwright.sync_api import expect

    expect(page.locator("#welcome")).to_be_visible()
    shot(page, "welcome.png")
    page.fill("#question", "How does S3 versioning work?")
    with page.expect_response("**/v1/chat/stream") as streamed:
        page.press("#question", "Enter")
    body = streamed.value.text()
    assert body.count("event: delta") > 1 and body.count("event: answer") == 1

    answer = page.locator(".msg.tutor").last
    expect(answer.locator(".sources .source-link").first).to_be_visible()
    expect(answer.locator(".bubble")).to_contain_text("ersion")
    expect(answer.locator(".bubble")).not_to_have_class(re.compile("typing"))
    section = answer.locator(".source-link").first.locator("span").nth(1).inner_text()

    answer.locator(".bubble .cite").first.click()
    dialog = page.locator("#source-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#source-section")).to_have_text(section)
    expect(page.locator("#source-text")).not_to_be_empty()
    shot(page, "chat-citation.png")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    shot(page, "chat.png")

    # The session and the conversation survive a reload (localStorage).
    session = page.evaluate("localStorage.getItem('notes-tutor.session')")
    page.reload()
    expect(page.locator(".msg.tutor .source-link").first).to_be_visible()
    assert page.evaluate("localStorage.getItem('notes-tutor.session')") == session


def test_the_notes_lists_show_as_lists_with_their_citations(page):
    from playwright.sync_api import expect

    page.fill("#question", "what is appsync actually for?")
    page.press("#question", "Enter")
    answer = page.locator(".msg.tutor").last
    expect(answer.locator(".sources .source-link").first).to_be_visible()
    expect(answer.locator(".bubble ul.answer-list li").nth(2)).to_be_visible()
    expect(answer.locator(".bubble ul.answer-list")).to_contain_text("Real time chat applications")
    expect(answer.locator(".bubble .cite").first).to_be_visible()


def test_quiz_answer_shows_feedback_and_the_section_to_reread(page):
    from playwright.sync_api import expect

    page.click("#tab-quiz")
    expect(page.locator("#quiz-topic option")).not_to_have_count(1)  # topics loaded
    page.click("#quiz-new")
    choices = page.locator(".choice")
    expect(choices.first).to_be_visible()
    assert choices.count() >= 2
    page.click("#quiz-hint")
    expect(page.locator("#quiz-hints li")).to_have_count(1)
    page.keyboard.press("b")  # keyboard answering: letters pick choices
    picks = page.locator("#quiz-submit-picks")  # rendered with the choices, for "Select TWO"
    several = picks.count() > 0  # the quiz picks at random; either kind is answered by keys
    if several:
        page.keyboard.press("c")
        picks.click()
    feedback = page.locator("#quiz-feedback")
    expect(feedback).to_be_visible()
    expect(feedback).to_contain_text("Reread")
    expect(page.locator(".choice.right")).to_have_count(2 if several else 1)
    shot(page, "quiz.png")
    feedback.get_by_role("button", name=re.compile("^Reread: ")).click()
    expect(page.locator("#source-dialog")).to_be_visible()
    page.keyboard.press("Escape")

    # A free-text question is answered in the text box.
    page.select_option("#quiz-kind", "open")
    page.click("#quiz-new")
    expect(page.locator("#quiz-answer")).to_be_visible()
    page.fill("#quiz-answer", "It keeps every version of an object.")
    page.click("#quiz-open button[type=submit]")
    expect(feedback).to_be_visible()

    page.click("#tab-progress")
    expect(page.locator("#progress-table tbody tr").first).to_be_visible()
    shot(page, "progress.png")


def test_declines_and_an_unreachable_server_are_explained(page):
    from playwright.sync_api import expect

    page.fill("#question", "What is the capital of France?")
    page.press("#question", "Enter")
    declined = page.locator(".msg.declined")
    expect(declined).to_be_visible()
    expect(declined).to_contain_text("do not cover")  # the tutor's own decline, shown as such
    expect(declined.locator(".note .chip").first).to_be_visible()  # nearest topics to ask about

    page.route("**/v1/chat/stream", lambda route: route.abort("connectionrefused"))
    page.fill("#question", "What is IAM?")
    page.press("#question", "Enter")
    failed = page.locator(".msg.error").last
    expect(failed).to_contain_text("Can't reach the tutor server")
    expect(failed.locator(".bubble")).not_to_have_class(re.compile("typing"))
    expect(page.locator("#banner")).to_be_visible()
    shot(page, "decline-and-offline.png")
    page.unroute("**/v1/chat/stream")


def test_phone_width_is_usable(browser, server_url):
    from playwright.sync_api import expect

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, color_scheme="dark"
    )
    page = context.new_page()
    page.goto(server_url)
    page.fill("#question", "What are EBS volume types?")
    page.click("#ask-button")
    expect(page.locator(".msg.tutor .source-link").first).to_be_visible(timeout=60_000)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "nothing overflows sideways at phone width"
    shot(page, "phone-dark.png")
    context.close()
