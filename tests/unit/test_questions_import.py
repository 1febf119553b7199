"""Question files beside the notes: parsing and bad rows (no model), then the real ingest into a
real store with the real embedder, re-ingest ids, and imported items served first and graded."""

from __future__ import annotations

import json
import random
import shutil

import pytest
from support import NOTES, ROOT, make_settings

from ingest import questions
from ingest.loaders import load_paths
from tutor.errors import InvalidInput
from tutor.quizgrade import choice_indexes

GOOD = {
    "question": "A reporting tool slows the production RDS database. What should the team add?",
    "choices": ["A read replica", "A Multi AZ standby", "A larger maintenance window", "A NAT"],
    "answer_index": 0,
    "explanation": "Read replicas scale reads; a Multi AZ standby is only for availability.",
    "topic": "RDS",
}
MULTI = {
    "question": "Which TWO statements about S3 versioning are true? (Select TWO.)",
    "choices": [
        "Files from before versioning have version null",
        "Suspending versioning deletes previous versions",
        "Versioning is enabled at the bucket level",
        "Versioning is enabled per object",
        "A delete removes every version",
    ],
    "answer_indexes": [2, 0],
    "topic": "S3",
}


def write_jsonl(path, rows) -> None:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_jsonl_bad_rows_are_reported_with_file_and_line_and_the_rest_imports(tmp_path):
    write_jsonl(
        tmp_path / "bank.questions.jsonl",
        [
            GOOD,  # 1
            '{"question": "broken", "choices": [',  # 2: bad JSON
            {**GOOD, "question": "One option only?", "choices": ["Only"]},  # 3
            {**GOOD, "question": "Out of range?", "answer_index": 4},  # 4
            "",  # 5: blank lines are skipped
            {**GOOD, "question": "Dupes?", "choices": ["A", "a ", "B", "C"]},  # 6
            {**GOOD, "question": " "},  # 7: missing question
            {**GOOD, "question": "Too many?", "choices": [f"o{i}" for i in range(11)]},  # 8
            MULTI,  # 9
            {**GOOD, "question": "Both keys?", "answer_indexes": [0, 1]},  # 10
        ],
    )
    found = questions.load([tmp_path])
    assert [q.line for q in found.questions] == [1, 9]
    where = [p.split(": ")[0] for p in found.problems]
    assert where == [f"bank.questions.jsonl:{n}" for n in (2, 3, 4, 6, 7, 8, 10)]
    text = "\n".join(found.problems)
    for why in ("not valid JSON", "1 option(s)", "out of range", "duplicate options"):
        assert why in text
    assert "missing question" in text and "11 option(s)" in text
    single, multi = found.questions
    assert single.keys == [0] and single.topic == "RDS" and single.explanation.startswith("Read")
    assert multi.keys == [0, 2]  # sorted


def test_csv_rows_letters_and_multiple_response(tmp_path):
    (tmp_path / "bank.questions.csv").write_text(
        "question,A,B,C,D,E,F,answer,explanation,topic\n"
        '"Which port does SSH use?",21,22,80,443,,,B,"22 is SSH.",EC2\n'
        '"Pick two, ""quoted"" (Select TWO.)",x,y,z,w,v,,"A, C",,S3\n'
        "Unknown letter?,x,y,z,,,,E,,EC2\n"
        "One option?,x,,,,,,A,,EC2\n"
        '"A question whose text\nspans two lines?",x,y,z,,,,AB,,EC2\n',
        encoding="utf-8",
    )
    found = questions.load([tmp_path / "bank.questions.csv"])
    assert [(q.line, q.keys) for q in found.questions] == [(2, [1]), (3, [0, 2]), (6, [0, 1])]
    assert found.questions[0].choices == ["21", "22", "80", "443"]
    assert found.questions[1].question == 'Pick two, "quoted" (Select TWO.)'
    assert found.problems[0].startswith("bank.questions.csv:4: unknown answer letter 'E'")
    assert found.problems[1].startswith("bank.questions.csv:5: 1 option(s)")


def test_csv_without_the_columns_is_reported(tmp_path):
    (tmp_path / "x.questions.csv").write_text("q,opt1,key\nWhat?,a,b\n", encoding="utf-8")
    found = questions.load([tmp_path])
    assert found.questions == [] and found.problems[0].startswith("x.questions.csv:1: the header")


def test_a_repeated_item_is_reported_once_across_files(tmp_path):
    write_jsonl(tmp_path / "a.questions.jsonl", [GOOD])
    write_jsonl(tmp_path / "b.questions.jsonl", [MULTI, {**GOOD, "explanation": "Again."}])
    found = questions.load([tmp_path])
    assert [q.file for q in found.questions] == ["a.questions.jsonl", "b.questions.jsonl"]
    assert found.problems == [
        "b.questions.jsonl:2: the same question, choices and keys as an earlier row"
    ]


