"""One server worker's share of a class: run as its own OS process by test_shared_sessions.py.

    python shared_worker.py '{"data_dir": ..., "database_url": ..., "session": ..., ...}'

Builds its own Tutor (its own SQLAlchemy engine from the URL), prints `ready`, reads the common
start time from stdin so both workers hit the database together; then, round by round in step with the other worker, records
chat turns and serves and grades a quiz for sessions the two share. Prints one JSON line: what it did and every error it met.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main(job: dict) -> dict:
    from tutor.config import Settings
    from tutor.embeddings import LazyMiniLMEmbedder
    from tutor.service import build_tutor
    from tutor.types import Answer

    settings = Settings(_env_file=None, data_dir=job["data_dir"], database_url=job["database_url"])
    tutor = build_tutor(settings, embedder=LazyMiniLMEmbedder())  # grading mcq embeds nothing
    tutor.current_index()  # load the index before the start line, not inside the race
    tutor.quiz(f"{job['session']}-warmup-{job['worker']}", topic=job["topic"])
    print("ready", flush=True)  # the test hands out the start time once every worker is ready
    start_at = float(sys.stdin.readline())
    done: dict = {"graded": 0, "correct": 0, "turns": 0, "errors": []}
    for n in range(job["rounds"]):
        # Both workers start each round at the same instant, so they race on the same new rows.
        time.sleep(max(0.0, start_at + n * job["slot_s"] - time.time()))
        for chat in (f"{job['chat']}-{n}", job["chat"]):  # a new conversation, a long one
            try:
                answer = Answer(text=f"answer {job['worker']}.{n}")
                tutor.sessions.record(chat, f"question {job['worker']}.{n}", "q", answer)
                done["turns"] += 1
            except Exception as exc:  # noqa: BLE001 - the test fails on any; report them all
                done["errors"].append(f"chat {chat}: {exc!r}"[:400])
        try:
            quiz = tutor.quiz(f"{job['session']}-{n}", topic=job["topic"])
            grade = tutor.grade(quiz.id, "ABCD"[(n + job["worker"]) % 4])
            done["graded"] += 1
            done["correct"] += int(grade.correct)
        except Exception as exc:  # noqa: BLE001
            done["errors"].append(f"quiz round {n}: {exc!r}"[:400])
    tutor.close()
    return done


if __name__ == "__main__":
    try:
        print(json.dumps(main(json.loads(sys.argv[1]))))
    except Exception:  # noqa: BLE001 - the test shows the traceback
        print(json.dumps({"fatal": traceback.format_exc()}))
        sys.exit(1)
