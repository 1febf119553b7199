"""Check my answer, self-rating, "I was right" and flags, through the API on the real notes."""

from __future__ import annotations

import uuid


def _session() -> str:
    return f"grading-{uuid.uuid4().hex}"


def test_check_decides_clear_cases_and_is_unsure_off_the_notes(client):
    ask = "How long does RDS keep automated backups by default?"
    wrong = client.post("/v1/check", json={"question": ask, "answer": "30 days"})
    assert wrong.status_code == 200, wrong.text
    body = wrong.json()
    assert body["verdict"] == "incorrect" and body["provider"] == "offline"
    assert "7 day" in body["reference_answer"] and body["citations"] and body["key_points"]

    empty = client.post("/v1/check", json={"question": ask, "answer": "I don't know"}).json()
    assert empty["verdict"] == "incorrect" and empty["score"] == 0

    keyed = {"question": "Which port does SSH use?", "reference": "22"}
    assert client.post("/v1/check", json={**keyed, "answer": "port 22"}).json()["verdict"] == (
        "correct"
    )
    assert client.post("/v1/check", json={**keyed, "answer": "21"}).json()["verdict"] == (
        "incorrect"
    )

    off = client.post(
        "/v1/check",
        json={"question": "What is the capital of Mongolia?", "answer": "Ulaanbaatar"},
    ).json()
    assert off["verdict"] == "unsure" and off["reference_answer"] == ""
    assert off["nearest_topics"] and "do not cover" in off["feedback"]

    assert client.post("/v1/check", json={"question": " ", "answer": "x"}).status_code == 422
    assert client.post("/v1/check", json={"answer": "x"}).status_code == 422


def test_override_rate_and_flag_a_quiz(client, tutor):
    session = _session()
    item = client.post("/v1/quiz", json={"session_id": session}).json()
    assert client.post(f"/v1/quiz/{item['id']}/rate", json={"rating": "good"}).status_code == 409
    choices = item["choices"]
    grade = client.post(f"/v1/quiz/{item['id']}/answer", json={"answer": "A"}).json()
    assert grade["verdict"] in ("correct", "incorrect") and grade["overridden"] is False
    assert grade["correct"] == (grade["verdict"] == "correct")
    wrong_letter = next("ABCD"[i] for i, c in enumerate(choices) if c != grade["reference_answer"])
    item2 = client.post("/v1/quiz", json={"session_id": session}).json()
    missed = client.post(f"/v1/quiz/{item2['id']}/answer", json={"answer": wrong_letter}).json()
    if missed["verdict"] == "incorrect":  # the wrong letter of item 1 may be right for item 2
        right = client.post(f"/v1/quiz/{item2['id']}/override", json={"correct": True})
        assert right.status_code == 200, right.text
        body = right.json()
        assert body["overridden"] is True and body["verdict"] == "correct" and body["correct"]
        assert body["next_review"] > missed["next_review"]  # a right answer waits longer
    progress = client.get("/v1/progress", params={"session_id": session}).json()
    assert sum(t["correct"] for t in progress["topics"]) == int(grade["correct"]) + 1

    rated = client.post(f"/v1/quiz/{item['id']}/rate", json={"rating": "again"})
    assert rated.status_code == 200 and rated.json()["rating"] == "again"
    assert rated.json()["verdict"] == "incorrect" and rated.json()["correct"] is False
    assert client.post(f"/v1/quiz/{item['id']}/rate", json={"rating": "meh"}).status_code == 422
    assert client.post("/v1/quiz/nope/override", json={"correct": True}).status_code == 404

    topic = item["topic"]
    flagged = client.post(f"/v1/quiz/{item['id']}/flag", json={"reason": "two right options"})
    assert flagged.status_code == 200, flagged.text
    assert flagged.json()["reason"] == "two right options"
    assert client.post(f"/v1/quiz/{item2['id']}/flag").status_code == 200  # reason optional
    listed = {f.quiz_id: f for f in tutor.flags()}
    assert item["id"] in listed and listed[item["id"]].session_id == session
    bad = {listed[item["id"]].item_id, listed[item2["id"]].item_id}
    for _ in range(12):
        again = client.post("/v1/quiz", json={"session_id": session, "topic": topic})
        if again.status_code != 200:
            break  # every item of a small topic flagged or seen
        served = again.json()
        assert served["question"] not in (item["question"], item2["question"]) or not bad
        client.post(f"/v1/quiz/{served['id']}/answer", json={"answer": "A"})
