"""The official openai client against the app under a real uvicorn on loopback."""

from __future__ import annotations

import openai
import pytest


@pytest.fixture()
def oai(server_url):
    return openai.OpenAI(
        base_url=f"{server_url}/v1", api_key="not-needed", max_retries=0, timeout=120
    )


def test_models(oai):
    assert [m.id for m in oai.models.list()] == ["notes-tutor"]


def test_completion_without_streaming(oai):
    done = oai.chat.completions.create(
        model="notes-tutor",
        messages=[{"role": "user", "content": "How does S3 versioning work?"}],
    )
    assert done.object == "chat.completion"
    choice = done.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    body, _, sources = choice.message.content.partition("\n\nSources:\n")
    assert "ersion" in body and "[1]" in sources and "S3" in sources
    assert done.usage.total_tokens > 0


def test_completion_streaming(oai):
    stream = oai.chat.completions.create(
        model="notes-tutor",
        messages=[{"role": "user", "content": "What are EC2 security groups?"}],
        stream=True,
    )
    chunks = list(stream)
    assert len(chunks) > 3, "the answer arrives in pieces"
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "Security Group" in text and "\n\nSources:\n[1]" in text


def test_follow_up_uses_the_earlier_turn(oai):
    first = [{"role": "user", "content": "What is S3 versioning?"}]
    answer = oai.chat.completions.create(model="notes-tutor", messages=first)
    follow = first + [
        {"role": "assistant", "content": answer.choices[0].message.content},
        {"role": "user", "content": "Can it be suspended?"},
    ]
    # Alone, "Can it be suspended?" is out of scope; the conversation makes "it" S3 versioning.
    again = oai.chat.completions.create(model="notes-tutor", messages=follow)
    assert "S3 Versioning" in again.choices[0].message.content.partition("\n\nSources:\n")[2]


def test_errors_reach_the_client_as_openai_errors(oai):
    with pytest.raises(openai.NotFoundError) as err:
        oai.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert "notes-tutor" in err.value.message
    with pytest.raises(openai.UnprocessableEntityError):
        oai.chat.completions.create(
            model="notes-tutor", messages=[{"role": "user", "content": "x" * 4001}]
        )
