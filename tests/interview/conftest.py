"""Fixtures for interview tests: a session store in tmp_path and an interview factory."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from coach.interview.events import Event
from coach.interview.machine import Interview, new_state
from coach.interview.models import InterviewConfig
from coach.sessions.recorded import RecordedInterviewer
from coach.sessions.store import SessionStore

# Questions with reviewed key entries, used to pin the order in tests (`review` asks them first).
NUMERIC = "ru-quiz-001"  # 7B FP32 + Momentum = 84 GB
OPEN = "en-genai-001"  # generative vs discriminative models
MCQ = "fa-vlm-q1-1"  # CLIP ViT-B/32 embedding size


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "sessions.sqlite3")


@pytest.fixture
def make_interview(store: SessionStore) -> Callable[..., RecordedInterviewer]:
    """An offline interview recorded in `store`, as the faces get one."""

    def build(**config: Any) -> RecordedInterviewer:
        config.setdefault("lang", "en")
        return RecordedInterviewer(Interview(new_state(InterviewConfig(**config))), store)

    return build


def types(events: Iterable[Event]) -> list[str]:
    return [e.type for e in events]


def of_type(events: Iterable[Event], kind: str) -> list[Any]:
    return [e for e in events if e.type == kind]
