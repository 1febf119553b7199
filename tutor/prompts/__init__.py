"""Prompt templates live beside this file as <name>.md or <name>.txt; load them by name."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).parent


@lru_cache
def load(name: str) -> str:
    for suffix in (".md", ".txt"):
        path = _HERE / f"{name}{suffix}"
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"no prompt named {name!r} in {_HERE}")


def render(name: str, **values: str) -> str:
    """Fill the template's {placeholders}; values are inserted verbatim (no re-formatting)."""
    text = load(name)
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text
