"""`coach sessions list | show | export`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from coach.interview.machine import Interview, new_state
from coach.interview.models import InterviewConfig
from coach.sessions.recorded import RecordedInterviewer
from coach.sessions.store import SessionStore
from tests.cli.conftest import Run


@pytest.fixture
def session_id() -> str:
    interview = RecordedInterviewer(
        Interview(new_state(InterviewConfig(questions=2, lang="en", follow_ups=0))), SessionStore()
    )
    list(interview.start())
    list(interview.respond("Attention weighs values by query-key similarity."))
    list(interview.respond("skip"))
    return interview.state.id


def test_list(coach: Callable[..., Run], session_id: str) -> None:
    run = coach("sessions", "list")
    assert run.code == 0 and session_id in run.out and "finished" in run.out
    listed = json.loads(coach("sessions", "list", "--json").out)
    assert listed[0]["id"] == session_id and listed[0]["answered"] == 1


def test_list_empty(coach: Callable[..., Run]) -> None:
    assert "no sessions yet" in coach("sessions", "list").out


def test_show(coach: Callable[..., Run], session_id: str) -> None:
    run = coach("sessions", "show", session_id[:15])
    assert run.code == 0
    assert "A: Attention weighs values" in run.out and "skipped" in run.out
    state = json.loads(coach("sessions", "show", session_id, "--json").out)
    assert len(state["turns"]) == 2 and state["turns"][0]["grade"]["score"] >= 0


@pytest.mark.parametrize("fmt, marker", [("md", "# "), ("html", "<html")])
def test_export(
    coach: Callable[..., Run], session_id: str, tmp_path: Path, fmt: str, marker: str
) -> None:
    out = tmp_path / f"report.{fmt}"
    run = coach("sessions", "export", session_id, "--format", fmt, "--out", str(out))
    assert run.code == 0, run.err
    text = out.read_text(encoding="utf-8")
    assert marker in text and "Attention weighs values" in text


def test_export_unknown_format(coach: Callable[..., Run], session_id: str) -> None:
    run = coach("sessions", "export", session_id, "--format", "pdf")
    assert run.code == 2 and "invalid format" in run.err
