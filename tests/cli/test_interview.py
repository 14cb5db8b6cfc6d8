"""`coach interview` and `coach review` end to end, offline, from scripts of inputs."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from coach.interview.machine import Interview, new_state
from coach.interview.models import InterviewConfig
from coach.sessions.recorded import RecordedInterviewer
from coach.sessions.store import SessionStore
from coach.settings import REPO_ROOT
from tests.cli.conftest import Run
from tests.fakes.documents import text_pdf
from tests.llm.test_interview_http import interviewer_model
from tests.servers.base import ScriptedServer

EXAMPLE = REPO_ROOT / "examples" / "interview_script.txt"


def test_example_script_runs_a_full_offline_session(coach: Callable[..., Run]) -> None:
    run = coach("interview", "--llm", "none", "--script", str(EXAMPLE))
    assert run.code == 0, run.err
    assert "Question 1/5" in run.out and "Score " in run.out
    assert run.out.count("Score ") >= 4
    assert "Hint 1:" in run.out and "memory: 56 GB" in run.out
    assert "== Summary ==" in run.out
    (session,) = SessionStore().list()
    assert session.finished and session.answered >= 4 and f"Session: {session.id}" in run.out


def test_json_transcript(coach: Callable[..., Run], tmp_path: Path) -> None:
    script = tmp_path / "inputs.txt"
    script.write_text("hint\nskip\nstop\n", encoding="utf-8")
    run = coach(
        "interview",
        "--script",
        str(script),
        "--json",
        "--questions",
        "2",
        "--topic",
        "retrieval_rag",
        "--lang",
        "ru",
    )
    assert run.code == 0, run.err
    events = [json.loads(line) for line in run.out.splitlines()]
    kinds = [e["type"] for e in events]
    assert kinds[0] == "question" and "hint" in kinds and kinds[-1] == "summary"
    assert {e["topic"] for e in events if e["type"] == "question"} == {"retrieval_rag"}
    assert all(e["lang"] == "ru" for e in events if e["type"] == "question")


def test_bad_options_are_one_line_errors(coach: Callable[..., Run]) -> None:
    for args, field in (
        (["--topic", "astrology"], "topic"),
        (["--lang", "de"], "lang"),
        (["--llm", "gpt4"], "llm"),
        (["--difficulty", "guru"], "difficulty"),
    ):
        run = coach("interview", *args)
        assert run.code == 2 and run.err.startswith(f"error: invalid {field}")
        assert len(run.err.strip().splitlines()) == 1


def test_resume_continues_the_session(coach: Callable[..., Run], tmp_path: Path) -> None:
    store = SessionStore()
    interview = RecordedInterviewer(
        Interview(new_state(InterviewConfig(questions=2, lang="en", follow_ups=0))), store
    )
    list(interview.start())
    first = interview.state.turns[0]
    script = tmp_path / "rest.txt"
    script.write_text("skip\nskip\n", encoding="utf-8")
    run = coach("interview", "--resume", interview.state.id, "--script", str(script))
    assert run.code == 0, run.err
    assert first.text in run.out and "== Summary ==" in run.out
    saved = store.load(interview.state.id)
    assert saved.finished and [t.skipped for t in saved.turns] == [True, True]


def test_unknown_session(coach: Callable[..., Run]) -> None:
    run = coach("interview", "--resume", "no-such-id")
    assert run.code == 2 and "no such session" in run.err


def test_review_asks_what_is_due(coach: Callable[..., Run], tmp_path: Path) -> None:
    store = SessionStore()
    interview = RecordedInterviewer(
        Interview(new_state(InterviewConfig(questions=1, lang="en", follow_ups=0))), store
    )
    list(interview.start())
    missed = interview.state.turns[0]
    missed.skipped = True
    store.review(interview.state, missed, when=datetime.now(UTC) - timedelta(days=1))
    script = tmp_path / "review.txt"
    script.write_text("skip\n", encoding="utf-8")
    run = coach("review", "--script", str(script), "--json")
    assert run.code == 0, run.err
    asked = [json.loads(line) for line in run.out.splitlines()]
    assert asked[0]["type"] == "question" and asked[0]["question_id"] == missed.question_id


def test_review_with_nothing_due(coach: Callable[..., Run]) -> None:
    run = coach("review")
    assert run.code == 0 and "nothing is due" in run.out


def test_llm_interview_streams_the_reply(
    coach: Callable[..., Run],
    tmp_path: Path,
    openai_server: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COACH_LLM_GRADING", "false")
    openai_server.fallback = interviewer_model
    script = tmp_path / "one.txt"
    script.write_text("A generative model learns p(x, y).\n", encoding="utf-8")
    run = coach(
        "interview",
        "--llm",
        "openai:test-model",
        "--script",
        str(script),
        "--questions",
        "1",
        "--topic",
        "diffusion_generative",
    )
    assert run.code == 0, run.err
    assert "· grade_answer(" in run.out and "Score " in run.out
    assert "\nInterviewer: You scored " in run.out and "== Summary ==" in run.out


def test_unreachable_llm_runs_offline(
    coach: Callable[..., Run], tmp_path: Path, openai_server: ScriptedServer
) -> None:
    openai_server.stop()
    script = tmp_path / "one.txt"
    script.write_text("skip\n", encoding="utf-8")
    run = coach(
        "interview", "--llm", "openai:test-model", "--script", str(script), "--questions", "1"
    )
    assert (
        run.code == 0 and "[offline_fallback] LLM backend openai:test-model unavailable" in run.out
    )


def test_a_job_description_chooses_the_first_questions(
    coach: Callable[..., Run], tmp_path: Path
) -> None:
    jd = tmp_path / "jd.md"
    jd.write_text("We need HNSW indexes and retrieval-augmented generation.", encoding="utf-8")
    script = tmp_path / "inputs.txt"
    script.write_text("skip\nstop\n", encoding="utf-8")
    run = coach("interview", "--llm", "none", "--jd", str(jd), "--script", str(script))
    assert run.code == 0, run.err
    assert "The job description asks for: " in run.out
    assert "(the job description asks for hnsw)" in run.out.lower() or (
        "(the job description asks for retrieval-augmented generation)" in run.out
    )


def test_a_pdf_resume_and_a_job_description_tailor_together(
    coach: Callable[..., Run], tmp_path: Path
) -> None:
    cv = text_pdf(tmp_path / "cv.pdf", ["Experience: knowledge distillation of BERT models"])
    jd = tmp_path / "jd.md"
    jd.write_text("We need HNSW indexes.", encoding="utf-8")
    script = tmp_path / "inputs.txt"
    script.write_text("skip\nstop\n", encoding="utf-8")
    run = coach(
        "interview", "--llm", "none", "--jd", str(jd), "--cv", str(cv), "--questions", "2",
        "--script", str(script),
    )  # fmt: skip
    assert run.code == 0, run.err
    asked_for = run.out.split("The job description asks for: ")[1].splitlines()[0]
    assert "hnsw" in asked_for.lower() and "knowledge distillation" in asked_for


def test_a_scanned_pdf_is_one_clear_error(coach: Callable[..., Run], tmp_path: Path) -> None:
    run = coach("interview", "--llm", "none", "--cv", str(text_pdf(tmp_path / "scan.pdf", [])))
    assert run.code == 2 and "may be scanned" in run.err and "Traceback" not in run.err


def test_a_job_description_outside_the_bank_is_one_clear_error(
    coach: Callable[..., Run], tmp_path: Path
) -> None:
    jd = tmp_path / "jd.txt"
    jd.write_text("Line cook: sauces and bread.", encoding="utf-8")
    run = coach("interview", "--llm", "none", "--jd", str(jd))
    assert run.code == 2 and "names no ML" in run.err and "Traceback" not in run.err


def test_a_timed_interview_shows_the_limit_and_the_times(
    coach: Callable[..., Run], tmp_path: Path
) -> None:
    script = tmp_path / "inputs.txt"
    script.write_text("Attention weighs every token by its relevance.\nstop\n", encoding="utf-8")
    run = coach("interview", "--llm", "none", "--time-limit", "90", "--script", str(script))
    assert run.code == 0, run.err
    assert "(answer within 90 s)" in run.out and "after the 90 s limit" in run.out
    assert coach("interview", "--time-limit", "3").code == 2  # below the 10 s minimum
