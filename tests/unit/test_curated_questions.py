"""The curated exam-style set in corpus/: its layout, and that every key is a fact of the notes.

Key facts: each keyed option's content words (stemmed, stop words from scikit-learn's list and
generic names like "AWS" left out) must occur in the section of the notes the item is linked to
(by the tutor's own retrieval, at ingest). A key the notes do not state, or an item linked to the
wrong section, fails here and is rewritten.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from support import CORPUS

from ingest import questions
from tutor.lexical import tokenize
from tutor.quizbank import name_key

CURATED = CORPUS / "aws-developer-associate.questions.jsonl"
MIN_SUPPORT = 0.75  # share of a key's content words that the linked section must contain
_STOP = frozenset(tokenize(" ".join(ENGLISH_STOP_WORDS)))


def content_words(text: str) -> set[str]:
    return {t for t in name_key(text) if t not in _STOP and len(t) > 1}


def support(option: str, section_text: str) -> float:
    """Share of the option's content words found in the section; a phrase of only function words
    ("All at once") must occur as written."""
    words = content_words(option)
    if not words:
        return float(option.lower() in section_text.lower())
    return len(words & set(tokenize(section_text))) / len(words)


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [json.loads(line) for line in CURATED.read_text(encoding="utf-8").splitlines()]


def keys(row: dict) -> list[int]:
    return row.get("answer_indexes") or [row["answer_index"]]


def test_the_file_imports_cleanly_with_at_least_150_items():
    found = questions.load([CURATED])
    assert found.problems == []
    assert len(found.questions) >= 150


def test_layout_four_options_or_select_two_of_five(rows):
    multi = [r for r in rows if "answer_indexes" in r]
    assert len(multi) >= 20
    for row in rows:
        text = " ".join(row["choices"]).lower()
        assert "all of the above" not in text and "none of the above" not in text
        assert row["explanation"].strip() and row["topic"].strip()
        if "answer_indexes" in row:
            assert len(row["choices"]) == 5 and len(row["answer_indexes"]) == 2
            assert "Select TWO" in row["question"]
        else:
            assert len(row["choices"]) == 4 and "Select TWO" not in row["question"]


def test_key_positions_are_balanced(rows):
    singles = Counter("ABCD"[r["answer_index"]] for r in rows if "answer_index" in r)
    total = sum(singles.values())
    assert all(0.2 <= singles[p] / total <= 0.3 for p in "ABCD"), singles


def test_picking_the_longest_option_does_not_pay(rows):
    def longest(row: dict) -> set[int]:
        by_length = sorted(range(len(row["choices"])), key=lambda i: (-len(row["choices"][i]), i))
        return set(by_length[: len(keys(row))])

    rate = sum(longest(r) == set(keys(r)) for r in rows) / len(rows)
    assert rate <= 0.35


def test_topics_cover_the_notes(rows):
    topics = Counter(r["topic"] for r in rows)
    assert len(topics) >= 12
    assert topics.most_common(1)[0][0] == "S3"  # the largest part of the notes


def test_every_key_is_a_fact_of_the_section_it_links_to(tutor, ingested, rows):
    assert ingested.questions == len(rows) and ingested.warnings == ()
    index = tutor.current_index()
    imported = {i.question: i for i in index.bank.items if i.origin == "imported"}
    assert set(imported) == {r["question"] for r in rows}
    sections: dict[str, list[str]] = {}
    for chunk in index.chunks:
        sections.setdefault(chunk.section, []).append(chunk.text)
    weak = []
    for row in rows:
        item = imported[row["question"]]
        assert item.topic == row["topic"] and item.explanation == row["explanation"]
        text = item.section + "\n" + "\n".join(sections[item.section])
        assert item.evidence in text
        for k in keys(row):
            if support(row["choices"][k], text) < MIN_SUPPORT:
                weak.append(f"{row['choices'][k]!r} not in {item.section!r}")
    assert not weak, "\n".join(weak)
