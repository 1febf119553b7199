"""evals/exambank.py: a Markdown practice bank becomes eval items the loader accepts."""

from __future__ import annotations

from evals.dataset import load_dataset
from evals.exambank import main, parse_bank

BANK = """# A practice bank

### Which service stores objects?

- [ ] Amazon EBS.
- [x] Amazon S3.
- [ ] Amazon EFS.
- [ ] Instance store.

**[Back to Top](#top)**

### Which two are databases? (Choose TWO)

- [x] RDS.
- [x] Aurora.
- [ ] S3.
- [ ] EBS.

### What does this diagram show?

![diagram](images/q3.png)

- [ ] A.
- [x] B.
- [ ] C.
- [ ] D.

### Which option has only three choices?

- [x] One.
- [ ] Two.
- [ ] Three.

### Which port does SSH use?

* [ ] 80
* [ ] 443
* [ ] 3389
* [X] 22
"""


def test_only_single_answer_four_option_text_questions_are_kept():
    items = list(parse_bank(BANK, prefix="bank"))
    assert [i.id for i in items] == ["bank-001", "bank-002"]
    first, second = items
    assert first.question == "Which service stores objects?"
    assert first.choices == ["Amazon EBS.", "Amazon S3.", "Amazon EFS.", "Instance store."]
    assert first.answer_index == 1 and first.answer == "Amazon S3." and first.shape == "exam"
    assert second.answer_index == 3 and second.kind == "mcq"


def test_the_written_file_loads_as_a_dataset(tmp_path, capsys):
    bank, out = tmp_path / "bank.md", tmp_path / "out" / "exam.jsonl"
    bank.write_text(BANK)
    assert main([str(bank), str(out)]) == 0
    assert [i.answer_index for i in load_dataset(out)] == [1, 3]
    assert "2 questions written" in capsys.readouterr().out


def test_a_file_without_questions_is_a_clear_error(tmp_path, capsys):
    empty = tmp_path / "notes.md"
    empty.write_text("# Just notes\n\nNo questions here.\n")
    assert main([str(empty), str(tmp_path / "x.jsonl")]) == 2
    assert "no single-answer four-option question" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.md"), str(tmp_path / "x.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err
