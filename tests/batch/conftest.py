"""Batch fixtures: the mini corpus with the hashed fake embedder (fast, deterministic)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fakes.embedder import FakeEmbedder


@pytest.fixture
def fast_grading(mini_corpus: Path, fake_embedder: FakeEmbedder) -> Path:
    """Grading against the five-question mini corpus with the fake embedder; its corpus dir."""
    return mini_corpus


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def results(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text("utf-8").splitlines()]
