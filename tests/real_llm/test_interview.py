"""A three-question interview through the LLM agent, with the real model behind llama-server."""

from __future__ import annotations

from typing import Any

import pytest

from coach.agent.interviewer import AgentInterviewer, open_interviewer
from coach.interview.events import Event
from coach.interview.models import InterviewConfig
from coach.sessions.store import SessionStore
from scripts import local_llm
from tests.real_llm.conftest import SPEC

# Minutes per test on a quiet 2-core machine; far more when it is shared.
pytestmark = [pytest.mark.real_llm, pytest.mark.timeout(1800)]

# Two open questions around a numeric one whose key names the memory calculator.
QUESTIONS = ["ru-quiz-029", "ru-quiz-001", "ru-quiz-068"]
ANSWERS = [
    "Recall is the share of the real positives that the model finds: TP / (TP + FN).",
    "Weights take 28 GB, gradients another 28 GB and the momentum buffer 28 GB: 84 GB.",
    "Temperature divides the logits before the softmax: higher flattens the distribution and "
    "makes sampling more random, lower makes it sharper and more deterministic.",
]
# Asked after the numeric answer: the model must answer it through the calculator tool.
CALC = "How much memory would Adam need to train the same 7B model in FP32?"


def of(events: list[Event], kind: str) -> list[Any]:
    return [e for e in events if e.type == kind]


def test_three_question_interview(real_llm: local_llm.Server) -> None:
    config = InterviewConfig(questions=3, lang="en", llm=SPEC, follow_ups=0, review=QUESTIONS)
    interviewer = open_interviewer(config)
    assert isinstance(interviewer.inner, AgentInterviewer), "the agent should take the interview"
    turns: list[list[Event]] = [list(interviewer.start())]
    for answer in ANSWERS[:2]:
        turns.append(list(interviewer.respond(answer)))
    calc = list(interviewer.respond(CALC))
    turns.append(list(interviewer.respond(ANSWERS[2])))
    events = [e for turn in turns for e in turn]

    assert [e.question_id for e in of(events, "question")] == QUESTIONS
    grades = of(events, "grade")
    assert [g.question_id for g in grades] == QUESTIONS
    for g in grades:  # the LLM grader's, or a fallback that says so
        assert g.grade.grader == "llm:local" or g.grade.fallback_notice, g.grade
    assert not interviewer.inner.offline, [e.text for e in of(events, "notice")]
    # The model itself graded each answer through the tool ...
    for turn in turns[1:]:
        assert "grade_answer" in [c.name for c in of(turn, "tool_call")], turn
    # ... the numeric answer was checked by the calculator, not by the model's arithmetic ...
    numeric = grades[1].grade
    assert numeric.numeric_check is not None and numeric.numeric_check.expected == 84
    assert numeric.numeric_check.ok
    # ... and the numeric request went through the calculator tool: 28 + 28 + 2 x 28 GB.
    ran = [r.output for r in of(calc, "tool_result") if r.name == "memory" and r.ok]
    assert ran and "112 GB" in ran[0], [c.model_dump() for c in of(calc, "tool_call")]
    shown = [m.text for m in of(calc, "message")]
    assert shown and all("112" in text for text in shown), shown
    assert not of(calc, "grade") and not of(calc, "question")  # the open question waits
    assert of(events, "summary")

    stored = SessionStore().load(interviewer.state.id)
    assert stored.finished
    assert [t.question_id for t in stored.turns] == QUESTIONS
    assert [t.answer for t in stored.turns] == ANSWERS
    assert all(t.grade is not None for t in stored.turns)
