"""The browser app: one gr.Blocks with the Interview, Progress, Batch grading, Calculators and
Corpus tabs, and `serve`, which makes sure the search index is usable before it listens."""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr

from coach.errors import CoachError
from coach.settings import get_settings
from coach.ui import batch, calculators, corpus, interview, progress
from coach.ui.banner import HOW_TO_CONNECT, OFFLINE_WORKS, banner
from coach.ui.live import LiveSessions

log = logging.getLogger(__name__)

TITLE = "Interview Coach"
# Interview turns wait on an LLM more than on the CPU; batch grading has its own lower limit.
CONCURRENCY = 8
MAX_UPLOAD = "20mb"
# System fonts only: the default theme pulls Google Fonts, which an offline machine cannot reach.
FONTS = ["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"]
MONO = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]
CSS = """
#coach-banner { padding: 0.6rem 0.9rem; border-radius: 8px;
  background: var(--background-fill-secondary); border: 1px solid var(--border-color-primary); }
#coach-status { min-height: 1.4em; color: var(--body-text-color-subdued); }
.coach-commands button { flex: 1 1 0; }
"""
# Gradio scopes `css` under its content container; the page padding lives above it, so this
# rule goes into <head> as is: a phone needs the width more than the margins.
HEAD = "<style>@media (max-width: 640px) { .main.app { padding: 10px 8px !important; } }</style>"


def theme() -> Any:
    return gr.themes.Soft(font=FONTS, font_mono=MONO)


def build_app(sessions: LiveSessions | None = None) -> gr.Blocks:
    """The whole UI; `sessions` holds the live interviews (one per browser session)."""
    sessions = sessions or LiveSessions()
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(f"## {TITLE}\nMock ML / NLP / LLM interviews, grading and calculators.")
        banner_box = gr.Markdown(banner(), elem_id="coach-banner")
        with gr.Accordion("What works offline · how to connect an LLM", open=False):
            gr.Markdown(f"{OFFLINE_WORKS}\n{HOW_TO_CONNECT}")
        with gr.Tabs(overflow_behavior="wrap") as tabs:
            chat = interview.build(sessions, banner_box)
            progress.build(sessions, chat, tabs)
            batch.build()
            calculators.build()
            corpus.build()
        demo.load(
            lambda saved: interview.resume(sessions, saved),
            chat.saved,
            chat.chat_outputs,
            api_visibility="private",
        )
    return demo


def ensure_index() -> None:
    """Load the search index, building it first when it is missing or stale (first start)."""
    from coach.search import embedders, hybrid
    from coach.search import store as index_store

    settings = get_settings()
    embedder = embedders.get_embedder()
    reason = index_store.problem(index_store.index_path(embedder), embedder, settings.corpus_dir)
    if reason:
        print(
            f"{reason}: building the search index with {embedder.id} "
            "(first start only; a few minutes on a laptop)…",
            flush=True,
        )
    hybrid.get_retriever(rebuild=True)


def launch_kwargs(host: str | None = None, port: int | None = None) -> dict[str, Any]:
    """Where and how to listen: settings.host:settings.port, optional login, no public link
    unless settings.share says so."""
    settings = get_settings()
    auth = None
    if settings.auth_user and settings.auth_password:
        auth = (settings.auth_user, settings.auth_password.get_secret_value())
    return {
        "server_name": host or settings.host,
        "server_port": port or settings.port,
        "auth": auth,
        "share": settings.share,
        "show_error": False,
        "max_file_size": MAX_UPLOAD,
        "theme": theme(),
        "css": CSS,
        "head": HEAD,
    }


def warm() -> None:
    """Import the LLM agent stack now, while the page loads, not on the first Start."""
    import coach.agent.interviewer  # noqa: F401


def serve(host: str | None = None, port: int | None = None, *, block: bool = True) -> gr.Blocks:
    """Build the index if needed, then serve the UI (blocking unless `block` is False)."""
    ensure_index()
    demo = build_app()
    demo.queue(default_concurrency_limit=CONCURRENCY)
    kwargs = launch_kwargs(host, port)
    try:
        demo.launch(prevent_thread_lock=True, **kwargs)
    except OSError as exc:
        where = f"{kwargs['server_name']}:{kwargs['server_port']}"
        raise CoachError(
            f"cannot listen on {where} ({exc.strerror or 'port in use'}); "
            "pick another with COACH_PORT or `coach serve --port`"
        ) from exc
    warm()
    if block:
        demo.block_thread()
    return demo
