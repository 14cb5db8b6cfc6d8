"""The Interview tab: settings, the streamed chat, Hint / Skip / Explain / Finish, multiple-choice
options as buttons, the per-topic summary chart and the report export.

Callbacks are generators: each yields the chat after every event, so tokens stream and the
status line says what is happening ("calling tool grade_answer…"). What a browser keeps is the
session id (gr.State, and gr.BrowserState so a refresh resumes); the interview itself lives in
`LiveSessions`. Errors become a notice in the chat, never a stack trace.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from coach.errors import CoachError
from coach.interview.events import Event
from coach.interview.models import InterviewConfig
from coach.speech.models import Transcript
from coach.ui import voice
from coach.ui.countdown import countdown
from coach.ui.live import Live, LiveSessions
from coach.ui.render import ChatView, topic_rows
from coach.ui.settings_form import (
    check_backend,
    document_text,
    make_config,
    on_backend,
    settings_rows,
)

log = logging.getLogger(__name__)

WELCOME = (
    "Hi! Pick a topic, difficulty, language and backend in *Interview settings* above (or "
    "keep the defaults) and press **Start interview**. Answer in any of English, Русский, 中文 "
    "or فارسی; type `hint`, `skip`, `explain`, `harder`, `easier`, “ask me about RLHF” "
    "or a numeric question such as “how much memory to train a 7B model with Adam in "
    "fp16?” at any time."
)
NO_SESSION = "Press **Start interview** first."
BUG = (
    "Something went wrong on our side (it is logged). Your session is saved: reload the "
    "page to resume it."
)


@dataclass
class InterviewTab:
    """The components other tabs wire into (Progress starts reviews and resumes here)."""

    tab: Any
    chatbot: Any
    status: Any
    plot: Any
    session: Any
    saved: Any

    @property
    def chat_outputs(self) -> list[Any]:
        return [self.chatbot, self.status, self.plot, self.session, self.saved]


def status_markdown(text: str) -> str:
    return f"⋯ {text}" if text else ""


def chat_update(view: ChatView, session_id: str | None) -> tuple[Any, ...]:
    """The chat outputs: messages, status line, summary chart, session id (state + browser)."""
    if view.summary is not None and view.summary.topics:
        plot = gr.update(value=pd.DataFrame(topic_rows(view.summary)), visible=True)
    else:
        plot = gr.update(visible=False)
    return (view.messages, status_markdown(view.status), plot, session_id, session_id)


def stream(
    view: ChatView, events: Iterable[Event], session_id: str | None
) -> Iterator[tuple[Any, ...]]:
    """Fold events into the view, yielding after each; failures end as a notice."""
    try:
        for event in events:
            view.apply(event)
            yield chat_update(view, session_id)
    except CoachError as exc:
        view.assistant(f"⚠ {exc}")
    except Exception:
        log.exception("interview turn failed (session %s)", session_id)
        view.assistant(f"⚠ {BUG}")
    view.status = ""
    yield chat_update(view, session_id)


def start_stream(sessions: LiveSessions, config: InterviewConfig) -> Iterator[tuple[Any, ...]]:
    waiting = ChatView(
        status="Starting the interview…"
        if config.llm == "none"
        else f"Checking the backend {config.llm}…"
    )
    yield chat_update(waiting, None)
    try:
        live = sessions.open(config)
    except CoachError as exc:
        waiting.assistant(f"⚠ {exc}")
        waiting.status = ""
        yield chat_update(waiting, None)
        return
    with live.lock:
        yield from stream(live.view, live.interviewer.start(), live.session_id)


def turn_stream(
    sessions: LiveSessions, session_id: str | None, text: str, spoken: Transcript | None = None
) -> Iterator[tuple[Any, ...]]:
    """One candidate message (an answer, or a request such as `hint`) and what follows;
    `spoken`: the transcript the message came from."""
    if not session_id:
        view = ChatView(messages=[{"role": "assistant", "content": NO_SESSION}])
        yield chat_update(view, None)
        return
    try:
        live = sessions.get(session_id)
    except CoachError as exc:
        view = ChatView()
        view.assistant(f"⚠ {exc}. Press **Start interview** for a new one.")
        yield chat_update(view, None)
        return
    with live.lock:
        yield from _turn(live, text, spoken)


def _turn(live: Live, text: str, spoken: Transcript | None) -> Iterator[tuple[Any, ...]]:
    view = live.view
    view.user(text)
    yield chat_update(view, live.session_id)
    yield from stream(view, live.interviewer.respond(text, spoken), live.session_id)


def resume(sessions: LiveSessions, saved: str | None) -> tuple[Any, ...]:
    """On page load: the browser's last session, if it still exists; else the welcome."""
    if saved:
        try:
            live = sessions.get(saved)
        except CoachError:
            log.info("saved session %s is gone; starting fresh", saved)
        else:
            return chat_update(live.view, live.session_id)
    return chat_update(ChatView(messages=[{"role": "assistant", "content": WELCOME}]), None)


def export(sessions: LiveSessions, session_id: str | None, fmt: str) -> str:
    """The session's report (Markdown or HTML) as a file to download."""
    from coach.sessions.store import export_report

    if not session_id:
        raise gr.Error(NO_SESSION)
    try:
        state = sessions.get(session_id).interviewer.state
        text = export_report(state, fmt)
    except CoachError as exc:
        raise gr.Error(str(exc)) from exc
    folder = Path(tempfile.mkdtemp(prefix="coach-report-"))
    path = folder / f"interview-{state.id}.{fmt}"
    path.write_text(text, encoding="utf-8")
    return str(path)


