"""Both backends over real HTTP through the real client classes: text, streaming, tool calls,
structured output, and the failures a user meets (retries, bad key, unknown model, no host)."""

from __future__ import annotations

import time

import pytest
from langchain_core.messages import HumanMessage
from pydantic import BaseModel

from coach.errors import InputError, LLMUnavailable
from coach.llm.backends import make_chat_model, parse_spec
from coach.llm.check import check
from coach.llm.failures import describe_failure, is_context_overflow
from coach.settings import get_settings
from tests.servers.base import Reply
from tests.servers.ollama import OllamaServer
from tests.servers.openai import OpenAIServer

BACKENDS = ["openai", "ollama"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> tuple[str, OpenAIServer | OllamaServer]:
    """(spec, server) for each backend, the server already pointed at by settings."""
    server = request.getfixturevalue(f"{request.param}_server")
    return f"{request.param}:test-model", server


class Verdict(BaseModel):
    score: int
    reason: str


def test_parse_spec_spellings() -> None:
    assert parse_spec("none") is None
    assert parse_spec(" Offline ") is None
    backend = parse_spec("ollama:qwen2.5:1.5b")
    assert backend is not None and backend.model == "qwen2.5:1.5b"
    assert backend.base_url == "http://127.0.0.1:11434"
    for bad in ("gpt-4o", "anthropic:claude", "openai:"):
        with pytest.raises(InputError):
            parse_spec(bad)


def test_bare_ollama_host_gets_a_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "10.0.0.5:11434")
    get_settings.cache_clear()
    backend = parse_spec("ollama:m")
    assert backend is not None and backend.base_url == "http://10.0.0.5:11434"


def test_a_spec_may_name_its_server() -> None:
    backend = parse_spec("ollama:qwen2.5:1.5b@10.0.0.7:11434")
    assert backend is not None
    assert (backend.model, backend.base_url) == ("qwen2.5:1.5b", "http://10.0.0.7:11434")
    backend = parse_spec("openai:qwen@http://127.0.0.1:8080/v1/")
    assert backend is not None
    assert (backend.model, backend.base_url) == ("qwen", "http://127.0.0.1:8080/v1")
    with pytest.raises(InputError):
        parse_spec("openai:@http://127.0.0.1:8080/v1")


