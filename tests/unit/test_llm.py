"""Provider lookup: TUTOR_LLM names a LangChain chat model, or a clear ConfigError."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tutor.config import Settings
from tutor.errors import ConfigError
from tutor.llm import make_chat_model


def make_settings(data_dir, **overrides) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, **overrides)


def test_no_llm_means_offline(tmp_path):
    assert make_chat_model(make_settings(tmp_path)) is None
    assert make_chat_model(make_settings(tmp_path, llm="offline")) is None


def test_openai_compatible_server_gets_base_url_timeout_and_max_tokens(tmp_path):
    from langchain_openai import ChatOpenAI

    settings = make_settings(
        tmp_path,
        llm="openai:smollm2",
        llm_base_url="http://127.0.0.1:9/v1",
        llm_timeout_s=7,
        llm_max_tokens=99,
    )
    model = make_chat_model(settings)
    assert isinstance(model, ChatOpenAI)
    assert model.model_name == "smollm2"
    assert model.openai_api_base == "http://127.0.0.1:9/v1"
    assert model.request_timeout == 7
    # llama.cpp's server ignores max_completion_tokens, so the limit also goes as max_tokens.
    assert model.extra_body == {"max_tokens": 99}


def test_openai_proper_uses_key_and_max_tokens(tmp_path):
    settings = make_settings(
        tmp_path, llm="openai:gpt-4o-mini", llm_api_key="sk-test", llm_max_tokens=64
    )
    model = make_chat_model(settings)
    assert model.max_tokens == 64
    assert model.openai_api_key.get_secret_value() == "sk-test"


def test_ollama(tmp_path):
    from langchain_ollama import ChatOllama

    settings = make_settings(
        tmp_path, llm="ollama:llama3.1", llm_base_url="http://127.0.0.1:9", llm_timeout_s=5
    )
    model = make_chat_model(settings)
    assert isinstance(model, ChatOllama)
    assert model.model == "llama3.1" and model.base_url == "http://127.0.0.1:9"
    assert model.client_kwargs == {"timeout": 5}


@pytest.mark.parametrize("name", ["nonsense:model", "openia:gpt-4o"])
def test_unknown_provider_is_a_config_error(tmp_path, name):
    with pytest.raises(ConfigError, match="Unknown LLM provider") as err:
        make_chat_model(make_settings(tmp_path, llm=name))
    assert "openai" in str(err.value)


def test_missing_model_and_malformed_setting(tmp_path):
    with pytest.raises(ConfigError, match="names no model"):
        make_chat_model(make_settings(tmp_path, llm="openai:"))
    with pytest.raises(ValidationError, match="provider:model"):
        make_settings(tmp_path, llm="gpt-4o-mini")


def test_unknown_provider_stops_build_tutor_before_anything_is_stored(tmp_path, embedder):
    from tutor.service import build_tutor

    settings = make_settings(tmp_path / "data", llm="nonsense:model")
    with pytest.raises(ConfigError):
        build_tutor(settings, embedder=embedder)
    assert not (tmp_path / "data" / "tutor.db").exists()
