"""Running the `coach` CLI in-process, as a user would call it."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner

from coach.cli import app, main


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def coach(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Run]:
    """`coach(*args)` runs the real entry point (errors → one line, exit code 2)."""

    def run(*args: str) -> Run:
        monkeypatch.setattr(sys, "argv", ["coach", *args])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def exit_code() -> Callable[..., int]:
    """The exit status a command sets with typer.Exit (e.g. `coach doctor` when unhealthy)."""

    def run(*args: str) -> int:
        return CliRunner().invoke(app, list(args)).exit_code

    return run
