"""Practice tests through the API, on sessions of the test's own, over the real notes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta


def _session() -> str:
    return f"test-{uuid.uuid4().hex}"


def test_a_20_item_test_has_distinct_items_over_at_least_5_topics(client):
    r = client.post("/v1/tests", json={"session_id": _session()})
    assert r.status_code == 200, r.text
    test = r.json()
    assert test["mode"] == "exam" and test["pass_mark"] == 0.72 and test["time_limit_s"] is None
    items = test["items"]
    assert len(items) == 20
    assert len({i["id"] for i in items}) == 20
    assert len({i["question"] for i in items}) == 20
    assert len({i["topic"] for i in items}) >= 5
    assert all(i["kind"] == "mcq" and len(i["choices"]) >= 2 and i["select"] >= 1 for i in items)


def test_topics_follow_the_notes_share(client, tutor):
    from tutor.testpick import chars_per_topic

    sizes = chars_per_topic(tutor.current_index().chunks)
    biggest = max(sizes, key=sizes.__getitem__)
    test = client.post("/v1/tests", json={"session_id": _session(), "n": 65}).json()
    counts: dict[str, int] = {}
    for item in test["items"]:
        counts[item["topic"]] = counts.get(item["topic"], 0) + 1
    assert counts.get(biggest, 0) == max(counts.values())


def test_submit_scores_consistently_and_a_second_submit_is_409(client):
    test = client.post("/v1/tests", json={"session_id": _session(), "n": 10}).json()
    items = test["items"]
    answered = {i["id"]: "A" for i in items[:6]}  # the last four are left unanswered
    r = client.post(
        f"/v1/tests/{test['id']}/submit", json={"answers": answered, "flagged": [items[0]["id"]]}
    )
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["total"] == 10 and len(result["review"]) == 10
    assert [e["quiz_id"] for e in result["review"]] == [i["id"] for i in items]
    assert result["correct"] == sum(e["correct"] for e in result["review"])
    assert result["score"] == round(result["correct"] / 10, 4)
    assert result["passed"] == (result["score"] >= 0.72)
    assert sum(t["total"] for t in result["by_topic"]) == 10
    assert sum(t["correct"] for t in result["by_topic"]) == result["correct"]
    skipped = result["review"][6:]
    assert all(e["your_answer"] is None and not e["correct"] for e in skipped)
    for entry in result["review"]:
        assert entry["reference_answer"] and entry["feedback"] and entry["citations"]
        assert entry["correct"] == (entry["your_answer"] == ", ".join(entry["answer_letters"]))
    assert [e["flagged"] for e in result["review"]] == [True] + [False] * 9

    again = client.post(f"/v1/tests/{test['id']}/submit", json={"answers": {}})
    assert again.status_code == 409 and "already submitted" in again.json()["detail"]
    shown = client.get(f"/v1/tests/{test['id']}").json()
    assert shown["result"] == result and len(shown["items"]) == 10


def test_retry_serves_the_wrong_ones_and_answering_them_right_passes(client):
    session = _session()
    test = client.post("/v1/tests", json={"session_id": session, "n": 5}).json()
    assert client.post(f"/v1/tests/{test['id']}/retry").status_code == 409  # not submitted yet
    result = client.post(f"/v1/tests/{test['id']}/submit", json={}).json()
    assert result["correct"] == 0 and result["passed"] is False
    keys = {e["question"]: e["answer_letters"] for e in result["review"]}

    r = client.post(f"/v1/tests/{test['id']}/retry")
    assert r.status_code == 200, r.text
    retry = r.json()
    assert retry["retry_of"] == test["id"] and retry["mode"] == "exam"
    assert sorted(i["question"] for i in retry["items"]) == sorted(keys)
    answers = {i["id"]: keys[i["question"]] for i in retry["items"]}
    second = client.post(f"/v1/tests/{retry['id']}/submit", json={"answers": answers}).json()
    assert second["correct"] == 5 and second["score"] == 1.0 and second["passed"] is True
    nothing = client.post(f"/v1/tests/{retry['id']}/retry")
    assert nothing.status_code == 409 and "Nothing to retry" in nothing.json()["detail"]

    progress = client.get("/v1/progress", params={"session_id": session}).json()
    assert [t["id"] for t in progress["tests"]] == [retry["id"], test["id"]]
    assert progress["tests"][0]["passed"] is True and progress["tests"][1]["score"] == 0
    assert sum(d["attempts"] for d in progress["history"]) == 10
    assert sum(d["correct"] for d in progress["history"]) == 5
    assert sum(t["attempts"] for t in progress["topics"]) == 10  # fed into mastery and FSRS
    assert progress["due"]


def test_practice_mode_grades_each_answer_at_once(client):
    test = client.post(
        "/v1/tests", json={"session_id": _session(), "n": 5, "mode": "practice"}
    ).json()
    first = test["items"][0]
    r = client.post(f"/v1/tests/{test['id']}/answer", json={"quiz_id": first["id"], "answer": "B"})
    assert r.status_code == 200, r.text
    grade = r.json()["grade"]
    assert grade["quiz_id"] == first["id"] and grade["feedback"] and grade["next_review"]
    assert grade["verdict"] == ("correct" if grade["correct"] else "incorrect")
    twice = client.post(
        f"/v1/tests/{test['id']}/answer", json={"quiz_id": first["id"], "answer": "A"}
    )
    assert twice.status_code == 409
    result = client.post(f"/v1/tests/{test['id']}/submit", json={}).json()
    assert result["review"][0]["correct"] == grade["correct"]
    assert result["review"][0]["your_answer"] == "B"


def test_exam_mode_saves_answers_without_feedback(client):
    test = client.post("/v1/tests", json={"session_id": _session(), "n": 5}).json()
    quiz_id = test["items"][1]["id"]
    saved = client.post(f"/v1/tests/{test['id']}/answer", json={"quiz_id": quiz_id, "answer": "C"})
    assert saved.json() == {"quiz_id": quiz_id, "saved": True, "grade": None, "answer_letters": []}
    client.post(f"/v1/tests/{test['id']}/answer", json={"quiz_id": quiz_id, "answer": "D"})
    flags = client.post(f"/v1/tests/{test['id']}/flag", json={"quiz_id": quiz_id}).json()
    assert flags == {"flagged": [quiz_id]}
    shown = client.get(f"/v1/tests/{test['id']}").json()
    assert shown["answers"] == {quiz_id: "D"} and shown["flagged"] == [quiz_id]
    assert shown["result"] is None
    result = client.post(f"/v1/tests/{test['id']}/submit", json={}).json()
    assert result["review"][1]["your_answer"] == "D" and result["review"][1]["flagged"]


def test_unknown_ids_404_bad_input_422(client):
    assert client.get("/v1/tests/no-such-test").status_code == 404
    assert client.post("/v1/tests/no-such-test/submit", json={}).status_code == 404
    assert client.post("/v1/tests/no-such-test/retry").status_code == 404
    for n in (4, 66, "many"):
        r = client.post("/v1/tests", json={"session_id": _session(), "n": n})
        assert r.status_code == 422, n
    assert client.post("/v1/tests", json={"session_id": _session(), "mode": "x"}).status_code == 422
    r = client.post("/v1/tests", json={"session_id": _session(), "topic": "Basket weaving"})
    assert r.status_code == 404 and "Topics include" in r.json()["detail"]
    test = client.post("/v1/tests", json={"session_id": _session(), "n": 5}).json()
    bad = client.post(f"/v1/tests/{test['id']}/submit", json={"answers": {"zzz": "A"}})
    assert bad.status_code == 422 and "zzz" in bad.json()["detail"]
    letter = client.post(
        f"/v1/tests/{test['id']}/submit", json={"answers": {test["items"][0]["id"]: "Q"}}
    )
    assert letter.status_code == 422
    other = client.post(f"/v1/tests/{test['id']}/answer", json={"quiz_id": "zzz", "answer": "A"})
    assert other.status_code == 404
    assert client.post(f"/v1/tests/{test['id']}/submit", json={}).status_code == 200


def test_a_test_on_a_topic_stays_in_it(client):
    test = client.post("/v1/tests", json={"session_id": _session(), "topic": "S3", "n": 8}).json()
    assert test["items"] and {i["topic"] for i in test["items"]} == {"S3"}


def test_past_its_time_limit_a_test_is_scored_at_the_limit(client, tutor, monkeypatch):
    start = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
    clock = [start]
    monkeypatch.setattr(tutor.practice, "clock", lambda: clock[0])
    test = client.post(
        "/v1/tests", json={"session_id": _session(), "n": 5, "time_limit_s": 600}
    ).json()
    assert test["time_limit_s"] == 600
    assert test["deadline"] == (start + timedelta(seconds=600)).isoformat()
    first, second = test["items"][0]["id"], test["items"][1]["id"]
    clock[0] = start + timedelta(seconds=300)
    client.post(f"/v1/tests/{test['id']}/answer", json={"quiz_id": first, "answer": "A"})
    clock[0] = start + timedelta(seconds=601)
    late = client.post(f"/v1/tests/{test['id']}/answer", json={"quiz_id": second, "answer": "A"})
    assert late.status_code == 409 and "out of time" in late.json()["detail"]
    r = client.post(f"/v1/tests/{test['id']}/submit", json={"answers": {second: "B"}})
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["timed_out"] is True
    assert result["submitted_at"] == (start + timedelta(seconds=600)).isoformat()
    assert [e["your_answer"] for e in result["review"]][:2] == ["A", None]  # late one ignored
    assert client.get(f"/v1/tests/{test['id']}").json()["result"] == result


def test_select_two_items_through_the_api_need_all_and_only_the_keys(settings, tutor):
    """A question file's "Select TWO" items (added to the bank as an import adds them)."""
    import dataclasses
    import random

    from fastapi.testclient import TestClient
    from support import fixed_index, mined_only, multi_item

    from api.app import create_app
    from tutor.practice import Practice
    from tutor.quizbank import QuizBank

    index = tutor.current_index()
    chunk = next(c for c in index.chunks if c.topic == "S3")
    extra = [multi_item(chunk, 10 + n) for n in range(3)]
    fixed = dataclasses.replace(index, bank=QuizBank(mined_only(index) + extra))
    practice = Practice(
        settings=settings,
        sessionmaker=tutor.practice.sessionmaker,
        index=fixed_index(fixed),
        rng=random.Random(3),
    )
    app = create_app(settings, tutor=dataclasses.replace(tutor, practice=practice))
    with TestClient(app) as client:
        test = client.post(
            "/v1/tests", json={"session_id": _session(), "topic": "S3", "n": 5}
        ).json()
        multi = [i for i in test["items"] if i["select"] == 2]
        assert len(multi) == 3 and all(len(i["choices"]) == 5 for i in multi)
        answers = {multi[0]["id"]: ["A", "C"], multi[1]["id"]: "A", multi[2]["id"]: "A, C, D"}
        result = client.post(f"/v1/tests/{test['id']}/submit", json={"answers": answers}).json()
        marks = {e["quiz_id"]: e for e in result["review"]}
        assert marks[multi[0]["id"]]["correct"] and marks[multi[0]["id"]]["your_answer"] == "A, C"
        assert not marks[multi[1]["id"]]["correct"]  # not all
        assert not marks[multi[2]["id"]]["correct"]  # not only
        assert marks[multi[0]["id"]]["answer_letters"] == ["A", "C"]
        assert "MFA Delete" in marks[multi[0]["id"]]["explanation"]
