"""Split a passage of the notes into answer-sized units: prose sentences, bullets, table rows.

The notes are plain text converted from a web page: bullets are lines starting with "•" (nested
ones indented further) and tables lost their cell separators, so a row reads
"Read replicasHas read replicas...". Consecutive non-bullet lines with no blank line between them
are table rows; inside those, a lower-case letter glued to a capitalised word marks a lost cell
boundary, unless the glued word is a term the notes use elsewhere (CloudFront, DynamoDB).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_BULLET = re.compile(r"^(\s*)[•\-\*▪◦]\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")
_ABBREVIATION = re.compile(r"\b(e\.g|i\.e|etc|vs|approx|incl)\.$", re.IGNORECASE)
_GLUE = re.compile(r"(?<=[a-z\)])(?=[A-Z][a-z]{2,})")
_CAMEL_WORD = re.compile(r"\b\w*[a-z][A-Z]\w*\b")
_PARENT_HEAD = re.compile(r"^(.{3,40}?)\s+[–\-:]\s+")
# A figure: "IOPS – 500 max", "3,000", "1.5"; not the digit of a name ("S3", "SSE-S3", "X.509").
NUMBER = re.compile(r"(?<![\w.])\d(?:[\d,.]*\d)?")
ENUMERATOR = re.compile(r"^\s*\d+[.)]\s")  # "1. SSE-C" numbers an item of a list: no figure
_FIGURE_ITEM = re.compile(r"^\d[\d,]*\s+[–\-]\s")  # "21 – FTP (uploading files)": a list's item


@dataclass(frozen=True)
class Unit:
    """One sentence-like piece of a passage, in the order it appears there."""

    text: str
    position: int  # index within the passage
    parent: str = ""  # for a nested bullet: the head of the bullet above it ("Spot Instances")
    heading: str = ""  # the (sub-)heading it sits under ("Launch Configuration")
    # An item of a list in the notes: its Markdown marker ("-" for a bullet, "" for a numbered
    # line, which keeps its own "1."), and how deeply it is nested. None for prose.
    marker: str | None = None
    depth: int = 0

    @property
    def listed(self) -> bool:
        return self.marker is not None

    def render(self, with_parent: bool) -> str:
        body = self.text if self.text[-1] in ".!?:)" else self.text + "."
        if with_parent and self.parent and self.parent.lower() not in body.lower():
            return f"{self.parent}: {body}"
        return body


def known_terms(texts: Iterable[str]) -> frozenset[str]:
    """Camel-case words written in prose or bullets somewhere: real terms, not glued cells."""
    terms: set[str] = set()
    for text in texts:
        for line in text.splitlines():
            if _BULLET.match(line) or line.rstrip().endswith("."):
                terms.update(_CAMEL_WORD.findall(line))
    return frozenset(terms)


def unglue(line: str, known: frozenset[str]) -> str:
    """Restore lost table cell boundaries as "; " (keeping terms the notes use elsewhere)."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if word in known:
            return word
        return _GLUE.sub("; ", word)

    return _CAMEL_WORD.sub(fix, line)


def is_title(line: str) -> bool:
    """A sub-heading inside a passage ("CloudFront Signed URL vs S3 Pre-Signed URL")."""
    words = line.rstrip(".").split()
    if (
        not words
        or _FIGURE_ITEM.match(line)
        or len(words) > 10
        or line.rstrip()[-1] in "!?:"
        or line.count(".") > 1
    ):
        return False
    capitalised = sum(1 for w in words if not w[0].isalpha() or w[0].isupper() or len(w) <= 3)
    return capitalised >= 0.8 * len(words)


def _sentences(paragraph: str) -> list[str]:
    merged: list[str] = []
    for piece in _SENTENCE_END.split(paragraph):
        if merged and _ABBREVIATION.search(merged[-1]):
            merged[-1] += " " + piece  # "e.g. Batch jobs" is one sentence
        else:
            merged.append(piece)
    return [s.strip() for s in merged if len(s.strip()) > 1]


def split_units(text: str, heading: str = "", known: frozenset[str] = frozenset()) -> list[Unit]:
    """Units of one passage; its first line is dropped when it only repeats the heading."""
    lines = text.splitlines()
    if lines and heading and lines[0].strip() == heading.strip():
        lines = lines[1:]
    units: list[Unit] = []
    block: list[str] = []  # consecutive non-bullet lines
    parents: dict[int, str] = {}  # indent -> head of the last bullet at that indent
    title = heading.split(" · ")[0].strip()  # the last (sub-)heading seen: what the units are about

    def flush() -> None:
        nonlocal title
        table = len(block) > 1
        for line in block:
            if not table and is_title(line):
                title = line.rstrip(".:")
                if not line.endswith(".") and not NUMBER.search(ENUMERATOR.sub("", line)):
                    continue
                # "EBS Multi-attach is for the io1/io2 EBS Volume Types." and "IOPS – 500 max"
                # head what follows and state a fact of their own
                units.append(Unit(line, len(units), heading=title))
                continue
            line = unglue(line, known) if table else line
            if ENUMERATOR.match(line):  # "1. Managed policies – ...": a numbered step or item
                units.append(Unit(line, len(units), heading=title, marker=""))
                continue
            for sentence in _sentences(line) if not table else [line]:
                units.append(Unit(sentence, len(units), heading=title))
        block.clear()

    for raw in lines:
        if not raw.strip():
            flush()
            continue
        bullet = _BULLET.match(raw)
        if not bullet:
            block.append(raw.strip())
            continue
        flush()
        indent = len(bullet.group(1))
        body = raw[bullet.end() :].strip()
        parent = next((parents[i] for i in sorted(parents, reverse=True) if i < indent), "")
        head = _PARENT_HEAD.match(body)
        parents = {i: h for i, h in parents.items() if i < indent}
        parents[indent] = head.group(1) if head else (body if len(body) <= 40 else "")
        depth = len(parents) - 1
        units.append(Unit(body, len(units), parent, title, marker="-", depth=depth))
    flush()
    return [u for u in units if len(u.text) >= 3]
