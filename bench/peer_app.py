"""The peer service for bench/load.py: the LangChain tutorial retriever (k=4) behind /v1/chat.

uvicorn bench.peer_app:app --port N       (no LLM: returns the retrieved text)
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import BaseModel

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


class ChatIn(BaseModel):
    message: str


@asynccontextmanager
async def lifespan(app: FastAPI):
    from bench.peers import tutorial_chunks, tutorial_store
    from tutor.embeddings import MiniLMEmbedder

    store = tutorial_store(MiniLMEmbedder(), tutorial_chunks(), "peer")
    app.state.retriever = store.as_retriever(search_kwargs={"k": 4})
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/healthz")
def healthz() -> dict:
    return {"ok": True}


@app.post("/v1/chat")
def chat(body: ChatIn) -> dict:
    docs = app.state.retriever.invoke(body.message)
    return {"text": "\n\n".join(d.page_content for d in docs), "sources": len(docs)}
