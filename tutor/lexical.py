"""BM25 over the chunks (bm25s), persisted beside the store and rebuilt on every ingest."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

from tutor.types import Chunk

_WORD = re.compile(r"[a-z0-9][a-z0-9\-\.]*[a-z0-9]|[a-z0-9]")
_STOPWORDS = frozenset(bm25s.stopwords.STOPWORDS_EN) | {"whats", "hows", "does", "aws"}
_stemmer = Stemmer.Stemmer("english")


def _words(text: str) -> list[tuple[str, str]]:
    """(word, the whole word it is part of): dotted or hyphenated terms kept whole and split."""
    words: list[tuple[str, str]] = []
    for word in _WORD.findall(text.lower()):
        words.append((word, word))
        if "-" in word or "." in word:
            words.extend((p, word) for p in re.split(r"[\-\.]", word) if p)
    return [(w, whole) for w, whole in words if w not in _STOPWORDS]


def tokenize(text: str) -> list[str]:
    """Lower-case words, dotted or hyphenated terms kept whole and split (io2, gp2/gp3, s3:GetObject)."""
    return _stemmer.stemWords([w for w, _ in _words(text)])


def surface_forms(text: str) -> dict[str, set[tuple[str, str]]]:
    """Each term of `text` -> the (word, whole word) pairs it was stemmed from, as written."""
    forms: dict[str, set[tuple[str, str]]] = {}
    pairs = _words(text)
    for term, pair in zip(_stemmer.stemWords([w for w, _ in pairs]), pairs):
        forms.setdefault(term, set()).add(pair)
    return forms


class LexicalIndex:
    def __init__(self, model: bm25s.BM25, ids: list[str]) -> None:
        self.model = model
        self.ids = ids

    @classmethod
    def build(cls, chunks: Sequence[Chunk]) -> LexicalIndex:
        model = bm25s.BM25()
        model.index([tokenize(c.embed_text) for c in chunks], show_progress=False)
        return cls(model, [c.id for c in chunks])

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.model.save(str(folder))
        (folder / "ids.json").write_text(json.dumps(self.ids))

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        model = bm25s.BM25.load(str(folder))
        ids = json.loads((folder / "ids.json").read_text())
        return cls(model, ids)

    def search(self, query: str, n: int) -> list[tuple[str, float]]:
        vocab = self.model.vocab_dict
        tokens = [t for t in tokenize(query) if t in vocab]
        if not tokens or not self.ids:
            return []
        # Scoring every chunk and sorting is ten times faster than retrieve() at notes' scale.
        scores = self.model.get_scores(tokens)
        top = np.argsort(-scores, kind="stable")[:n]
        return [(self.ids[int(i)], float(scores[i])) for i in top if scores[i] > 0]
