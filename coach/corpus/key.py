"""The answer key: an English rendering and a reviewed reference for every bank question.

Stored as one YAML file per source document under `corpus/key/`, so a reviewer reads it in
a diff. `check` validates it against the bank (the `coach corpus check` command).
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError

from coach.errors import CorpusError

KEY_DIR = "key"


class Difficulty(StrEnum):
    JUNIOR = "junior"
    MIDDLE = "middle"
    SENIOR = "senior"


class KeyPoint(BaseModel):
    text: str
    weight: float = Field(gt=0, le=1)
    # Alternative phrasings and synonyms, in English and in the question's language.
    alt: list[str] = Field(default_factory=list)


class CalculatorCall(BaseModel):
    """A structured calculator input that reproduces a numeric answer."""

    tool: str
    args: dict[str, Any]
    # Which output field holds the expected value (e.g. "total_gb").
    field: str = "value"


class NumericAnswer(BaseModel):
    value: float
    unit: str
    convention: str
    calculator: CalculatorCall
    tolerance: float = 0.05  # relative


class KeyEntry(BaseModel):
    id: str
    text_en: str
    options_en: list[str] = Field(default_factory=list)
    reference_en: str
    reference_orig: str | None = None
    key_points: list[KeyPoint]
    misconceptions: list[str] = Field(default_factory=list)
    difficulty: Difficulty
    # The question asks for a name, a number or one fact: a correct one-liner is a full answer,
    # so the grade gives no credit for length (it does where the question asks to explain).
    short_answer: bool = False
    follow_ups: list[str] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list)
    correct_option: int | None = None
    justification: str | None = None
    numeric: NumericAnswer | None = None
    note: str | None = None


@lru_cache(maxsize=4)
def load(corpus_dir: Path) -> dict[str, KeyEntry]:
    """Every key entry by question id; a malformed file is a CorpusError naming it."""
    entries: dict[str, KeyEntry] = {}
    for path in sorted((corpus_dir / KEY_DIR).glob("*.yaml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise CorpusError(path, mark.line + 1 if mark else None, "invalid YAML") from exc
        if not isinstance(raw, list):
            raise CorpusError(path, 1, "expected a list of key entries")
        for item in raw:
            try:
                entry = KeyEntry.model_validate(item)
            except ValidationError as exc:
                ident = item.get("id") if isinstance(item, dict) else None
                raise CorpusError(path, None, f"entry {ident}: {exc.errors()[0]}") from exc
            if entry.id in entries:
                raise CorpusError(path, None, f"duplicate key entry {entry.id}")
            entries[entry.id] = entry
    return entries
