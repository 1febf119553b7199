"""The topic a quiz item shows: the service the notes' section belongs to, not a heading fragment.

Ingest groups plain-text headings by a recurring capitalised word, which is right for "S3 Versioning"
under "S3" but also makes topics of fragments ("Multi Value", "Routing Policy", "Groups"). The
quiz shows the learner a topic, so the bank names it at the level of the notes' services:

- a *service topic* is an ingest topic that names a service: one service-like word ("S3",
  "ElastiCache", "Route 53"), or a name that opens at least two headings and recurs in the notes'
  text, capitalised more often than not ("Load Balancer", "Elastic Beanstalk"; not "Network");
- a shorter name that ends a longer one is the same service ("Beanstalk" is "Elastic Beanstalk");
- a section whose heading names a service topic belongs to it ("Network Load Balancer (NLB)"
  is "Load Balancer"); any other fragment belongs to the service topic of the sections before it
  ("Multi Value Routing Policy" follows "Route 53"); a heading of its own stays its own topic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tutor.types import Chunk

_PREFIX = re.compile(r"^(?:AWS|Amazon)\s+")
MIN_OPENED_HEADINGS = 2  # a name that opens this many headings names a group of sections
MIN_MENTIONS = 5  # ...and is a service when the notes' text names it this often
MIN_TEXT_MENTIONS = 2  # a fragment whose text names another service this often is about it


def _service_like(name: str) -> bool:
    words = [w for w in name.split() if w not in ("AWS", "Amazon")]
    return (
        1 <= len(words) <= 2
        and ":" not in name
        and any(
            sum(ch.isupper() for ch in w) >= 2 or (w.isdigit() and i > 0)
            for i, w in enumerate(words)
        )
    )


def _headings(chunk: Chunk) -> list[str]:
    return chunk.section.split(" > ")[-1].split(" · ")


def _mentions(name: str, text: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(name)}(?!\w)", text))


def service_topics(chunks: Sequence[Chunk]) -> list[str]:
    """Ingest topics that name a service, longest first (so "Load Balancer" beats "Network")."""
    text = "\n".join(c.text for c in chunks)
    grouped = {c.topic for c in chunks if " > " in c.section}
    single = {c.topic for c in chunks if " > " not in c.section}
    found = set()
    for topic in grouped | single:
        if _service_like(topic):
            found.add(topic)
        elif topic in grouped:
            opened = {h for c in chunks if c.topic == topic for h in _headings(c)}
            opens = sum(1 for h in opened if _PREFIX.sub("", h).startswith(topic))
            if (
                opens >= MIN_OPENED_HEADINGS
                and _mentions(topic, text) >= MIN_MENTIONS
                and _mentions(topic, text) > _mentions(topic.lower(), text)  # a name, not "network"
            ):
                found.add(topic)
    return sorted(found, key=lambda t: (-len(t), t))


def _alias(topic: str, services: list[str]) -> str:
    longer = [s for s in services if s != topic and s.endswith(" " + topic)]
    return longer[0] if longer else topic


def bank_topics(chunks: Sequence[Chunk]) -> dict[str, str]:
    """chunk id -> the service topic shown for its items, walking the notes in order."""
    services = service_topics(chunks)
    out: dict[str, str] = {}
    current: str | None = None
    for chunk in sorted(chunks, key=lambda c: (c.source, c.start)):
        heading = _headings(chunk)[0]
        named = [s for s in services if _mentions(s, heading)]
        if chunk.topic in services and (chunk.topic in named or not named):
            topic = chunk.topic
        elif named:
            topic = named[0]
        elif " > " not in chunk.section:
            topic = chunk.topic  # a heading of its own ("AWS AppSync", "Security Groups")
        elif _PREFIX.match(heading):
            topic = heading  # "AWS KMS (Key Management Service)": a service of its own
        elif not services:  # notes that name no service at all
            topic = chunk.topic
        else:  # a fragment: the service before it, unless its text is about another one
            counts = {s: _mentions(s, chunk.text) for s in services}
            other = max(services, key=lambda s: counts[s])
            about_other = counts[other] >= MIN_TEXT_MENTIONS and not (current and counts[current])
            topic = other if about_other or not current else current
        topic = _alias(topic, services)
        if topic in services:
            current = topic
        out[chunk.id] = topic
    return out
