"""The Tutor facade every surface calls, and build_tutor(settings), the one factory."""

from __future__ import annotations

from dataclasses import dataclass

from tutor.config import Settings
from tutor.embeddings import Embedder, MiniLMEmbedder
from tutor.errors import InvalidInput, NotFound, TutorError
from tutor.index import Index, IndexHandle
from tutor.retrieve import HybridRetriever
from tutor.store import ChromaStore
from tutor.types import Answer, Citation, Passage


@dataclass
class Tutor:
    settings: Settings
    store: ChromaStore
    embedder: Embedder
    index: IndexHandle
    retriever: HybridRetriever

    def search(self, query: str, k: int | None = None) -> list[Passage]:
        return self.retriever.search(query, k)

    def current_index(self) -> Index:
        return self.index.current()

    def ask(self, question: str, session_id: str | None = None,
            choices: list[str] | None = None) -> Answer:
        # Minimal offline answer until the engine lands: the best passage, cited.
        if not question.strip():
            raise InvalidInput("The question is empty.")
        passages = self.search(question)
        citations = [
            Citation(n=i + 1, chunk_id=p.chunk_id, source=p.source, section=p.section,
                     snippet=p.text[:200], score=p.score)
            for i, p in enumerate(passages)
        ]
        text = passages[0].text[:500] + " [1]" if passages else ""
        return Answer(text=text, citations=citations, session_id=session_id)

    def topics(self) -> list[str]:
        return self.index.current().topics

    def source(self, chunk_id: str) -> Passage:
        chunk = self.index.current().by_id.get(chunk_id)
        if chunk is None:
            raise NotFound(f"No passage with id {chunk_id!r} in the current notes.")
        return Passage(chunk_id=chunk.id, text=chunk.text, section=chunk.section,
                       source=chunk.source, score=1.0, start=chunk.start, end=chunk.end)

    def health(self) -> dict[str, dict]:
        """Each part's state; never raises, so /healthz can say what is wrong."""
        report: dict[str, dict] = {"embedder": {"ok": True, "model": self.embedder.name}}
        try:
            self.store.heartbeat()
            index = self.index.current()
            report["store"] = {"ok": True, "location": self.store.location,
                               "collection": index.name, "chunks": len(index.chunks)}
        except TutorError as exc:
            report["store"] = {"ok": False, "location": self.store.location, "error": str(exc)}
        report["llm"] = {"ok": True, "provider": self.settings.llm or "offline"}
        return report

    # -- the rest of the facade (contract for every surface; implemented by the engine) ----------
    # async def stream(self, question, session_id=None) -> AsyncIterator[str | Answer]:
    #     yields text deltas (str), then exactly one final Answer (citations, grounded, session_id)
    # def quiz(self, session_id, *, topic=None, kind="mcq") -> QuizItem
    # def grade(self, quiz_id, answer: str) -> Grade      (mcq: letter "B", index "1" or choice text)
    # def hint(self, quiz_id) -> Hint
    # def progress(self, session_id) -> Progress
    # def topics(self) -> list[str]
    # def source(self, chunk_id) -> Passage               (NotFound when unknown)
    # def health(self) -> dict[str, dict]                  ({"store": {...}, "embedder": ..., "llm": ...})

    def close(self) -> None:
        pass


def build_tutor(settings: Settings, *, embedder: Embedder | None = None) -> Tutor:
    """Build every expensive part once: the model, the Chroma client, the index handle."""
    embedder = embedder or MiniLMEmbedder()
    store = ChromaStore(settings)
    index = IndexHandle(store, settings)
    retriever = HybridRetriever(
        store=store, index=index, embedder=embedder, settings=settings.retrieval
    )
    return Tutor(settings=settings, store=store, embedder=embedder, index=index, retriever=retriever)
