"""Recover the heading hierarchy of a document as Sections with character offsets.

Markdown (and HTML converted to it) has explicit "#" headings. Plain-text notes have bare heading
lines: short, no closing period, mostly capitalised, with body text after them. Their topic is
the service they name: a capitalised word that recurs in several headings ("S3", "EC2",
"CloudFront") groups the sections that mention it, so "S3 Versioning" lands under "S3".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_BULLET = re.compile(r"^\s*(?:[•\-–*]|\d+[.)])\s")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_TOKEN = re.compile(r"[A-Za-z0-9][\w\-]*")
_FILLER = frozenset(
    [
        "aws",
        "amazon",
        "how",
        "to",
        "what",
        "are",
        "is",
        "the",
        "a",
        "an",
        "of",
        "for",
        "and",
        "or",
        "use",
        "uses",
        "case",
        "cases",
        "type",
        "types",
        "overview",
        "difference",
        "between",
        "advantages",
        "disadvantages",
        "advanced",
        "using",
        "improving",
        "signing",
        "feature",
        "features",
        "with",
        "in",
        "on",
        "vs",
        "from",
        "your",
        "own",
        "creating",
        "create",
        "choose",
        "does",
        "do",
        "work",
        "there",
        "several",
        "new",
        "important",
        "notes",
        "summary",
        "other",
        "options",
        "option",
        "comparison",
    ]
)
# Acronyms that name a concept, not a service: never a topic on their own.
_GENERIC = frozenset(
    [
        "DB",
        "URL",
        "API",
        "AZ",
        "AZs",
        "IP",
        "ID",
        "HTTP",
        "HTTPS",
        "SQL",
        "OS",
        "SSD",
        "HDD",
        "VS",
        "TCP",
        "UDP",
    ]
)
MAX_HEADING_CHARS = 70


@dataclass(frozen=True)
class Section:
    path: tuple[str, ...]  # ("S3", "S3 Versioning")
    start: int  # offsets of the section's text (heading included) in the document
    end: int

    @property
    def label(self) -> str:
        return " > ".join(self.path)


def _lines(text: str) -> list[tuple[int, str]]:
    out, offset = [], 0
    for line in text.splitlines(keepends=True):
        out.append((offset, line.rstrip("\r\n")))
        offset += len(line)
    return out


def _words(heading: str) -> list[str]:
    return [t for t in _TOKEN.findall(heading) if t.lower() not in _FILLER]


def _capitalised(words: list[str]) -> list[str]:
    return [w for w in words if w[0].isupper() or w[0].isdigit()]


def _looks_like_heading(line: str) -> bool:
    stripped = line.strip()
    if not stripped or line[0].isspace() or _BULLET.match(line):
        return False
    if len(stripped) > MAX_HEADING_CHARS or stripped.endswith((".", ":", ",", ";", "=")):
        return False
    if stripped[0].isdigit() or "<<" in stripped or "=" in stripped:
        return False
    words = [w for w in _TOKEN.findall(stripped) if w.lower() not in _FILLER]
    if not words:
        return False
    # Titles are mostly capitalised; sentence fragments without a period are not.
    return len(_capitalised(words)) / len(words) >= 0.6


def _is_definition(line: str) -> bool:
    """ "Signed URL – Access to individual files": one entry of an unbulleted list."""
    return " – " in line and not line.rstrip().endswith(".")


def _heading_lines(text: str) -> list[tuple[int, str]]:
    """(offset, title) of heading lines: blank lines around them, body text after them."""
    lines = _lines(text)
    body = [i for i, (_, s) in enumerate(lines) if s.strip()]
    found = []
    for n, i in enumerate(body):
        offset, line = lines[i]
        if not _looks_like_heading(line):
            continue
        blank_before = i == 0 or not lines[i - 1][1].strip()
        blank_after = i + 1 < len(lines) and not lines[i + 1][1].strip()
        if not (blank_before and blank_after) or n + 1 == len(body):
            continue  # table rows and wrapped lines touch their neighbours
        neighbours = [lines[body[m]][1] for m in (n - 1, n + 1) if 0 <= m < len(body)]
        if _is_definition(line) and any(
            _is_definition(x) and len(x) <= MAX_HEADING_CHARS for x in neighbours
        ):
            continue
        found.append((offset, line.strip()))
    return found


def _is_service_like(word: str) -> bool:
    return any(c.isdigit() for c in word) or sum(c.isupper() for c in word) >= 2


def _topic_token(heading: str, subjects: dict[str, str], counts: Counter) -> str | None:
    """The canonical spelling of the subject a heading names, services first."""
    capitalised = _capitalised(_words(heading))
    services = [
        w for w in capitalised if w.lower() in subjects and _is_service_like(subjects[w.lower()])
    ]
    if services:
        return subjects[services[0].lower()]
    # A plain word ("Aurora") names the topic when the heading starts with it; further in, only
    # a word that recurs often ("Rolling – Elastic Beanstalk Deployment"), not "Store" or "Service".
    if capitalised and capitalised[0].lower() in subjects:
        return subjects[capitalised[0].lower()]
    frequent = [w for w in capitalised if counts.get(w.lower(), 0) >= 5 and w.lower() in subjects]
    return subjects[frequent[0].lower()] if frequent else None


def _topic_names(assigned: list[tuple[str, str]]) -> dict[str, str]:
    """Name each topic token, extended by the word that follows it in most of its headings."""
    names = {}
    for token in {t for t, _ in assigned}:
        nexts: Counter[str] = Counter()
        headings = [h for t, h in assigned if t == token and token in _TOKEN.findall(h)]
        for h in headings:
            words = _TOKEN.findall(h)
            if token in words and words.index(token) + 1 < len(words):
                nexts[words[words.index(token) + 1]] += 1
        best = nexts.most_common(1)
        extend = best and best[0][1] >= 0.6 * len(headings) and best[0][0].lower() not in _FILLER
        names[token] = f"{token} {best[0][0]}" if extend else token
    return names


def plain_sections(text: str) -> list[Section]:
    headings = _heading_lines(text)
    if not headings:
        return [Section(("Notes",), 0, len(text))] if text.strip() else []
    spellings = Counter(w for _, h in headings for w in set(_capitalised(_words(h))))
    counts: Counter = Counter()
    for w, n in spellings.items():
        counts[w.lower()] += n
    subjects: dict[str, str] = {}  # lower-case -> the spelling with most capitals ("ElastiCache")
    for w in spellings:
        if counts[w.lower()] >= 3 and w not in _GENERIC and any(c.isalpha() for c in w):
            best = subjects.get(w.lower(), w)
            subjects[w.lower()] = max(best, w, key=lambda v: sum(c.isupper() for c in v))

    tokens = [_topic_token(h, subjects, counts) for _, h in headings]
    assigned: list[tuple[str, str]] = []  # (topic token or "=title", heading)
    current = None
    for i, (_, heading) in enumerate(headings):
        token = tokens[i]
        if token is None:
            # A heading naming no known subject belongs to the topic around it only when that
            # topic goes on after it ("Cache Evictions and TTL" between ElastiCache headings);
            # otherwise it starts a topic of its own ("Amazon DynamoDB" after RDS).
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            inside = current and not current.startswith("=") and following == current
            token = current if inside else f"={heading}"
        assigned.append((token, heading))
        current = token
    names = _topic_names([(t, h) for t, h in assigned if not t.startswith("=")])

    sections = []
    if text[: headings[0][0]].strip():
        sections.append(Section(("Introduction",), 0, headings[0][0]))
    for i, ((offset, heading), (token, _)) in enumerate(zip(headings, assigned)):
        end = headings[i + 1][0] if i + 1 < len(headings) else len(text)
        topic = token[1:] if token.startswith("=") else names[token]
        path = (topic,) if topic == heading else (topic, heading)
        sections.append(Section(path, offset, end))
    return sections


def markdown_sections(text: str) -> list[Section]:
    marks = []
    for offset, line in _lines(text):
        match = _MD_HEADING.match(line)
        if match:
            marks.append((offset, len(match.group(1)), match.group(2).strip()))
    if not marks:
        return plain_sections(text)
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    if text[: marks[0][0]].strip():
        sections.append(Section(("Introduction",), 0, marks[0][0]))
    for i, (offset, level, title) in enumerate(marks):
        stack = [(lvl, t) for lvl, t in stack if lvl < level] + [(level, title)]
        end = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        sections.append(Section(tuple(t for _, t in stack), offset, end))
    return sections


def sections_of(text: str, *, markdown: bool) -> list[Section]:
    return markdown_sections(text) if markdown else plain_sections(text)
