"""A chat model that replays scripted steps, for tests that need no HTTP server."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field, PrivateAttr

FakeStep = AIMessage | str | Callable[[list[BaseMessage]], AIMessage | str]

FakeStep = AIMessage | str | Callable[[list[BaseMessage]], AIMessage | str]


def tool_call(
    name: str, args: dict[str, Any] | None = None, call_id: str | None = None
) -> AIMessage:
    """An AIMessage calling one tool, as a tool-calling model returns it."""
    return AIMessage(
        content="",
        tool_calls=[
            {"name": name, "args": args or {}, "id": call_id or f"call_{name}", "type": "tool_call"}
        ],
    )


class FakeChatModel(BaseChatModel):
    """Replays scripted steps and records what it was sent (messages, bound tools).

    A step is an AIMessage, a plain string (a text reply), or a function of the messages
    returning either; when the script runs out, `then` answers (default: an error, so an
    under-scripted test fails loudly). Streams its text word by word.
    """

    steps: list[Any] = Field(default_factory=list)
    then: Any = None
    sent: list[list[BaseMessage]] = Field(default_factory=list)
    bound_tools: list[list[str]] = Field(default_factory=list)
    _cursor: int = PrivateAttr(default=0)

    @property
    def _llm_type(self) -> str:
        return "fake-scripted"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Any:
        from langchain_core.utils.function_calling import convert_to_openai_tool

        self.bound_tools.append([convert_to_openai_tool(t)["function"]["name"] for t in tools])
        return self

    def _next(self, messages: list[BaseMessage]) -> AIMessage:
        self.sent.append(list(messages))
        if self._cursor < len(self.steps):
            step, self._cursor = self.steps[self._cursor], self._cursor + 1
        elif self.then is not None:
            step = self.then
        else:
            raise AssertionError(f"FakeChatModel script exhausted after {self._cursor} steps")
        if callable(step) and not isinstance(step, AIMessage):
            step = step(messages)
        return AIMessage(content=step) if isinstance(step, str) else step

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._next(messages))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ):
        message = self._next(messages)
        text = message.content if isinstance(message.content, str) else ""
        words = text.split(" ") if text else []
        for i, word in enumerate(words):
            piece = word + (" " if i < len(words) - 1 else "")
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                tool_call_chunks=[
                    {
                        "name": c["name"],
                        "args": json.dumps(c["args"]),
                        "id": c["id"],
                        "index": i,
                        "type": "tool_call_chunk",
                    }
                    for i, c in enumerate(message.tool_calls)
                ],
            )
        )
