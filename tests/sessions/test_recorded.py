"""The recorder: the interview core writes nothing; the wrapper saves once per exchange and
schedules each finished main question once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from coach.interview.machine import Interview, new_state
from coach.interview.models import InterviewConfig, InterviewState
from coach.sessions.recorded import RecordedInterviewer
from coach.sessions.store import SessionStore
from coach.settings import get_settings
from tests.interview.conftest import NUMERIC, OPEN, of_type

ANSWER = "Generative models learn p(x, y) or p(x); discriminative ones learn p(y | x) directly."


class CountingStore(SessionStore):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.saves = 0

    def save(self, state: InterviewState) -> None:
        self.saves += 1
        super().save(state)


def _recorded(tmp_path: Path, **config: object) -> tuple[RecordedInterviewer, CountingStore]:
    store = CountingStore(tmp_path / "sessions.sqlite3")
    interview = Interview(new_state(InterviewConfig(lang="en", **config)))  # type: ignore[arg-type]
    return RecordedInterviewer(interview, store), store


def _reviews(store: SessionStore) -> list[tuple[str, int]]:
    with sqlite3.connect(store.path) as db:
        return db.execute("SELECT item, idx FROM reviews ORDER BY item").fetchall()


def test_the_interview_core_writes_nothing() -> None:
    interview = Interview(new_state(InterviewConfig(lang="en", questions=1, review=[OPEN])))
    list(interview.start())
    events = list(interview.respond(ANSWER))
    assert of_type(events, "summary") or of_type(events, "question")
    assert not get_settings().sessions_db.exists()


def test_one_save_per_exchange(tmp_path: Path) -> None:
    recorded, store = _recorded(tmp_path, questions=2, review=[OPEN, NUMERIC], follow_ups=0)
    list(recorded.start())
    assert store.saves == 1
    list(recorded.respond(ANSWER))  # graded, then the next question: still one write
    assert store.saves == 2
    saved = store.load(recorded.state.id)
    assert saved.turns[0].grade is not None and len(saved.turns) == 2


def test_a_finished_main_question_is_scheduled_once_and_a_follow_up_never(
    tmp_path: Path,
) -> None:
    recorded, store = _recorded(tmp_path, questions=2, review=[OPEN, NUMERIC], follow_ups=1)
    list(recorded.start())
    list(recorded.respond("Generative models learn how the data is distributed."))
    assert _reviews(store) == [(OPEN, 0), ("topic:diffusion_generative", 0)]
    (follow_up,) = [t for t in recorded.state.turns if t.follow_up_of == 0]
    list(recorded.respond("I am not sure."))  # the follow-up, graded
    list(recorded.respond("skip"))  # the next main question: a lapse, scheduled too
    reviewed = _reviews(store)
    assert follow_up.grade is not None and follow_up.index not in {i for _, i in reviewed}
    assert reviewed.count((OPEN, 0)) == 1 and (NUMERIC, 2) in reviewed


def test_a_face_that_stops_reading_still_gets_the_answer_saved(tmp_path: Path) -> None:
    recorded, store = _recorded(tmp_path, questions=2, review=[OPEN, NUMERIC], follow_ups=0)
    list(recorded.start())
    events = recorded.respond(ANSWER)
    next(events)  # the grade; the browser tab closes before the next question
    events.close()
    assert store.load(recorded.state.id).turns[0].answer == ANSWER
