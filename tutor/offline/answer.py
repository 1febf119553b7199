"""Offline answering: extractive answers and declining (scope: tutor/offline/scope.py; multiple
choice: tutor/offline/choices.py).

(question, passages, embedder, note statistics) -> Answer. Every unit of the retrieved passages
(sentence, bullet, table row) is scored against the question by meaning (MiniLM cosine), by the
rare question terms it shares (IDF-weighted), by the terms its section heading shares, and by
numbers when the question asks for one; the best few are kept in the notes' order, each cited.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from tutor.acronyms import Acronyms, expand, find_acronyms
from tutor.config import OfflineSettings
from tutor.embeddings import Embedder, common_words
from tutor.index import Index
from tutor.lexical import STOP_TERMS, surface_forms, tokenize
from tutor.offline.quantity import asked_kinds, asks_quantity, gives_kind
from tutor.offline.sentences import Unit, known_terms, split_units
from tutor.spelling import Lexicon
from tutor.types import Answer, Citation, Passage

CITE_COST = 4  # " [n]" after each run of sentences from one passage
# Every weight and threshold is a field of `settings` (tutor/config.py, OfflineSettings).

_DIGIT = re.compile(r"\d")
_IDENTIFIER = re.compile(r"[\d.]")  # a digit or a dot: an address, a size, a file name
_LETTERS = re.compile(r"[A-Za-z]+")
# Request words: they say what kind of answer is wanted, not what it is about. Function words
# and other stop words are scikit-learn's and NLTK's lists (tutor/lexical.py).
_REQUEST = frozenset(
    tokenize(
        "difference different differ versus vs compare comparison like use used using example "
        "explain mean means work works thing things happen happens need want way best pros cons "
        "tell pick worth tips"
    )
)


@dataclass(frozen=True)
class PreparedUnits:
    """A chunk's answer units with their vectors and terms, computed once per index."""

    units: list[Unit]
    vectors: np.ndarray
    terms: list[frozenset[str]]
    section_terms: list[frozenset[str]]  # the passage's section path plus the unit's sub-heading


@dataclass
class NoteStats:
    """Document frequencies over the chunks of one index, and the terms the notes really use."""

    n_docs: int
    df: Counter[str]
    known: frozenset[str]
    acronyms: Acronyms = field(default_factory=dict)
    topics: frozenset[str] = frozenset()  # terms of the top-level headings (services, areas)
    words: Lexicon = field(default_factory=lambda: Lexicon.of(Counter()))  # as written, lower case
    idf_max: float = field(init=False)
    # chunk id -> its units and their vectors: a chunk is split and embedded once per index,
    # not once per question (the hot path of every answer).
    units: dict[str, PreparedUnits] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.idf_max = math.log(1 + self.n_docs)

    def idf(self, term: str) -> float:
        count = self.df.get(term, 0)
        return math.log(1 + self.n_docs / (count + 0.5)) if count else self.idf_max


_STATS: dict[str, NoteStats] = {}


def note_stats(index: Index) -> NoteStats:
    stats = _STATS.get(index.name)
    if stats is None:
        df: Counter[str] = Counter()
        for chunk in index.chunks:
            df.update(set(tokenize(chunk.embed_text)))
        texts = [c.text for c in index.chunks]
        words = Lexicon.of(
            Counter(w.lower() for text in texts for w in _LETTERS.findall(text)), texts
        )
        acronyms = find_acronyms(texts)
        topics = frozenset(t for c in index.chunks for t in content_terms(c.topic))
        stats = NoteStats(
            len(index.chunks),
            df,
            known_terms(texts),
            acronyms,
            topics=topics,
            words=words,
        )
        _STATS.clear()  # one index is active at a time
        _STATS[index.name] = stats
    return stats


def question_terms(question: str) -> list[str]:
    return list(dict.fromkeys(t for t in tokenize(question) if t not in _REQUEST))


def content_terms(question: str) -> list[str]:
    """The question's terms that say what it is about: no stop words."""
    return [t for t in question_terms(question) if t not in STOP_TERMS]


@dataclass(frozen=True)
class Scored:
    unit: Unit
    passage_n: int  # 1-based number of its passage
    score: float
    weights: dict[str, float] = field(
        default_factory=dict, compare=False
    )  # matched term -> IDF share


def passage_units(passage: Passage, embedder: Embedder, stats: NoteStats) -> PreparedUnits:
    cached = stats.units.get(passage.chunk_id)
    if cached is None:
        heading = passage.section.split(" > ")[-1]
        found = split_units(passage.text, heading, stats.known)
        section = frozenset(tokenize(passage.section))
        rendered = [u.render(True) for u in found]
        cached = stats.units[passage.chunk_id] = PreparedUnits(
            units=found,
            vectors=embedder.embed_batch(rendered),
            terms=[expand(tokenize(r), stats.acronyms) for r in rendered],
            section_terms=[
                expand(section | set(tokenize(u.heading)), stats.acronyms) for u in found
            ],
        )
    return cached


