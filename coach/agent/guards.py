"""What keeps one agent turn bounded and honest: the tools and prompt a turn offers, loop
detection, tool errors as observations, and the checks a model's reply must pass before a
candidate sees it (no refusals, no protocol debris, no score or number the tools did not give).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from langchain.agents.middleware import AgentMiddleware, ModelRequest, ModelResponse
from langchain_core.messages import (
    AIMessage,
    AnyMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

from coach.errors import CoachError
from coach.llm.failures import describe_failure
from coach.llm.prompts import render
from coach.llm.text_calls import final_text, looks_like_protocol

_REFUSAL = re.compile(
    r"^(i('m| am)? (sorry|unable|not able)|i can(no|')t (help|assist|do)|as an ai\b|"
    r"извините, (но )?я не могу|я не могу (помочь|выполнить)|抱歉，我(不能|无法)|"
    r"متاسفانه نمی‌توانم)",
    re.IGNORECASE,
)
_SCORE_CLAIM = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:/|out of|из|از)\s*10\b", re.IGNORECASE)
_AMOUNT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:GB|GiB|ГБ|ГиБ)\b", re.IGNORECASE)

Problem = tuple[str, str]  # (notice code, text)


class TurnScope(AgentMiddleware):
    """Per run: the system prompt in the interview's current language and the tools offered.

    Offering only the tools a turn needs keeps a small model's prompt short (the calculators'
    schemas alone would fill much of an 8k context) and its choices few.
    """

    def __init__(self) -> None:
        super().__init__()
        self.system, self.offered = "", frozenset[str]()

    def wrap_model_call(
        self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]
    ) -> ModelResponse:
        tools = [t for t in request.tools if _tool_name(t) in self.offered]
        request = request.override(tools=tools, system_message=SystemMessage(content=self.system))
        response = handler(request)
        repeated = _repeated(request, response)
        if repeated is None:
            return response
        # A real 1.5B model goes back to grade_answer after next_question in every answer turn
        # and so never replies: one last call, without tools, asks for the reply itself.
        response = handler(request.override(tools=[], messages=_reply_prompt(request.messages)))
        if any(getattr(m, "tool_calls", None) for m in response.result):
            raise RepeatedCallError(repeated)
        return response


def _reply_prompt(messages: list[AnyMessage]) -> list[AnyMessage]:
    """The task and the tools' results as plain text, without the calls that produced them."""
    task = [m for m in messages[:1] if isinstance(m, HumanMessage)]
    results = [(m.name or "tool", str(m.content)) for m in messages if isinstance(m, ToolMessage)]
    return [*task, HumanMessage(content=render("interviewer_reply", results=results))]


def _repeated(request: ModelRequest, response: ModelResponse) -> str | None:
    """The name of a tool the response calls again with the same arguments, if any."""
    made = {
        _call_key(c) for m in request.messages if isinstance(m, AIMessage) for c in m.tool_calls
    }
    for message in response.result:
        for call in getattr(message, "tool_calls", []):
            if _call_key(call) in made:
                return str(call["name"])
    return None


class RepeatedCallError(Exception):
    """The model repeated a tool call it already made this turn: it is looping."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"the model repeated its call to {name}")


def _call_key(call: Any) -> str:
    return f"{call['name']}:{json.dumps(call['args'], sort_keys=True, default=str)}"


def _tool_name(tool: Any) -> str:
    return str(tool.get("name", "")) if isinstance(tool, dict) else str(tool.name)


def on_tool_error(exc: Exception, request: Any) -> str | None:
    """Bad arguments and our input errors go back to the model; a dead backend does not."""
    if describe_failure(exc) is not None:
        return None
    if isinstance(exc, CoachError | ValueError | LookupError):
        return f"Error: {type(exc).__name__}: {exc}; try other arguments or another tool"
    return None


def check_reply(raw: str, score: float | None) -> tuple[str | None, Problem | None]:
    """The reply a candidate may read, or None and the problem that rules it out."""
    text = final_text(raw)
    done = "the turn was completed by the rules."
    if not text:
        return None, ("no_reply", f"The model wrote no reply; {done}")
    if looks_like_protocol(text):
        return None, ("garbled_reply", f"The model's reply was a malformed tool call; {done}")
    if _REFUSAL.match(text):
        return None, ("refused", f"The model declined to answer; {done}")
    if score is not None and not _score_consistent(text, score):
        return None, (
            "reply_contradicts_grade",
            f"The model's reply claimed a score other "
            f"than the grader's {score:g}/10 and was discarded.",
        )
    return text, None


def _score_consistent(text: str, score: float) -> bool:
    claims = [float(m.replace(",", ".")) for m in _SCORE_CLAIM.findall(text)]
    return all(abs(claim - score) <= 0.5 for claim in claims)


def amounts_supported(text: str, outputs: list[str]) -> bool:
    """Every GB figure in the reply appears (to rounding) in some calculator output."""
    known = [float(n.replace(",", ".")) for o in outputs for n in re.findall(r"\d+(?:[.,]\d+)?", o)]
    for raw in _AMOUNT.findall(text):
        value = float(raw.replace(",", "."))
        if not any(abs(value - k) <= max(0.01 * k, 0.05) for k in known):
            return False
    return True


def citations(text: str) -> list[str]:
    """The [source ids] a reply cites, in order."""
    return list(dict.fromkeys(re.findall(r"\[([\w.#:-]+)\]", text)))
