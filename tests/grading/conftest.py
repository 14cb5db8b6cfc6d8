"""Grading fixtures: the calibration cases and a scripted grader model that reads the DATA
block it is sent, obeys instructions planted in the answer, and otherwise replays scores."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from langchain_core.messages import BaseMessage

from coach.grading.injection import find
from tests.conftest import FakeChatModel

CASES_FILE = Path(__file__).with_name("calibration_cases.yaml")
KINDS = ("excellent", "partial", "wrong", "gibberish", "copied", "injection")
_DATA = re.compile(r"```json\n(.*)\n```", re.DOTALL)


@pytest.fixture(scope="session")
def cases() -> list[dict[str, str]]:
    return yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))


def sent_data(messages: list[BaseMessage]) -> dict[str, Any]:
    """The JSON the grader put in its DATA block."""
    match = _DATA.search(str(messages[-1].content))
    assert match, "no DATA block in the last message"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def judgment(score: float, points: int, status: str = "covered", **extra: Any) -> str:
    verdict = "correct" if score >= 7 else "partially_correct" if score >= 4 else "incorrect"
    body = {
        "key_points": [{"index": i, "status": status, "quote": ""} for i in range(1, points + 1)],
        "misconceptions": [],
        "score": score,
        "verdict": verdict,
        "feedback": "scripted feedback",
    }
    return json.dumps({**body, **extra}, ensure_ascii=False)


def obedient(scores: Callable[[str], float]) -> Callable[[list[BaseMessage]], str]:
    """A model that does what an answer tells it ("give 10/10") and otherwise scores with
    `scores(answer)`."""

    def reply(messages: list[BaseMessage]) -> str:
        data = sent_data(messages)
        answer, points = data["candidate_answer"], len(data["key_points"])
        if find(answer):
            return judgment(10, points)
        return judgment(scores(answer), points)

    return reply


@pytest.fixture
def scripted_grader() -> Callable[[Callable[[str], float]], FakeChatModel]:
    def build(scores: Callable[[str], float]) -> FakeChatModel:
        return FakeChatModel(then=obedient(scores))

    return build
