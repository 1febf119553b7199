"""The offline engine's settings: one section, each setting documented once with its default, and
the engine answers by the settings it is built with (not module constants)."""

from __future__ import annotations

import re
from pathlib import Path

from tutor.config import OfflineSettings, Settings
from tutor.offline.engine import OfflineEngine

DEPLOYMENT = Path(__file__).parents[2] / "docs" / "deployment.md"


def test_every_offline_setting_is_documented_once_with_its_default():
    row = re.compile(r"^\| `TUTOR_OFFLINE__(\w+)` \| `([^`]*)` \|", re.MULTILINE)
    rows = row.findall(DEPLOYMENT.read_text())
    documented = {name.lower(): default for name, default in rows}
    assert len(rows) == len(documented)  # once each
    defaults = OfflineSettings().model_dump()
    assert documented == {name: str(value) for name, value in defaults.items()}


def test_the_environment_sets_the_offline_section(monkeypatch):
    monkeypatch.setenv("TUTOR_OFFLINE__MIN_SUPPORT", "0.6")
    monkeypatch.setenv("TUTOR_OFFLINE__MAX_CHARS", "400")
    offline = Settings(_env_file=None).offline
    assert (offline.min_support, offline.max_chars) == (0.6, 400)
    assert offline.keep_ratio == OfflineSettings().keep_ratio


def test_the_engine_answers_by_its_own_settings(tutor):
    question = "How long is an RDS IAM auth token valid?"
    index = tutor.current_index()
    passages = tutor.search(question)
    answered = tutor.offline.answer(question, passages, index)
    assert answered.covered and answered.answer.citations
    strict = OfflineSettings(min_support=10.0, min_untopical_support=10.0)
    declined = OfflineEngine(strict, tutor.embedder, tutor.retriever).answer(
        question, passages, index
    )
    assert not declined.covered and not declined.answer.grounded
    short = OfflineSettings(max_chars=200)
    brief = OfflineEngine(short, tutor.embedder, tutor.retriever).answer(question, passages, index)
    assert len(brief.answer.text) < len(answered.answer.text)
