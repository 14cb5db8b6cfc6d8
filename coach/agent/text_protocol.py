"""The text protocol for models without native tool calls, as agent middleware.

`TextToolCalls` turns replies that write tool calls as text into real tool calls and repairs
malformed arguments, so the agent loop runs the same either way. In "react" mode it also speaks
the text protocol to the model: no tools are bound, the tool list goes into the system prompt,
earlier calls are rendered as Action lines and results as Observation messages.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any, Literal

from langchain.agents.middleware import AgentMiddleware, ModelRequest, ModelResponse
from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

from coach.llm.prompts import render
from coach.llm.text_calls import (
    FINAL,
    looks_like_protocol,
    parse_text_calls,
    repair_json,
)

ToolMode = Literal["auto", "react"]


# -- the text protocol ------------------------------------------------------------------------
def describe_tools(tools: Iterable[BaseTool | dict[str, Any]]) -> list[dict[str, Any]]:
    described = []
    for tool in tools:
        spec = convert_to_openai_tool(tool)["function"]
        described.append(
            {
                "name": spec["name"],
                "description": spec.get("description", ""),
                "parameters": json.dumps(spec.get("parameters", {}).get("properties", {})),
            }
        )
    return described


def to_text_protocol(messages: list[AnyMessage]) -> list[AnyMessage]:
    """Earlier tool calls as Action lines and their results as Observation messages."""
    converted: list[AnyMessage] = []
    for message in messages:
        if isinstance(message, AIMessage) and message.tool_calls:
            text = str(message.content or "").strip()
            if parse_text_calls(text):  # the model wrote the calls itself: keep its words
                converted.append(AIMessage(content=text))
                continue
            lines = [text] if text else []
            for call in message.tool_calls:
                lines += [
                    f"Action: {call['name']}",
                    f"Action Input: {json.dumps(call['args'], ensure_ascii=False)}",
                ]
            converted.append(AIMessage(content="\n".join(lines)))
        elif isinstance(message, ToolMessage):
            converted.append(HumanMessage(content=f"Observation: {message.content}"))
        else:
            converted.append(message)
    return converted


# -- the middleware ---------------------------------------------------------------------------
class TextToolCalls(AgentMiddleware):
    """Recovers tool calls written as text; in "react" mode, speaks the text protocol.

    `fill_content`: give assistant turns that only call tools a non-empty content, for servers
    that reject `content: null` (llama-cpp-python answers HTTP 500 to it).
    """

    def __init__(self, mode: ToolMode = "auto", *, fill_content: bool = False) -> None:
        super().__init__()
        self.mode, self.fill_content = mode, fill_content

    def wrap_model_call(
        self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]
    ) -> ModelResponse:
        tools = list(request.tools)
        if self.mode == "react":
            system = request.system_message.content if request.system_message else ""
            protocol = render("react_protocol", tools=describe_tools(tools))
            request = request.override(
                tools=[],
                messages=to_text_protocol(request.messages),
                system_message=SystemMessage(content=f"{system}\n\n{protocol}".strip()),
            )
        elif self.fill_content:
            request = request.override(messages=[_filled(m) for m in request.messages])
        response = handler(request)
        return ModelResponse(
            result=[recover(m) for m in response.result],
            structured_response=response.structured_response,
        )


def _filled(message: AnyMessage) -> AnyMessage:
    if isinstance(message, AIMessage) and message.tool_calls and not message.content:
        return message.model_copy(update={"content": " "})
    return message


def recover(message: Any) -> Any:
    """An AIMessage with its text-written or malformed tool calls turned into real ones."""
    if not isinstance(message, AIMessage):
        return message
    calls = list(message.tool_calls)
    for invalid in message.invalid_tool_calls:
        args = repair_json(invalid.get("args") or "")
        # An unrepairable call still runs with no arguments: the tool either needs none
        # (grade_answer) or answers with a validation error the model can act on.
        calls.append(
            {
                "name": invalid.get("name") or "",
                "args": args if isinstance(args, dict) else {},
                "id": invalid.get("id") or _call_id(),
                "type": "tool_call",
            }
        )
    text = message.content if isinstance(message.content, str) else ""
    if not calls and text:
        calls = [
            {"name": c.name, "args": c.args, "id": _call_id(), "type": "tool_call"}
            for c in parse_text_calls(text)
        ]
    if not calls and not message.invalid_tool_calls:
        return message
    calls = [c for c in calls if c["name"]]
    return AIMessage(
        content=text,
        tool_calls=calls,
        id=message.id,
        response_metadata=message.response_metadata,
        usage_metadata=message.usage_metadata,
    )


def _call_id() -> str:
    return f"call_{uuid.uuid4().hex[:12]}"


class TokenGate:
    """Holds back the start of each model reply until it is clearly prose, so tool calls a
    model writes as text (bare JSON, Action lines) never reach the candidate as tokens."""

    DECIDE_AFTER = 12

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.buffer, self.state = "", "undecided"

    def feed(self, piece: str) -> str:
        """The part of `piece` that may be shown now."""
        if self.state == "prose":
            return piece
        if self.state == "protocol":
            return ""
        self.buffer += piece
        if len(self.buffer.strip()) < self.DECIDE_AFTER:
            return ""
        final = FINAL.match(self.buffer)
        if final:  # a ReAct model's answer: show what follows the label
            self.buffer = self.buffer[final.end() :]
            if not self.buffer.strip():
                return ""
        self.state = "protocol" if looks_like_protocol(self.buffer) else "prose"
        out, self.buffer = (self.buffer if self.state == "prose" else ""), ""
        return out
