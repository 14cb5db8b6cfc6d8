"""The registry contract: names, fields, InputError and the LangChain tools."""

from __future__ import annotations

import subprocess
import sys

import pytest
from langchain_core.messages import ToolMessage
from langchain_core.tools import StructuredTool

from coach.calculators.memory import MemoryQuery
from coach.calculators.registry import CALCULATORS, DESCRIPTIONS, langchain_tools, run
from coach.errors import InputError

KEY_MEMORY_CALL = {
    "params": "7B",
    "precision": "fp32",
    "optimizer": "momentum",
    "mode": "train",
    "convention": "naive",
}


def test_answer_key_contract() -> None:
    result = run("memory", KEY_MEMORY_CALL)
    assert result.total_gb == 84.0
    assert result.model_dump()["total_gb"] == 84.0
    assert result.field("total_gb") == 84.0 and result.field("weights") == 28.0


def test_every_calculator_is_described() -> None:
    expected = {
        "memory",
        "kv_cache",
        "params",
        "attention",
        "training_flops",
        "chinchilla",
        "classification",
        "bleu",
        "chrf",
        "rouge",
        "perplexity",
        "cosine",
        "tfidf",
        "clip_logits",
    }
    assert set(CALCULATORS) == expected == set(DESCRIPTIONS)


def test_json_shape() -> None:
    data = run("cosine", {"a": [1, 0], "b": [0, 1]}).to_json()
    assert {"value", "unit", "breakdown", "steps", "assumptions"} <= data.keys()
    assert "total_gb" not in data
    memory = run("memory", KEY_MEMORY_CALL).to_json()
    assert {"total_gb", "unit", "breakdown", "steps", "assumptions"} <= memory.keys()


def test_unknown_tool() -> None:
    with pytest.raises(InputError) as info:
        run("vram", {})
    assert info.value.field == "tool"
    assert "memory" in (info.value.allowed or [])


def test_unknown_argument_is_rejected_not_ignored() -> None:
    with pytest.raises(InputError) as info:
        run("kv_cache", {"model": "llama-2-7b", "seq": 10, "batch_size": 2})
    assert info.value.field == "batch_size"


def test_missing_required_argument() -> None:
    with pytest.raises(InputError) as info:
        run("kv_cache", {"model": "llama-2-7b"})
    assert info.value.field == "seq"


def _tool(name: str) -> StructuredTool:
    tool = next(t for t in langchain_tools() if t.name == name)
    assert isinstance(tool, StructuredTool)
    return tool


def test_langchain_tools_use_the_pydantic_schemas() -> None:
    tools = langchain_tools()
    assert [t.name for t in tools] == list(CALCULATORS)
    assert _tool("memory").args_schema is MemoryQuery


def test_langchain_tool_returns_the_formatted_result() -> None:
    text = _tool("memory").invoke(KEY_MEMORY_CALL)
    assert text.startswith("memory: 84 GB")
    assert "Steps:" in text and "28 + 28 + 28 = 84 GB" in text


@pytest.mark.parametrize(
    ("args", "piece"),
    [
        ({"params": "7B", "zero": 4}, "invalid zero: 4"),  # rejected by the schema
        ({"params": "7B", "mode": "lora"}, "invalid lora_rank"),  # rejected by the calculator
    ],
)
def test_langchain_tool_failure_is_an_observation(args: dict, piece: str) -> None:
    text = _tool("memory").invoke(args)
    assert text.startswith("Error: InputError: ")
    assert piece in text
    assert text.endswith("; try other arguments or another tool")


def test_langchain_tool_call_from_an_agent() -> None:
    call = {"type": "tool_call", "id": "call-1", "name": "perplexity", "args": {"logprobs": [0.5]}}
    message = _tool("perplexity").invoke(call)
    assert isinstance(message, ToolMessage)
    assert "Error: InputError" in str(message.content)


def test_calculators_never_import_an_llm() -> None:
    code = (
        "import sys, coach.calculators.registry, coach.calculators.ask.reader; "
        "bad = [m for m in sys.modules if m.startswith(('langchain', 'openai', 'ollama', "
        "'coach.llm.backends', 'coach.agent.interviewer'))]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
