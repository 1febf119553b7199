"""BM25 over the chunks (bm25s), persisted beside the store and rebuilt on every ingest."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from tutor.types import Chunk

_WORD = re.compile(r"[a-z0-9][a-z0-9\-\.]*[a-z0-9]|[a-z0-9]")
# Function words: NLTK's English list as bm25s ships it (pronouns, auxiliaries, "didn" and "t").
FUNCTION_WORDS = frozenset(bm25s.stopwords.STOPWORDS_EN_PLUS)
# Stop words for what a question is about: the union with scikit-learn's list.
STOP_WORDS = FUNCTION_WORDS | ENGLISH_STOP_WORDS
_CLITICS = frozenset({"nt", "t", "s", "re", "ve", "ll", "m"})
TOKENIZER_VERSION = "2"  # what a saved BM25 index was built with; another version is rebuilt
_stemmer = Stemmer.Stemmer("english")
STOP_TERMS = frozenset(_stemmer.stemWords(sorted(STOP_WORDS)))  # as `tokenize` writes them


@functools.lru_cache(maxsize=1 << 16)  # called for every word of every text tokenised
def is_function_word(word: str) -> bool:
    """A function word, also run together with its clitic, typed without the apostrophe ("didnt",
    "wont", "whats", "youre", "ive"); a one-letter stem other than "i" is no word ("ms")."""
    if word in FUNCTION_WORDS:
        return True
    for cut in range(1, len(word)):
        stem, clitic = word[:cut], word[cut:]
        if clitic in _CLITICS and stem in FUNCTION_WORDS:
            return len(stem) > 1 or stem == "i"
    return False


def _words(text: str) -> list[tuple[str, str]]:
    """(word, the whole word it is part of): dotted or hyphenated terms kept whole and split."""
    words: list[tuple[str, str]] = []
    for word in _WORD.findall(text.lower()):
        words.append((word, word))
        if "-" in word or "." in word:
            words.extend((p, word) for p in re.split(r"[\-\.]", word) if p)
    return [(w, whole) for w, whole in words if not is_function_word(w)]


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
        (folder / "tokenizer.txt").write_text(TOKENIZER_VERSION)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        if (folder / "tokenizer.txt").read_text() != TOKENIZER_VERSION:
            raise ValueError("BM25 index built by another tokenizer")
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
