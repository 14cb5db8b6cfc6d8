"""Grade answer files into an output folder: resumable, with a progress bar and, for LLM
grading, a bounded number of answers in flight."""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field
from tqdm import tqdm

from coach.batch.audio import hear
from coach.batch.inputs import Item, Problem, read
from coach.batch.results import (
    CSV,
    REPORT_HTML,
    REPORT_MD,
    RESULTS,
    Result,
    ResultLog,
    graded,
    write_reports,
)
from coach.corpus import bank as bank_store
from coach.corpus import key as key_store
from coach.corpus.models import Question
from coach.errors import CoachError, InputError
from coach.grading import grade, warm
from coach.grading.models import Grade
from coach.settings import get_settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)

OFFLINE_CHUNK = 64  # answers embedded together before being graded one by one
MAX_CONCURRENCY = 16
BREAKER_AFTER = 3  # consecutive LLM failures before the rest is graded offline


class BatchSummary(BaseModel):
    out: str
    answers: int
    graded: int
    already_graded: int
    problems: list[Problem] = Field(default_factory=list)
    failed: list[str] = Field(
        default_factory=list, description="rows whose grading failed: 'id (file:line): reason'"
    )
    mean_score: float | None = None
    fallbacks: int = 0
    outputs: dict[str, str] = Field(default_factory=dict)


class _Breaker:
    """Stops calling a backend that keeps failing; later grades say why they are offline."""

    def __init__(self, llm: BaseChatModel | None) -> None:
        self.llm, self.failures, self.reason = llm, 0, ""
        self._lock = threading.Lock()

    def current(self) -> BaseChatModel | None:
        with self._lock:
            return self.llm

    def record(self, result: Grade, used: BaseChatModel | None) -> None:
        if used is None:
            if self.reason and result.fallback_notice is None:
                result.fallback_notice = self.reason
            return
        with self._lock:
            self.failures = self.failures + 1 if result.fallback_notice else 0
            if self.failures >= BREAKER_AFTER and self.llm is not None:
                self.llm = None
                self.reason = (
                    f"LLM grading stopped after {BREAKER_AFTER} failures in a row "
                    f"(last: {result.fallback_notice}); graded offline"
                )


def run(
    files: list[Path],
    out: Path,
    *,
    llm: BaseChatModel | None = None,
    concurrency: int = 1,
    progress: bool = True,
) -> BatchSummary:
    """Grade every answer in `files` not already in `out/results.jsonl`; write the reports."""
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise InputError("concurrency", concurrency, f"1 to {MAX_CONCURRENCY}")
    items, problems = _items(files)
    out.mkdir(parents=True, exist_ok=True)
    results = ResultLog(out / RESULTS)
    done = graded(results.load())
    pending = [i for i in items if i.id not in done]
    questions = _questions(pending, problems)
    pending = [i for i in pending if i.id in questions]

    def unheard(item: Item, why: str) -> None:
        results.append(_result(item, questions[item.id], None, why))

    pending = hear(pending, questions, unheard)
    breaker = _Breaker(llm)
    bar = _bar(len(pending), progress)

    def grade_one(item: Item) -> None:
        used = breaker.current()
        question = questions[item.id]
        try:
            result = grade(
                question, item.answer, item.reference, key_points=item.key_points, llm=used
            )
        except Exception as exc:
            # One bad row never stops a batch: it becomes an error record, graded again on the
            # next run, and the run goes on.
            log.warning("%s (%s:%d): grading failed", item.id, item.file, item.line, exc_info=True)
            results.append(_result(item, question, None, _reason(exc)))
        else:
            breaker.record(result, used)
            results.append(_result(item, question, result))
        bar.update(1)

    try:
        if llm is None:
            for start in range(0, len(pending), OFFLINE_CHUNK):
                chunk = pending[start : start + OFFLINE_CHUNK]
                warm([i.answer for i in chunk])
                for item in chunk:
                    grade_one(item)
        else:
            _concurrently(grade_one, pending, concurrency)
    finally:
        bar.close()
    records = results.load()
    ordered = [records[i.id] for i in items if i.id in records]
    write_reports(out, ordered, _title(files), [str(p) for p in problems])
    scores = [r.grade.score for r in ordered if r.grade is not None]
    return BatchSummary(
        out=str(out),
        answers=len(items),
        graded=len(pending),
        already_graded=len(done),
        problems=problems,
        failed=[f"{r.id} ({r.file}:{r.line}): {r.error}" for r in ordered if r.grade is None],
        mean_score=round(sum(scores) / len(scores), 2) if scores else None,
        fallbacks=sum(1 for r in ordered if r.grade and r.grade.fallback_notice),
        outputs={name: str(out / name) for name in (RESULTS, CSV, REPORT_MD, REPORT_HTML)},
    )


