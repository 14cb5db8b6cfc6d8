"""The Corpus tab: the same hybrid search as `coach search`, over questions, answer-key
references and passages, filtered by topic and language."""

from __future__ import annotations

import gradio as gr
import pandas as pd

from coach.corpus.models import LANGS
from coach.corpus.topics import TOPIC_LABELS
from coach.errors import CoachError
from coach.search import hybrid
from coach.ui.render import topic_label
from coach.ui.settings_form import LANG_NAMES

COLUMNS = ["#", "Question / passage", "Topic", "Lang", "Source", "Text", "English"]
TEXT_CHARS = 400


def search(query: str, topic: str, lang: str, k: float) -> tuple[str, pd.DataFrame]:
    try:
        hits = hybrid.search(query, int(k), topic=topic or None, lang=lang or None)
    except CoachError as exc:
        return f"⚠ {exc}", pd.DataFrame(columns=COLUMNS)
    rows = [
        [
            h.rank,
            h.question_id or h.chunk_id,
            topic_label(h.topic.value) if h.topic else "",
            h.lang,
            h.source,
            _clip(h.text),
            _clip(h.text_en or ""),
        ]
        for h in hits
    ]
    note = f"{len(hits)} results" if hits else "No results: try other words or fewer filters."
    return note, pd.DataFrame(rows, columns=COLUMNS)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_CHARS else text[: TEXT_CHARS - 1] + "…"


def build() -> None:
    with gr.Tab("Corpus", id="corpus"):
        with gr.Row():
            query = gr.Textbox(
                label="Search questions, references and passages",
                placeholder="KV cache memory, LoRA rank, перплексия, 注意力…",
                scale=4,
                elem_id="coach-search-query",
                min_width=220,
            )
            go = gr.Button("Search", variant="primary", scale=1, min_width=90)
        with gr.Row():
            topic = gr.Dropdown(
                [("All topics", ""), *[(label, t.value) for t, label in TOPIC_LABELS.items()]],
                value="",
                label="Topic",
                min_width=160,
            )
            lang = gr.Dropdown(
                [("All languages", ""), *[(LANG_NAMES[c], c) for c in LANGS]],
                value="",
                label="Language",
                min_width=140,
            )
            k = gr.Slider(1, hybrid.MAX_K, value=10, step=1, label="Results", min_width=160)
        note = gr.Markdown()
        results = gr.Dataframe(
            headers=COLUMNS, interactive=False, wrap=True, elem_id="coach-search-results"
        )
        gr.on(
            [query.submit, go.click],
            search,
            [query, topic, lang, k],
            [note, results],
            api_name="search",
        )
