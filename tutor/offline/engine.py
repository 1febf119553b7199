"""The offline engine's one entry point: a question and its passages in, an Answer out.

The Tutor (tutor/service.py) resolves a follow-up with `resolve`, retrieves, and hands the question
to `answer` once: the engine scores the passages' units (tutor/offline/answer.py), decides whether
the notes cover the question (tutor/offline/scope.py), answers the parts the answer leaves out
(tutor/offline/parts.py, from their own passages) and composes the cited answer or the decline.
`choose` does the same for a multiple-choice question. Every weight and threshold comes from the
`OfflineSettings` it is built with (`Settings.offline`, `TUTOR_OFFLINE__...`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tutor.acronyms import Acronyms
from tutor.config import OfflineSettings
from tutor.embeddings import Embedder, common_words
from tutor.index import Index
from tutor.lexical import tokenize
from tutor.offline import answer as units
from tutor.offline.choices import choose
from tutor.offline.parts import compares, readings, split_question
from tutor.offline.scope import support
from tutor.retrieve import HybridRetriever
from tutor.sessions import Turn
from tutor.spelling import correct_typos
from tutor.types import Answer, Passage

NOT_SETTLED = "The notes do not settle this question, so I won't guess."


@dataclass(frozen=True)
class Reply:
    """The engine's reply to one question."""

    answer: Answer  # the extractive answer, or the decline when the notes do not cover it
    passages: list[Passage]  # retrieved for the question, then for the parts it left unanswered
    covered: bool  # the notes cover the question (an LLM may answer it from `passages`)


_SUFFIXES = ("s", "es", "ed", "er", "ers", "ing", "ly")


@functools.cache
def _everyday_terms() -> frozenset[str]:
    return frozenset(t for w in common_words() for t in tokenize(w))


def _known(word: str, stats: units.NoteStats) -> bool:
    """A word of the notes or of everyday English, inflected ("queues", "slows", "signer")."""
    if any(t in stats.df or t in _everyday_terms() for t in tokenize(word)):
        return True
    everyday = common_words()
    return any(word.endswith(s) and word[: -len(s)] in everyday for s in _SUFFIXES)


