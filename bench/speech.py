"""Speech benchmark: espeak-ng reads spoken-style answers, Whisper transcribes them, the grader
grades the transcript.

The clips (bench/data/speech_clips.jsonl: 12 answers per language, en / ru / zh / fa, each with
its interview question) were written by a helper who had not read the speech code. espeak-ng
makes the audio at run time (nothing is committed). For each clip and setting this records the
word error rate (character error rate for Chinese, which has no spaces), the real-time factor
(transcription seconds / audio seconds), the model's load time, and, for English, the time from
clip to grade and how far the transcript's grade falls from the written answer's grade (each
graded in teacher mode against the written answer as the reference).

    python bench/speech.py                    # markdown tables
    python bench/speech.py --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coach.speech.transcribers import WhisperTranscriber

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLIPS = ROOT / "bench" / "data" / "speech_clips.jsonl"
VOICES = {"en": "en", "ru": "ru", "zh": "cmn", "fa": "fa"}
# Debian's espeak-ng reads Chinese characters through its English fallback ("nI55Tr'i:55" for
# 你好: tone digits spoken as English words), so its Chinese clips measure espeak, not Whisper.
DEFAULT_LANGS = "en,ru,fa"
# What the app does (language known, the question as Whisper's prompt), and without the prompt.
SETTINGS = {"language + question prompt": True, "language, no prompt": False}


def normalise(text: str, lang: str) -> str:
    """Lower case, no punctuation, one space; Chinese as characters separated by spaces."""
    text = unicodedata.normalize("NFKC", text).lower().replace("\u200c", " ")
    text = re.sub(r"[^\w\s]", " ", text)
    if lang == "zh":
        text = " ".join(ch for ch in text if not ch.isspace())
    return " ".join(text.split())


def error_rate(reference: str, heard: str, lang: str) -> float:
    import jiwer

    return float(jiwer.wer(normalise(reference, lang), normalise(heard, lang) or "∅"))


def speak(text: str, lang: str, path: Path) -> Path:
    subprocess.run(
        ["espeak-ng", "-v", VOICES[lang], "-s", "150", "-w", str(path), text], check=True
    )
    return path


def run(model: str, langs: list[str]) -> dict[str, Any]:
    from coach.grading import grade
    from coach.settings import get_settings
    from coach.speech.transcribers import WhisperTranscriber

    clips = [json.loads(line) for line in CLIPS.read_text("utf-8").splitlines() if line]
    clips = [clip for clip in clips if clip["lang"] in langs]
    transcriber = WhisperTranscriber(model, get_settings())
    transcriber.prepare()
    started = time.perf_counter()
    transcriber.load()
    load_s = time.perf_counter() - started
    grade("warm-up", "warm up the embedder", "a reference")  # the embedder loads once
    work = Path(tempfile.mkdtemp(prefix="bench-speech-"))
    rows = []
    for clip in clips:
        wav = speak(clip["answer"], clip["lang"], work / f"{clip['id']}.wav")
        for setting, prompted in SETTINGS.items():
            prompt = clip["question"] if prompted else None
            rows.append(_row(transcriber, clip, wav, setting, prompt))
            print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    return {"model": model, "load_s": load_s, "rows": rows, "loadavg_1m": os.getloadavg()[0]}


def _row(
    transcriber: WhisperTranscriber,
    clip: dict[str, str],
    wav: Path,
    setting: str,
    prompt: str | None,
) -> dict[str, Any]:
    """One clip's figures; a clip the model hears nothing in counts as all words missed."""
    from coach.speech import audio
    from coach.speech.models import SpeechError

    started = time.perf_counter()
    try:
        heard = transcriber.transcribe(wav, clip["lang"], prompt)
    except SpeechError as exc:
        seconds = len(audio.load(wav, 3600)) / audio.RATE
        text, elapsed, failure = "", time.perf_counter() - started, str(exc)
    else:
        seconds, text, elapsed, failure = heard.seconds, heard.text, heard.elapsed, None
    row: dict[str, Any] = {
        "id": clip["id"],
        "lang": clip["lang"],
        "setting": setting,
        "error": error_rate(clip["answer"], text, clip["lang"]),
        "audio_s": seconds,
        "transcribe_s": elapsed,
        "heard": text,
        "failure": failure,
    }
    if prompt and clip["lang"] == "en" and text:
        row |= _graded(clip, text, elapsed)
    return row


def _graded(clip: dict[str, str], heard: str, transcribe_s: float) -> dict[str, float]:
    from coach.grading import grade

    started = time.perf_counter()
    spoken = grade(clip["question"], heard, clip["answer"]).score
    grade_s = time.perf_counter() - started
    typed = grade(clip["question"], clip["answer"], clip["answer"]).score
    return {"grade_s": grade_s, "to_grade_s": transcribe_s + grade_s, "score_drop": typed - spoken}


def markdown(result: dict[str, Any]) -> str:
    rows = result["rows"]
    lines = [
        f"Model whisper:{result['model']} (int8, 2 threads), load {result['load_s']:.2f} s, "
        f"load average {result['loadavg_1m']:.1f}.",
        "",
        "| language | setting | clips | WER (zh: CER) mean | median | worst | nothing heard | "
        "real-time factor |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for lang in sorted({r["lang"] for r in rows}, key=list(VOICES).index):
        for setting in SETTINGS:
            mine = [r for r in rows if r["lang"] == lang and r["setting"] == setting]
            errors = [r["error"] for r in mine]
            rtf = sum(r["transcribe_s"] for r in mine) / sum(r["audio_s"] for r in mine)
            lines.append(
                f"| {lang} | {setting} | {len(mine)} | {statistics.mean(errors):.1%} | "
                f"{statistics.median(errors):.1%} | {max(errors):.1%} | "
                f"{sum(1 for r in mine if r['failure'])} | {rtf:.2f} |"
            )
    graded = [r for r in rows if "to_grade_s" in r]
    if graded:
        ratio = [r["to_grade_s"] / r["audio_s"] for r in graded]
        drops = [r["score_drop"] for r in graded]
        lines += [
            "",
            f"English, clip → transcript → grade: mean {statistics.mean(ratio):.2f}× the audio's "
            f"length (worst {max(ratio):.2f}×; grading alone mean "
            f"{statistics.mean(r['grade_s'] for r in graded):.2f} s). Grade of the transcript "
            f"vs the written answer: mean drop {statistics.mean(drops):.2f} points "
            f"(worst {max(drops):.2f}).",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="base", help="whisper size or model folder")
    parser.add_argument("--langs", default=DEFAULT_LANGS, help="comma-separated languages")
    parser.add_argument("--json", type=Path, help="also write every clip's figures here")
    args = parser.parse_args()
    result = run(args.model, args.langs.split(","))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
