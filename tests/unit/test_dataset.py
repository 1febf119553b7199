"""The committed eval sets: format, counts, key facts found in the notes; and the loader's errors."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from support import NOTES, ROOT

from evals.dataset import DatasetError, load_dataset
from evals.metrics import fold

DEV = ROOT / "evals/data/dev.jsonl"
HELDOUT = ROOT / "evals/data/heldout.jsonl"
FRESH = [
    ROOT / "evals/data/fresh-1202.jsonl",
    ROOT / "evals/data/fresh-1202b.jsonl",
    ROOT / "evals/data/fresh-1202c.jsonl",
    ROOT / "evals/data/fresh-1203.jsonl",
    ROOT / "evals/data/fresh-1203b.jsonl",
    ROOT / "evals/data/fresh-1203c.jsonl",
    ROOT / "evals/data/fresh-exceptions.jsonl",
    ROOT / "evals/data/fresh-order.jsonl",
    ROOT / "evals/data/fresh-order2.jsonl",
    ROOT / "evals/data/fresh-followups.jsonl",
    ROOT / "evals/data/fresh-followups-b.jsonl",
]
GOOD = {
    "id": "a1",
    "kind": "open",
    "question": "what is s3?",
    "answer": "storage",
    "key_facts": [["object storage"]],
    "section": "S3",
}


@pytest.fixture(scope="module")
def notes() -> str:
    return fold(NOTES.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("path", "minimum"),
    [
        (DEV, {"open": 90, "mcq": 40, "out_of_scope": 20}),
        (HELDOUT, {"open": 40, "mcq": 15, "out_of_scope": 10}),
    ],
)
def test_committed_sets_load_with_enough_items(path, minimum):
    items = load_dataset(path)
    counts = Counter(i.kind for i in items)
    assert len(items) >= (150 if path == DEV else 80)
    for kind, least in minimum.items():
        assert counts[kind] >= least, kind


@pytest.mark.parametrize("path", [DEV, HELDOUT, *FRESH])
def test_every_key_fact_group_is_in_the_notes(path, notes):
    missing = [
        (i.id, group)
        for i in load_dataset(path)
        for group in i.key_facts
        if not any(fold(alt) in notes for alt in group)
    ]
    assert missing == []
    assert all(i.key_facts for i in load_dataset(path) if i.in_scope)


def test_sets_share_no_ids_or_questions():
    def asked(item) -> tuple[str, ...]:  # a follow-up is its whole conversation ("why not?")
        return tuple(fold(q) for q in [*item.history, item.question])

    sets = [load_dataset(p) for p in (DEV, HELDOUT, *FRESH)]
    for n, one in enumerate(sets):
        for other in sets[n + 1 :]:
            assert not {i.id for i in one} & {i.id for i in other}
            assert not {asked(i) for i in one} & {asked(i) for i in other}


def write(tmp_path, *rows: object) -> object:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


def test_unknown_fields_are_ignored(tmp_path):
    (item,) = load_dataset(write(tmp_path, GOOD | {"difficulty": "easy"}))
    assert item.id == "a1" and item.key_facts == [["object storage"]]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ('{"id": "x", "kind": "open",', "line 2: not valid JSON"),
        ("[1, 2]", "line 2: expected a JSON object"),
        (GOOD | {"id": "b", "kind": "essay"}, "line 2: kind"),
        ({k: v for k, v in GOOD.items() if k != "question"} | {"id": "b"}, "line 2: question"),
        (
            GOOD | {"id": "b", "kind": "mcq", "choices": ["a", "b"], "answer_index": 0},
            "line 2: an mcq item needs exactly 4 choices",
        ),
        (
            GOOD | {"id": "b", "kind": "mcq", "choices": list("abcd"), "answer_index": 4},
            "answer_index between 0 and 3",
        ),
        (GOOD | {"id": "b", "kind": "out_of_scope", "answer": ""}, 'key_facts [] and answer ""'),
        (GOOD | {"id": "b", "key_facts": [[]]}, "at least one non-blank alternative"),
        (GOOD | {"id": "b", "key_facts": "storage"}, "line 2: key_facts"),
        (GOOD, "line 2: duplicate id 'a1' (first on line 1)"),
    ],
)
def test_a_bad_line_is_named_by_number(tmp_path, bad, message):
    with pytest.raises(DatasetError, match="line") as err:
        load_dataset(write(tmp_path, GOOD, bad))
    assert message in str(err.value)


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(DatasetError, match="no such dataset file"):
        load_dataset(tmp_path / "nope.jsonl")
    with pytest.raises(DatasetError, match="no items"):
        load_dataset(write(tmp_path, "", "  "))
