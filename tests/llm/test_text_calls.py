"""Tool calls written as text — the shapes small local models produce — become real calls."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from coach.agent.text_protocol import TokenGate, recover, to_text_protocol
from coach.llm.text_calls import final_text, looks_like_protocol, parse_text_calls, repair_json


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "grade_answer", "arguments": {}}',
        '{"name": "grade_answer", "parameters": {}}',
        '```json\n{"name": "grade_answer", "arguments": {}}\n```',
        '<tool_call>\n{"name": "grade_answer", "arguments": {}}\n</tool_call>',
        '{"action": "grade_answer", "action_input": {}}',
        '{"function": {"name": "grade_answer", "arguments": "{}"}}',
        "Thought: I should grade it.\nAction: grade_answer\nAction Input: {}",
        "Action: grade_answer",
        '<think>grade first</think>\n{"name": "grade_answer", "arguments": {}}',
    ],
)
def test_each_shape_parses(text: str) -> None:
    calls = parse_text_calls(text)
    assert [c.name for c in calls] == ["grade_answer"]
    assert calls[0].args == {}


def test_arguments_survive() -> None:
    calls = parse_text_calls(
        'Action: memory\nAction Input: {"params": "13B", "optimizer": "adamw"}\n'
    )
    assert calls[0].args == {"params": "13B", "optimizer": "adamw"}
    listed = parse_text_calls('[{"name": "a", "arguments": {"x": 1}}, {"name": "b"}]')
    assert [(c.name, c.args) for c in listed] == [("a", {"x": 1}), ("b", {})]


@pytest.mark.parametrize(
    "broken, expected",
    [
        ('{"k": 3,}', {"k": 3}),
        ("{'query': 'kv cache'}", {"query": "kv cache"}),
        ('{"ok": true, "n": null', {"ok": True, "n": None}),
        ('{"a": {"b": [1, 2', {"a": {"b": [1, 2]}}),
        ('{"a": 1} and then some chatter', {"a": 1}),
    ],
)
def test_repair_json(broken: str, expected: object) -> None:
    assert repair_json(broken) == expected


def test_unrepairable_is_none() -> None:
    assert repair_json("not json at all") is None
    assert repair_json("") is None


def test_prose_is_not_a_call() -> None:
    assert parse_text_calls("Your answer covers the main idea [ru-lecture-021].") == []
    assert parse_text_calls('The JSON {"score": 7} is what the grader said.') == []


def test_recover_turns_text_into_tool_calls() -> None:
    message = recover(AIMessage(content='{"name": "next_question", "arguments": {}}'))
    assert message.tool_calls[0]["name"] == "next_question"
    assert message.tool_calls[0]["id"].startswith("call_")


def test_recover_repairs_malformed_native_arguments() -> None:
    message = AIMessage(
        content="",
        invalid_tool_calls=[
            {
                "name": "search_corpus",
                "args": '{"query": "rlhf",',
                "id": "c1",
                "error": "bad json",
                "type": "invalid_tool_call",
            }
        ],
    )
    fixed = recover(message)
    assert fixed.tool_calls == [
        {"name": "search_corpus", "args": {"query": "rlhf"}, "id": "c1", "type": "tool_call"}
    ]


def test_recover_keeps_plain_replies() -> None:
    message = AIMessage(content="Good answer.")
    assert recover(message) is message


def test_text_protocol_rendering() -> None:
    history = [
        HumanMessage("task"),
        AIMessage(
            content="",
            tool_calls=[{"name": "grade_answer", "args": {}, "id": "c1", "type": "tool_call"}],
        ),
        ToolMessage(content="score: 6/10", tool_call_id="c1"),
    ]
    converted = to_text_protocol(history)
    assert converted[1].content == "Action: grade_answer\nAction Input: {}"
    assert isinstance(converted[2], HumanMessage)
    assert converted[2].content == "Observation: score: 6/10"


def test_final_text_strips_protocol() -> None:
    assert final_text("Thought: done.\nFinal Answer: Well done [q1].") == "Well done [q1]."
    assert final_text("<think>hmm</think>Nice.") == "Nice."
    assert final_text("Plain reply.") == "Plain reply."


def test_looks_like_protocol() -> None:
    assert looks_like_protocol('  {"name": "x"}')
    assert looks_like_protocol("Action: x")
    assert not looks_like_protocol("Score 6/10: you covered the cache.")


def test_token_gate_holds_tool_calls_and_passes_prose() -> None:
    gate = TokenGate()
    assert (
        "".join(gate.feed(p) for p in ['{"name": ', '"grade_answer", ', '"arguments": {}}']) == ""
    )
    gate.reset()
    shown = "".join(gate.feed(p) for p in ["Good ", "answer, ", "you covered ", "the cache."])
    assert shown == "Good answer, you covered the cache."