def build(sessions: LiveSessions, banner_box: Any) -> InterviewTab:
    """The tab's components and callbacks (inside an open gr.Blocks)."""
    with gr.Tab("Interview", id="interview") as tab:
        with gr.Accordion("Interview settings", open=True) as settings_box:
            topic, difficulty, lang, questions, provider, model, url, check = settings_rows()
            with gr.Row():
                job = gr.Textbox(
                    "",
                    label="Job description (optional): ask about the skills it names",
                    lines=3,
                    max_lines=12,
                    elem_id="coach-jd",
                    scale=4,
                )
                document = gr.File(
                    label="…or a job description / résumé file",
                    file_types=[".pdf", ".txt", ".md"],
                    elem_id="coach-jd-file",
                    scale=1,
                    min_width=160,
                )
                limit = gr.Number(
                    0,
                    label="Seconds per question (0: untimed)",
                    minimum=0,
                    maximum=3600,
                    precision=0,
                    elem_id="coach-time-limit",
                    scale=1,
                )
            start = gr.Button("Start interview", variant="primary", elem_id="coach-start")
        chatbot = gr.Chatbot(
            value=[{"role": "assistant", "content": WELCOME}],
            show_label=False,
            height=500,
            elem_id="coach-chat",
            buttons=["copy"],
            feedback_options=None,
            group_consecutive_messages=False,
        )
        status = gr.Markdown("", elem_id="coach-status")
        countdown(chatbot)
        with gr.Row(equal_height=True):
            answer = gr.Textbox(
                placeholder="Your answer, or hint / skip / explain…",
                show_label=False,
                lines=2,
                max_lines=10,
                scale=5,
                elem_id="coach-answer",
                min_width=200,
            )
            send = gr.Button("Send", variant="primary", scale=1, min_width=80, elem_id="coach-send")
        recorder, voice_note, spoken = voice.build()
        voice.read_aloud(chatbot)
        with gr.Row(elem_classes="coach-commands"):
            hint = gr.Button("Hint", size="sm", min_width=70, elem_id="coach-hint")
            skip = gr.Button("Skip", size="sm", min_width=70, elem_id="coach-skip")
            explain = gr.Button("Explain", size="sm", min_width=70, elem_id="coach-explain")
            finish = gr.Button("Finish", size="sm", min_width=70, elem_id="coach-finish")
        plot = gr.BarPlot(
            x="topic",
            y="score",
            title="Score by topic",
            y_lim=[0, 10],
            visible=False,
            elem_id="coach-summary-plot",
            height=260,
        )
        with gr.Accordion("Export the report", open=False, elem_id="coach-export"):
            with gr.Row():
                fmt = gr.Radio(
                    [("Markdown", "md"), ("HTML", "html")], value="html", show_label=False
                )
                export_btn = gr.Button("Export", elem_id="coach-export-button")
            report = gr.File(label="Report", elem_id="coach-report")
        # Inside the tab: a component between two tabs shifts Gradio's tab labels.
        session = gr.State(None)
        saved = gr.BrowserState(None, storage_key="coach-session")
    ui = InterviewTab(tab, chatbot, status, plot, session, saved)

    def on_start(
        topic_: str,
        difficulty_: str,
        lang_: str,
        questions_: float,
        provider_: str,
        model_: str,
        url_: str,
        job_: str = "",
        limit_: float | None = 0,
    ) -> Iterator[tuple[Any, ...]]:
        try:
            config = make_config(
                topic_, difficulty_, lang_, questions_, provider_, model_, url_, job_, limit_
            )
        except CoachError as exc:
            view = ChatView()
            view.assistant(f"⚠ {exc}")
            yield chat_update(view, None)
            return
        yield from start_stream(sessions, config)

    def on_send(
        text: str, session_id: str | None, heard: dict[str, Any] | None = None
    ) -> Iterator[tuple[Any, ...]]:
        said = voice.spoken_answer(text, heard)
        for update in turn_stream(sessions, session_id, text, said):
            yield ("", *update, None, None, "")

    def command(word: str) -> Any:
        def run(session_id: str | None) -> Iterator[tuple[Any, ...]]:
            yield from turn_stream(sessions, session_id, word)

        return run

    def on_option(session_id: str | None, evt: gr.SelectData) -> Iterator[tuple[Any, ...]]:
        yield from turn_stream(sessions, session_id, str(evt.value))

    settings_inputs = [topic, difficulty, lang, questions, provider, model, url, job, limit]
    start.click(on_start, settings_inputs, ui.chat_outputs, api_name="start")
    # Fold the settings away once an interview runs: the chat needs the room on a phone.
    start.click(lambda: gr.Accordion(open=False), None, settings_box, api_visibility="private")
    gr.on(
        [answer.submit, send.click],
        on_send,
        [answer, session, spoken],
        [answer, *ui.chat_outputs, spoken, recorder, voice_note],
        api_name="answer",
    )
    gr.on(
        [recorder.stop_recording, recorder.upload],
        partial(voice.hear, sessions),
        [session, recorder],
        [answer, spoken, voice_note],
        api_name="transcribe",
    )
    for button, word in ((hint, "hint"), (skip, "skip"), (explain, "explain"), (finish, "stop")):
        button.click(command(word), [session], ui.chat_outputs, api_name=word)
    chatbot.option_select(on_option, [session], ui.chat_outputs, api_visibility="private")
    export_btn.click(
        lambda sid, f: export(sessions, sid, f), [session, fmt], report, api_name="export"
    )
    document.upload(document_text, [document, job], job, api_name="read_document")
    provider.change(on_backend, provider, [model, url, check], api_visibility="private")
    check.click(check_backend, [provider, model, url], banner_box, api_visibility="private")
    return ui
