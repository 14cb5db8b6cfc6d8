"""The Progress tab: past sessions, topic mastery, each topic's score session by session, the
questions answered more than once (first vs latest grade), questions due for review, "Start
review" and resuming an unfinished session in the Interview tab."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from coach.corpus import bank
from coach.corpus.models import Topic
from coach.errors import CoachError
from coach.interview.models import InterviewConfig
from coach.sessions.store import TOPIC_PREFIX
from coach.settings import get_settings
from coach.ui.interview import InterviewTab, chat_update, start_stream
from coach.ui.live import LiveSessions
from coach.ui.render import topic_label

SESSION_COLUMNS = ["Session", "Updated", "Status", "Backend", "Lang", "Answered", "Mean score"]
DUE_COLUMNS = ["Question", "Topic", "Due", "Text"]
REPEAT_COLUMNS = ["Question", "Attempts", "First score", "Latest score", "Change", "Text"]
REVIEW_QUESTIONS = 5
NOTHING_DUE = "Nothing is due for review yet: answer a few questions first, then come back."


def sessions_table(sessions: LiveSessions, limit: int = 50) -> pd.DataFrame:
    rows = [
        [
            s.id,
            f"{s.updated_at:%Y-%m-%d %H:%M}",
            "finished" if s.finished else "open",
            s.backend,
            s.lang,
            f"{s.answered}/{s.questions}",
            "—" if s.mean_score is None else f"{s.mean_score:.1f}",
        ]
        for s in sessions.store.list(limit)
    ]
    return pd.DataFrame(rows, columns=SESSION_COLUMNS)


def mastery_frame(sessions: LiveSessions) -> pd.DataFrame:
    rows = [
        {"topic": topic_label(m.topic), "score": m.mean_score, "answered": m.answered}
        for m in sessions.store.mastery()
    ]
    return pd.DataFrame(rows, columns=["topic", "score", "answered"])


def trend_frame(sessions: LiveSessions) -> pd.DataFrame:
    """Each session's mean score per topic, for the trend chart."""
    rows = [
        {"session": p.when, "topic": topic_label(p.topic), "score": p.mean_score}
        for p in sessions.store.trend()
    ]
    return pd.DataFrame(rows, columns=["session", "topic", "score"])


def repeats_table(sessions: LiveSessions, limit: int = 30) -> pd.DataFrame:
    rows = [
        [
            r.question_id,
            r.attempts,
            f"{r.first_score:.1f}",
            f"{r.latest_score:.1f}",
            f"{r.latest_score - r.first_score:+.1f}",
            r.question[:140],
        ]
        for r in sessions.store.repeats()[:limit]
    ]
    return pd.DataFrame(rows, columns=REPEAT_COLUMNS)


def due_table(sessions: LiveSessions, limit: int = 20) -> pd.DataFrame:
    questions = bank.load(get_settings().corpus_dir).by_id()
    rows = []
    for item in sessions.store.due(limit=limit):
        question = questions.get(item.item)
        text = question.text if question else ""
        rows.append(
            [
                item.item,
                topic_label(question.topic.value) if question else "",
                f"{item.due:%Y-%m-%d %H:%M}",
                text[:140],
            ]
        )
    return pd.DataFrame(rows, columns=DUE_COLUMNS)


def review_config(
    sessions: LiveSessions, questions: int = REVIEW_QUESTIONS
) -> InterviewConfig | None:
    """Due questions first; when none is due but a weak topic is, new questions on it."""
    store, settings = sessions.store, get_settings()
    due = store.due(limit=questions)
    topics = store.due(topics=True, limit=1)
    if not due and not topics:
        return None
    return InterviewConfig(
        review=[d.item for d in due],
        questions=max(len(due), 1) if due else questions,
        topic=Topic(topics[0].item.removeprefix(TOPIC_PREFIX)) if topics and not due else None,
        llm=settings.llm,
        follow_ups=settings.follow_ups,
    )


