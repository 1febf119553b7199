"""Chunking the real notes: exact offsets, inside one topic, stable content-hash ids."""

from __future__ import annotations

import itertools

import pytest
from support import NOTES

from ingest.chunker import chunk_document, chunk_id
from ingest.loaders import Document
from ingest.structure import sections_of
from tutor.config import ChunkSettings
from tutor.types import Chunk


@pytest.fixture(scope="module")
def document() -> Document:
    return Document(NOTES.name, NOTES.read_text(encoding="utf-8"), markdown=False)


@pytest.fixture(scope="module")
def chunks(document: Document) -> list[Chunk]:
    return chunk_document(document, ChunkSettings())


def test_offsets_point_at_the_chunk_text(document, chunks):
    assert len(chunks) > 50
    for c in chunks:
        assert document.text[c.start : c.end] == c.text
        assert c.text == c.text.strip() and c.text
        assert c.source == NOTES.name


def test_chunks_follow_the_notes_and_do_not_overlap_much(document, chunks):
    overlap = ChunkSettings().overlap_chars
    for before, after in itertools.pairwise(chunks):
        assert after.start > before.start
        assert after.start >= before.end - overlap


def test_no_chunk_spans_two_topics(document, chunks):
    sections = sections_of(document.text, markdown=False)
    for c in chunks:
        topics = {s.path[0] for s in sections if s.start < c.end and s.end > c.start}
        assert len(topics) == 1, (c.section, c.start, c.end, topics)
        assert c.topic in topics


# Headings in the notes where the subject changes to another service or concept: read off the
# notes by hand, so this does not trust ingest.structure's own idea of a topic.
TOPIC_STARTS = [
    "AWS AppSync",
    "Amazon Machine Image",
    "AWS Systems Manager Parameter Store",
    "AWS Secrets Manager",
    "AWS KMS (Key Management Service)",
    "Amazon RDS (Relational Database Service)",
    "Amazon DynamoDB",
    "WebSocket API",
    "Amazon Aurora DB",
    "How to choose an AWS Region?",
    "Password Policy",
    "IAM Roles",
    "AWS Budget",
    "EC2 Instance Types",
    "Security Groups",
    "EBS Volumes",
    "AMI – Amazon Machine Image",
    "EFS – Elastic File System",
    "Elastic Load Balancing (ELB)",
    "Auto Scaling Groups",
    "Elasticache Use Cases",
    "Route 53",
    "Virtual Private Cloud VPC",
    "S3 (Simple Storage Service)",
    "CLI, SDK, IAM Roles and Policies",
    "AWS Athena",
    "AWS CloudFront",
    "Difference between Virtual Machines and Docker",
    "Elastic Beanstalk",
    "Leave a Reply",
]


@pytest.mark.parametrize("heading", TOPIC_STARTS)
def test_no_chunk_runs_across_a_change_of_subject(document, chunks, heading):
    at = document.text.index(f"\n{heading}\n") + 1
    across = [c.section for c in chunks if c.start < at < c.end]
    assert not across, f"{heading!r} is inside a chunk that starts earlier: {across}"


def test_every_chunk_is_labelled_with_the_sections_it_holds(document, chunks):
    sections = sections_of(document.text, markdown=False)
    for c in chunks:
        inside = [s for s in sections if s.start < c.end and s.end > c.start]
        topic, _, headings = c.section.partition(" > ")
        assert {s.path[0] for s in inside} == {topic}, c.section
        # A merged chunk names every heading it holds ("EBS > A · B"), a split one its section.
        for heading in filter(None, headings.split(" · ")):
            assert any(s.path[-1] == heading for s in inside), (heading, c.section)


def test_chunks_keep_to_the_size_limit(chunks):
    assert max(len(c.text) for c in chunks) <= ChunkSettings().max_chars


def test_the_versioning_text_is_in_an_s3_chunk(chunks):
    holding = [
        c for c in chunks if "Versioning is a setting enabled at the bucket level." in c.text
    ]
    assert holding and all("S3" in c.topic.split() for c in holding)
    assert any(c.section.endswith("S3 Versioning") for c in holding)


def test_ids_are_unique_content_hashes(document, chunks):
    assert len({c.id for c in chunks}) == len(chunks)
    again = chunk_document(document, ChunkSettings())
    assert [c.id for c in again] == [c.id for c in chunks]
    # The id follows the content: another source or another text gives another id.
    first = chunks[0]
    assert chunk_id("other.txt", f"{first.section}#0", first.text) != first.id
    assert chunk_id(first.source, f"{first.section}#0", first.text + "!") != first.id


def test_an_edit_changes_only_the_ids_of_the_chunks_it_touches(document, chunks):
    target = next(c for c in chunks if c.section.endswith("S3 Versioning"))
    edited_text = document.text.replace(
        "Versioning is a setting enabled at the bucket level.",
        "Versioning is a setting you enable on the bucket.",
    )
    edited = chunk_document(Document(document.source, edited_text, False), ChunkSettings())
    old, new = {c.id for c in chunks}, {c.id for c in edited}
    assert target.id not in new
    assert 1 <= len(old - new) <= 2
    assert len(new - old) == len(old - new)


def test_long_sections_are_split_inside_the_section():
    body = " ".join(
        f"Sentence number {i} about Kinesis shards and partition keys." for i in range(60)
    )
    text = f"Kinesis Streams\n\n{body}\n"
    settings = ChunkSettings(target_chars=300, max_chars=400, overlap_chars=50)
    got = chunk_document(Document("k.txt", text, markdown=False), settings)
    assert len(got) > 5
    assert all(len(c.text) <= 400 and c.section == got[0].section for c in got)
    assert all(text[c.start : c.end] == c.text for c in got)


def test_markdown_chunks_carry_the_heading_path():
    text = "# Storage\n\n## S3\n\nObjects in buckets.\n\n# Compute\n\n## Lambda\n\nFunctions.\n"
    got = chunk_document(Document("n.md", text, markdown=True), ChunkSettings())
    assert {c.topic for c in got} == {"Storage", "Compute"}
    (lambda_chunk,) = [c for c in got if "Functions." in c.text]
    assert lambda_chunk.topic == "Compute" and "Objects" not in lambda_chunk.text
    assert all(c.embed_text.startswith(c.section + "\n") for c in got)
