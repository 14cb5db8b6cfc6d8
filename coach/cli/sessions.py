"""`coach sessions`: list, show and export saved interviews."""

from __future__ import annotations

from pathlib import Path

import typer

from coach.cli.output import emit_json

app = typer.Typer(no_args_is_help=True, help="Saved interview sessions.")


@app.command("list")
def list_sessions(
    limit: int = typer.Option(20, "--limit", min=1, help="How many, newest first."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Sessions, most recently updated first."""
    from coach.sessions.store import SessionStore

    sessions = SessionStore().list(limit)
    if json_output:
        emit_json([s.model_dump(mode="json") for s in sessions])
        return
    if not sessions:
        typer.echo("no sessions yet; start one with `coach interview`")
    for s in sessions:
        mean = "—" if s.mean_score is None else f"{s.mean_score:.1f}"
        status = "finished" if s.finished else "open"
        typer.echo(
            f"{s.id}  {s.updated_at:%Y-%m-%d %H:%M}  {status:8}  {s.backend:20}  "
            f"{s.lang}  answered {s.answered}/{s.questions}  mean {mean}"
        )


@app.command()
def show(
    session_id: str = typer.Argument(..., help="Session id (or a unique prefix)."),
    json_output: bool = typer.Option(False, "--json", help="Print the whole state as JSON."),
) -> None:
    """Every turn of a session: question, answer, score."""
    from coach.sessions.store import SessionStore

    state = SessionStore().load(session_id)
    if json_output:
        emit_json(state.model_dump(mode="json"))
        return
    typer.echo(
        f"{state.id}  backend {state.backend}  lang {state.lang}  "
        f"{'finished' if state.finished else 'open'}"
    )
    for turn in state.turns:
        if turn.replaced:
            continue
        score = (
            "skipped"
            if turn.skipped
            else "—"
            if turn.grade is None
            else f"{turn.grade.score:g}/10 {turn.grade.verdict}"
        )
        typer.secho(f"\n[{turn.index + 1}] {turn.question_id}  {score}", bold=True)
        typer.echo(f"  Q: {turn.text}")
        if turn.answer:
            typer.echo(f"  A: {turn.answer}")
        if turn.hints:
            typer.echo(f"  hints: {len(turn.hints)}")


@app.command()
def export(
    session_id: str = typer.Argument(..., help="Session id (or a unique prefix)."),
    fmt: str = typer.Option("md", "--format", help="md | html"),
    out: Path | None = typer.Option(None, "--out", help="Write here instead of stdout."),
) -> None:
    """The session as a Markdown or HTML report (the batch-grading report format)."""
    from coach.sessions.store import SessionStore, export_report

    text = export_report(SessionStore().load(session_id), fmt)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}")
