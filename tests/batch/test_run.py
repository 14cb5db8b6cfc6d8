"""Batch runs: outputs, resume after a crash or a kill, malformed input, bounded concurrency."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from langchain_core.messages import BaseMessage

from coach.batch import run as batch
from coach.batch.run import run
from tests.batch.conftest import results, write_jsonl
from tests.fakes.llm import FakeChatModel
from tests.grading.conftest import judgment, sent_data
from tests.servers.base import Reply
from tests.servers.openai import OpenAIServer

ROWS = [
    {
        "id": f"r{i}",
        "question_id": "ru-quiz-090",
        "answer": f"KV cache хранит ключи и значения прошлых токенов, вариант {i}.",
    }
    for i in range(6)
]


def test_outputs_in_the_folder(fast_grading: Path, tmp_path: Path) -> None:
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [
            *ROWS[:2],
            {
                "id": "t1",
                "question": "What is BLEU?",
                "answer": "<script>alert(1)</script> n-grams",
                "reference": "BLEU is n-gram precision with a brevity penalty.",
            },
            {"id": "m1", "question_id": "fa-vlm-q1-1", "answer": "گزینه ۳"},
        ],
    )
    out = tmp_path / "out"
    summary = run([source], out, progress=False)
    assert summary.graded == 4 and summary.already_graded == 0 and not summary.problems
    lines = results(out)
    assert [r["id"] for r in lines] == ["r0", "r1", "t1", "m1"]
    assert lines[3]["grade"]["score"] == 10 and lines[3]["topic"] == "vlm_multimodal"
    assert lines[2]["grade"]["reference_source"] == "teacher"
    with (out / "results.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["id"] for r in rows] == ["r0", "r1", "t1", "m1"] and rows[0]["grader"] == "offline"
    report = (out / "report.md").read_text("utf-8")
    assert "| decoding_inference | 2 |" in report and "### m1: 10/10" in report
    page = (out / "report.html").read_text("utf-8")
    assert "<svg" in page and "&lt;script&gt;" in page and "<script>" not in page
    assert "src=" not in page and "href=" not in page  # no external assets


def test_resume_after_a_crash_mid_batch(
    fast_grading: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", ROWS)
    out = tmp_path / "out"
    real_grade, calls = batch.grade, []

    def crashing(*args: object, **kwargs: object) -> object:
        if len(calls) == 3:
            raise KeyboardInterrupt  # the process dies here
        calls.append(1)
        return real_grade(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "grade", crashing)
    with pytest.raises(KeyboardInterrupt):
        run([source], out, progress=False)
    assert [r["id"] for r in results(out)] == ["r0", "r1", "r2"]
    with (out / "results.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"id": "r3", "grade": {"sco')  # killed in the middle of a write
    monkeypatch.setattr(batch, "grade", real_grade)
    summary = run([source], out, progress=False)
    assert summary.already_graded == 3 and summary.graded == 3
    assert [r["id"] for r in results(out)] == [f"r{i}" for i in range(6)]


def test_a_row_whose_grading_fails_is_recorded_and_the_run_goes_on(
    fast_grading: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terse = {
        "id": "push",
        "question": "Which stack operation adds?",
        "answer": "push",
        "reference": "push",
    }
    source = write_jsonl(tmp_path / "in.jsonl", [*ROWS[:3], terse])
    out = tmp_path / "out"
    real_grade = batch.grade

    def failing_on_r1(question: object, answer: str, *args: object, **kwargs: object) -> object:
        if "вариант 1" in answer:
            raise ValueError("a bug in the grader")
        return real_grade(question, answer, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "grade", failing_on_r1)
    summary = run([source], out, progress=False)
    assert summary.failed == [f"r1 ({source}:2): ValueError: a bug in the grader"]
    lines = {r["id"]: r for r in results(out)}
    assert lines["r1"]["grade"] is None and lines["r1"]["error"].startswith("ValueError")
    assert lines["push"]["grade"]["score"] >= 5  # a one-word reference grades, never crashes
    assert "r1 (" in (out / "report.md").read_text("utf-8")
    assert "grading failed: ValueError" in (out / "report.html").read_text("utf-8")
    with (out / "results.csv").open(encoding="utf-8") as handle:
        rows = {r["id"]: r for r in csv.DictReader(handle)}
    assert rows["r1"]["error"].startswith("ValueError") and rows["r0"]["error"] == ""
    monkeypatch.setattr(batch, "grade", real_grade)
    again = run([source], out, progress=False)
    assert again.graded == 1 and again.already_graded == 3 and not again.failed


def test_malformed_rows_are_reported_and_skipped(fast_grading: Path, tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "a.jsonl", ROWS[:1])
    bad = tmp_path / "b.jsonl"
    bad.write_text(
        '{"id": "x"\n'
        + json.dumps(ROWS[0])
        + "\n"
        + json.dumps({"id": "q", "question_id": "nope-1", "answer": "a"})
        + "\n",
        "utf-8",
    )
    latin = tmp_path / "c.csv"
    latin.write_bytes("id,question,answer\n1,Q?,caf\xe9\n".encode("latin-1"))
    summary = run([good, bad, latin], tmp_path / "out", progress=False)
    messages = [str(p) for p in summary.problems]
    assert summary.graded == 1
    assert any(m.startswith(f"{bad}:1: invalid JSON") for m in messages)
    assert any(m.startswith(f"{bad}:2: duplicate id 'r0'") for m in messages)
    assert any(m.startswith(f"{bad}:3: unknown question_id 'nope-1'") for m in messages)
    assert any(m.startswith(f"{latin}:2: not UTF-8") for m in messages)
    assert "unknown question_id" in (tmp_path / "out" / "report.md").read_text("utf-8")


def test_llm_grading_keeps_at_most_n_answers_in_flight(fast_grading: Path, tmp_path: Path) -> None:
    in_flight, peak, lock = [0], [0], threading.Lock()

    def slow(messages: list[BaseMessage]) -> str:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.05)
        with lock:
            in_flight[0] -= 1
        return judgment(1, len(sent_data(messages)["key_points"]))

    source = write_jsonl(tmp_path / "in.jsonl", ROWS)
    summary = run(
        [source], tmp_path / "out", llm=FakeChatModel(then=slow), concurrency=2, progress=False
    )
    assert summary.graded == 6 and peak[0] == 2
    assert all(r["grade"]["grader"] == "llm:FakeChatModel" for r in results(tmp_path / "out"))


def test_a_failing_backend_is_dropped_after_three_failures(
    fast_grading: Path, tmp_path: Path, fake_llm: Callable[..., FakeChatModel]
) -> None:
    model = fake_llm(then="not json")
    source = write_jsonl(tmp_path / "in.jsonl", ROWS)
    summary = run([source], tmp_path / "out", llm=model, concurrency=1, progress=False)
    grades = [r["grade"] for r in results(tmp_path / "out")]
    assert summary.fallbacks == 6 and all(g["grader"] == "offline" for g in grades)
    assert len(model.sent) == 6  # three answers, each asked once more for a repair
    assert "stopped after 3 failures" in grades[-1]["fallback_notice"]


def test_killing_the_process_and_the_server_loses_nothing(
    fast_grading: Path, tmp_path: Path, openai_server: OpenAIServer
) -> None:
    """A real `coach grade` process with a slow LLM is killed mid-batch; the rerun finishes."""
    openai_server.fallback = lambda body: Reply.say(judgment(8, 2), delay=0.4)
    source = write_jsonl(tmp_path / "in.jsonl", ROWS)
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-c",
        "from coach.cli import main; main()",
        "grade",
        str(source),
        "--out",
        str(out),
        "--llm",
        "openai:test-model",
        "--concurrency",
        "1",
        "--json",
    ]
    process = subprocess.Popen(
        command, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
        (out / "results.jsonl").exists() and len(results(out)) >= 2
    ):
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    graded = [r["id"] for r in results(out)]
    assert 2 <= len(graded) < 6, process.stderr.read() if process.stderr else ""
    openai_server.stop()  # the LLM server dies too: the rest falls back to offline
    summary = run([source], out, llm=None, progress=False)
    assert summary.already_graded == len(graded)
    assert sorted(r["id"] for r in results(out)) == [f"r{i}" for i in range(6)]
