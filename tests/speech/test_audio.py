"""A recording is checked before any model hears it; each failure says what to do."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coach.speech import audio
from coach.speech.models import SpeechError
from tests.fakes.speech import RATE, noise, samples, silence


def test_a_tone_is_read_as_16_khz_samples(tmp_path: Path) -> None:
    tone = 0.3 * np.sin(np.linspace(0, 2 * np.pi * 440 * 2, RATE * 2))
    loaded = audio.load(samples(tmp_path / "tone.wav", tone), max_seconds=60)
    assert loaded.dtype == np.float32 and abs(len(loaded) / audio.RATE - 2.0) < 0.01


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p.write_bytes(b"") and p, "is empty"),
        (lambda p: p.write_text("not audio at all, a text file renamed") and p, "not an audio"),
        (lambda p: silence(p), "is silent"),
        (lambda p: samples(p, np.zeros(100)), "holds no audio"),
    ],
    ids=["empty", "not-audio", "silent", "too-short"],
)
def test_bad_recordings_get_a_clear_message(tmp_path: Path, make, expected: str) -> None:
    path = tmp_path / "answer.wav"
    make(path)
    with pytest.raises(SpeechError, match=expected):
        audio.load(path, max_seconds=60)


def test_a_recording_over_the_limit_is_refused_with_both_lengths(tmp_path: Path) -> None:
    long = noise(tmp_path / "long.wav", seconds=12)
    with pytest.raises(SpeechError, match=r"is 0:12 long; answers up to 0:10"):
        audio.load(long, max_seconds=10)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SpeechError, match="no recording at"):
        audio.load(tmp_path / "nowhere.wav", max_seconds=10)
