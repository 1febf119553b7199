"""Provider lookup by name -> a LangChain chat model, or None for the offline tutor.

`TUTOR_LLM=provider:model` goes to LangChain's `init_chat_model`, which knows the providers and
their packages; this module only adds the settings each one needs and turns its errors into a
ConfigError that says what to fix.
"""

from __future__ import annotations

import logging
from typing import Any

from langchain_core.language_models import BaseChatModel

from tutor.config import Settings
from tutor.errors import ConfigError

log = logging.getLogger(__name__)

SUPPORTED = ("openai", "ollama", "anthropic")


def _provider_kwargs(provider: str, settings: Settings) -> dict[str, Any]:
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    timeout = settings.llm_timeout_s
    tokens = settings.llm_max_tokens
    kwargs: dict[str, Any]
    if provider == "openai":
        kwargs = {"timeout": timeout, "max_retries": 0}
        if settings.llm_base_url:
            # An OpenAI-compatible server (vLLM, llama.cpp, LM Studio) needs some key, often any.
            kwargs.update(base_url=settings.llm_base_url, api_key=key or "not-needed")
            # langchain-openai sends max_completion_tokens, which llama.cpp's server ignores.
            kwargs["extra_body"] = {"max_tokens": tokens}
        else:
            kwargs["max_tokens"] = tokens
            if key:
                kwargs["api_key"] = key
        return kwargs
    if provider == "ollama":
        kwargs = {"num_predict": tokens, "client_kwargs": {"timeout": timeout}}
        if settings.llm_base_url:
            kwargs["base_url"] = settings.llm_base_url
        return kwargs
    kwargs = {"timeout": timeout, "max_tokens": tokens, "max_retries": 0}
    if key:
        kwargs["api_key"] = key
    if settings.llm_base_url:
        kwargs["base_url"] = settings.llm_base_url
    return kwargs


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    """The chat model `settings.llm` names, or None when the tutor runs offline."""
    if not settings.llm:
        return None
    provider, _, model = settings.llm.partition(":")
    provider, model = provider.strip().lower(), model.strip()
    if not model:
        raise ConfigError(f"TUTOR_LLM={settings.llm!r} names no model: use provider:model.")
    from langchain.chat_models import init_chat_model

    try:
        return init_chat_model(
            model, model_provider=provider, **_provider_kwargs(provider, settings)
        )
    except ValueError as exc:
        if "Unsupported" in str(exc):
            raise ConfigError(
                f"Unknown LLM provider {provider!r} in TUTOR_LLM; use one of "
                f"{', '.join(SUPPORTED)} (e.g. openai:gpt-4o-mini), or unset it to run offline."
            ) from exc
        raise ConfigError(f"Cannot set up the LLM {settings.llm!r}: {exc}") from exc
    except ImportError as exc:
        extra = " (pip install 'notes-tutor[anthropic]')" if provider == "anthropic" else ""
        raise ConfigError(f"The {provider} provider is not installed{extra}: {exc}") from exc
    except Exception as exc:  # the provider SDK refused its settings (a missing key, a bad URL)
        raise ConfigError(f"Cannot set up the LLM {settings.llm!r}: {exc}") from exc
