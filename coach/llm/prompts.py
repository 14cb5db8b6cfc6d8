"""Prompt templates live as files in `prompts/`, loaded by name and rendered strictly."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from coach.errors import InputError
from coach.settings import get_settings


@lru_cache(maxsize=4)
def _environment(directory: Path) -> Environment:
    # Prompts are plain text for a model, not HTML: no autoescaping.
    return Environment(
        loader=FileSystemLoader(directory),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, directory: Path | None = None, **variables: Any) -> str:
    """Render `prompts/<name>.j2`; a missing template or variable is an error."""
    env = _environment(directory or get_settings().prompts_dir)
    try:
        template = env.get_template(f"{name}.j2")
    except TemplateNotFound as exc:
        raise InputError("prompt", name, "no such template in prompts/") from exc
    return template.render(**variables)
