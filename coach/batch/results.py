"""The output folder of a batch: results.jsonl (appended as each grade is ready, so a killed
run loses nothing graded), results.csv, report.md and report.html.

A row whose grading raised is written as an error record (no grade, the reason in `error`);
the next run grades it again, and the reports list it with its reason."""

from __future__ import annotations

import csv
import logging
import os
import threading
from pathlib import Path

from pydantic import BaseModel, ValidationError

from coach.grading.models import Grade, PointStatus
from coach.reports.render import ReportItem, to_html, to_markdown
from coach.speech.models import Transcript

log = logging.getLogger(__name__)

RESULTS, CSV, REPORT_MD, REPORT_HTML = "results.jsonl", "results.csv", "report.md", "report.html"
CSV_FIELDS = [
    "id",
    "file",
    "line",
    "question_id",
    "topic",
    "score",
    "verdict",
    "grader",
    "fallback_notice",
    "confidence",
    "covered",
    "partly",
    "missed",
    "misconceptions",
    "feedback",
    "notices",
    "error",
]


class Result(BaseModel):
    """One line of results.jsonl."""

    id: str
    file: str
    line: int
    question_id: str | None
    question: str
    topic: str | None
    answer: str
    spoken: Transcript | None = None  # the answer was transcribed from the row's audio file
    grade: Grade | None = None
    error: str | None = None


class ResultLog:
    """results.jsonl, appended to from several threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def load(self) -> dict[str, Result]:
        """The latest record per id: a grade, or the error of a row whose grading failed. A
        line cut short by a kill is dropped (and regraded)."""
        if not self.path.exists():
            return {}
        self._drop_partial_tail()
        done: dict[str, Result] = {}
        text = self.path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                result = Result.model_validate_json(line)
            except ValidationError:
                log.warning("%s:%d: unreadable result, will be graded again", self.path, number)
                continue
            done[result.id] = result
        return done

    def _drop_partial_tail(self) -> None:
        """A kill during a write can leave half a line; cut it so the next append starts clean."""
        with self.path.open("rb+") as handle:
            data = handle.read()
            if data and not data.endswith(b"\n"):
                handle.truncate(data.rfind(b"\n") + 1)

    def append(self, result: Result) -> None:
        line = result.model_dump_json() + "\n"
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())


def graded(records: dict[str, Result]) -> dict[str, Result]:
    """The records that carry a grade (an error record is graded again on the next run)."""
    return {i: r for i, r in records.items() if r.grade is not None}


def report_items(results: list[Result]) -> list[ReportItem]:
    return [
        ReportItem(
            id=r.id,
            question=r.question,
            answer=r.answer,
            grade=r.grade,
            topic=r.topic,
            spoken=r.spoken,
        )
        for r in results
        if r.grade is not None
    ]


def failure_notes(results: list[Result]) -> list[str]:
    return [
        f"{r.id} ({r.file}:{r.line}): grading failed: {r.error}" for r in results if r.grade is None
    ]


def write_reports(out: Path, results: list[Result], title: str, notes: list[str]) -> None:
    _write_csv(out / CSV, results)
    items = report_items(results)
    notes = [*failure_notes(results), *notes]
    (out / REPORT_MD).write_text(to_markdown(items, title, notes), encoding="utf-8")
    (out / REPORT_HTML).write_text(to_html(items, title, notes), encoding="utf-8")


def _write_csv(path: Path, results: list[Result]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for r in results:
            g = r.grade
            if g is None:
                writer.writerow(_error_row(r))
                continue
            by_status = {
                s: " | ".join(p.text for p in g.key_points if p.status is s) for s in PointStatus
            }
            writer.writerow(
                {
                    "id": r.id,
                    "file": r.file,
                    "line": r.line,
                    "question_id": r.question_id or "",
                    "topic": r.topic or "",
                    "score": g.score,
                    "verdict": g.verdict.value,
                    "grader": g.grader,
                    "fallback_notice": g.fallback_notice or "",
                    "confidence": g.confidence,
                    "covered": by_status[PointStatus.COVERED],
                    "partly": by_status[PointStatus.PARTLY],
                    "missed": by_status[PointStatus.MISSED],
                    "misconceptions": " | ".join(g.misconceptions),
                    "feedback": g.feedback,
                    "notices": " | ".join(g.notices),
                    "error": "",
                }
            )


def _error_row(r: Result) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(CSV_FIELDS, "")
    row.update(
        id=r.id,
        file=r.file,
        line=r.line,
        question_id=r.question_id or "",
        topic=r.topic or "",
        error=r.error or "",
    )
    return row
