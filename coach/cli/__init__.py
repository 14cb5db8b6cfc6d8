"""The `coach` command: a Typer root app with one sub-app per noun."""

from __future__ import annotations

import sys

import typer

from coach.cli import calc, corpus, index, search
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


def main() -> None:
    """Entry point: a CoachError becomes one clean line on stderr and exit code 2."""
    try:
        app(standalone_mode=False)
    except CoachError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("aborted", err=True)
        sys.exit(130)
    except Exception as exc:  # click usage errors surface here with standalone_mode off
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
