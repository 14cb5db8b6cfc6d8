"""The server as users start it: the GGUF's own chat template (under which the model writes its
tool calls as text) and no `--alias` (so /v1/models lists the file path, not the name the user
types). The agent must still run a model-phrased interview: in text-ReAct mode (no tools sent,
Action / Observation lines) and in the default mode, with the answer graded through
grade_answer and no protocol text shown to the candidate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from coach.agent.interviewer import AgentInterviewer, open_interviewer
from coach.interview.models import InterviewConfig
from coach.llm.text_calls import looks_like_protocol
from coach.settings import get_settings
from scripts import local_llm
from tests.real_llm.conftest import point_at, start_server
from tests.real_llm.test_interview import ANSWERS, QUESTIONS, of

# Minutes per test on a quiet 2-core machine; far more when it is shared.
pytestmark = [pytest.mark.real_llm, pytest.mark.timeout(1800)]
# What a user types: the model's name, not the path the server lists.
USER_SPEC = "openai:qwen2.5-coder-1.5b"


@pytest.fixture(scope="module")
def gguf_server() -> Iterator[local_llm.Server]:
    server = start_server(native_tools=False, alias=None)
    yield server
    server.stop()


def test_text_react_without_native_tools(
    gguf_server: local_llm.Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_at(gguf_server, monkeypatch)
    # The spec names its server (as the UI's Server URL field does); the variable points at a
    # closed port, so only the spec's URL can reach the model.
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("COACH_LLM_TOOL_MODE", "react")
    # The agent's text protocol is under test; the LLM grader has its own (and costs minutes).
    monkeypatch.setenv("COACH_LLM_GRADING", "false")
    get_settings.cache_clear()
    interviewer = _open(gguf_server, questions=1)
    list(interviewer.start())
    events = list(interviewer.respond(ANSWERS[0]))

    assert "grade_answer" in [c.name for c in of(events, "tool_call")], events
    assert [g.question_id for g in of(events, "grade")] == QUESTIONS[:1]
    assert not interviewer.inner.offline
    shown = _shown(events)
    assert "Action:" not in shown and "Observation:" not in shown
    assert not looks_like_protocol(shown)


def test_default_mode_against_the_server_as_users_start_it(
    gguf_server: local_llm.Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_at(gguf_server, monkeypatch)
    monkeypatch.setenv("COACH_LLM_GRADING", "false")
    get_settings.cache_clear()
    interviewer = _open(gguf_server, questions=2)
    opening = list(interviewer.start())
    assert [n.code for n in of(opening, "notice")] == ["model_unlisted"]
    events = [e for answer in ANSWERS[:2] for e in interviewer.respond(answer)]
    assert [g.question_id for g in of(events, "grade")] == QUESTIONS[:2]
    assert not interviewer.inner.offline
    assert of(events, "message") and not looks_like_protocol(_shown(events))


def _open(server: local_llm.Server, *, questions: int) -> AgentInterviewer:
    """An English interview over the first `questions` test questions, the model named as a
    user names it, its server in the spec."""
    spec = f"{USER_SPEC}@{server.base_url}"
    config = InterviewConfig(
        questions=questions, lang="en", llm=spec, follow_ups=0, review=QUESTIONS[:questions]
    )
    interviewer = open_interviewer(config)
    assert isinstance(interviewer.inner, AgentInterviewer)
    return interviewer


def _shown(events: list[Any]) -> str:
    """What the candidate reads: the streamed tokens and the final messages."""
    return "".join(e.text for e in of(events, "token")) + "".join(
        e.text for e in of(events, "message")
    )