class OfflineEngine:
    def __init__(
        self, settings: OfflineSettings, embedder: Embedder, retriever: HybridRetriever
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.retriever = retriever

    def spell(self, text: str, index: Index) -> str:
        """`text` with typos of the notes' words read as those words ("cloudfornt")."""
        stats = units.note_stats(index)
        return correct_typos(
            text,
            stats.words,
            lambda word: _known(word, stats),
            self.settings.typo_one_chars,
            self.settings.typo_two_chars,
        )

    def resolve(self, question: str, history: Sequence[Turn], index: Index) -> str:
        """The question as the notes would word it: typos of the notes' words read as those words,
        and the previous turn's subject in front when it is a follow-up. A short question that may
        be either (tutor/offline/parts.py, `readings`) is read the way the notes match better."""
        options = readings(self.spell(question, index), history)
        if len(options) == 1:
            return options[0]
        asked, with_subject = options  # as typed; with the earlier subject in front
        vector = self.embedder.embed_query(asked)
        typed = self._match(asked, asked, vector, index)
        followed = self._match(with_subject, asked, vector, index)
        # a near tie is read as typed: the learner named what they ask about
        return with_subject if followed > typed + self.settings.follow_up_margin else asked

    def _match(self, reading: str, asked: str, vector: np.ndarray, index: Index) -> float:
        """How well the best unit of the passages retrieved for `reading` matches what was
        `asked` (by meaning and content terms, as scope.py's `best`): the reading that finds the
        notes on what the learner asked wins."""
        passages = self.retriever.search(reading, index=index)
        content = units.score_units(
            asked,
            passages,
            self.embedder,
            units.note_stats(index),
            self.settings,
            query_vector=vector,
            terms=units.content_terms(asked),
        )
        return content[0].score if content else 0.0

    def answer(
        self,
        question: str,
        passages: Sequence[Passage],
        index: Index,
        *,
        vector: np.ndarray | None = None,
    ) -> Reply:
        """Answer `question` from `passages` (retrieved from `index`; `vector`: the question's
        embedding, when the caller has it), or decline."""
        settings, stats = self.settings, units.note_stats(index)
        passages = list(passages)
        scored = units.score_units(
            question, passages, self.embedder, stats, settings, query_vector=vector
        )
        chosen = units.select(scored, settings)
        parts = split_question(
            question, topics=stats.topics, vocabulary=stats.df, max_parts=settings.max_parts
        )
        found = support(
            question,
            passages,
            chosen,
            self.embedder,
            stats,
            settings,
            query_vector=vector,
            parts=parts if len(parts) > 1 else (),
        )
        if len(parts) > 1 and found.covered:
            missing = self._unanswered(question, parts, passages, chosen, index, stats)
            if missing:
                passages, chosen = units.add_parts(passages, chosen, missing, settings)
        if not found.covered:
            answer = units.decline(passages, lacks_figure=found.lacks_figure)
        else:
            text, citations = units.compose(chosen, passages, settings)
            answer = Answer(text=text, citations=citations)
        return Reply(answer, passages, found.covered)

    def _unanswered(
        self,
        question: str,
        parts: Sequence[str],
        passages: Sequence[Passage],
        chosen: Sequence[units.Scored],
        index: Index,
        stats: units.NoteStats,
    ) -> list[tuple[list[Passage], list[units.Scored]]]:
        """The parts the answer leaves out, each with its own passages and scored units. A side of
        a comparison is answered when the answer names it (part_coverage of its own terms); any
        other part when the answer holds the best unit of the part's own passages."""
        held = {(passages[c.passage_n - 1].chunk_id, c.unit.position) for c in chosen}
        side_by_side = compares(question)
        todo = [
            part
            for part in parts
            if not (
                side_by_side
                and units.part_answered(
                    chosen, part, [p for p in parts if p != part], stats, self.settings
                )
            )
        ]
        missing = []
        # the parts' vectors in one model call: a pass over a few short texts costs about one
        for part, vector in zip(todo, self.embedder.embed_batch(todo) if todo else []):
            own_passages, scored = self._part(part, index, stats, vector)
            best = scored[0] if scored else None
            if best is None or (
                not side_by_side
                and (own_passages[best.passage_n - 1].chunk_id, best.unit.position) in held
            ):
                continue
            missing.append((own_passages, scored))
        return missing

    def _part(
        self, part: str, index: Index, stats: units.NoteStats, vector: np.ndarray
    ) -> tuple[list[Passage], list[units.Scored]]:
        """One part of a question of several: its own passages and their units, scored."""
        passages = self.retriever.search(part, index=index, vector=vector)
        return passages, units.score_units(
            part, passages, self.embedder, stats, self.settings, query_vector=vector
        )

    def choose(
        self,
        question: str,
        choices: Sequence[str],
        evidence: Sequence[Sequence[Passage]],
        index: Index,
    ) -> Answer:
        """The choice the notes settle (tutor/offline/choices.py), cited, or an abstention.
        evidence[i]: the passages retrieved for the question together with choice i."""
        settled = choose(
            question, choices, evidence, self.embedder, units.note_stats(index), self.settings
        )
        if settled is None:
            return self._not_settled(evidence)
        best = settled.index
        text, citations = units.compose(settled.support, evidence[settled.source], self.settings)
        if settled.source != best:  # an exception, by elimination: the notes settle the others
            text = f"The notes say this of the other choices, not of this one: {text}"
        return Answer(
            text=f"{chr(65 + best)}. {choices[best]} — {text}",
            citations=citations,
            choice_index=best,
        )

    @staticmethod
    def _not_settled(evidence: Sequence[Sequence[Passage]], limit: int = 3) -> Answer:
        """No choice: the sections nearest the question and its choices, for the learner to read."""
        ranked = [
            p
            for rank in range(max(map(len, evidence), default=0))
            for ps in evidence
            for p in ps[rank : rank + 1]
        ]
        sections = list(dict.fromkeys(p.section for p in ranked))[:limit]
        text = NOT_SETTLED + (
            " The nearest sections: " + "; ".join(sections) + "." if sections else ""
        )
        return Answer(text=text, choice_index=None, nearest_topics=units.nearest_topics(ranked))

    def acronyms(self, index: Index) -> Acronyms:
        """The acronyms the notes spell out (for grading answers against them)."""
        return units.note_stats(index).acronyms

    def warm(self, index: Index) -> int:
        """Split and embed every chunk's answer units now rather than on the first question that
        reaches each chunk. Returns the chunks prepared."""
        stats = units.note_stats(index)
        for chunk in index.chunks:
            units.passage_units(Passage.of(chunk, 0.0), self.embedder, stats)
        return len(index.chunks)
