"""`coach grade` end to end on the example answer files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_grade_the_markdown_example_offline(coach: Callable[..., Run], tmp_path: Path) -> None:
    out = tmp_path / "r"
    result = coach("grade", str(EXAMPLES / "answers.md"), "--out", str(out), "--offline")
    assert result.code == 0, result.err
    assert "7 graded now, 0 already graded, 0 problems" in result.out
    for name in ("results.jsonl", "results.csv", "report.md", "report.html"):
        assert (out / name).is_file()
    again = coach("grade", str(EXAMPLES / "answers.md"), "--out", str(out), "--offline", "--json")
    summary = json.loads(again.out)
    assert summary["graded"] == 0 and summary["already_graded"] == 7


def test_grade_jsonl_and_csv_examples(coach: Callable[..., Run], tmp_path: Path) -> None:
    files = [str(EXAMPLES / "answers.jsonl"), str(EXAMPLES / "answers.csv")]
    result = coach("grade", *files, "--out", str(tmp_path / "r"), "--offline", "--json")
    summary = json.loads(result.out)
    assert summary["graded"] == 8 and summary["problems"] == []


def test_bad_invocations_are_one_line_errors(coach: Callable[..., Run], tmp_path: Path) -> None:
    missing = coach("grade", str(tmp_path / "nope.md"), "--out", str(tmp_path / "r"))
    assert missing.code == 2 and "no such file" in missing.err
    both = coach(
        "grade",
        str(EXAMPLES / "answers.md"),
        "--out",
        str(tmp_path / "r"),
        "--offline",
        "--llm",
        "openai:x",
    )
    assert both.code == 2 and "--offline" in both.err
    crowd = coach(
        "grade", str(EXAMPLES / "answers.md"), "--out", str(tmp_path / "r"), "--concurrency", "99"
    )
    assert crowd.code == 2 and "concurrency" in crowd.err


def test_exit_code_counts_the_rows_that_failed(
    coach: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.batch import run as batch

    real_grade = batch.grade

    def failing_on_bleu(question: object, answer: str, *args: object, **kwargs: object) -> object:
        if "BLEU" in str(question):
            raise RuntimeError("grader bug")
        return real_grade(question, answer, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "grade", failing_on_bleu)
    rows = [
        {"id": "a", "question": "What is BLEU?", "answer": "n-gram precision", "reference": "x y"},
        {"id": "b", "question": "What is BLEU now?", "answer": "a metric", "reference": "x y"},
        {"id": "c", "question": "What is ROUGE?", "answer": "recall of n-grams", "reference": "z"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    result = coach("grade", str(source), "--out", str(tmp_path / "r"), "--offline")
    assert result.code == 2, result.err
    assert "1 graded now" not in result.out and "2 failed" in result.out
    assert "failed a (" in result.err and "RuntimeError: grader bug" in result.err
