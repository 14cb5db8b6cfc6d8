"""Tool calls that models write as text, and the text protocol for models without native tools.

Small local models often answer a tool-calling request with text instead of `tool_calls`: bare
JSON (`{"name": "grade_answer", "arguments": {}}`), JSON in a code fence or `<tool_call>` tags,
or ReAct lines (`Action: grade_answer` / `Action Input: {}`), sometimes with broken JSON.
`TextToolCalls` is agent middleware that turns such replies into real tool calls and repairs
malformed arguments, so the agent loop runs the same either way. In "react" mode it also speaks
the text protocol to the model: no tools are bound, the tool list goes into the system prompt,
earlier calls are rendered as Action lines and results as Observation messages.
"""

from __future__ import annotations

import ast
import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from langchain.agents.middleware import AgentMiddleware, ModelRequest, ModelResponse
from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

from coach.prompts import render

ToolMode = Literal["auto", "react"]
NAME_KEYS = ("name", "tool", "action", "function", "tool_name")
ARG_KEYS = ("arguments", "parameters", "args", "action_input", "tool_input", "input")
_TAGGED = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.DOTALL)
_FENCED = re.compile(r"```(?:json|tool_call|tool)?\s*(.*?)```", re.DOTALL)
_ACTION = re.compile(
    r"^\s*Action\s*:\s*`?(?P<name>[\w.\-]+)`?\s*$"
    r"(?:\s*^\s*Action\s*Input\s*:\s*(?P<input>.*?))?"
    r"(?=\s*^\s*(?:Observation|Thought|Action|Final Answer)\s*:|\s*\Z)",
    re.MULTILINE | re.DOTALL | re.IGNORECASE,
)
_FINAL = re.compile(r"^\s*Final\s*Answer\s*:\s*", re.MULTILINE | re.IGNORECASE)
_THOUGHT = re.compile(r"^\s*Thought\s*:.*?(?=^\s*\w[\w ]*:|\Z)", re.MULTILINE | re.DOTALL)
_THINK = re.compile(r"<think>.*?(</think>|\Z)", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class TextCall:
    name: str
    args: dict[str, Any]


# -- parsing ----------------------------------------------------------------------------------
def repair_json(text: str) -> Any | None:
    """Parse JSON the way small models write it, or None: trailing commas, Python literals,
    single quotes, unclosed braces and trailing chatter are all forgiven."""
    text = text.strip()
    if not text:
        return None
    attempts = [text]
    balanced = _balanced_prefix(text)
    if balanced and balanced != text:
        attempts.append(balanced)
    attempts.append(_close_brackets(text))
    for attempt in attempts:
        for candidate in (attempt, re.sub(r",\s*([}\]])", r"\1", attempt)):
            try:
                return json.loads(candidate)
            except ValueError:
                pass
            try:
                return ast.literal_eval(
                    candidate.replace("true", "True")
                    .replace("false", "False")
                    .replace("null", "None")
                )
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                pass
    return None


def _balanced_prefix(text: str) -> str | None:
    """The first complete {...} or [...] in text, honouring strings."""
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start < 0:
        return None
    depth, quote, escaped = 0, "", False
    for i, char in enumerate(text[start:], start):
        if quote:
            escaped = not escaped and char == "\\"
            if char == quote and not escaped:
                quote = ""
            continue
        if char in "\"'":
            quote = char
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return text[start : i + 1]
    return None


def _close_brackets(text: str) -> str:
    """Append the closers an unfinished object is missing (a reply cut off at max tokens)."""
    stack: list[str] = []
    quote = ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]" and stack:
            stack.pop()
    return text + quote + "".join(reversed(stack))


def _as_calls(value: Any) -> list[TextCall]:
    items = value if isinstance(value, list) else [value]
    calls = []
    for item in items:
        if not isinstance(item, dict):
            continue
        name: Any = next((item[k] for k in NAME_KEYS if isinstance(item.get(k), str | dict)), None)
        args: Any = next((item[k] for k in ARG_KEYS if k in item), {})
        if isinstance(name, dict):  # OpenAI shape: {"function": {"name", "arguments"}}
            args, name = name.get("arguments", args), name.get("name")
        if isinstance(args, str):
            args = repair_json(args) if args.strip() else {}
        if isinstance(name, str) and name.strip():
            calls.append(TextCall(name.strip(), args if isinstance(args, dict) else {}))
    return calls


def parse_text_calls(text: str) -> list[TextCall]:
    """Tool calls written in a reply's text, in the first format that yields any."""
    text = _THINK.sub("", text)
    for pattern in (_TAGGED, _FENCED):
        blocks = pattern.findall(text)
        calls = [c for block in blocks for c in _as_calls(repair_json(block))]
        if calls:
            return calls
    calls = []
    for found in _ACTION.finditer(text):
        raw = (found.group("input") or "").strip()
        parsed = repair_json(raw) if raw else {}
        args = parsed if isinstance(parsed, dict) else ({"query": raw} if raw else {})
        calls.append(TextCall(found.group("name"), args))
    if calls:
        return calls
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        return _as_calls(repair_json(stripped))
    return []


def final_text(text: str) -> str:
    """The reply a candidate should read: no think blocks, Thought lines or protocol labels."""
    text = _THINK.sub("", text)
    final = _FINAL.split(text)
    if len(final) > 1:
        return final[-1].strip()
    return _THOUGHT.sub("", text).strip()


def looks_like_protocol(text: str) -> bool:
    """Whether the start of a reply is a tool call or protocol text rather than prose."""
    head = _THINK.sub("", text).lstrip()
    return head.startswith(("{", "[", "```", "<tool_call>", "<think>")) or bool(
        re.match(r"(Thought|Action|Observation)\s*:", head, re.IGNORECASE)
    )


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
        final = _FINAL.match(self.buffer)
        if final:  # a ReAct model's answer: show what follows the label
            self.buffer = self.buffer[final.end() :]
            if not self.buffer.strip():
                return ""
        self.state = "protocol" if looks_like_protocol(self.buffer) else "prose"
        out, self.buffer = (self.buffer if self.state == "prose" else ""), ""
        return out
