"""Tool calls that models write as text.

Small local models often answer a tool-calling request with text instead of `tool_calls`: bare
JSON (`{"name": "grade_answer", "arguments": {}}`), JSON in a code fence or `<tool_call>` tags,
or ReAct lines (`Action: grade_answer` / `Action Input: {}`), sometimes with broken JSON. This
module only parses; the agent's middleware (`coach.agent.text_protocol`) acts on the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import json_repair

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
FINAL = re.compile(r"^\s*Final\s*Answer\s*:\s*", re.MULTILINE | re.IGNORECASE)
_THOUGHT = re.compile(r"^\s*Thought\s*:.*?(?=^\s*\w[\w ]*:|\Z)", re.MULTILINE | re.DOTALL)
_THINK = re.compile(r"<think>.*?(</think>|\Z)", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class TextCall:
    name: str
    args: dict[str, Any]


# -- parsing ----------------------------------------------------------------------------------
def repair_json(text: str) -> Any | None:
    """Parse JSON the way small models write it, or None: trailing commas, Python literals,
    single quotes, unclosed braces and trailing chatter are all forgiven (json-repair, whose
    grammar of broken JSON is wider and better tested than any we would keep here)."""
    if not text.strip():
        return None
    parsed = json_repair.repair_json(text, return_objects=True)
    return None if parsed == "" else parsed


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
    final = FINAL.split(text)
    if len(final) > 1:
        return final[-1].strip()
    return _THOUGHT.sub("", text).strip()


def looks_like_protocol(text: str) -> bool:
    """Whether the start of a reply is a tool call or protocol text rather than prose."""
    head = _THINK.sub("", text).lstrip()
    return head.startswith(("{", "[", "```", "<tool_call>", "<think>")) or bool(
        re.match(r"(Thought|Action|Observation)\s*:", head, re.IGNORECASE)
    )
