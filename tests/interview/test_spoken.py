"""A spoken answer is graded like a typed one and the turn keeps its transcript."""

from __future__ import annotations

from collections.abc import Callable

from coach.sessions.recorded import RecordedInterviewer
from coach.sessions.store import SessionStore
from coach.speech.models import Transcript
from tests.interview.conftest import OPEN, of_type

HEARD = "A discriminative model learns p of y given x; a generative model learns p of x and y."
EDITED = "A discriminative model learns p(y|x); a generative model learns p(x, y)."


def _spoken(
    make_interview: Callable[..., RecordedInterviewer], text: str
) -> tuple[RecordedInterviewer, list]:
    interview = make_interview(questions=1, review=[OPEN], follow_ups=0)
    list(interview.start())
    heard = Transcript(text=HEARD, lang="en", seconds=6.4, model="whisper:base", elapsed=2.1)
    return interview, list(interview.respond(text, heard))


def test_the_edited_transcript_is_graded_and_the_heard_one_kept(
    make_interview: Callable[..., RecordedInterviewer], store: SessionStore
) -> None:
    interview, events = _spoken(make_interview, EDITED)
    (graded,) = of_type(events, "grade")
    assert graded.spoken is not None and graded.spoken.seconds == 6.4
    turn = store.load(interview.state.id).turns[0]
    assert turn.answer == EDITED and turn.spoken is not None
    assert turn.spoken.text == HEARD and turn.spoken.model == "whisper:base"


def test_a_spoken_answer_scores_as_the_same_typed_one(
    make_interview: Callable[..., RecordedInterviewer],
) -> None:
    _, spoken_events = _spoken(make_interview, EDITED)
    typed = make_interview(questions=1, review=[OPEN], follow_ups=0)
    list(typed.start())
    (typed_grade,) = of_type(typed.respond(EDITED), "grade")
    (spoken_grade,) = of_type(spoken_events, "grade")
    assert spoken_grade.grade.score == typed_grade.grade.score and typed_grade.spoken is None


def test_a_spoken_command_is_a_command(make_interview: Callable[..., RecordedInterviewer]) -> None:
    interview, events = _spoken(make_interview, "skip")
    assert not of_type(events, "grade") and interview.state.turns[0].skipped
    assert interview.state.turns[0].spoken is None


def test_the_report_says_the_answer_was_spoken_and_what_was_heard(
    make_interview: Callable[..., RecordedInterviewer],
) -> None:
    from coach.sessions.store import export_report

    interview, _ = _spoken(make_interview, EDITED)
    markdown = export_report(interview.state, "md")
    assert "Answer (spoken: 6.4 s of audio, whisper:base):" in markdown
    assert f"> {HEARD}" in markdown
    html = export_report(interview.state, "html")
    assert "spoken: 6.4 s of audio" in html and "Heard (before the candidate" in html
