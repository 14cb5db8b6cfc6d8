"""Shared output helpers for CLI commands."""

from __future__ import annotations

import json
from typing import Any

import typer


def emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
