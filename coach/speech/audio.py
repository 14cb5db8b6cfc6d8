"""Reading a recording before any model sees it: decodable, not empty, not silent, not too long.

Each check fails with a message the candidate can act on, so a bad upload never reaches Whisper
(which would "hear" words in silence or noise) and never loses the typed answer.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from coach.speech.models import SpeechError

RATE = 16_000  # Whisper's sampling rate; decode_audio resamples to it
# Below this RMS (of samples in [-1, 1]) a recording is silence: a muted or absent microphone.
SILENCE_RMS = 1e-3


def load(path: Path, max_seconds: float) -> np.ndarray:
    """Mono 16 kHz float32 samples of a readable, non-silent recording within the length limit."""
    if not path.is_file():
        raise SpeechError(f"no recording at {path}")
    if path.stat().st_size == 0:
        raise SpeechError(f"{path.name} is empty: record again or pick another file")
    samples = _decode(path)
    seconds = len(samples) / RATE
    if seconds < 0.1:
        raise SpeechError(f"{path.name} holds no audio: record again or pick another file")
    if seconds > max_seconds:
        raise SpeechError(
            f"{path.name} is {_clock(seconds)} long; answers up to {_clock(max_seconds)} "
            "can be transcribed: split it, or type the rest"
        )
    if float(np.sqrt(np.mean(np.square(samples)))) < SILENCE_RMS:
        raise SpeechError(
            f"{path.name} is silent: check that the microphone is on and not muted, then record "
            "again"
        )
    return samples


def _decode(path: Path) -> np.ndarray:
    # Imported here: faster-whisper (and PyAV under it) load only when someone speaks.
    from faster_whisper.audio import decode_audio

    try:
        samples = decode_audio(str(path), sampling_rate=RATE)
    except Exception as exc:  # PyAV raises its own error family (InvalidDataError, ...)
        raise SpeechError(
            f"{path.name} is not an audio file this coach can read "
            f"({type(exc).__name__}); use WAV, MP3, OGG, WebM or M4A"
        ) from exc
    return np.asarray(samples, dtype=np.float32)


def _clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"