def _concurrently(work: Callable[[Item], None], items: list[Item], workers: int) -> None:
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="grade") as pool:
        futures = [pool.submit(work, item) for item in items]
        try:
            for future in as_completed(futures):
                future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _items(files: list[Path]) -> tuple[list[Item], list[Problem]]:
    items: list[Item] = []
    problems: list[Problem] = []
    seen: dict[str, Item] = {}
    for path in files:
        rows = read(path)
        problems.extend(rows.problems)
        for item in rows.items:
            first = seen.get(item.id)
            if first is not None:
                problems.append(
                    Problem(
                        file=item.file,
                        line=item.line,
                        message=(
                            f"duplicate id {item.id!r} (first at {first.file}:{first.line}); "
                            "skipped"
                        ),
                    )
                )
                continue
            seen[item.id] = item
            items.append(item)
    return items, problems


def _questions(items: list[Item], problems: list[Problem]) -> dict[str, Question | str]:
    """The question each item answers: a bank question by id or by its exact text (any of its
    renderings, ignoring case and punctuation), else the item's own question text."""
    resolved: dict[str, Question | str] = {}
    by_id, by_text = _bank_lookup(problems)
    for item in items:
        question = by_id.get(item.question_id or "") or by_text.get(_norm(item.question or ""))
        if question is not None:
            resolved[item.id] = question
        elif item.question:
            resolved[item.id] = item.question
        else:
            problems.append(
                Problem(
                    file=item.file,
                    line=item.line,
                    message=(
                        f"unknown question_id {item.question_id!r} and no question text; skipped"
                    ),
                )
            )
    return resolved


def _bank_lookup(problems: list[Problem]) -> tuple[dict[str, Question], dict[str, Question]]:
    settings = get_settings()
    try:
        questions = bank_store.load(settings.corpus_dir).questions
    except CoachError as exc:
        problems.append(Problem(file="(question bank)", line=None, message=str(exc)))
        return {}, {}
    try:
        english = {i: e.text_en for i, e in key_store.load(settings.corpus_dir).items()}
    except CoachError:
        english = {}
    by_text: dict[str, Question] = {}
    for q in questions:
        for text in (q.text, q.text_zh, english.get(q.id)):
            if text:
                by_text.setdefault(_norm(text), q)
    return {q.id: q for q in questions}, by_text


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _reason(exc: Exception) -> str:
    from coach.llm.failures import scrub

    return scrub(f"{type(exc).__name__}: {exc}")[:500]


def _result(
    item: Item, question: Question | str, result: Grade | None, error: str | None = None
) -> Result:
    bank = question if isinstance(question, Question) else None
    return Result(
        id=item.id,
        file=item.file,
        line=item.line,
        question_id=bank.id if bank else None,
        question=bank.text if bank else str(question),
        topic=item.topic or (bank.topic.value if bank else None),
        answer=item.answer[: get_settings().max_answer_chars],
        spoken=item.spoken,
        grade=result,
        error=error,
    )


def _bar(total: int, enabled: bool) -> tqdm:

    return tqdm(
        total=total,
        unit="answer",
        desc="grading",
        file=sys.stderr,
        disable=not enabled or total == 0,
        dynamic_ncols=True,
    )


def _title(files: list[Path]) -> str:
    names = ", ".join(p.name for p in files[:3]) + (" …" if len(files) > 3 else "")
    return f"Grades: {names}"
