"""Sections -> Chunks: merge small sibling sections, split long ones, never cross a topic."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest.loaders import Document
from ingest.structure import Section, sections_of
from tutor.config import ChunkSettings
from tutor.types import Chunk


def chunk_id(source: str, section: str, text: str) -> str:
    """Content hash: unchanged notes keep their ids (and citations) across re-ingests."""
    return hashlib.sha256(f"{source}\n{section}\n{text}".encode()).hexdigest()[:24]


def _merged(sections: list[Section], target: int) -> Iterator[tuple[Section, int]]:
    """Runs of consecutive sections in one topic, each run at most `target` chars when merged."""
    run: list[Section] = []
    for section in sections:
        if run and (
            section.path[0] != run[0].path[0] or section.end - run[0].start > target
        ):
            yield run[0], run[-1].end
            run = []
        run.append(section)
    if run:
        yield run[0], run[-1].end


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def chunk_document(document: Document, settings: ChunkSettings) -> list[Chunk]:
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=settings.target_chars,
        chunk_overlap=settings.overlap_chars,
        add_start_index=True,
        separators=["\n\n", "\n", ". ", " ", ""],
    )
    text = document.text
    chunks: list[Chunk] = []
    for first, end in _merged(sections_of(text, markdown=document.markdown), settings.target_chars):
        start, end = _trimmed(text, first.start, end)
        if start == end:
            continue
        spans = [(start, end)]
        if end - start > settings.max_chars:
            pieces = splitter.create_documents([text[start:end]])
            spans = [
                (start + p.metadata["start_index"], start + p.metadata["start_index"] + len(p.page_content))
                for p in pieces
            ]
        for span_start, span_end in spans:
            body = text[span_start:span_end]
            seen = sum(1 for c in chunks if c.text == body and c.section == first.label)
            chunks.append(
                Chunk(
                    id=chunk_id(document.source, f"{first.label}#{seen}", body),
                    text=body,
                    section=first.label,
                    source=document.source,
                    start=span_start,
                    end=span_end,
                )
            )
    return chunks