def refresh(sessions: LiveSessions) -> tuple[Any, ...]:
    table = sessions_table(sessions)
    open_ids = table.loc[table["Status"] == "open", "Session"].tolist()
    return (
        table,
        mastery_frame(sessions),
        trend_frame(sessions),
        repeats_table(sessions),
        due_table(sessions),
        gr.update(choices=open_ids, value=open_ids[0] if open_ids else None),
    )


def anki_export(sessions: LiveSessions) -> tuple[Any, str]:
    """Every answered question as an .apkg (plus the FSRS CSV), for download."""
    from coach.study.anki import export

    folder = Path(tempfile.mkdtemp(prefix="coach-anki-"))
    try:
        summary = export(folder / "interview-coach.apkg", store=sessions.store)
    except CoachError as exc:
        return gr.update(visible=False), f"Nothing to export: {exc}"
    note = f"{summary.notes} notes in {len(summary.decks)} decks; import the .apkg in Anki."
    return gr.update(value=[str(summary.apkg), str(summary.schedule_csv)], visible=True), note


def build(sessions: LiveSessions, interview: InterviewTab, tabs: Any) -> None:
    with gr.Tab("Progress", id="progress") as tab:
        with gr.Row():
            refresh_btn = gr.Button("Refresh", size="sm", elem_id="coach-refresh")
            review_btn = gr.Button(
                "Start review", variant="primary", size="sm", elem_id="coach-review"
            )
            anki_btn = gr.Button("Export to Anki", size="sm", elem_id="coach-anki")
        review_note = gr.Markdown("")
        anki_files = gr.File(
            label="Anki package and FSRS schedule",
            file_count="multiple",
            visible=False,
            elem_id="coach-anki-files",
        )
        mastery = gr.BarPlot(
            x="topic",
            y="score",
            title="Topic mastery (mean of latest grades)",
            y_lim=[0, 10],
            height=280,
            elem_id="coach-mastery",
        )
        trend = gr.LinePlot(
            x="session",
            y="score",
            color="topic",
            title="Score per topic, session by session",
            y_lim=[0, 10],
            height=280,
            elem_id="coach-trend",
        )
        gr.Markdown("#### Answered more than once: first and latest grade")
        repeats = gr.Dataframe(headers=REPEAT_COLUMNS, interactive=False, wrap=True)
        gr.Markdown("#### Due for review (spaced repetition)")
        due = gr.Dataframe(headers=DUE_COLUMNS, interactive=False, wrap=True)
        gr.Markdown("#### Sessions")
        table = gr.Dataframe(headers=SESSION_COLUMNS, interactive=False, wrap=True)
        with gr.Row():
            pick = gr.Dropdown([], label="Unfinished session", scale=3, elem_id="coach-resume-pick")
            resume_btn = gr.Button("Resume in the Interview tab", scale=1, elem_id="coach-resume")

    outputs = [table, mastery, trend, repeats, due, pick]
    unchanged = tuple(gr.update() for _ in interview.chat_outputs)
    refresh_btn.click(lambda: refresh(sessions), None, outputs, api_name="progress")
    tab.select(lambda: refresh(sessions), None, outputs, api_visibility="private")

    def on_review() -> Iterator[tuple[Any, ...]]:
        config = review_config(sessions)
        if config is None:
            yield (gr.update(), NOTHING_DUE, *unchanged)
            return
        for update in start_stream(sessions, config):
            yield (gr.Tabs(selected="interview"), "", *update)

    def on_resume(session_id: str | None) -> tuple[Any, ...]:
        if not session_id:
            return (gr.update(), *unchanged)
        try:
            live = sessions.get(session_id)
        except CoachError as exc:
            raise gr.Error(str(exc)) from exc
        return (gr.Tabs(selected="interview"), *chat_update(live.view, live.session_id))

    anki_btn.click(
        lambda: anki_export(sessions), None, [anki_files, review_note], api_name="anki_export"
    )
    review_btn.click(
        on_review, None, [tabs, review_note, *interview.chat_outputs], api_name="review"
    )
    resume_btn.click(on_resume, pick, [tabs, *interview.chat_outputs], api_visibility="private")
