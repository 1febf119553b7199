"""A whole exam-mode practice test in Debian's Chromium (Playwright) against a real uvicorn:
answer, flag, submit, the result with its chart and review filters, retry the wrong ones, and
the Progress page's charts. The result screen's screenshot is kept in test-artifacts/."""

from __future__ import annotations

import re
import uuid

import pytest
from test_web_chat_e2e import ARGS, CHROMIUM, shot  # the same browser setup


@pytest.fixture(scope="module")
def browser():
    from pathlib import Path

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
    page.on("dialog", lambda dialog: dialog.accept())  # "3 unanswered: submit anyway?"
    page.add_init_script(f"localStorage.setItem('notes-tutor.session', 'e2e-{uuid.uuid4().hex}')")
    page.goto(f"{server_url}/#test")
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def test_an_exam_mode_test_from_start_to_retry(page):
    from playwright.sync_api import expect

    page.fill("#test-size", "8")
    page.select_option("#test-mode", "exam")
    page.select_option("#test-timer", "1800")
    page.click("#test-start")
    expect(page.locator("#test-run")).to_be_visible()
    expect(page.locator("#test-nav .nav-item")).to_have_count(8)
    expect(page.locator("#test-clock")).to_contain_text(re.compile(r"⏱ (29|30):\d\d"))

    # Answer the first five (A), flag the second, leave the last three; no feedback in exam mode.
    for i in range(5):
        page.locator("#test-nav .nav-item").nth(i).click()
        expect(page.locator("#test-position")).to_contain_text(f"Question {i + 1} of 8")
        with page.expect_response(re.compile(r"/v1/tests/.+/answer")):
            page.locator("#test-choices .choice").first.click()
        expect(page.locator("#test-choices .choice").first).to_have_class(re.compile("chosen"))
        expect(page.locator("#test-feedback")).to_be_hidden()
        if i == 1:
            page.click("#test-flag")
            expect(page.locator("#test-flag")).to_have_attribute("aria-pressed", "true")
    nav = page.locator("#test-nav .nav-item")
    expect(nav.nth(1)).to_have_class(re.compile("flagged"))
    expect(nav.nth(4)).to_have_class(re.compile("answered"))
    expect(nav.nth(6)).not_to_have_class(re.compile("answered"))
    expect(page.locator("#test-position")).to_contain_text("5 answered · 1 flagged")

    with page.expect_response(re.compile(r"/v1/tests/.+/submit")) as submitted:
        page.click("#test-submit")
    result = submitted.value.json()
    expect(page.locator("#test-result")).to_be_visible()
    expect(page.locator("#test-score")).to_contain_text(f"{result['correct']} of 8 right")
    expect(page.locator("#test-verdict")).to_contain_text("pass mark is 72%")
    bars = page.locator("#test-chart svg .chart-bar")
    expect(bars).to_have_count(len(result["by_topic"]))
    expect(page.locator("#test-chart svg .chart-mark")).to_have_count(1)
    expect(page.locator("#test-review .review-item")).to_have_count(8)
    shot(page, "practice-test-result.png")

    # The filters: skipped are the three unanswered, flagged the one flagged.
    page.click("[data-filter=skipped]")
    expect(page.locator("#test-review .review-item")).to_have_count(3)
    page.click("[data-filter=flagged]")
    expect(page.locator("#test-review .review-item")).to_have_count(1)
    expect(page.locator("#test-review .review-item")).to_contain_text("flagged")
    wrong = 8 - result["correct"]
    page.click("[data-filter=incorrect]")
    expect(page.locator("#test-review .review-item.incorrect")).to_have_count(wrong - 3)
    page.click("[data-filter=correct]")
    expect(page.locator("#test-review .review-item.correct")).to_have_count(result["correct"])

    # Retry the wrong ones: a new test of exactly those questions.
    expect(page.locator("#test-retry")).to_have_text(f"Retry the wrong ones ({wrong})")
    with page.expect_response(re.compile(r"/v1/tests/.+/retry")) as retried:
        page.click("#test-retry")
    retry = retried.value.json()
    assert retry["retry_of"] == result["id"] and len(retry["items"]) == wrong
    missed = {e["question"] for e in result["review"] if not e["correct"]}
    assert {i["question"] for i in retry["items"]} == missed
    expect(page.locator("#test-run")).to_be_visible()
    expect(page.locator("#test-nav .nav-item")).to_have_count(wrong)

    # The Progress page: the test in the history, the mastery chart, a one-click weak-topic test.
    page.click("#tab-progress")
    expect(page.locator(".tests-table tbody tr")).to_have_count(1)
    expect(page.locator("#mastery-chart svg polyline").first).to_be_attached()
    shot(page, "progress-charts.png")
    weak = page.locator(".weak-list button").first
    if weak.count():
        with page.expect_response(re.compile(r"/v1/tests$")):
            weak.click()
        expect(page.locator("#test-run")).to_be_visible()
