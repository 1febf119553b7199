"""The peer a user would otherwise pick: the LangChain RAG tutorial's retriever, shared by benches."""

from __future__ import annotations

from pathlib import Path

from langchain_core.embeddings import Embeddings

from tutor.embeddings import Embedder

ROOT = Path(__file__).resolve().parent.parent


class LangChainEmbeddings(Embeddings):
    """The project's MiniLM behind LangChain's Embeddings interface."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_batch(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()


def tutorial_chunks() -> list[str]:
    """RecursiveCharacterTextSplitter(1000, 200) over the notes, as in the tutorial."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from ingest.loaders import load_paths

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    return [c for doc in load_paths([ROOT / "corpus"]) for c in splitter.split_text(doc.text)]


def tutorial_store(embedder: Embedder, chunks: list[str], name: str = "tutorial"):
    """langchain_chroma over an in-memory Chroma, the tutorial's vector store."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma

    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma(
        collection_name=name, embedding_function=LangChainEmbeddings(embedder), client=client
    )
    store.add_texts(chunks)
    return store
