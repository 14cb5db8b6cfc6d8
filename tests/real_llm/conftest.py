"""The real-model tier: Qwen2.5-Coder-1.5B behind llama.cpp's llama-server, started once.

The tier fails, never skips, when the runtime or the model is missing, so CI cannot pass it
without running it; COACH_SKIP_REAL_LLM=1 is the only way to skip it. It is sized for 2 CPU
cores (the 1.5B model writes ~21 tokens/s and reads ~72): replies are capped server-side, the
interviews are short, and one server serves every test but the two that need a different one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coach.settings import get_settings
from scripts import local_llm

MODEL = "1.5b"
SPEC = "openai:local"
# Per reply; the LLM grader's JSON for a few key points fits in well under this.
MAX_TOKENS = 400


def start_server(
    *, native_tools: bool = True, alias: str | None = local_llm.ALIAS
) -> local_llm.Server:
    """A fresh server, or a failure saying what to build or fetch (a skip only by setting)."""
    if get_settings().skip_real_llm:
        pytest.skip("real-model tier skipped by COACH_SKIP_REAL_LLM")
    gap = local_llm.missing(MODEL)
    if gap is not None:
        pytest.fail(
            f"real-model tier: {gap}; or set COACH_SKIP_REAL_LLM=1 to skip the tier", pytrace=False
        )
    return local_llm.start(MODEL, native_tools=native_tools, max_tokens=MAX_TOKENS, alias=alias)


@pytest.fixture(scope="session")
def llama_server() -> Iterator[local_llm.Server]:
    """llama-server with our chat template: the model's tool calls come back as `tool_calls`."""
    server = start_server()
    yield server
    server.stop()


def point_at(server: local_llm.Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings for the coach to use `server` as `openai:local`."""
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("COACH_LLM", SPEC)
    # A busy 2-core machine can be several times slower than the figures above.
    monkeypatch.setenv("COACH_LLM_TIMEOUT", "300")
    monkeypatch.setenv("COACH_LLM_RETRIES", "1")
    monkeypatch.setenv("COACH_LLM_BACKOFF", "0.2")
    get_settings.cache_clear()


@pytest.fixture
def real_llm(llama_server: local_llm.Server, monkeypatch: pytest.MonkeyPatch) -> local_llm.Server:
    """The shared server, with settings pointing the coach at it."""
    point_at(llama_server, monkeypatch)
    return llama_server
