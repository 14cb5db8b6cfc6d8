"""`coach grade FILE... --out DIR`: batch grading of answer files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from coach.cli.output import emit_json
from coach.errors import InputError
from coach.llm.backends import SPEC_HELP

if TYPE_CHECKING:
    from coach.batch.run import BatchSummary

MAX_EXIT = 100  # exit codes are one byte; past this the count is in the summary


def grade(
    files: list[Path] = typer.Argument(..., help="Answer files: .jsonl, .json, .csv or .md."),
    out: Path = typer.Option(..., "--out", help="Folder for results and reports."),
    llm: str = typer.Option(None, "--llm", help=f"{SPEC_HELP} (default: COACH_LLM)."),
    offline: bool = typer.Option(False, "--offline", help="Grade without any LLM."),
    concurrency: int = typer.Option(
        2,
        "--concurrency",
        help="Answers graded at once by the LLM (1-16; offline grading is batched instead).",
    ),
    json_output: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Grade every answer in FILE... into DIR: results.jsonl (appended as each grade is ready;
    a rerun skips graded ids), results.csv, report.md and report.html. Malformed rows are
    reported with file and line and skipped; a row whose grading fails is recorded with its
    reason and graded again on the next run. Exit code: the number of rows that failed
    (at most 100), 0 when every row was graded."""
    from coach.batch.run import run
    from coach.llm.backends import make_chat_model

    if offline and llm not in (None, "none"):
        raise InputError("--llm", llm, "leave it out with --offline")
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise InputError("FILE", ", ".join(missing), "no such file")
    model = None if offline else make_chat_model(llm)
    summary = run(files, out, llm=model, concurrency=concurrency, progress=not json_output)
    if json_output:
        emit_json(summary.model_dump(mode="json"))
    else:
        _print(summary)
    if summary.failed:
        raise typer.Exit(code=min(len(summary.failed), MAX_EXIT))


def _print(summary: BatchSummary) -> None:
    for problem in summary.problems:
        typer.echo(f"skipped {problem}", err=True)
    mean = f"; mean score {summary.mean_score:g}/10" if summary.mean_score is not None else ""
    typer.echo(
        f"{summary.graded} graded now, {summary.already_graded} already graded, "
        f"{len(summary.problems)} problems, {len(summary.failed)} failed{mean}"
    )
    if summary.fallbacks:
        typer.echo(
            f"{summary.fallbacks} grades fell back to the offline grader (see report.md)", err=True
        )
    for failure in summary.failed:
        typer.echo(f"failed {failure}", err=True)
    for name, path in summary.outputs.items():
        typer.echo(f"{name}: {path}")
