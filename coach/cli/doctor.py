"""`coach doctor`: settings in effect (secrets masked) and whether each part works."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from coach.cli.output import emit_json

if TYPE_CHECKING:
    from coach.cli.diagnosis import Report

app = typer.Typer(invoke_without_command=True, help="Check the setup: backend, embedder, index.")


@app.callback()
def doctor(
    llm: str | None = typer.Option(None, "--llm", help="Backend to check (default: COACH_LLM)."),
    no_probe: bool = typer.Option(
        False, "--no-probe", help="Skip the tool-calling probe (it costs one model call)."
    ),
    json_output: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Report settings, the LLM backend (reachable, models, tool calling), the embedder and
    the index; exits 1 when something needed does not work."""
    from coach.cli.diagnosis import diagnose

    report = diagnose(llm, probe_tools=not no_probe)
    if json_output:
        emit_json({"ok": report.ok, **report.model_dump(mode="json")})
    else:
        _print(report)
    if not report.ok:
        raise typer.Exit(1)


def _line(ok: bool, label: str, detail: str) -> None:
    typer.secho(
        f"{'ok ' if ok else 'BAD'} {label}: {detail}",
        fg=typer.colors.GREEN if ok else typer.colors.RED,
    )


def _print(report: Report) -> None:
    settings = report.settings
    typer.echo(
        f"llm: {settings['llm']}  ollama_host: {settings['ollama_host']}  "
        f"openai_base_url: {settings['openai_base_url']}  "
        f"openai_api_key: {settings['openai_api_key'] or 'not set'}"
    )
    typer.echo(f"data_dir: {settings['data_dir']}  index_dir: {settings['index_dir']}")
    backend = report.backend
    if backend is None:
        typer.echo("backend: none (offline: rules-based interviewer and offline grader)")
    else:
        models = ", ".join(backend.models[:10]) or "none listed"
        detail = f"{backend.backend} at {backend.base_url}; models: {models}"
        if backend.error:
            detail += f"; {backend.error}"
        elif backend.unlisted_warning:
            detail += f"; warning: {backend.unlisted_warning}"
        if backend.tool_calling:
            detail += f"; tool calling: {backend.tool_calling}"
        elif backend.tool_error:
            detail += f"; tool-calling probe failed: {backend.tool_error}"
        _line(backend.usable, "backend", detail)
    embedder = report.embedder
    _line(
        embedder.ok,
        "embedder",
        embedder.error or f"{embedder.detail.get('id')} (dim {embedder.detail.get('dim')})",
    )
    index = report.index
    _line(
        index.ok,
        "index",
        index.error
        or f"{index.detail.get('chunks')} chunks, built "
        f"{index.detail.get('built_at')} at {index.detail.get('path')}",
    )
    speech = report.speech
    _line(
        speech.ok,
        "speech",
        speech.error or f"{speech.detail.get('id')}, {speech.detail.get('state')}",
    )