def score_units(
    question: str,
    passages: Sequence[Passage],
    embedder: Embedder,
    stats: NoteStats,
    settings: OfflineSettings,
    *,
    query_vector: np.ndarray | None = None,
    terms: Sequence[str] | None = None,
) -> list[Scored]:
    """Every unit of the passages, best first; `terms` defaults to the question's terms."""
    terms = question_terms(question) if terms is None else terms
    weights = {t: stats.idf(t) for t in terms}
    total = sum(weights.values()) or 1.0
    numeric, kinds = asks_quantity(question), asked_kinds(question)
    units: list[tuple[Unit, int, frozenset[str], frozenset[str]]] = []
    unit_vectors = []
    for n, passage in enumerate(passages, 1):
        prepared = passage_units(passage, embedder, stats)
        units.extend(
            zip(prepared.units, [n] * len(prepared.units), prepared.terms, prepared.section_terms)
        )
        unit_vectors.append(prepared.vectors)
    if not units:
        return []
    if query_vector is None:
        query_vector = embedder.embed_query(question)
    cosines = np.concatenate(unit_vectors) @ query_vector
    scored = []
    for (unit, n, unit_terms, section_terms), cosine in zip(units, cosines):
        matched = {t: w / total for t, w in weights.items() if t in unit_terms}
        lexical = sum(matched.values())
        section = sum(w for t, w in weights.items() if t in section_terms) / total
        score = (
            settings.w_meaning * float(cosine)
            + settings.w_terms * lexical
            + settings.w_section * section
            + settings.w_rank / n
        )
        if numeric and _DIGIT.search(unit.text) and gives_kind(unit.text, kinds):
            score += settings.number_bonus
        if len(unit.text) < settings.short_chars:
            score -= (
                settings.short_penalty
            )  # a bare label ("Distributed memory") answers nothing on its own
        scored.append(Scored(unit, n, score, matched))
    return sorted(scored, key=lambda s: s.score, reverse=True)


_MARKUP = re.compile(r"\n\s*(?:- )?")


def reading_length(text: str) -> int:
    """An answer's length as read: the Markdown of its lists does not count against the budget."""
    return len(_MARKUP.sub(" ", text))


