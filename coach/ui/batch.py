"""The Batch grading tab: upload answer files (JSONL / JSON / CSV / Markdown) → live progress
→ download results.jsonl, results.csv, report.html and report.md; per-topic chart in the page.

Grading is `coach.batch.run.run`, the same code as `coach grade`; its tqdm bar drives the
page's progress bar (gr.Progress(track_tqdm=True)). Each run writes into its own folder.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from coach.batch.inputs import SUFFIXES
from coach.batch.results import CSV, REPORT_HTML, REPORT_MD, RESULTS, ResultLog, report_items
from coach.batch.run import BatchSummary
from coach.errors import CoachError
from coach.reports.render import summarize
from coach.settings import get_settings
from coach.ui.render import topic_label

log = logging.getLogger(__name__)

LLM_CONCURRENCY = 4
RESULT_COLUMNS = ["id", "topic", "score", "verdict", "grader", "feedback"]
FEEDBACK_CHARS = 200
FORMATS_HELP = """\
One answer per row: JSONL / JSON / CSV with `id`, `question` or `question_id`, `answer` and an
optional `reference` (teacher mode), or Markdown with a `## heading` per question and the answer
below it (see `examples/answers.md`). Malformed rows are listed and skipped.
"""


def grader_choices() -> list[tuple[str, str]]:
    spec = get_settings().llm
    choices = [("Offline grader", "none")]
    if spec.strip().lower() not in ("", "none", "off", "offline"):
        choices.append((f"LLM grader ({spec}), offline fallback", spec))
    return choices


def summary_markdown(summary: BatchSummary) -> str:
    mean = "—" if summary.mean_score is None else f"{summary.mean_score:g}/10"
    parts = [f"### Graded {summary.graded} of {summary.answers} answers · mean {mean}"]
    if summary.fallbacks:
        parts.append(
            f"⚠ {summary.fallbacks} answers were graded offline after the LLM failed "
            "(each grade says why)."
        )
    if summary.failed:
        parts.append(
            f"**Rows whose grading failed ({len(summary.failed)}; a rerun grades them again):**\n"
            + "\n".join(f"- `{f}`" for f in summary.failed[:50])
        )
    if summary.problems:
        parts.append(
            f"**Skipped rows ({len(summary.problems)}):**\n"
            + "\n".join(f"- `{p}`" for p in summary.problems[:50])
        )
    return "\n\n".join(parts)


def tables(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-answer rows and per-topic means from the run's results.jsonl."""
    results = list(ResultLog(out / RESULTS).load().values())
    items = report_items(results)
    rows = [
        [
            i.id,
            topic_label(i.topic) if i.topic else "",
            i.grade.score,
            str(i.grade.verdict),
            i.grade.label,
            _clip(i.grade.feedback),
        ]
        for i in items
    ]
    topics = (
        [
            {"topic": topic_label(t.topic), "score": t.mean, "answers": t.count}
            for t in summarize(items).topics
        ]
        if items
        else []
    )
    return (
        pd.DataFrame(rows, columns=RESULT_COLUMNS),
        pd.DataFrame(topics, columns=["topic", "score", "answers"]),
    )


def grade_files(
    files: list[str] | None, spec: str, progress: gr.Progress = gr.Progress(track_tqdm=True)
) -> tuple[Any, ...]:
    from coach.batch.run import run
    from coach.llm.backends import make_chat_model

    if not files:
        raise gr.Error("Upload at least one answer file first.")
    out = Path(tempfile.mkdtemp(prefix="coach-batch-"))
    progress(0, desc="reading the answer files")
    try:
        llm = make_chat_model(spec)
        summary = run(
            [Path(f) for f in files],
            out,
            llm=llm,
            concurrency=LLM_CONCURRENCY if llm else 1,
            progress=True,
        )
    except CoachError as exc:
        raise gr.Error(str(exc)) from exc
    answers, topics = tables(out)
    downloads = [
        str(out / name) for name in (RESULTS, CSV, REPORT_HTML, REPORT_MD) if (out / name).exists()
    ]
    return summary_markdown(summary), topics, answers, downloads


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= FEEDBACK_CHARS else text[: FEEDBACK_CHARS - 1] + "…"


def build() -> None:
    with gr.Tab("Batch", id="batch"):
        gr.Markdown(FORMATS_HELP)
        with gr.Row(equal_height=True):
            files = gr.File(
                label="Answer files",
                file_count="multiple",
                file_types=sorted(SUFFIXES),
                elem_id="coach-batch-files",
                scale=3,
                min_width=220,
            )
            with gr.Column(scale=1, min_width=180):
                grader = gr.Dropdown(grader_choices(), value="none", label="Grader")
                go = gr.Button("Grade", variant="primary", elem_id="coach-batch-run")
        summary = gr.Markdown(elem_id="coach-batch-summary")
        chart = gr.BarPlot(
            x="topic",
            y="score",
            title="Mean score by topic",
            y_lim=[0, 10],
            height=260,
            elem_id="coach-batch-chart",
        )
        downloads = gr.File(
            label="Results (results.jsonl, results.csv, report.html, report.md)",
            file_count="multiple",
            interactive=False,
            elem_id="coach-batch-downloads",
        )
        answers = gr.Dataframe(
            headers=RESULT_COLUMNS, interactive=False, wrap=True, label="Answers"
        )
        go.click(
            grade_files,
            [files, grader],
            [summary, chart, answers, downloads],
            api_name="grade",
            concurrency_limit=1,
        )
