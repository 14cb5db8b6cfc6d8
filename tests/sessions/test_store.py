"""Sessions in SQLite: saved every turn, listed, loaded by prefix; mastery and FSRS reviews."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Rating

from coach.corpus.models import Kind, Topic
from coach.errors import InputError
from coach.grading.models import Grade, Verdict
from coach.interview.machine import new_state
from coach.interview.models import InterviewConfig, InterviewState, Turn
from coach.sessions.store import SessionStore, rating_for
from coach.settings import get_settings

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _turn(
    index: int,
    question_id: str,
    score: float | None,
    *,
    topic: Topic = Topic.RAG,
    skipped: bool = False,
    hints: int = 0,
    when: datetime = T0,
) -> Turn:
    grade = None if score is None else Grade(score=score, verdict=Verdict.PARTIALLY_CORRECT)
    return Turn(
        index=index,
        question_id=question_id,
        text=f"Q {question_id}",
        topic=topic,
        kind=Kind.OPEN,
        answer=None if skipped else "an answer",
        grade=grade,
        skipped=skipped,
        hints=["h"] * hints,
        asked_at=when,
        answered_at=when + timedelta(seconds=30),
    )


def _state(*turns: Turn, finished: bool = False) -> InterviewState:
    state = new_state(InterviewConfig(questions=len(turns) or 1))
    state.turns, state.finished = list(turns), finished
    return state


def test_default_location_is_the_data_dir() -> None:
    store = SessionStore()
    assert store.path == get_settings().data_dir / "sessions.sqlite3"
    assert store.path.is_file()


def test_save_load_round_trip(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    state = _state(_turn(0, "q1", 7.5), _turn(1, "q2", None, skipped=True))
    store.save(state)
    assert store.load(state.id) == state
    state.turns.append(_turn(2, "q3", 3.0))
    store.save(state)  # every turn rewrites the row: the latest state wins
    assert len(store.load(state.id).turns) == 3


def test_list_newest_first_with_counts(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    first, second = _state(_turn(0, "q1", 8.0)), _state(_turn(0, "q2", 4.0), finished=True)
    store.save(first)
    store.save(second)
    listed = store.list()
    assert [s.id for s in listed] == [second.id, first.id]
    assert listed[0].finished and listed[0].answered == 1 and listed[0].mean_score == 4.0
    assert store.list(limit=1)[0].id == second.id


def test_load_by_prefix_and_errors(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    state = _state()
    store.save(state)
    assert store.load(state.id[:12]).id == state.id
    with pytest.raises(InputError, match="no such session"):
        store.load("nope")
    other = _state()
    other.id = state.id[:12] + "-zzzz"
    store.save(other)
    with pytest.raises(InputError, match="ambiguous"):
        store.load(state.id[:12])


def test_turn_rows_are_queryable(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    store.save(_state(_turn(0, "q1", 6.0), _turn(1, "q2", None, skipped=True)))
    with sqlite3.connect(store.path) as db:
        rows = db.execute("SELECT question_id, score, skipped FROM turns ORDER BY idx").fetchall()
    assert rows == [("q1", 6.0, 0), ("q2", None, 1)]


@pytest.mark.parametrize(
    "score, hints, skipped, rating",
    [
        (9.0, 0, False, Rating.Easy),
        (9.0, 1, False, Rating.Hard),
        (7.0, 0, False, Rating.Good),
        (5.0, 0, False, Rating.Hard),
        (2.0, 0, False, Rating.Again),
        (None, 0, True, Rating.Again),
    ],
)
def test_rating(score: float | None, hints: int, skipped: bool, rating: Rating) -> None:
    assert rating_for(_turn(0, "q", score, hints=hints, skipped=skipped)) == rating


def test_missed_questions_come_back_sooner(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    state = _state(_turn(0, "good", 9.5), _turn(1, "bad", 1.0, topic=Topic.PEFT))
    for turn in state.turns:
        store.review(state, turn, when=T0)
        store.review(state, turn, when=T0)  # a second call for the same turn changes nothing
    assert [d.item for d in store.due(T0 + timedelta(hours=1))] == ["bad"]
    later = [d.item for d in store.due(T0 + timedelta(days=60))]
    assert set(later) == {"bad", "good"}
    assert [d.item for d in store.due(T0 + timedelta(hours=1), topics=True)] == [
        "topic:finetuning_peft"
    ]
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 4


def test_mastery_uses_each_questions_latest_grade(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    early = _state(_turn(0, "q1", 2.0, when=T0), _turn(1, "q2", 6.0, when=T0))
    late = _state(
        _turn(0, "q1", 8.0, when=T0 + timedelta(days=2)),
        _turn(1, "p1", None, topic=Topic.PEFT, skipped=True),
    )
    store.save(early)
    store.save(late)
    mastery = {m.topic: m for m in store.mastery()}
    assert mastery["retrieval_rag"].mean_score == 7.0  # q1's latest 8.0 with q2's 6.0
    assert mastery["retrieval_rag"].answered == 2
    assert mastery["finetuning_peft"].mean_score == 0.0  # a skip counts as a zero


def test_concurrent_writers_do_not_lose_turns(tmp_path: Path) -> None:
    import threading

    store = SessionStore(tmp_path / "s.db")
    states = [_state(_turn(0, f"q{i}", 5.0)) for i in range(6)]
    threads = [threading.Thread(target=store.save, args=(s,)) for s in states]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {s.id for s in store.list(limit=10)} == {s.id for s in states}


def test_repeats_compare_the_first_and_latest_grade(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    store.save(_state(_turn(0, "q1", 2.0, when=T0), _turn(1, "q2", 6.0, when=T0)))
    store.save(_state(_turn(0, "q1", 5.0, when=T0 + timedelta(days=1))))
    store.save(_state(_turn(0, "q1", 8.0, when=T0 + timedelta(days=2))))
    (repeat,) = store.repeats()  # q2 was answered once
    assert (repeat.question_id, repeat.attempts) == ("q1", 3)
    assert (repeat.first_score, repeat.latest_score) == (2.0, 8.0)


def test_trend_gives_each_sessions_mean_per_topic_in_order(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    later = _state(_turn(0, "q1", 9.0, when=T0 + timedelta(days=3)))
    store.save(later)
    store.save(
        _state(
            _turn(0, "q1", 2.0, when=T0),
            _turn(1, "q2", 4.0, when=T0),
            _turn(2, "p1", 7.0, topic=Topic.PEFT, when=T0),
        )
    )
    points = [(p.topic, p.mean_score) for p in store.trend()]
    assert points == [("finetuning_peft", 7.0), ("retrieval_rag", 3.0), ("retrieval_rag", 9.0)]
    assert store.trend()[-1].session_id == later.id
