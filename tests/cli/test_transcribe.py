"""`coach transcribe` and `coach interview --audio-dir`: spoken answers from the terminal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from coach.sessions.store import SessionStore
from tests.cli.conftest import Run
from tests.fakes.speech import needs_espeak, silence, spoken

ANSWER = "A KV cache keeps the keys and values of earlier tokens so they are not computed again."


@needs_espeak
def test_transcribe_prints_json(coach: Callable[..., Run], tmp_path: Path) -> None:
    run = coach("transcribe", str(spoken(ANSWER, "en", tmp_path / "a.wav")), "--json")
    assert run.code == 0, run.err
    result = json.loads(run.out)
    assert {"text", "lang", "seconds", "model"} <= result.keys()
    assert "tokens" in result["text"].lower() and result["lang"] == "en"
    assert result["model"] == "whisper:base" and result["seconds"] > 3


def test_a_file_that_is_not_audio_is_one_line(coach: Callable[..., Run], tmp_path: Path) -> None:
    notes = tmp_path / "notes.wav"
    notes.write_text("my answer, typed", encoding="utf-8")
    run = coach("transcribe", str(notes))
    assert run.code == 2 and run.err.startswith("error: notes.wav is not an audio file")
    assert "Traceback" not in run.err


def test_an_unknown_language_is_refused(coach: Callable[..., Run], tmp_path: Path) -> None:
    run = coach("transcribe", str(silence(tmp_path / "a.wav")), "--lang", "de")
    assert run.code == 2 and "allowed: en, ru, zh, fa" in run.err


@needs_espeak
def test_an_interview_takes_recorded_answers_in_order(
    coach: Callable[..., Run], tmp_path: Path
) -> None:
    folder = tmp_path / "answers"
    folder.mkdir()
    spoken(ANSWER, "en", folder / "answer_1.wav")
    silence(folder / "answer_2.wav")
    (folder / "notes.txt").write_text("not an answer", encoding="utf-8")
    run = coach(
        "interview", "--audio-dir", str(folder), "--lang", "en", "--questions", "2",
        "--llm", "none",
    )  # fmt: skip
    assert run.code == 0, run.err
    assert "(spoken: " in run.out and "whisper:base" in run.out
    assert "[speech] answer_2.wav is silent" in run.out and "skipping this question" in run.out
    (session,) = SessionStore().list()
    first = SessionStore().load(session.id).turns[0]
    assert first.spoken is not None and "earlier tokens" in first.spoken.text.lower()
    assert first.grade is not None and first.answer == first.spoken.text


def test_an_audio_dir_without_answers_says_how_to_name_them(
    coach: Callable[..., Run], tmp_path: Path
) -> None:
    run = coach("interview", "--audio-dir", str(tmp_path), "--llm", "none")
    assert run.code == 2 and "answer_1.wav, answer_2.wav" in run.err
