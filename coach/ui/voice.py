"""Spoken answers in the Interview tab: record or upload, read the transcript in the answer box,
fix a misheard term, send.

The transcript goes into the answer box rather than straight to the grader because Whisper
mishears terms ("KV cache" as "TV cash"); the candidate sees and edits what will be graded. The
transcript itself rides in a gr.State to the send, so the turn records that the answer was spoken,
how long the recording was and what the model heard.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from coach.errors import CoachError
from coach.speech.models import Transcript
from coach.speech.transcribers import WhisperTranscriber, get_transcriber
from coach.ui.live import LiveSessions

log = logging.getLogger(__name__)
READY = (
    "🎤 {seconds:g} s transcribed by {model} in {elapsed:g} s. Check the text in the answer "
    "box, fix any misheard term, then **Send**."
)


# Runs in the browser on every chat update: speaks the newest question once, in a voice for
# its script, with the browser's own speech synthesis (no server, no download).
READ_ALOUD_JS = """
(messages, on) => {
  if (!on || !window.speechSynthesis || !Array.isArray(messages)) return;
  const text = (m) => Array.isArray(m.content)
    ? m.content.map((p) => (typeof p === "string" ? p : p.text || "")).join("")
    : String(m.content || "");
  const asked = messages.filter((m) => m.role === "assistant").map(text)
    .filter((t) => /^\\*\\*(Question|Follow-up)/.test(t));
  const last = asked[asked.length - 1];
  if (!last || last === window.coachLastSpoken) return;
  window.coachLastSpoken = last;
  const said = last.replace(/^\\*\\*[^*]*\\*\\*[^\\n]*\\n+/, "").replace(/[*_`#>]/g, "");
  const utterance = new SpeechSynthesisUtterance(said);
  utterance.lang = /[\\u0400-\\u04FF]/.test(said) ? "ru-RU"
    : /[\\u4E00-\\u9FFF]/.test(said) ? "zh-CN"
    : /[\\u0600-\\u06FF]/.test(said) ? "fa-IR" : "en-US";
  window.speechSynthesis.cancel();
  window.speechSynthesis.speak(utterance);
}
"""


def build() -> tuple[Any, Any, Any]:
    """The recorder, its status line and the transcript's state (inside an open gr.Blocks)."""
    recorder = gr.Audio(
        sources=["microphone", "upload"],
        type="filepath",
        label="Or speak your answer",
        elem_id="coach-voice",
        editable=False,
    )
    note = gr.Markdown("", elem_id="coach-voice-status")
    spoken = gr.State(None)
    return recorder, note, spoken


def read_aloud(chatbot: Any) -> None:
    """A toggle that has the browser read each new question aloud."""
    toggle = gr.Checkbox(False, label="Read questions aloud", elem_id="coach-read-aloud")
    chatbot.change(None, [chatbot, toggle], None, js=READ_ALOUD_JS, api_visibility="private")


def hear(
    sessions: LiveSessions, session_id: str | None, path: str | None
) -> Iterator[tuple[Any, Any, str]]:
    """(answer box, transcript state, status) while transcribing and after; on failure the
    answer box keeps what the candidate typed."""
    if not path:
        yield gr.update(), None, ""
        return
    lang, question = _context(sessions, session_id)
    try:
        transcriber = get_transcriber()
        fetching = isinstance(transcriber, WhisperTranscriber) and transcriber.missing()
        first = f" (first use: fetching the speech model, {fetching})" if fetching else ""
        yield gr.update(), None, f"⋯ Transcribing…{first}"
        # The question steers Whisper's spelling of its terms ("KV cache", "LoRA").
        heard = transcriber.transcribe(Path(path), lang, question)
    except CoachError as exc:
        yield gr.update(), None, f"⚠ {exc}"
        return
    except Exception:
        log.exception("transcription failed (session %s)", session_id)
        yield gr.update(), None, "⚠ Transcription failed on our side (it is logged); type it."
        return
    yield heard.text, heard.model_dump(mode="json"), READY.format(**heard.model_dump())


def spoken_answer(text: str, spoken: dict[str, Any] | None) -> Transcript | None:
    """The transcript an answer came from; None for a typed one (or a cleared box)."""
    if not spoken or not text.strip():
        return None
    return Transcript.model_validate(spoken)


def _context(sessions: LiveSessions, session_id: str | None) -> tuple[str | None, str | None]:
    """The interview's language and the open question's text, when there is an interview."""
    if not session_id:
        return None, None
    try:
        state = sessions.get(session_id).interviewer.state
    except CoachError:
        return None, None
    current = state.current
    lang = state.known_lang
    return lang, current.text if current is not None else None
