"""What scripts/qwen_tools.jinja promises, straight over HTTP: the server turns the model's tool
calls into `tool_calls` (auto and required, streamed or not), and an assistant turn with
`content: null` goes back without an error."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from scripts import local_llm

pytestmark = [pytest.mark.real_llm, pytest.mark.timeout(1800)]

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "memory",
            "description": "GPU memory to train or serve a model.",
            "parameters": {
                "type": "object",
                "properties": {
                    "params": {"type": "string", "description": "parameter count, e.g. 7B"},
                    "precision": {"type": "string", "enum": ["fp32", "fp16", "int8"]},
                },
                "required": ["params"],
            },
        },
    }
]
ASK = [
    {"role": "system", "content": "You are an assistant. Numbers come only from tools."},
    {"role": "user", "content": "How much memory to serve a 7B model in fp16?"},
]


def body(messages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "model": local_llm.ALIAS,
        "messages": messages,
        "tools": TOOLS,
        "temperature": 0,
        **extra,
    }


def chat(server: local_llm.Server, messages: list[dict[str, Any]], **extra: Any) -> Any:
    reply = httpx.post(
        f"{server.base_url}/chat/completions", json=body(messages, **extra), timeout=600
    )
    assert reply.status_code == 200, reply.text
    return reply.json()["choices"][0]


@pytest.mark.parametrize("choice", ["auto", "required"])
def test_tool_calls_come_back_as_tool_calls(llama_server: local_llm.Server, choice: str) -> None:
    answer = chat(llama_server, ASK, tool_choice=choice)
    (call,) = answer["message"]["tool_calls"]
    assert answer["finish_reason"] == "tool_calls"
    assert call["function"]["name"] == "memory"
    assert json.loads(call["function"]["arguments"])["params"].lower() == "7b"


def test_streamed_tool_calls(llama_server: local_llm.Server) -> None:
    names = []
    url = f"{llama_server.base_url}/chat/completions"
    with httpx.stream("POST", url, json=body(ASK, stream=True), timeout=600) as reply:
        for line in reply.iter_lines():
            if line.startswith("data: {"):
                for delta in json.loads(line[6:])["choices"][0]["delta"].get("tool_calls", []):
                    names.append(delta.get("function", {}).get("name"))
    assert "memory" in names


def test_content_null_round_trips(llama_server: local_llm.Server) -> None:
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "memory", "arguments": '{"params": "7B", "precision": "fp16"}'},
    }
    history: list[dict[str, Any]] = [
        *ASK,
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_1", "content": "memory: 14 GB (weights)"},
    ]
    answer = chat(llama_server, history, tool_choice="none", max_tokens=40)
    assert answer["message"]["content"]
