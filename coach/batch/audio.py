"""Rows whose answer is a recording: transcribed before grading, each failure a row's error.

A recording that cannot be read or holds no speech fails its own row (an error record, tried
again on the next run, like a grading failure); the batch goes on.
"""

from __future__ import annotations

from collections.abc import Callable

from tqdm import tqdm

from coach.batch.inputs import Item
from coach.corpus.models import Question
from coach.errors import CoachError


def hear(
    items: list[Item], questions: dict[str, Question | str], fail: Callable[[Item, str], None]
) -> list[Item]:
    """The items ready to grade: typed ones as they are, spoken ones with their transcript."""
    spoken = [(item, item.audio) for item in items if item.audio is not None]
    if not spoken:
        return items
    from coach.speech.transcribers import get_transcriber

    try:
        transcriber = get_transcriber()
    except CoachError as exc:
        for item, _ in spoken:
            fail(item, f"audio: {exc}")
        return [item for item in items if item.audio is None]
    failed: set[str] = set()
    for item, recording in tqdm(
        spoken, unit="recording", desc="transcribing", disable=len(spoken) < 2
    ):
        question = questions[item.id]
        prompt = question.text if isinstance(question, Question) else question
        try:
            # The question steers Whisper's spelling of its terms.
            item.spoken = transcriber.transcribe(recording, None, prompt)
        except CoachError as exc:
            fail(item, f"audio {recording.name}: {exc}")
            failed.add(item.id)
            continue
        item.answer = item.spoken.text
    return [item for item in items if item.id not in failed]
