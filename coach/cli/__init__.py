"""The `coach` command: a Typer root app with one sub-app per noun."""

from __future__ import annotations

import sys

import typer

from coach.cli import (
    calc,
    corpus,
    doctor,
    grade,
    index,
    interview,
    review,
    search,
    serve,
    sessions,
    transcribe,
)
from coach.errors import CoachError

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Interview Coach: mock ML interviews, grading and calculators.",
)
app.add_typer(corpus.app, name="corpus")
app.add_typer(calc.app, name="calc")
app.add_typer(index.app, name="index")
app.command()(search.search)
app.add_typer(interview.app, name="interview")
app.add_typer(sessions.app, name="sessions")
app.add_typer(review.app, name="review")
app.add_typer(doctor.app, name="doctor")
app.add_typer(serve.app, name="serve")
app.command(name="grade")(grade.grade)
app.command(name="transcribe")(transcribe.transcribe)


def main() -> None:
    """Entry point: a CoachError becomes one clean line on stderr and exit code 2.

    Typer's standalone mode handles usage errors, exit codes and Ctrl-C itself; only our own
    errors need translating, and anything else is a bug that keeps its traceback.
    """
    try:
        app()
    except CoachError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
