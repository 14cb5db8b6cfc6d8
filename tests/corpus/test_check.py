"""`coach corpus check` rules on a small synthetic bank."""

from __future__ import annotations

from typing import Any

from coach.corpus.bank import Bank
from coach.corpus.check import check
from coach.corpus.key import KeyEntry
from coach.corpus.models import Kind, Passage, Question, Topic


def _question(qid: str, kind: Kind = Kind.OPEN, options: list[str] | None = None) -> Question:
    return Question(
        id=qid,
        source="s.md",
        line=1,
        lang="ru",
        section="S",
        topic=Topic.METRICS,
        kind=kind,
        text="Вопрос?",
        options=options or [],
    )


def _entry(qid: str, **overrides: Any) -> KeyEntry:
    data: dict[str, Any] = {
        "id": qid,
        "text_en": "Question?",
        "reference_en": "Reference.",
        "difficulty": "junior",
        "key_points": [
            {"text": "a", "weight": 0.5},
            {"text": "b", "weight": 0.3},
            {"text": "c", "weight": 0.2},
        ],
    }
    data.update(overrides)
    return KeyEntry.model_validate(data)


BANK = Bank(
    questions=[
        _question("q1"),
        _question("q2", Kind.MULTIPLE_CHOICE, ["x", "y", "z", "w"]),
        _question("q3", Kind.NUMERIC),
    ],
    passages=[
        Passage(id="p1", source="l.md", line=1, lang="ru", section="I", heading="h", text="t")
    ],
)


def _calculator(tool: str, args: dict) -> dict:
    assert tool == "memory"
    return {"total_gb": 84.0}


NUMERIC = {
    "value": 84,
    "unit": "GB",
    "convention": "naive",
    "calculator": {"tool": "memory", "args": {"params": "7B"}, "field": "total_gb"},
}


def test_complete_key_has_no_problems() -> None:
    entries = {
        "q1": _entry("q1", citations=["p1"]),
        "q2": _entry("q2", options_en=["x", "y", "z", "w"], correct_option=2, justification="y."),
        "q3": _entry("q3", numeric=NUMERIC),
    }
    assert check(BANK, entries, _calculator) == []


def test_each_rule_reports_its_problem() -> None:
    bad_points = [{"text": "a", "weight": 0.5}, {"text": "A", "weight": 0.2}]
    entries = {
        "q1": _entry("q1", key_points=bad_points, citations=["nowhere"]),
        "q2": _entry("q2", options_en=["x"], correct_option=5),
        "q3": _entry("q3", numeric={**NUMERIC, "value": 56}),
        "q9": _entry("q9"),
    }
    messages = {(p.question_id, p.message) for p in check(BANK, entries, _calculator)}
    assert ("q9", "key entry for no bank question") in messages
    assert ("q1", "2 key points (want 3-6)") in messages
    assert ("q1", "key points must be non-empty and distinct") in messages
    assert ("q1", "key point weights sum to 0.700, not 1") in messages
    assert ("q1", "citation nowhere does not resolve") in messages
    assert ("q2", "correct_option 5 out of 1..4") in messages
    assert ("q2", "1 options_en for 4 options") in messages
    assert ("q2", "multiple choice without a justification") in messages
    assert ("q3", "calculator gives 84 GB, key says 56") in messages


def test_missing_entry_is_a_problem() -> None:
    problems = check(BANK, {}, _calculator)
    assert {p.question_id for p in problems} == {"q1", "q2", "q3"}