def test_the_documented_examples_import_cleanly():
    found = questions.load([ROOT / "docs" / "examples"])
    assert found.problems == [] and found.files == 2
    assert [len(q.keys) for q in found.questions] == [1, 2, 1, 2]


def test_ids_are_content_hashes(tmp_path):
    write_jsonl(tmp_path / "a.questions.jsonl", [GOOD, MULTI])
    first = [q.id for q in questions.load([tmp_path]).questions]
    write_jsonl(tmp_path / "a.questions.jsonl", [{**GOOD, "explanation": "Reworded."}, MULTI])
    assert [q.id for q in questions.load([tmp_path]).questions] == first  # same item, same id
    write_jsonl(tmp_path / "a.questions.jsonl", [{**GOOD, "answer_index": 1}, MULTI])
    assert questions.load([tmp_path]).questions[0].id != first[0]  # a new key is a new item


def test_note_loaders_skip_question_files(tmp_path):
    (tmp_path / "notes.md").write_text("# S3\n\nBuckets hold objects.\n", encoding="utf-8")
    write_jsonl(tmp_path / "bank.questions.jsonl", [GOOD])
    (tmp_path / "bank.questions.csv").write_text("question,A,B,answer\nQ?,x,y,A\n")
    (tmp_path / "also.questions.txt").write_text("not a question file: a .txt note\n")
    docs = load_paths([tmp_path])
    assert sorted(d.source for d in docs) == ["also.questions.txt", "notes.md"]
    assert load_paths([tmp_path / "bank.questions.jsonl"]) == []  # named alone: not notes either


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("A, C", {0, 2}),
        ("A C", {0, 2}),
        ("ac", {0, 2}),
        (["A", "C"], {0, 2}),
        ("B", {1}),
        ("gamma", {2}),  # a choice's text
        (["alpha", "D"], {0, 3}),
    ],
)
def test_choice_indexes(answer, expected):
    assert choice_indexes(answer, ["alpha", "beta", "gamma", "delta", "epsilon"]) == expected


@pytest.mark.parametrize("answer", ["", "A, Z", ["A", 3], "what?"])
def test_choice_indexes_refuses_non_answers(answer):
    with pytest.raises(InvalidInput):
        choice_indexes(answer, ["alpha", "beta", "gamma", "delta", "epsilon"])


# -- the real ingest, store and Quizzer ------------------------------------------------------------
@pytest.fixture(scope="module")
def imported(tmp_path_factory, embedder):
    """The notes plus a question file (two good rows, one bad) ingested into a fresh store."""
    from ingest.pipeline import ingest
    from tutor.store import ChromaStore

    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copy(NOTES, corpus / NOTES.name)
    write_jsonl(corpus / "mine.questions.jsonl", [GOOD, '{"oops"', MULTI])
    settings = make_settings(tmp_path_factory.mktemp("data"))
    store = ChromaStore(settings)
    report = ingest([corpus], settings=settings, store=store, embedder=embedder)
    return corpus, settings, store, report


def test_ingest_imports_the_question_file_and_reports_bad_rows(imported, embedder):
    from tutor.index import load_index

    _, settings, store, report = imported
    assert report.questions == 2
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith("mine.questions.jsonl:2: not valid JSON")
    index = load_index(store, settings, report.collection)
    items = [i for i in index.bank.items if i.origin == "imported"]
    assert len(items) == 2 and len(index.bank.items) >= 20  # the mined items are there too
    single, multi = sorted(items, key=lambda i: i.answer_indexes is not None)
    assert all(i.source == NOTES.name for i in items)  # notes only: never a question file
    for item in items:
        chunk = index.by_id[item.chunk_id]  # linked to a real chunk of the notes
        assert item.section == chunk.section and item.evidence in chunk.text
    assert "Read Replicas" in single.section and single.topic == "RDS"
    assert "replica" in single.evidence.lower()
    assert single.answer == "A read replica" and single.answer_indexes is None
    assert multi.answer_indexes == [0, 2] and multi.answer_index is None
    assert "Versioning" in multi.section and multi.topic == "S3"


