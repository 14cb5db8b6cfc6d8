"""`coach serve`: the browser UI (the same as `python app.py`)."""

from __future__ import annotations

import typer

app = typer.Typer(invoke_without_command=True, help="Serve the browser UI.")


@app.callback()
def serve(
    host: str | None = typer.Option(
        None, "--host", help="Interface to bind (default: COACH_HOST, 127.0.0.1)."
    ),
    port: int | None = typer.Option(
        None, "--port", min=1, max=65535, help="Port (default: COACH_PORT, 7860)."
    ),
) -> None:
    """Serve Interview Coach in the browser: interviews, progress, batch grading, calculators
    and corpus search. Builds the search index first if it is missing or stale."""
    from coach.ui.app import serve as run

    run(host, port)
