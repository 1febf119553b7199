"""Quiz, hint, grade and progress through the API, on a session of the test's own."""

from __future__ import annotations

import uuid


def _session() -> str:
    return f"test-{uuid.uuid4().hex}"


def test_mcq_quiz_grades_a_letter_and_names_the_section(client):
    session = _session()
    r = client.post("/v1/quiz", json={"session_id": session, "kind": "mcq"})
    assert r.status_code == 200, r.text
    item = r.json()
    assert item["kind"] == "mcq" and len(item["choices"]) >= 2 and item["question"]
    grade = client.post(f"/v1/quiz/{item['id']}/answer", json={"answer": "A"}).json()
    assert grade["quiz_id"] == item["id"]
    assert isinstance(grade["correct"], bool)
    assert grade["section"] == item["section"] and grade["section"] in grade["feedback"]
    keyed = grade["answer_choices"]  # whole, though a choice may hold "; " itself
    assert keyed and set(keyed) <= set(item["choices"])
    assert grade["reference_answer"] == "; ".join(keyed)  # "X; Y" for a Select TWO item
    assert client.get(f"/v1/sources/{grade['citations'][0]['chunk_id']}").status_code == 200


def test_the_right_choice_text_is_correct_and_both_attempts_show_in_progress(client):
    session = _session()
    item = client.post("/v1/quiz", json={"session_id": session}).json()
    first = client.post(f"/v1/quiz/{item['id']}/answer", json={"answer": "B"}).json()
    item2 = client.post("/v1/quiz", json={"session_id": session}).json()
    # The third hint gives the answer's text; answering with that text must be correct.
    for _ in range(3):
        hint = client.post(f"/v1/quiz/{item2['id']}/hint").json()
    assert hint["level"] == 3 and hint["remaining"] == 0
    answer = hint["text"].removeprefix("The answer: ")
    grade = client.post(f"/v1/quiz/{item2['id']}/answer", json={"answer": answer}).json()
    assert grade["correct"] is True and grade["score"] == 1.0

    progress = client.get("/v1/progress", params={"session_id": session})
    assert progress.status_code == 200
    body = progress.json()
    assert body["session_id"] == session
    assert sum(t["attempts"] for t in body["topics"]) == 2
    assert sum(t["correct"] for t in body["topics"]) == int(first["correct"]) + 1


def test_open_quiz_takes_free_text(client):
    session = _session()
    item = client.post("/v1/quiz", json={"session_id": session, "kind": "open"}).json()
    assert item["kind"] == "open" and not item["choices"]
    grade = client.post(
        f"/v1/quiz/{item['id']}/answer", json={"answer": "I am not sure, something about AWS."}
    )
    assert grade.status_code == 200
    assert 0 <= grade.json()["score"] <= 1 and grade.json()["feedback"]


def test_quiz_on_a_topic_stays_in_it(client):
    listed = client.get("/v1/topics").json()
    assert "Route 53" in listed["topics"] and "Route 53" in listed["quiz_topics"]
    # what a learner picks from: services, not heading fragments of the notes
    assert not {"Multi Value", "Comments: 0", "Leave a Reply"} & set(listed["quiz_topics"])
    session = _session()
    for _ in range(5):  # curated items first (their section is the notes' heading), then mined
        item = client.post("/v1/quiz", json={"session_id": session, "topic": "Route 53"}).json()
        assert item["topic"] == "Route 53" and item["section"], item


def test_hints_go_section_then_term_then_answer(client):
    item = client.post("/v1/quiz", json={"session_id": _session()}).json()
    levels = [client.post(f"/v1/quiz/{item['id']}/hint").json() for _ in range(3)]
    assert [h["level"] for h in levels] == [1, 2, 3]
    assert item["section"] in levels[0]["text"]


def test_unknown_quiz_and_topic_are_404_and_a_second_answer_409(client):
    assert client.post("/v1/quiz/no-such-quiz/answer", json={"answer": "A"}).status_code == 404
    assert client.post("/v1/quiz/no-such-quiz/hint").status_code == 404
    r = client.post(
        "/v1/quiz", json={"session_id": _session(), "topic": "Underwater basket weaving"}
    )
    assert r.status_code == 404 and "Topics include" in r.json()["detail"]
    item = client.post("/v1/quiz", json={"session_id": _session()}).json()
    assert client.post(f"/v1/quiz/{item['id']}/answer", json={"answer": "A"}).status_code == 200
    again = client.post(f"/v1/quiz/{item['id']}/answer", json={"answer": "A"})
    assert again.status_code == 409 and "already graded" in again.json()["detail"]


def test_progress_needs_a_session_and_starts_empty(client):
    assert client.get("/v1/progress").status_code == 422
    body = client.get("/v1/progress", params={"session_id": _session()}).json()
    assert body["topics"] == [] and body["due"] == []