def test_the_key_goes_only_to_the_configured_server(
    openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-configured-0123456789abcdef"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    get_settings.cache_clear()
    other = OpenAIServer().start()
    try:
        for server in (openai_server, other):
            server.push(Reply.say("hello"))
        spec = f"openai:test-model@{other.base_url}"
        for model in (make_chat_model("openai:test-model"), make_chat_model(spec)):
            assert model is not None and model.invoke("hi").content == "hello"
        assert openai_server.requests[-1].headers["authorization"] == f"Bearer {secret}"
        assert secret not in other.requests[-1].headers.get("authorization", "")
        assert other.chat_requests[-1]["model"] == "test-model"
        found = check(spec)
        assert found is not None and found.base_url == other.base_url
        assert other.requests[-1].path.endswith("/models")
        assert "authorization" not in other.requests[-1].headers
    finally:
        other.stop()


def test_none_is_offline() -> None:
    assert make_chat_model("none") is None
    assert make_chat_model() is None  # settings default


def test_text_reply(backend: tuple[str, OpenAIServer | OllamaServer]) -> None:
    spec, server = backend
    server.push(Reply.say("Attention mixes values by similarity."))
    model = make_chat_model(spec)
    assert model is not None
    reply = model.invoke([HumanMessage("What does attention do?")])
    assert reply.content == "Attention mixes values by similarity."
    sent = server.chat_requests[-1]
    assert sent["model"] == "test-model"
    assert sent["messages"][-1]["content"] == "What does attention do?"


def test_streaming_yields_pieces(backend: tuple[str, OpenAIServer | OllamaServer]) -> None:
    spec, server = backend
    server.push(Reply.say("one two three four"))
    model = make_chat_model(spec)
    assert model is not None
    pieces = [chunk.content for chunk in model.stream([HumanMessage("count")])]
    assert len([p for p in pieces if p]) >= 4
    assert "".join(str(p) for p in pieces) == "one two three four"
    assert server.chat_requests[-1]["stream"] is True


def test_native_tool_call(backend: tuple[str, OpenAIServer | OllamaServer]) -> None:
    spec, server = backend
    server.push(Reply.call("kv_cache", {"layers": 32, "seq": 4096}))
    model = make_chat_model(spec)
    assert model is not None

    def kv_cache(layers: int, seq: int) -> str:
        """KV cache size."""
        return "2 GiB"

    reply = model.bind_tools([kv_cache]).invoke([HumanMessage("kv cache?")])
    assert reply.tool_calls[0]["name"] == "kv_cache"
    assert reply.tool_calls[0]["args"] == {"layers": 32, "seq": 4096}
    tools = server.chat_requests[-1]["tools"]
    assert tools[0]["function"]["name"] == "kv_cache"


def test_streamed_tool_call_is_reassembled(openai_server: OpenAIServer) -> None:
    openai_server.push(Reply.call("grade_answer", {"note": "x" * 40}))
    model = make_chat_model("openai:test-model")
    assert model is not None

    def grade_answer(note: str) -> str:
        """Grade."""
        return note

    chunks = list(model.bind_tools([grade_answer]).stream([HumanMessage("grade")]))
    whole = chunks[0]
    for chunk in chunks[1:]:
        whole = whole + chunk
    assert whole.tool_calls[0]["args"] == {"note": "x" * 40}


@pytest.mark.parametrize("method", ["json_schema", "function_calling", "json_mode"])
def test_structured_output_openai(openai_server: OpenAIServer, method: str) -> None:
    payload = {"score": 7, "reason": "covers the main idea"}
    if method == "function_calling":
        openai_server.push(Reply.call("Verdict", payload))
    else:
        openai_server.push(Reply.say('{"score": 7, "reason": "covers the main idea"}'))
    model = make_chat_model("openai:test-model")
    assert model is not None
    verdict = model.with_structured_output(Verdict, method=method).invoke("judge")
    assert verdict == Verdict(**payload)


def test_structured_output_ollama(ollama_server: OllamaServer) -> None:
    ollama_server.push(Reply.say('{"score": 3, "reason": "misses the cache"}'))
    model = make_chat_model("ollama:test-model")
    assert model is not None
    verdict = model.with_structured_output(Verdict, method="json_schema").invoke("judge")
    assert verdict == Verdict(score=3, reason="misses the cache")
    assert ollama_server.chat_requests[-1]["format"]["properties"]["score"]


def test_retries_5xx_then_succeeds(backend: tuple[str, OpenAIServer | OllamaServer]) -> None:
    spec, server = backend
    server.push(Reply.fail(500), Reply.fail(503), Reply.say("fine"))
    model = make_chat_model(spec)
    assert model is not None
    assert model.invoke("hi").content == "fine"
    assert len(server.chat_requests) == 3


def test_429_honours_retry_after(backend: tuple[str, OpenAIServer | OllamaServer]) -> None:
    spec, server = backend
    server.push(Reply.fail(429, "slow down", headers={"Retry-After": "0.4"}), Reply.say("ok"))
    model = make_chat_model(spec)
    assert model is not None
    started = time.monotonic()
    assert model.invoke("hi").content == "ok"
    # The backoff setting is 0.01 s in tests, so the wait can only come from Retry-After.
    assert time.monotonic() - started >= 0.4


def test_retries_exhausted_is_one_line(backend: tuple[str, OpenAIServer | OllamaServer]) -> None:
    spec, server = backend
    server.push(*[Reply.fail(500, "boom")] * 3)
    model = make_chat_model(spec)
    assert model is not None
    with pytest.raises(Exception) as caught:
        model.invoke("hi")
    failure = describe_failure(caught.value, spec)
    assert isinstance(failure, LLMUnavailable)
    assert "HTTP 500" in str(failure) and "after 2 retries" in str(failure)
    assert "\n" not in str(failure)
    assert len(server.chat_requests) == 3  # first try + llm_retries


def test_dropped_connection_is_retried(backend: tuple[str, OpenAIServer | OllamaServer]) -> None:
    spec, server = backend
    server.push(Reply(drop=True), Reply.say("back"))
    model = make_chat_model(spec)
    assert model is not None
    assert model.invoke("hi").content == "back"


def test_hang_past_timeout(
    backend: tuple[str, OpenAIServer | OllamaServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, server = backend
    monkeypatch.setenv("COACH_LLM_TIMEOUT", "0.3")
    monkeypatch.setenv("COACH_LLM_RETRIES", "1")
    get_settings.cache_clear()
    server.push(Reply.say("late", delay=3), Reply.say("late", delay=3))
    model = make_chat_model(spec)
    assert model is not None
    started = time.monotonic()
    with pytest.raises(Exception) as caught:
        model.invoke("hi")
    assert time.monotonic() - started < 2.5
    failure = describe_failure(caught.value, spec)
    assert failure is not None and "within 0.3 s" in str(failure)


def test_unreachable_host(monkeypatch: pytest.MonkeyPatch) -> None:
    server = OpenAIServer().start()
    server.stop()  # a port nothing listens on
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OLLAMA_HOST", server.url)
    monkeypatch.setenv("COACH_LLM_BACKOFF", "0.01")
    get_settings.cache_clear()
    for spec in ("openai:m", "ollama:m"):
        model = make_chat_model(spec)
        assert model is not None
        with pytest.raises(Exception) as caught:
            model.invoke("hi")
        failure = describe_failure(caught.value, spec)
        assert failure is not None and f"cannot reach http://127.0.0.1:{server.port}" in str(
            failure
        )


def test_unknown_model(backend: tuple[str, OpenAIServer | OllamaServer]) -> None:
    spec = backend[0].replace("test-model", "no-such-model")
    model = make_chat_model(spec)
    assert model is not None
    with pytest.raises(Exception) as caught:
        model.invoke("hi")
    assert "unknown model 'no-such-model'" in str(describe_failure(caught.value, spec))


def test_bad_key_is_reported_and_never_echoed(
    openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    openai_server.api_key = "sk-right-key-000"
    secret = "sk-wrong-key-1234567890"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    get_settings.cache_clear()
    model = make_chat_model("openai:test-model")
    assert model is not None
    with pytest.raises(Exception) as caught:
        model.invoke("hi")
    failure = describe_failure(caught.value, "openai:test-model")
    assert failure is not None and "API key was rejected (HTTP 401)" in str(failure)
    assert secret not in str(failure) and secret not in caplog.text
    assert len(openai_server.chat_requests) == 1  # a 401 is not retried
    assert openai_server.requests[-1].headers["authorization"] == f"Bearer {secret}"


def test_key_optional_for_local_servers(openai_server: OpenAIServer) -> None:
    openai_server.push(Reply.say("no key needed"))
    model = make_chat_model("openai:test-model")
    assert model is not None
    assert model.invoke("hi").content == "no key needed"


def test_context_overflow_is_recognised(openai_server: OpenAIServer) -> None:
    openai_server.push(Reply.fail(400, "This model's maximum context length is 8192 tokens"))
    model = make_chat_model("openai:test-model")
    assert model is not None
    with pytest.raises(Exception) as caught:
        model.invoke("hi")
    assert is_context_overflow(caught.value)


def test_our_own_bugs_are_not_backend_failures() -> None:
    assert describe_failure(KeyError("x"), "openai:m") is None
