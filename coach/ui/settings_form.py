"""The Interview tab's settings form: topic, level, language, length, backend, job description
and time limit, turned into an InterviewConfig (a bad value is an InputError, shown in the
chat)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
from pydantic import ValidationError

from coach.corpus.key import Difficulty
from coach.corpus.models import LANGS, Topic
from coach.corpus.topics import TOPIC_LABELS
from coach.errors import CoachError, InputError
from coach.interview.models import InterviewConfig
from coach.interview.tailoring import tailor
from coach.llm.backends import default_base_url, parse_spec
from coach.settings import get_settings
from coach.text.documents import read_document
from coach.ui.banner import banner

LANG_NAMES = {"en": "English", "ru": "Русский", "zh": "中文", "fa": "فارسی"}
BACKENDS = [("Offline (no LLM)", "none"), ("Ollama", "ollama"), ("OpenAI-compatible", "openai")]


def backend_spec(backend: str, model: str, url: str = "") -> str:
    """The spec for the form's backend; a server other than the configured one rides along."""
    if backend == "none":
        return "none"
    if not model.strip():
        raise InputError("model", model, f"a model name served by {backend}")
    server = url.strip().rstrip("/")
    if server and server != form_base_url(backend).rstrip("/"):
        return f"{backend}:{model.strip()}@{server}"
    return f"{backend}:{model.strip()}"


def make_config(
    topic: str,
    difficulty: str,
    lang: str,
    questions: float,
    backend: str,
    model: str,
    url: str = "",
    job: str = "",
    time_limit: float | None = None,
) -> InterviewConfig:
    """`job`: a job description to tailor the questions to; `time_limit`: seconds per
    question, 0 or None for an untimed interview."""
    spec = backend_spec(backend, model, url)
    parse_spec(spec)  # an unknown provider or a blank model is an InputError here, not later
    try:
        config = InterviewConfig(
            topic=Topic(topic) if topic else None,
            difficulty=Difficulty(difficulty) if difficulty else None,
            lang=lang or None,
            questions=int(questions),
            llm=spec,
            follow_ups=get_settings().follow_ups,
            time_limit=int(time_limit) if time_limit else None,
        )
    except ValidationError:
        raise InputError("time limit", time_limit, "10 to 3600 seconds, or 0 for none") from None
    if job.strip():
        from coach.interview.skills import read_skills
        from coach.llm.backends import make_chat_model

        # Without an LLM, or when it fails (logged), the offline matching alone.
        skills, _ = read_skills(make_chat_model(spec), job)
        config.plan = tailor(job, config.questions, skills).plan
    return config


def settings_rows() -> tuple[Any, ...]:
    settings = get_settings()
    backend = parse_spec(settings.llm)
    with gr.Row():
        topic = gr.Dropdown(
            [("Any topic", ""), *[(label, t.value) for t, label in TOPIC_LABELS.items()]],
            value="",
            label="Topic",
            elem_id="coach-topic",
            min_width=160,
        )
        difficulty = gr.Dropdown(
            [("Adaptive", ""), *[(d.value.capitalize(), d.value) for d in Difficulty]],
            value="",
            label="Difficulty",
            min_width=120,
        )
        lang = gr.Dropdown(
            [("Auto (from my first answer)", ""), *[(LANG_NAMES[code], code) for code in LANGS]],
            value="",
            label="Language",
            elem_id="coach-lang",
            min_width=160,
        )
        questions = gr.Slider(
            1, 20, value=settings.interview_questions, step=1, label="Questions", min_width=160
        )
    with gr.Row(equal_height=True):
        provider = gr.Dropdown(
            BACKENDS,
            value=backend.provider if backend else "none",
            label="LLM backend",
            elem_id="coach-backend",
            min_width=160,
        )
        model = gr.Textbox(
            value=backend.model if backend else "",
            label="Model",
            placeholder="e.g. qwen2.5:3b",
            visible=backend is not None,
            min_width=140,
        )
        url = gr.Textbox(
            value=backend.base_url if backend else "",
            label="Server URL",
            elem_id="coach-server",
            visible=backend is not None,
            min_width=200,
        )
        check = gr.Button("Check backend", size="sm", visible=backend is not None, min_width=120)
    return topic, difficulty, lang, questions, provider, model, url, check


def form_base_url(provider: str) -> str:
    if provider == "ollama":
        return default_base_url("ollama")
    if provider == "openai":
        return default_base_url("openai")
    return ""


def on_backend(provider: str) -> tuple[Any, ...]:
    shown = provider != "none"
    return (
        gr.update(visible=shown),
        gr.update(value=form_base_url(provider), visible=shown),
        gr.update(visible=shown),
    )


def check_backend(provider: str, model: str, url: str) -> str:
    try:
        return banner(backend_spec(provider, model, url))
    except CoachError as exc:
        return f"⚠ {exc}"


def document_text(path: str | None, typed: str) -> str:
    """An uploaded job description or résumé as text for the box (added to what is typed);
    a file without readable text is a warning and the box keeps what it had."""
    if not path:
        return typed
    try:
        text = read_document(Path(path), "document")
    except CoachError as exc:
        gr.Warning(str(exc))
        return typed
    return f"{typed.strip()}\n\n{text.strip()}" if typed.strip() else text.strip()
