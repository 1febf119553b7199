"""Sections -> Chunks: merge small sibling sections, split long ones, never cross a topic."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator

from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest.loaders import Document
from ingest.structure import Section, sections_of
from tutor.config import ChunkSettings
from tutor.types import Chunk


def chunk_id(source: str, section: str, text: str) -> str:
    """Content hash: unchanged notes keep their ids (and citations) across re-ingests."""
    return hashlib.sha256(f"{source}\n{section}\n{text}".encode()).hexdigest()[:24]


def _merged(sections: list[Section], target: int) -> Iterator[tuple[str, int, int]]:
    """(label, start, end) of runs of consecutive sections in one topic, each <= `target` chars."""
    run: list[Section] = []
    for section in sections:
        if run and (section.path[0] != run[0].path[0] or section.end - run[0].start > target):
            yield _label(run), run[0].start, run[-1].end
            run = []
        run.append(section)
    if run:
        yield _label(run), run[0].start, run[-1].end


def _label(run: list[Section]) -> str:
    """ "EBS > EBS Delete on Termination attribute · EBS Snapshots": every heading a run holds."""
    if len(run) == 1:
        return run[0].label
    topic = run[0].path[0]
    headings = [s.path[-1] for s in run if s.path[-1] != topic]
    return " > ".join([topic, " · ".join(dict.fromkeys(headings))]) if headings else topic


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split(text: str, start: int, end: int, settings: ChunkSettings) -> list[tuple[int, int]]:
    """Spans of a long section: LangChain's recursive split, placed exactly, then overlapped.

    The splitter runs without overlap so its pieces follow one another and each can be found
    after the previous one (searching with overlap misplaces pieces of repetitive text); each
    later span then reaches back up to overlap_chars, to a word boundary.
    """
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=settings.target_chars,
        chunk_overlap=0,
        separators=["\n\n", "\n", ". ", " ", ""],
    )
    spans: list[tuple[int, int]] = []
    cursor = start
    for piece in splitter.split_text(text[start:end]):
        at = text.index(piece, cursor, end)
        cursor = at + len(piece)
        begin = at
        if spans and settings.overlap_chars:
            longest = max(settings.max_chars, settings.target_chars)
            back = max(spans[-1][0] + 1, at - settings.overlap_chars, cursor - longest)
            # Reach back to a line, else a sentence, else a word: a chunk (and an answer quoting
            # it) should not open mid-sentence.
            window = text[back:at]
            cut = next((window.find(mark) for mark in ("\n", ". ") if mark in window), -1)
            if cut < 0:
                cut = next((i for i, ch in enumerate(window) if ch.isspace()), -1)
            if cut >= 0:
                begin, _ = _trimmed(text, back + cut + 1, at)
        spans.append((begin, cursor))
    return spans


def chunk_document(document: Document, settings: ChunkSettings) -> list[Chunk]:
    text = document.text
    chunks: list[Chunk] = []
    seen: Counter[tuple[str, str]] = Counter()
    sections = sections_of(text, markdown=document.markdown)
    for label, start, end in _merged(sections, settings.target_chars):
        start, end = _trimmed(text, start, end)
        if start == end:
            continue
        spans = [(start, end)]
        if end - start > settings.max_chars:
            spans = _split(text, start, end, settings)
        for span_start, span_end in spans:
            body = text[span_start:span_end]
            repeat = seen[(label, body)]  # identical text twice in one section keeps two ids
            seen[(label, body)] += 1
            chunks.append(
                Chunk(
                    id=chunk_id(document.source, f"{label}#{repeat}", body),
                    text=body,
                    section=label,
                    source=document.source,
                    start=span_start,
                    end=span_end,
                )
            )
    return chunks
