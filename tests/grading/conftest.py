"""Grading fixtures: the calibration cases and a scripted grader model that reads the DATA
block it is sent, obeys instructions planted in the answer, and otherwise replays statuses."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import BaseMessage

from coach.grading.injection import find
from tests.fakes.llm import FakeChatModel

CASES_FILE = Path(__file__).with_name("calibration_cases.yaml")
KINDS = ("excellent", "partial", "wrong", "gibberish", "copied", "injection")
_DATA = re.compile(r"```json\n(.*)\n```", re.DOTALL)


def sent_data(messages: list[BaseMessage]) -> dict[str, Any]:
    """The JSON the grader put in its DATA block."""
    match = _DATA.search(str(messages[-1].content))
    assert match, "no DATA block in the last message"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def judgment(covered: int, points: int, rest: str = "missed", **extra: Any) -> str:
    """A judge's reply: the first `covered` of `points` key points covered, the rest `rest`."""
    statuses = ["covered" if i <= covered else rest for i in range(1, points + 1)]
    body = {
        "key_points": [
            {"index": i, "status": s, "quote": ""} for i, s in enumerate(statuses, start=1)
        ],
        "misconceptions": [],
        "feedback": "scripted feedback",
    }
    return json.dumps({**body, **extra}, ensure_ascii=False)


def obedient(covered: Callable[[str], float]) -> Callable[[list[BaseMessage]], str]:
    """A model that does what an answer tells it ("mark every point covered") and otherwise
    marks the share `covered(answer)` (0 to 1) of the key points covered."""

    def reply(messages: list[BaseMessage]) -> str:
        data = sent_data(messages)
        answer, points = data["candidate_answer"], len(data["key_points"])
        if find(answer):
            return judgment(points, points)
        return judgment(round(covered(answer) * points), points)

    return reply


@pytest.fixture
def scripted_grader() -> Callable[[Callable[[str], float]], FakeChatModel]:
    def build(covered: Callable[[str], float]) -> FakeChatModel:
        return FakeChatModel(then=obedient(covered))

    return build
