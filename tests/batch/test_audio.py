"""Batch rows that name a recording instead of an answer: transcribed, then graded."""

from __future__ import annotations

import csv
from pathlib import Path

from coach.batch.run import run
from tests.batch.conftest import results
from tests.fakes.speech import needs_espeak, silence, spoken

QUESTION = "What does a KV cache store during generation?"
REFERENCE = "The keys and values of earlier tokens, so attention does not recompute them."
SAID = "It stores the keys and values of earlier tokens so they are not computed again."


@needs_espeak
def test_recordings_are_transcribed_and_bad_ones_fail_only_their_row(
    fast_grading: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "class"
    (folder / "audio").mkdir(parents=True)
    spoken(SAID, "en", folder / "audio" / "ann.wav")
    silence(folder / "audio" / "bob.wav")
    rows = [
        {"id": "ann", "audio": "audio/ann.wav"},
        {"id": "bob", "audio": "audio/bob.wav"},
        {"id": "cat", "audio": "audio/missing.wav"},
        {"id": "dan", "answer": "Keys and values of the earlier tokens."},
    ]
    source = folder / "answers.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["id", "question", "reference", "answer", "audio"])
        writer.writeheader()
        writer.writerows({"question": QUESTION, "reference": REFERENCE, **r} for r in rows)
    summary = run([source], tmp_path / "out", progress=False)
    by_id = {r["id"]: r for r in results(tmp_path / "out")}
    ann = by_id["ann"]
    assert ann["grade"] is not None and ann["spoken"]["model"] == "whisper:base"
    assert "earlier tokens" in ann["answer"].lower() and ann["answer"] == ann["spoken"]["text"]
    assert by_id["bob"]["grade"] is None and "bob.wav is silent" in by_id["bob"]["error"]
    assert by_id["cat"]["grade"] is None and "no recording at" in by_id["cat"]["error"]
    assert by_id["dan"]["grade"] is not None and by_id["dan"]["spoken"] is None
    assert len(summary.failed) == 2
    report = (tmp_path / "out" / "report.md").read_text("utf-8")
    assert "Answer (spoken: " in report
