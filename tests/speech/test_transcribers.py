"""Choosing a transcriber, and the Whisper-server adapter against a scripted OpenAI server."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coach.settings import get_settings
from coach.speech.models import SpeechError
from coach.speech.transcribers import ServerTranscriber, WhisperTranscriber, get_transcriber
from tests.fakes.speech import RATE, samples, silence
from tests.servers.openai import OpenAIServer

SECRET = "sk-test-speech-0123456789"


def clip(tmp_path: Path) -> Path:
    tone = 0.3 * np.sin(np.linspace(0, 2 * np.pi * 300 * 1.5, int(RATE * 1.5)))
    return samples(tmp_path / "answer.wav", tone)


def test_the_default_is_local_whisper_base() -> None:
    chosen = get_transcriber()
    assert isinstance(chosen, WhisperTranscriber) and chosen.name == "whisper:base"


def test_small_says_why_it_is_not_available() -> None:
    with pytest.raises(SpeechError, match="hold only 180 MiB"):
        get_transcriber("whisper:small")


def test_an_unknown_backend_lists_the_spellings() -> None:
    with pytest.raises(SpeechError, match="use whisper, whisper:base"):
        get_transcriber("vosk:ru")


def test_a_server_gets_the_file_model_language_and_prompt(
    openai_server: OpenAIServer, tmp_path: Path
) -> None:
    chosen = get_transcriber("openai:whisper-1")
    assert isinstance(chosen, ServerTranscriber)
    heard = chosen.transcribe(clip(tmp_path), "en", "What does a KV cache store?")
    assert heard.text == OpenAIServer.transcript and heard.model == "openai:whisper-1"
    assert heard.lang == "en" and heard.seconds == pytest.approx(1.5, abs=0.01)
    (sent,) = [r for r in openai_server.requests if r.path.endswith("/audio/transcriptions")]
    assert sent.body is not None
    assert sent.body["model"] == "whisper-1" and sent.body["language"] == "en"
    assert sent.body["prompt"] == "What does a KV cache store?"
    assert sent.body["file"]["filename"] == "answer.wav" and sent.body["file"]["size"] > 40_000


def test_a_rate_limited_server_is_retried(openai_server: OpenAIServer, tmp_path: Path) -> None:
    openai_server.transcriptions.append((429, {"retry-after": "0"}, {"error": "slow down"}))
    heard = get_transcriber("openai:whisper-1").transcribe(clip(tmp_path))
    assert heard.text == OpenAIServer.transcript
    assert len([r for r in openai_server.requests if "audio" in r.path]) == 2


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ((200, {}, {"result": "no text field"}), "sent no transcript"),
        ((200, {}, {"text": "  "}), "no speech heard"),
        ((401, {}, {"error": {"message": "Incorrect API key provided."}}), "speech server failed"),
    ],
    ids=["garbage", "empty", "bad-key"],
)
def test_a_bad_reply_is_a_clear_error(
    openai_server: OpenAIServer, tmp_path: Path, reply: tuple, expected: str
) -> None:
    openai_server.transcriptions.append(reply)
    with pytest.raises(SpeechError, match=expected):
        get_transcriber("openai:whisper-1").transcribe(clip(tmp_path))


def test_a_server_that_is_down_is_named_without_the_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("COACH_LLM_RETRIES", "0")
    get_settings.cache_clear()
    with pytest.raises(SpeechError, match="speech server failed") as failure:
        get_transcriber("openai:whisper-1@http://127.0.0.1:9").transcribe(clip(tmp_path))
    assert SECRET not in str(failure.value)


def test_silence_never_reaches_the_server(openai_server: OpenAIServer, tmp_path: Path) -> None:
    with pytest.raises(SpeechError, match="is silent"):
        get_transcriber("openai:whisper-1").transcribe(silence(tmp_path / "quiet.wav"))
    assert not [r for r in openai_server.requests if "audio" in r.path]