def test_reingest_keeps_ids_and_an_edited_file_is_a_new_index(imported, embedder):
    from ingest.pipeline import ingest
    from tutor.index import artifacts_dir, load_index

    corpus, settings, store, first = imported
    ids = {i.id for i in load_index(store, settings, first.collection).bank.items}
    # A reader that lost the bank rebuilds it from the chunks alone; the next ingest repairs it.
    (artifacts_dir(settings, first.collection) / "quizbank.json").unlink()
    rebuilt = load_index(store, settings, first.collection).bank.items
    assert rebuilt and not any(i.origin == "imported" for i in rebuilt)
    again = ingest([corpus], settings=settings, store=store, embedder=embedder)
    assert again.up_to_date and again.collection == first.collection and again.questions == 2
    assert {i.id for i in load_index(store, settings, first.collection).bank.items} == ids
    path = corpus / "mine.questions.jsonl"
    before = path.read_text()
    try:
        write_jsonl(path, [{**GOOD, "explanation": "Edited."}, MULTI])
        edited = ingest([corpus], settings=settings, store=store, embedder=embedder)
        assert not edited.up_to_date and edited.embedded == 0  # every vector reused
        assert edited.collection != first.collection and edited.warnings == ()
        bank = load_index(store, settings, edited.collection).bank
        assert {i.id for i in bank.items} == ids  # review schedules survive
        assert {i.explanation for i in bank.items if i.origin == "imported"} == {"Edited.", ""}
    finally:  # back to the original file: the next test serves from it
        path.write_text(before)
        restored = ingest([corpus], settings=settings, store=store, embedder=embedder)
        assert restored.collection == first.collection and restored.embedded == 0


def test_imported_items_are_served_first_and_graded_with_the_notes(imported, embedder, tmp_path):
    from tutor.db import make_engine, make_sessionmaker
    from tutor.index import IndexHandle
    from tutor.quiz import Quizzer

    _, settings, store, _ = imported
    quizzer = Quizzer(
        settings=settings,
        sessionmaker=make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'q.db'}")),
        embedder=embedder,
        index=IndexHandle(store, settings),
        rng=random.Random(3),
    )
    first, second, third = (quizzer.quiz("learner") for _ in range(3))
    assert {first.question, second.question} == {GOOD["question"], MULTI["question"]}
    assert third.question not in {GOOD["question"], MULTI["question"]}  # then the mined ones
    multi = first if first.question == MULTI["question"] else second
    single = second if multi is first else first
    assert multi.select == 2 and single.select == 1 and len(multi.choices) == 5
    assert quizzer.quiz("other", topic="RDS").question == GOOD["question"]

    wrong = quizzer.grade(multi.id, "A")  # one of the two keys is not enough
    assert not wrong.correct and "the answer is A) Files from before" in wrong.feedback
    grade = quizzer.grade(single.id, "A")
    assert grade.correct and grade.explanation == GOOD["explanation"]
    assert GOOD["explanation"] in grade.feedback and grade.topic == "RDS"
    assert grade.citations[0].chunk_id and "Read Replicas" in grade.citations[0].section
    again = quizzer.quiz("second-learner", topic="S3")
    assert again.question == MULTI["question"]
    assert quizzer.grade(again.id, ["C", "A"]).correct


def test_cli_ingest_reports_imported_questions_and_skipped_rows(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from cli.main import app
    from tutor.config import get_settings

    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    notes = tmp_path / "notes"
    notes.mkdir()
    text = NOTES.read_text(encoding="utf-8")
    start = text.index("S3 (Simple Storage Service)")
    (notes / "s3.txt").write_text(text[start : text.index("\nS3 Security\n")], encoding="utf-8")
    write_jsonl(notes / "s3.questions.jsonl", [MULTI, {**MULTI, "answer_indexes": [0, 7]}])
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["ingest", str(notes)])
    finally:
        get_settings.cache_clear()
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert "Imported 1 question(s)" in said
    assert "Skipped s3.questions.jsonl:2: answer index 7 out of range (0–4)" in said


def test_a_practice_test_on_a_question_files_topic_serves_exactly_its_items(tmp_path, embedder):
    """The notes plus a file of five items on a topic of its own: a test on that topic is them."""
    from ingest.pipeline import ingest
    from tutor.db import make_engine, make_sessionmaker
    from tutor.index import IndexHandle
    from tutor.practice import Practice
    from tutor.store import ChromaStore

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(NOTES, corpus / NOTES.name)
    rows = [
        dict(GOOD, question=f"{GOOD['question']} (case {n})", topic="Mock exam A") for n in range(5)
    ]
    write_jsonl(corpus / "mock.questions.jsonl", rows)
    settings = make_settings(tmp_path / "data")
    store = ChromaStore(settings)
    assert ingest([corpus], settings=settings, store=store, embedder=embedder).questions == 5
    practice = Practice(
        settings=settings,
        sessionmaker=make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'p.db'}")),
        index=IndexHandle(store, settings),
        rng=random.Random(5),
    )
    test = practice.start("mock-learner", n=5, topic="Mock exam A", mode="exam")
    assert sorted(i.question for i in test.items) == sorted(r["question"] for r in rows)
    result = practice.submit(test.id, {test.items[0].id: "A"})
    assert result.total == 5 and result.correct == 1 and len(result.review) == 5
    assert [t.topic for t in result.by_topic] == ["Mock exam A"]
