"""Shared fixtures: every test gets its own data dir; settings are re-read per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.settings import get_settings


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the user data dir at tmp_path and keep real provider settings out of tests."""
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    for name in ("COACH_LLM", "OPENAI_API_KEY", "OPENAI_BASE_URL", "OLLAMA_HOST"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
