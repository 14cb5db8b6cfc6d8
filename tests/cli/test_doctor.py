"""`coach doctor`: a reachable and an unreachable backend, both providers, text and JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from coach.cli import diagnosis
from coach.settings import get_settings
from tests.cli.conftest import Run
from tests.servers.base import Reply, ScriptedServer
from tests.servers.openai import OpenAIServer


@pytest.fixture(autouse=True)
def components_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    # The embedder and index have their own tests; here only the backend varies.
    ok = diagnosis.ComponentReport(ok=True, detail={"id": "e5", "dim": 384, "chunks": 1})
    monkeypatch.setattr(diagnosis, "embedder_report", lambda: ok)
    monkeypatch.setattr(diagnosis, "index_report", lambda: ok)


@pytest.fixture(params=["openai", "ollama"])
def server(request: pytest.FixtureRequest) -> tuple[str, ScriptedServer]:
    return request.param, request.getfixturevalue(f"{request.param}_server")


def test_reachable_backend(
    coach: Callable[..., Run], server: tuple[str, ScriptedServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    provider, scripted = server
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-value-123456")
    get_settings.cache_clear()
    scripted.api_key = None
    scripted.push(Reply.call("ping", {"message": "ok"}))
    run = coach("doctor", "--llm", f"{provider}:test-model", "--json")
    assert run.code == 0, run.out
    report = json.loads(run.out)
    backend = report["backend"]
    assert backend["reachable"] and backend["models"] == ["test-model"]
    assert backend["model_available"] is True and backend["tool_calling"] == "native"
    assert report["ok"] is True
    assert "sk-secret-value-123456" not in run.out
    assert report["settings"]["openai_api_key"] == "**********"


def test_tool_calls_written_as_text(coach: Callable[..., Run], openai_server: OpenAIServer) -> None:
    openai_server.push(Reply.say('{"name": "ping", "arguments": {"message": "ok"}}'))
    report = json.loads(coach("doctor", "--llm", "openai:test-model", "--json").out)
    assert report["backend"]["tool_calling"] == "text"


def test_unreachable_backend(
    coach: Callable[..., Run], exit_code: Callable[..., int], server: tuple[str, ScriptedServer]
) -> None:
    provider, scripted = server
    scripted.stop()
    run = coach("doctor", "--llm", f"{provider}:test-model", "--json")
    assert json.loads(run.out)["ok"] is False
    assert exit_code("doctor", "--llm", f"{provider}:test-model") == 1
    backend = json.loads(run.out)["backend"]
    assert backend["reachable"] is False and "cannot reach" in backend["error"]
    text = coach("doctor", "--llm", f"{provider}:test-model")
    assert "BAD backend" in text.out and "cannot reach" in text.out


def test_an_unlisted_model_is_a_warning_until_a_chat_call_fails(
    coach: Callable[..., Run], server: tuple[str, ScriptedServer]
) -> None:
    provider, _ = server
    run = coach("doctor", "--llm", f"{provider}:other", "--json", "--no-probe")
    backend = json.loads(run.out)["backend"]
    assert backend["model_available"] is False and json.loads(run.out)["ok"] is True
    text = coach("doctor", "--llm", f"{provider}:other", "--no-probe").out
    assert "warning: the server does not list this model (it lists: test-model)" in text
    probed = json.loads(coach("doctor", "--llm", f"{provider}:other", "--json").out)
    assert probed["ok"] is False
    assert re.search(r"other.*(not found|does not exist)", probed["backend"]["tool_error"])


def test_bad_key(
    coach: Callable[..., Run], openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    openai_server.api_key = "sk-right-000000"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong-111111")
    get_settings.cache_clear()
    run = coach("doctor", "--llm", "openai:test-model", "--json")
    backend = json.loads(run.out)["backend"]
    assert "API key was rejected" in backend["error"]
    assert "sk-wrong-111111" not in run.out


def test_offline(coach: Callable[..., Run]) -> None:
    run = coach("doctor", "--llm", "none")
    assert run.code == 0 and "backend: none" in run.out


def test_speech_state_is_reported(
    coach: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COACH_SPEECH_CACHE_DIR", str(tmp_path / "speech"))
    get_settings.cache_clear()
    run = coach("doctor", "--llm", "none")
    assert run.code == 0, run.out
    assert "ok  speech: whisper:base, not fetched yet (150 MB from PyPI, fetched on first use" in (
        run.out
    )
    monkeypatch.setenv("COACH_SPEECH", "whisper:small")
    get_settings.cache_clear()
    run = coach("doctor", "--llm", "none")
    assert run.code == 1 and "BAD speech: whisper:small is not available here" in run.out
