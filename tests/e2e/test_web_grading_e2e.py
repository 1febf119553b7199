"""Check my answer, self-rating after "unsure", "I was right" and flags, in Chromium (Playwright)."""

from __future__ import annotations

from test_web_chat_e2e import browser, page, shot  # noqa: F401  (fixtures and helper)


def test_check_my_answer_gives_a_verdict_and_what_the_notes_say(page):  # noqa: F811
    from playwright.sync_api import expect

    page.click("#tab-quiz")
    page.click("#check-box summary")
    page.fill("#check-question", "How long does RDS keep automated backups by default?")
    page.fill("#check-answer", "30 days")
    page.click("#check-form button[type=submit]")
    verdict = page.locator("#check-verdict")
    expect(verdict).to_have_attribute("data-verdict", "incorrect")
    result = page.locator("#check-result")
    expect(result).to_contain_text("The notes say")
    expect(result).to_contain_text("7 day")
    shot(page, "check.png")

    page.fill("#check-question", "What is the capital of Mongolia?")
    page.fill("#check-answer", "Ulaanbaatar")
    page.click("#check-form button[type=submit]")
    expect(verdict).to_have_attribute("data-verdict", "unsure")
    expect(result).to_contain_text("Nearest topics")


def test_self_rating_override_and_flag_in_the_quiz(page, tutor):  # noqa: F811
    from playwright.sync_api import expect

    # Free-text items are fill-ins (decided exactly: "I was right" is offered) or short answers
    # (offline, mostly unsure: self-rating). The quiz picks at random within a topic, so the
    # test asks on a topic of short answers only, then on one with a fill-in.
    items = tutor.index.current().bank.items
    fill_topics = {i.topic for i in items if i.kind == "fill"}
    short_topic = next(i.topic for i in items if i.kind == "short" and i.topic not in fill_topics)
    fill_topic = next(i.topic for i in items if i.kind == "fill")
    page.click("#tab-quiz")
    expect(page.locator("#quiz-topic option")).not_to_have_count(1)
    page.select_option("#quiz-kind", "open")
    feedback = page.locator("#quiz-feedback")
    rated = overridden = False
    for attempt in range(12):
        page.select_option("#quiz-topic", short_topic if not rated and attempt < 6 else fill_topic)
        page.click("#quiz-new")
        expect(feedback).to_be_hidden()  # the new question is in: the last one's grade is gone
        expect(page.locator("#quiz-answer")).to_be_visible()
        page.fill("#quiz-answer", "it is about encryption keys")
        page.click("#quiz-open button[type=submit]")
        expect(feedback.locator("h3")).to_be_visible()
        if not rated and feedback.locator(".rate").count():
            expect(feedback).to_contain_text("The notes' key points")
            shot(page, "self-rating.png")
            feedback.get_by_role("button", name="Good").click()
            expect(feedback.locator(".grade-status")).to_contain_text("You rated it “good”")
            expect(feedback.locator("h3")).to_have_text("✓ Correct")
            rated = True
        elif not overridden and page.locator("#quiz-override").count():
            page.click("#quiz-override")
            expect(feedback.locator("h3")).to_have_text("✓ Marked right by you")
            overridden = True
        if rated and overridden:
            break
    assert rated and overridden

    page.click("#quiz-flag")
    page.fill("#quiz-flag-reason", "the blank has two right answers")
    page.click("#quiz-flag-send")
    expect(page.locator("#quiz-flagged")).to_be_visible()
