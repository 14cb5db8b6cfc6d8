"""The server dies in the middle of an interview: retry, offline fallback with a notice, and
nothing the candidate did is lost."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from coach.agent.interviewer import AgentInterviewer, open_interviewer
from coach.interview.events import Event
from coach.interview.models import InterviewConfig
from coach.sessions.store import SessionStore
from coach.settings import get_settings
from scripts import local_llm
from tests.real_llm.conftest import SPEC, point_at, start_server
from tests.real_llm.test_interview import ANSWERS, QUESTIONS, of

# Minutes per test on a quiet 2-core machine; far more when it is shared.
pytestmark = [pytest.mark.real_llm, pytest.mark.timeout(1800)]


@pytest.fixture
def doomed_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[local_llm.Server]:
    """A server of its own: this test kills it."""
    server = start_server()
    point_at(server, monkeypatch)
    yield server
    server.stop()


def test_server_killed_mid_interview(
    doomed_server: local_llm.Server,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = InterviewConfig(questions=3, lang="en", llm=SPEC, follow_ups=0, review=QUESTIONS)
    interviewer = open_interviewer(config)
    assert isinstance(interviewer.inner, AgentInterviewer)
    list(interviewer.start())
    # A first turn with the model interviewing; the LLM grader joins for the second (it costs
    # a minute a turn, and its own part in this test is to meet the dead server).
    monkeypatch.setenv("COACH_LLM_GRADING", "false")
    get_settings.cache_clear()
    first = list(interviewer.respond(ANSWERS[0]))
    assert of(first, "grade") and not interviewer.inner.offline
    monkeypatch.setenv("COACH_LLM_GRADING", "true")
    get_settings.cache_clear()

    # The second turn: the server dies as soon as the model has asked for a tool, so the
    # tool's own LLM call (the grader) and the agent's next call meet a dead server.
    second: list[Event] = []
    caplog.set_level(logging.WARNING, logger="coach")
    for event in interviewer.respond(ANSWERS[1]):
        if event.type == "tool_call" and doomed_server.process.poll() is None:
            doomed_server.kill()
        second.append(event)
    assert doomed_server.process.poll() is not None, "the model called no tool to kill it at"
    assert any("retry" in r.getMessage() for r in caplog.records), "no retry was logged"
    assert "offline_fallback" in [e.code for e in of(second, "notice")]
    assert interviewer.inner.offline
    assert [g.question_id for g in of(second, "grade")] == [QUESTIONS[1]]

    third = list(interviewer.respond(ANSWERS[2]))  # the interview goes on, offline
    assert [g.grade.grader for g in of(third, "grade")] == ["offline"]
    assert of(third, "summary")

    stored = SessionStore().load(interviewer.state.id)
    assert stored.finished and stored.backend == "offline"
    assert [t.answer for t in stored.turns] == ANSWERS
    assert all(t.grade is not None for t in stored.turns)
    assert any("offline" in n for t in stored.turns for n in t.notices)
