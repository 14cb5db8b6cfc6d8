"""The app with an LLM backend: a scripted OpenAI-compatible server over real HTTP that calls
`grade_answer`, streams a reply and grades with JSON, then goes down mid-interview. The page
shows the tool call, the LLM grader's label, then the offline fallback notice, and never the
API key or a stack trace."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client

from tests.servers.base import Reply
from tests.servers.openai import OpenAIServer
from tests.ui.conftest import INDEX_BUILD_TIMEOUT, RunningApp
from tests.ui.test_api import texts

pytestmark = pytest.mark.timeout(INDEX_BUILD_TIMEOUT + 300)

SECRET = "sk-ui-test-5f1b2c3d4e5f60718293a4b5"
REPLY = "Thanks: the cache idea is right; say how it grows with the context length."


class ScriptedModel:
    """Answers like a tool-calling model until `down`, then like a server in trouble."""

    def __init__(self) -> None:
        self.down = False

    def __call__(self, body: dict[str, Any]) -> Reply:
        if self.down:
            return Reply.fail(500, "scripted outage")
        if body.get("response_format"):  # the LLM grader asks for JSON
            return Reply.say(
                json.dumps(
                    {
                        "key_points": [{"index": 1, "status": "covered", "quote": ""}],
                        "misconceptions": [],
                        "feedback": "Scripted judgment.",
                    }
                )
            )
        if not body.get("tools"):
            return Reply.say("ok")
        if body["messages"][-1]["role"] == "tool":
            return Reply.say(REPLY)
        return Reply.call("grade_answer", {"answer": "the model's own words are ignored"})


@pytest.fixture(scope="module")
def model() -> ScriptedModel:
    return ScriptedModel()


@pytest.fixture(scope="module")
def server(model: ScriptedModel) -> Iterator[OpenAIServer]:
    server = OpenAIServer(api_key=SECRET, fallback=model)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def llm_app(launch: Any, server: OpenAIServer) -> RunningApp:
    return launch(
        COACH_LLM="openai:test-model",
        OPENAI_BASE_URL=server.base_url,
        OPENAI_API_KEY=SECRET,
        COACH_LLM_BACKOFF="0.01",
        COACH_LLM_TIMEOUT="5",
    )


def test_the_banner_reports_the_reachable_backend(llm_app: RunningApp) -> None:
    config = httpx.get(f"{llm_app.url}config", timeout=10).text
    assert "reachable, model available" in config
    assert "Offline mode" not in config
    assert SECRET not in config and SECRET not in httpx.get(llm_app.url, timeout=10).text


def test_tool_calls_llm_grades_then_an_outage_falls_back_offline(
    llm_app: RunningApp, model: ScriptedModel, tmp_path: Path
) -> None:
    c = Client(llm_app.url, verbose=False, analytics_enabled=False, download_files=tmp_path)
    messages, *_ = c.predict("", "", "en", 3, "openai", "test-model", "", api_name="/start")
    assert texts(messages)[0].startswith("**Question 1/3**")

    job = c.submit("It keeps the keys and values of earlier tokens.", api_name="/answer")
    updates = list(job)
    statuses = [u[2] for u in updates]
    assert any("Calling tool `grade_answer`" in s for s in statuses)
    messages = job.outputs()[-1][1]
    shown = texts(messages)
    tool = next(m for m in messages if (m.get("metadata") or {}).get("title"))
    assert tool["metadata"]["status"] == "done"
    card = next(t for t in shown if t.startswith("### Score "))
    assert "*Graded by the LLM grader (test-model).*" in card
    assert REPLY in shown

    model.down = True
    _, messages, status, *_ = c.predict(
        "It grows linearly with sequence length.", api_name="/answer"
    )
    shown = texts(messages)
    notice = next(t for t in shown if "continuing offline" in t)
    assert notice.startswith("⚠") and "HTTP 500" in notice
    assert shown[-1].startswith(("**Question", "**Follow-up")), "the interview goes on"
    assert status == ""
    everything = json.dumps(messages) + llm_app.log_text()
    assert SECRET not in everything
    assert "Traceback" not in json.dumps(messages)


def test_a_server_typed_in_the_form_is_used_without_the_key(
    llm_app: RunningApp, tmp_path: Path
) -> None:
    other = OpenAIServer(fallback=ScriptedModel())
    other.start()
    try:
        c = Client(llm_app.url, verbose=False, analytics_enabled=False, download_files=tmp_path)
        c.predict("", "", "en", 2, "openai", "test-model", other.base_url, api_name="/start")
        _, messages, *_ = c.predict("It caches keys and values.", api_name="/answer")
        assert REPLY in texts(messages)
        sent = other.chat_requests
        assert sent and all(body["model"] == "test-model" for body in sent)
        assert all(SECRET not in r.headers.get("authorization", "") for r in other.requests)
    finally:
        other.stop()
