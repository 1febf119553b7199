"""The offline quiz bank on the real notes: traceable, well-formed, deterministic, persisted."""

from __future__ import annotations

from support import make_settings

from tutor.index import artifacts_dir, load_index
from tutor.quizbank import BankItem, QuizBank, same_thing


def mined(items: list[BankItem]) -> list[BankItem]:
    """The bank's own items: those mined from the notes, not imported from question files."""
    return [i for i in items if i.origin != "imported"]


def test_every_item_is_traceable_to_its_chunk(tutor):
    index = tutor.index.current()
    assert len(index.bank) > 200
    for item in index.bank.items:
        chunk = index.by_id[item.chunk_id]
        assert item.evidence in chunk.text, item.id
        assert item.section == chunk.section
        if item.origin != "imported":  # question files word their own answers and topics
            assert item.answer in chunk.text and item.topic == chunk.topic, item.id


def test_mcq_items_have_four_distinct_choices_one_right(tutor):
    mcqs = [i for i in mined(tutor.index.current().bank.items) if i.kind == "mcq"]
    assert len(mcqs) > 100
    for item in mcqs:
        assert item.choices is not None and len(item.choices) == 4
        assert len({c.lower() for c in item.choices}) == 4
        assert item.choices[item.answer_index] == item.answer
        wrong = [c for c in item.choices if c != item.answer]
        assert not any(same_thing(c, item.answer) for c in wrong), item.question


def test_distractors_are_of_the_same_kind(tutor):
    items = tutor.index.current().bank.items
    ssh = next(i for i in items if i.kind == "mcq" and "“SSH (Secure shell" in i.question)
    assert ssh.answer == "22"
    assert all(c.isdigit() for c in ssh.choices)  # other ports, not random words
    s3_numbers = [i for i in items if i.kind == "mcq" and i.origin == "number"]
    assert s3_numbers and all(
        all(c.replace(",", "").replace(".", "").isdigit() for c in i.choices) for i in s3_numbers
    )


def test_bank_has_fill_and_short_items_and_all_kinds_of_sources(tutor):
    items = tutor.index.current().bank.items
    assert {i.kind for i in items} == {"mcq", "fill", "short"}
    assert {"pair", "definition", "number", "steps"} <= {i.origin for i in items}
    fill = next(i for i in items if i.kind == "fill" and i.origin == "number")
    assert "___" in fill.question and fill.answer not in fill.question.split("___")[0][-3:]


def test_ids_are_content_hashes(tutor):
    index = tutor.index.current()
    again = QuizBank.build(index.chunks)
    assert [i.id for i in again.items] == [i.id for i in mined(index.bank.items)]
    assert [i.choices for i in again.items] == [i.choices for i in mined(index.bank.items)]
    assert len({i.id for i in again.items}) == len(again)


def test_bank_is_saved_at_ingest_and_rebuilt_when_missing(tutor, tmp_path):
    index = tutor.index.current()
    assert (artifacts_dir(tutor.settings, index.name) / "quizbank.json").is_file()
    other = make_settings(tmp_path)  # same collection, no artifacts: a new worker
    rebuilt = load_index(tutor.store, other, index.name)
    # Rebuilt from the chunks alone: the mined items (imported ones need `tutor ingest` there).
    assert [i.id for i in rebuilt.bank.items] == [i.id for i in mined(index.bank.items)]
    path = artifacts_dir(other, index.name) / "quizbank.json"
    assert path.is_file()
    path.write_text("{not json")
    assert len(load_index(tutor.store, other, index.name).bank) == len(mined(index.bank.items))
