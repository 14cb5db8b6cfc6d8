"""Timed mode: a limit per question, the time taken stored, a late answer graded and marked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from coach.sessions.recorded import RecordedInterviewer
from tests.interview.conftest import OPEN, of_type

ANSWER = "A discriminative model learns p(y|x); a generative model learns p(x, y) or p(x)."


def _answer_after(interview: RecordedInterviewer, seconds: float) -> list:
    turn = interview.state.current
    assert turn is not None
    turn.asked_at -= timedelta(seconds=seconds)
    return list(interview.respond(ANSWER))


def test_the_question_carries_the_limit(make_interview: Callable[..., RecordedInterviewer]) -> None:
    interview = make_interview(questions=1, review=[OPEN], time_limit=60)
    (asked,) = of_type(interview.start(), "question")
    assert asked.time_limit == 60


def test_an_answer_in_time_is_not_late(make_interview: Callable[..., RecordedInterviewer]) -> None:
    interview = make_interview(questions=1, review=[OPEN], time_limit=60, follow_ups=0)
    list(interview.start())
    events = _answer_after(interview, 20)
    assert of_type(events, "grade") and not any(n.code == "late" for n in of_type(events, "notice"))
    (summary,) = of_type(events, "summary")
    assert [(t.question_id, t.late) for t in summary.times] == [(OPEN, False)]
    assert 19 <= summary.times[0].seconds <= 30


def test_a_late_answer_is_graded_and_marked(
    make_interview: Callable[..., RecordedInterviewer],
) -> None:
    interview = make_interview(questions=1, review=[OPEN], time_limit=60, follow_ups=0)
    list(interview.start())
    events = _answer_after(interview, 200)
    (late,) = [n for n in of_type(events, "notice") if n.code == "late"]
    assert "60 s" in late.text and "200 s" in late.text
    (graded,) = of_type(events, "grade")
    assert graded.grade.score > 0  # graded all the same
    (summary,) = of_type(events, "summary")
    assert summary.times[0].late and "1 after the 60 s limit" in summary.text
    assert interview.state.turns[0].late


def test_an_untimed_interview_reports_no_times(
    make_interview: Callable[..., RecordedInterviewer],
) -> None:
    interview = make_interview(questions=1, review=[OPEN], follow_ups=0)
    list(interview.start())
    events = _answer_after(interview, 500)
    (summary,) = of_type(events, "summary")
    assert summary.times == [] and "limit" not in summary.text
    assert not interview.state.turns[0].late


def test_the_report_shows_each_answers_time(
    make_interview: Callable[..., RecordedInterviewer],
) -> None:
    from coach.sessions.store import export_report

    interview = make_interview(questions=1, review=[OPEN], time_limit=60, follow_ups=0)
    list(interview.start())
    _answer_after(interview, 200)
    markdown = export_report(interview.state, "md")
    assert "Time: 200" in markdown and "s of 60 s, late" in markdown
    assert "time: 200" in export_report(interview.state, "html")
    untimed = make_interview(questions=1, review=[OPEN], follow_ups=0)
    list(untimed.start())
    _answer_after(untimed, 20)
    assert "Time:" not in export_report(untimed.state, "md")
