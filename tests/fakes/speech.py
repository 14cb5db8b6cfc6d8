"""Recordings for the speech tests, made at test time: espeak-ng speech and synthetic audio."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

RATE = 16_000
ESPEAK = shutil.which("espeak-ng")
# .ci/run installs espeak-ng; a developer machine without it skips only the clip tests.
needs_espeak = pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed")


def spoken(text: str, lang: str, path: Path) -> Path:
    """`text` read by espeak-ng's `lang` voice, as a WAV at `path`."""
    assert ESPEAK is not None
    subprocess.run([ESPEAK, "-v", lang, "-s", "150", "-w", str(path), text], check=True)
    return path


def samples(path: Path, values: np.ndarray) -> Path:
    """Mono 16-bit WAV of float samples in [-1, 1]."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((np.clip(values, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def silence(path: Path, seconds: float = 3.0) -> Path:
    return samples(path, np.zeros(int(RATE * seconds)))


def noise(path: Path, seconds: float = 3.0) -> Path:
    return samples(path, np.random.default_rng(0).normal(0, 0.2, int(RATE * seconds)))
