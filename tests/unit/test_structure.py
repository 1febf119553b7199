"""Heading recovery: bare-line headings in plain text, '#' headings in Markdown, taken as they are."""

from __future__ import annotations

import itertools

import pytest
from support import NOTES

from ingest.structure import Section, markdown_sections, plain_sections, sections_of

VERSIONING_SENTENCE = "Versioning is a setting enabled at the bucket level."


@pytest.fixture(scope="module")
def notes() -> str:
    return NOTES.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sections(notes: str) -> list[Section]:
    return sections_of(notes, markdown=False)


def test_s3_versioning_is_a_section_under_s3_holding_its_text(notes, sections):
    found = [s for s in sections if s.path[-1] == "S3 Versioning"]
    assert len(found) == 1, [s.label for s in sections if "Versioning" in s.label]
    versioning = found[0]
    body = notes[versioning.start : versioning.end]
    assert body.startswith("S3 Versioning")
    assert VERSIONING_SENTENCE in body
    assert "S3" in versioning.path[0].split()  # grouped under the service it names
    # The next heading ("S3 Encryption") starts a new section: its text is not in this one.
    assert "S3 Encryption" not in body


@pytest.mark.parametrize(
    "heading", ["EBS Snapshots", "AWS AppSync", "WebSocket API", "VPC Peering"]
)
def test_bare_heading_lines_become_sections(notes, sections, heading):
    (section,) = [s for s in sections if s.path[-1] == heading]
    assert notes[section.start :].startswith(heading)


def test_sections_tile_the_notes_in_order(notes, sections):
    assert sections[0].start == 0
    assert sections[-1].end == len(notes)
    for before, after in itertools.pairwise(sections):
        assert before.end == after.start
        assert before.start < before.end


def test_bullets_and_sentences_are_not_headings(sections):
    headings = [s.path[-1] for s in sections]
    assert not any(h.lstrip().startswith("•") for h in headings)
    assert not any(h.endswith(".") for h in headings)


def test_topic_groups_the_headings_that_name_a_service():
    text = (
        "EC2 Instance Types\n\nThere are several families of instance.\n\n"
        "EC2 Pricing\n\nOn demand costs the most.\n\n"
        "EC2 Storage\n\nInstances use block storage.\n\n"
        "Lambda Functions\n\nFunctions run code without servers.\n\n"
        "Lambda Limits\n\nA function runs at most fifteen minutes.\n\n"
        "Lambda Layers\n\nLayers share code between functions.\n"
    )
    got = [s.path for s in plain_sections(text)]
    assert got == [
        ("EC2", "EC2 Instance Types"),
        ("EC2", "EC2 Pricing"),
        ("EC2", "EC2 Storage"),
        ("Lambda", "Lambda Functions"),
        ("Lambda", "Lambda Limits"),
        ("Lambda", "Lambda Layers"),
    ]


def test_text_without_headings_is_one_section():
    text = "just some lower case notes without any heading at all.\nand a second line.\n"
    assert plain_sections(text) == [Section(("Notes",), 0, len(text))]
    assert plain_sections("   \n\n") == []


def test_markdown_headings_are_taken_as_they_are():
    text = (
        "Intro line before any heading.\n\n"
        "# Storage\n\nBlock and object.\n\n"
        "## s3 versioning, lower case and with a comma.\n\nKeeps old copies.\n\n"
        "### Detail\n\nMore.\n\n"
        "## EBS\n\nVolumes.\n\n"
        "# Compute\n\nServers.\n"
    )
    got = markdown_sections(text)
    assert [s.path for s in got] == [
        ("Introduction",),
        ("Storage",),
        ("Storage", "s3 versioning, lower case and with a comma."),
        ("Storage", "s3 versioning, lower case and with a comma.", "Detail"),
        ("Storage", "EBS"),
        ("Compute",),
    ]
    assert text[got[2].start :].startswith("## s3 versioning")
    assert got[-1].end == len(text)
    assert sections_of(text, markdown=True) == got