def _normal(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def _cost(item: Scored) -> int:
    return len(item.unit.render(True)) + 1


def best_window(scored: Sequence[Scored], budget: int, settings: OfflineSettings) -> list[Scored]:
    """The run of consecutive units that scores best in the budget, from the top passage(s) or
    the one holding the best unit.

    The notes explain a point over consecutive lines under one heading, so the stretch around
    the best matches usually holds the whole answer, including short lines ("SSH Key Pair")
    that match nothing on their own. A run scores the sum of its units' margins over a floor
    set by the best unit, plus a prior for the passage's retrieval rank, plus a share of the
    question's terms the run covers (a run that names every part of the question wins).
    """
    floor = settings.window_floor * scored[0].score
    by_passage: dict[int, list[Scored]] = {}
    for item in scored:
        if item.passage_n <= settings.window_passages or item.passage_n == scored[0].passage_n:
            by_passage.setdefault(item.passage_n, []).append(item)
    best: tuple[float, list[Scored]] = (-1.0, [])
    for n, items in by_passage.items():
        items.sort(key=lambda s: s.unit.position)
        for start in range(len(items)):
            value, length = (
                settings.passage_prior / n,
                CITE_COST + len(items[start].unit.heading) + 2,
            )
            covered: dict[str, float] = {}
            for end in range(start, len(items)):
                length += _cost(items[end])
                if length > budget and end > start:
                    break
                value += max(items[end].score - floor, 0.0)
                covered.update(items[end].weights)
                total = value + settings.window_coverage * sum(covered.values())
                if total > best[0]:
                    best = (total, items[start : end + 1])
    return best[1]


def select(
    scored: Sequence[Scored], settings: OfflineSettings, budget: int | None = None
) -> list[Scored]:
    """The best window and the best unit, then other units close to the top score, in the notes'
    order.

    A unit next to one already chosen gets a bonus (neighbours usually complete the point), and
    so does one that names question terms the answer lacks so far ("read replicas vs multi AZ"
    needs both sides).
    """
    if not scored:
        return []
    budget = settings.max_chars if budget is None else budget
    chosen = best_window(scored, budget, settings)
    best = scored[0]
    if best not in chosen:
        # The best-matching unit always makes the answer: the window gives up its weaker end.
        while chosen and reading_length(compose_text(in_order([*chosen, best]), settings)) > budget:
            chosen.pop(0 if chosen[0].score < chosen[-1].score else -1)
        chosen.append(best)
    seen = {_normal(c.unit.text) for c in chosen}
    covered = {t for c in chosen for t in c.weights}
    floor = settings.keep_ratio * scored[0].score
    left = [s for s in scored if s.score >= floor and s not in chosen]

    def priority(s: Scored) -> float:
        near = (s.passage_n, s.unit.position) in neighbours
        new_terms = sum(w for t, w in s.weights.items() if t not in covered)
        return s.score + settings.neighbour_bonus * near + settings.coverage_bonus * new_terms

    while left:
        neighbours = {(c.passage_n, c.unit.position + d) for c in chosen for d in (-1, 1)}
        item = max(left, key=priority)
        left.remove(item)
        key = _normal(item.unit.text)
        if (
            key in seen
            or reading_length(compose_text(in_order([*chosen, item]), settings)) > budget
        ):
            continue  # overlapping chunks repeat sentences; the budget is firm
        chosen.append(item)
        seen.add(key)
        covered.update(item.weights)
    return with_antecedents(drop_dangling(in_order(chosen)), scored, budget, settings)


_REFERS_BACK = re.compile(r"^(?:this|it|its|they|their|these|those|that)\b", re.IGNORECASE)


def with_antecedents(
    chosen: list[Scored], scored: Sequence[Scored], budget: int, settings: OfflineSettings
) -> list[Scored]:
    """A sentence that opens with "this/it/they/these" brings the line before it, which says
    what it refers to; when that does not fit the budget, the sentence goes instead."""
    by_place = {(s.passage_n, s.unit.position): s for s in scored}
    kept = list(chosen)
    for item in chosen:
        before = by_place.get((item.passage_n, item.unit.position - 1))
        if not _REFERS_BACK.match(item.unit.text) or before is None or before in kept:
            continue
        if reading_length(compose_text(in_order([*kept, before]), settings)) <= budget:
            kept = in_order([*kept, before])
        elif len(kept) > 1:
            kept.remove(item)
    return kept


def part_answered(
    chosen: Sequence[Scored],
    part: str,
    others: Sequence[str],
    stats: NoteStats,
    settings: OfflineSettings,
) -> bool:
    """Whether the answer so far answers a part: it holds most (part_coverage of the IDF weight)
    of the part's own terms, those the other parts lack ("CNAME vs Alias" in one section)."""
    said = {t for c in chosen for t in tokenize(f"{c.unit.heading} {c.unit.render(True)}")}
    own = set(content_terms(part)) - {t for o in others for t in content_terms(o)}
    weight = sum(stats.idf(t) for t in own)
    return (
        not weight or sum(stats.idf(t) for t in own if t in said) / weight >= settings.part_coverage
    )


def add_parts(
    passages: Sequence[Passage],
    chosen: Sequence[Scored],
    per_part: Sequence[tuple[Sequence[Passage], Sequence[Scored]]],
    settings: OfflineSettings,
) -> tuple[list[Passage], list[Scored]]:
    """The answer to the whole question, then each part it leaves unanswered from that part's
    own passages, in the question's order, sharing what is left of max_parts_chars. Returns the
    passages cited from (the question's own first, then what the parts added) and the units."""
    combined = list(passages)
    number = {p.chunk_id: n for n, p in enumerate(combined, 1)}
    merged = list(chosen)
    seen = {(passages[c.passage_n - 1].chunk_id, c.unit.position) for c in chosen}
    room = settings.max_parts_chars - reading_length(compose_text(chosen, settings))
    for part_passages, scored in per_part:
        budget = room // len(per_part)
        if budget < settings.max_chars // 4:
            break
        for item in select(scored, settings, budget):
            passage = part_passages[item.passage_n - 1]
            if passage.chunk_id not in number:
                combined.append(passage)
                number[passage.chunk_id] = len(combined)
            if (passage.chunk_id, item.unit.position) not in seen:
                seen.add((passage.chunk_id, item.unit.position))
                merged.append(replace(item, passage_n=number[passage.chunk_id]))
    return combined, merged


def drop_dangling(chosen: list[Scored]) -> list[Scored]:
    """Without the lines it introduces, "The targets for S3 event notifications are:" says nothing."""
    kept = []
    for i, item in enumerate(chosen):
        after = chosen[i + 1] if i + 1 < len(chosen) else None
        follows = (
            after is not None
            and after.passage_n == item.passage_n
            and after.unit.position == item.unit.position + 1
        )
        if item.unit.text.rstrip().endswith(":") and not follows:
            continue
        kept.append(item)
    return kept


def in_order(chosen: Sequence[Scored]) -> list[Scored]:
    return sorted(chosen, key=lambda s: (s.passage_n, s.unit.position))


def citation(n: int, passage: Passage) -> Citation:
    return Citation(
        n=n,
        chunk_id=passage.chunk_id,
        source=passage.source,
        section=passage.section,
        snippet=passage.text[:240],
        score=passage.score,
    )


def runs(chosen: Sequence[Scored]) -> list[list[Scored]]:
    """Consecutive units from the same passage: each run is cited once, after its last unit."""
    grouped: list[list[Scored]] = []
    for item in chosen:
        if grouped and grouped[-1][0].passage_n == item.passage_n:
            grouped[-1].append(item)
        else:
            grouped.append([item])
    return grouped


def run_text(run: Sequence[Scored], settings: OfflineSettings) -> str:
    """A run's sentences, led by the heading they sit under when they do not name it
    ("Write Through: Data in cache is never stale..."); the notes' lists stay Markdown lists."""
    shown = {c.unit.text for c in run}  # parents present as units
    body = ""
    for item in run:
        unit = item.unit
        text = unit.render(with_parent=unit.parent not in shown)
        shown.add(unit.parent)
        if len(text) > settings.max_chars:
            text = text[: settings.max_chars - 1].rsplit(" ", 1)[0] + "…"
        if unit.listed:
            marker = f"{unit.marker} " if unit.marker else ""
            body += f"\n{'  ' * unit.depth}{marker}{text}"
        else:
            body += ("\n" if body.endswith(_LIST_END) or _ends_list(body) else " ") + text
    body = body.strip(" ")
    heading = run[0].unit.heading
    if heading and heading.lower() not in body.lower() and len(heading) <= settings.max_lead_chars:
        return f"{heading}:{'' if body.startswith(chr(10)) else ' '}{body}"
    return body.lstrip("\n")


_LIST_END = "\n"


def _ends_list(body: str) -> bool:
    """Whether the text so far ends inside a list: prose after it starts a new line."""
    last = body.rsplit("\n", 1)
    return len(last) == 2 and bool(re.match(r"\s*(?:- |\d+[.)] )", last[1]))


def compose_text(chosen: Sequence[Scored], settings: OfflineSettings) -> str:
    numbers: dict[int, int] = {}
    text = ""
    for run in runs(chosen):
        n = numbers.setdefault(run[0].passage_n, len(numbers) + 1)
        part = f"{run_text(run, settings)} [{n}]"
        if text:
            text += "\n\n" if "\n" in part or _ends_list(text) else " "
        text += part
    return text


def compose(
    chosen: Sequence[Scored], passages: Sequence[Passage], settings: OfflineSettings
) -> tuple[str, list[Citation]]:
    """The answer text with [n] markers and its citations, renumbered 1.. in order of first use."""
    used = list(dict.fromkeys(c.passage_n for c in chosen))
    citations = [citation(new, passages[old - 1]) for new, old in enumerate(used, 1)]
    return compose_text(chosen, settings), citations


def nearest_topics(passages: Sequence[Passage], limit: int = 3) -> list[str]:
    return list(dict.fromkeys(p.topic for p in passages))[:limit]


def decline(passages: Sequence[Passage], *, lacks_figure: bool = False) -> Answer:
    """`lacks_figure`: the notes cover the subject but not the number asked for."""
    topics = nearest_topics(passages)
    text = (
        "The notes do not give that figure, so I can't answer it from them."
        if lacks_figure
        else "The notes do not cover that, so I can't answer it from them."
    )
    if topics:
        text += " The nearest topics they do cover: " + ", ".join(topics) + "."
    return Answer(text=text, grounded=False, nearest_topics=topics)


def unfamiliar_terms(text: str, stats: NoteStats) -> tuple[list[str], list[str]]:
    """The content terms of `text` the notes never use: (rare, common). Rare: not everyday English
    either, the name of something the notes do not cover ("Kinesis", "Cognito"); common: everyday
    words. Identifiers ("10.0.0.0/16", "64k") are neither: they are the learner's own."""
    forms = surface_forms(text)
    unknown = [t for t in content_terms(text) if not stats.df.get(t)]
    own = {t for t in unknown if any(_IDENTIFIER.search(whole) for _, whole in forms.get(t, ()))}
    everyday = common_words()
    common = [
        t for t in unknown if t not in own and any(word in everyday for word, _ in forms.get(t, ()))
    ]
    return [t for t in unknown if t not in own and t not in common], common
