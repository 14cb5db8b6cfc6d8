"""Interview sessions in SQLite: written after every turn, resumable, with topic mastery and a
spaced-repetition schedule (FSRS) that brings back what the candidate got wrong.

The database lives at settings.sessions_db (under the platformdirs user data dir, overridable
with COACH_DATA_DIR). A session row holds the whole interview state as JSON, so `--resume`
restores it exactly; the turn rows beside it serve listings, mastery and reports. One
connection per operation keeps it safe for the Gradio UI's worker threads; WAL lets a reader
list sessions while an interview writes.
"""

from __future__ import annotations

import builtins
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from fsrs import Card, Rating, Scheduler
from pydantic import BaseModel

from coach.errors import InputError
from coach.interview.models import InterviewState, Turn
from coach.sessions.migrations import migrate
from coach.settings import get_settings

TOPIC_PREFIX = "topic:"


class SessionInfo(BaseModel):
    id: str
    created_at: datetime
    updated_at: datetime
    finished: bool
    backend: str
    lang: str
    topic: str | None
    questions: int
    answered: int
    mean_score: float | None


class TopicMastery(BaseModel):
    topic: str
    answered: int
    mean_score: float  # of each question's latest grade, 0-10
    last_seen: datetime


class Attempt(BaseModel):
    """A question's latest answered (or skipped) turn, over every session."""

    question_id: str
    question: str  # as it was asked: in the candidate's language
    answer: str | None
    score: float | None
    answered_at: datetime


class Repeat(BaseModel):
    """A question graded more than once, over every session: where the candidate moved."""

    question_id: str
    question: str  # as last asked
    attempts: int
    first_score: float
    latest_score: float
    latest_at: datetime


class TopicPoint(BaseModel):
    """One session's mean score on one topic: a point of the topic's trend."""

    session_id: str
    when: datetime  # the session's first answer
    topic: str
    mean_score: float


class CardState(BaseModel):
    """A question's FSRS card, as `.apkg` files cannot carry it."""

    item: str
    due: datetime
    stability: float | None
    difficulty: float | None
    state: str
    last_review: datetime | None


class DueItem(BaseModel):
    item: str  # a question id, or "topic:<topic>"
    due: datetime
    stability: float | None


def rating_for(turn: Turn) -> Rating:
    """How well the candidate recalled it: a skip or a revealed answer is a lapse."""
    if turn.skipped or turn.revealed or turn.grade is None:
        return Rating.Again
    score = turn.grade.score
    if score >= 8.5 and not turn.hints:
        return Rating.Easy
    if score >= 6.5:
        return Rating.Hard if turn.hints else Rating.Good
    return Rating.Hard if score >= 4.0 else Rating.Again


class SessionStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or get_settings().sessions_db
        # No fuzzing: the same answers give the same schedule (and testable intervals).
        self.scheduler = Scheduler(enable_fuzzing=False)
        with self._connect() as db:
            migrate(db)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=10)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA foreign_keys = ON")
            with db:  # one transaction: all of a save lands, or none of it
                yield db
        finally:
            db.close()

    # -- sessions ---------------------------------------------------------------------------
    def save(self, state: InterviewState) -> None:
        graded = [t.grade.score for t in state.turns if t.grade is not None]
        mean = round(sum(graded) / len(graded), 2) if graded else None
        stamp = _now()
        with self._connect() as db:
            db.execute(
                "INSERT INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                "updated_at=excluded.updated_at, finished=excluded.finished, "
                "backend=excluded.backend, lang=excluded.lang, topic=excluded.topic, "
                "answered=excluded.answered, mean_score=excluded.mean_score, "
                "state=excluded.state",
                (
                    state.id,
                    state.created_at.isoformat(),
                    stamp,
                    int(state.finished),
                    state.backend,
                    state.lang,
                    state.config.topic.value if state.config.topic else None,
                    state.config.questions,
                    len(graded),
                    mean,
                    state.model_dump_json(),
                ),
            )
            db.executemany(
                f"INSERT OR REPLACE INTO turns ({', '.join(TURN_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(TURN_COLUMNS))})",
                [_turn_row(state.id, t, state.lang) for t in state.turns],
            )

    def load(self, session_id: str) -> InterviewState:
        """A session by id, or by a unique prefix of it."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, state FROM sessions WHERE id = ? OR id LIKE ?",
                (session_id, f"{session_id}%"),
            ).fetchall()
        exact = [r for r in rows if r[0] == session_id]
        if not exact and len(rows) != 1:
            detail = "no such session" if not rows else "ambiguous prefix"
            raise InputError("session", session_id, f"{detail}; see `coach sessions list`")
        return InterviewState.model_validate_json((exact or rows)[0][1])

    def list(self, limit: int = 20) -> builtins.list[SessionInfo]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, created_at, updated_at, finished, backend, lang, topic, questions, "
                "answered, mean_score FROM sessions ORDER BY updated_at DESC LIMIT ?",
                (limit,),
            ).fetchall()
        keys = list(SessionInfo.model_fields)
        return [SessionInfo.model_validate(dict(zip(keys, row, strict=True))) for row in rows]

    # -- spaced repetition and mastery ------------------------------------------------------
    def review(self, state: InterviewState, turn: Turn, when: datetime | None = None) -> None:
        """Schedule the question and its topic after a finished turn (once per turn)."""
        when = when or datetime.now(UTC)
        rating = rating_for(turn)
        with self._connect() as db:
            for item in (turn.question_id, f"{TOPIC_PREFIX}{turn.topic.value}"):
                seen = db.execute(
                    "SELECT 1 FROM reviews WHERE item=? AND session_id=? AND idx=?",
                    (item, state.id, turn.index),
                ).fetchone()
                if seen:
                    continue
                row = db.execute("SELECT card FROM cards WHERE item = ?", (item,)).fetchone()
                card = Card.from_json(row[0]) if row else Card()
                card, _ = self.scheduler.review_card(card, rating, review_datetime=when)
                db.execute(
                    "INSERT OR REPLACE INTO cards VALUES (?,?,?,?)",
                    (item, card.to_json(), card.due.isoformat(), when.isoformat()),
                )
                db.execute(
                    "INSERT INTO reviews VALUES (?,?,?,?,?)",
                    (item, state.id, turn.index, int(rating), when.isoformat()),
                )

    def due(
        self, when: datetime | None = None, *, topics: bool = False, limit: int = 20
    ) -> builtins.list[DueItem]:
        """Items due for review by `when`, most overdue first (questions, or topics)."""
        when = when or datetime.now(UTC)
        pattern = f"{TOPIC_PREFIX}%"
        op = "LIKE" if topics else "NOT LIKE"
        with self._connect() as db:
            rows = db.execute(
                f"SELECT item, card FROM cards WHERE due <= ? AND item {op} ? ORDER BY due LIMIT ?",
                (when.isoformat(), pattern, limit),
            ).fetchall()
        items = []
        for item, raw in rows:
            card = Card.from_json(raw)
            items.append(DueItem(item=item, due=card.due, stability=card.stability))
        return items

    def latest_attempts(self) -> dict[str, Attempt]:
        """Per question, its latest answered turn (follow-ups excluded)."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT question_id, question, answer, score, answered_at FROM ("
                " SELECT *, ROW_NUMBER() OVER (PARTITION BY question_id ORDER BY answered_at DESC)"
                "  AS latest FROM turns WHERE follow_up_of IS NULL AND answered_at IS NOT NULL)"
                " WHERE latest = 1"
            ).fetchall()
        keys = list(Attempt.model_fields)
        return {row[0]: Attempt.model_validate(dict(zip(keys, row, strict=True))) for row in rows}

    def card_states(self) -> builtins.list[CardState]:
        """Every question's FSRS card (topics excluded)."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT item, card FROM cards WHERE item NOT LIKE ? ORDER BY item",
                (f"{TOPIC_PREFIX}%",),
            ).fetchall()
        out = []
        for item, raw in rows:
            card = Card.from_json(raw)
            out.append(
                CardState(
                    item=item,
                    due=card.due,
                    stability=card.stability,
                    difficulty=card.difficulty,
                    state=card.state.name.lower(),
                    last_review=card.last_review,
                )
            )
        return out

    def mastery(self) -> builtins.list[TopicMastery]:
        """Per topic, the mean of each question's latest grade over every session."""
        with self._connect() as db:
            rows = db.execute(
                # A skipped question counts as a zero: the candidate could not answer it.
                "SELECT topic, COUNT(*), AVG(s), MAX(answered_at) FROM ("
                " SELECT topic, answered_at, CASE WHEN skipped = 1 THEN 0.0 ELSE score END AS s,"
                "  ROW_NUMBER() OVER (PARTITION BY question_id ORDER BY answered_at DESC) AS latest"
                " FROM turns WHERE follow_up_of IS NULL AND answered_at IS NOT NULL"
                "  AND (score IS NOT NULL OR skipped = 1))"
                " WHERE latest = 1 GROUP BY topic ORDER BY AVG(s)"
            ).fetchall()
        return [
            TopicMastery(topic=t, answered=n, mean_score=round(m, 2), last_seen=seen)
            for t, n, m, seen in rows
        ]

    def repeats(self) -> builtins.list[Repeat]:
        """Questions graded more than once (follow-ups excluded), latest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT question_id, MAX(CASE WHEN latest = 1 THEN question END), COUNT(*),"
                " MAX(CASE WHEN first = 1 THEN score END),"
                " MAX(CASE WHEN latest = 1 THEN score END), MAX(answered_at) FROM ("
                " SELECT *,"
                "  ROW_NUMBER() OVER (PARTITION BY question_id ORDER BY answered_at) AS first,"
                "  ROW_NUMBER() OVER (PARTITION BY question_id ORDER BY answered_at DESC) AS latest"
                " FROM turns WHERE follow_up_of IS NULL AND score IS NOT NULL)"
                " GROUP BY question_id HAVING COUNT(*) > 1 ORDER BY MAX(answered_at) DESC"
            ).fetchall()
        keys = list(Repeat.model_fields)
        return [Repeat.model_validate(dict(zip(keys, row, strict=True))) for row in rows]

    def trend(self) -> builtins.list[TopicPoint]:
        """Per session and topic, the mean grade of its main questions, oldest session first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT session_id, topic, AVG(score), MIN(answered_at) FROM turns"
                " WHERE follow_up_of IS NULL AND score IS NOT NULL GROUP BY session_id, topic"
            ).fetchall()
        started: dict[str, str] = {}
        for sid, _, _, first in rows:
            started[sid] = min(started.get(sid, first), first)
        points = [
            TopicPoint(session_id=sid, when=started[sid], topic=topic, mean_score=round(mean, 2))
            for sid, topic, mean, _ in rows
        ]
        return sorted(points, key=lambda p: (p.when, p.topic))


TURN_COLUMNS = (
    "session_id",
    "idx",
    "question_id",
    "topic",
    "kind",
    "follow_up_of",
    "question",
    "answer",
    "score",
    "verdict",
    "grader",
    "hints",
    "skipped",
    "revealed",
    "asked_at",
    "answered_at",
    "lang",
)


def _turn_row(session_id: str, turn: Turn, session_lang: str) -> tuple[object, ...]:
    grade = turn.grade
    return (
        session_id,
        turn.index,
        turn.question_id,
        turn.topic.value,
        turn.kind.value,
        turn.follow_up_of,
        turn.text,
        turn.answer,
        grade.score if grade else None,
        str(grade.verdict) if grade else None,
        grade.grader if grade else None,
        len(turn.hints),
        int(turn.skipped),
        int(turn.revealed),
        turn.asked_at.isoformat(),
        turn.answered_at.isoformat() if turn.answered_at else None,
        (grade.lang if grade else None) or session_lang,
    )


def _now() -> str:
    return datetime.now(UTC).isoformat()


EXPORT_FORMATS = ("md", "html")


def _timing(turn: Turn, limit: int | None) -> str | None:
    """How long a timed interview's answer took, against its limit."""
    if limit is None or turn.seconds is None:
        return None
    return f"{turn.seconds:g} s of {limit} s" + (", late" if turn.late else "")


def export_report(state: InterviewState, fmt: str = "md") -> str:
    """The session as a Markdown or HTML report, through the batch-grading report code."""
    from coach.reports import render

    if fmt not in EXPORT_FORMATS:
        raise InputError("format", fmt, EXPORT_FORMATS)
    items = [
        render.ReportItem(
            id=f"{t.index + 1}. {t.question_id}",
            question=t.text,
            answer=t.answer or "",
            grade=t.grade,
            topic=t.topic.value,
            spoken=t.spoken,
            timing=_timing(t, state.config.time_limit),
        )
        for t in state.turns
        if t.grade is not None
    ]
    notes = [
        f"Session {state.id}, {state.created_at:%Y-%m-%d %H:%M} UTC; backend "
        f"{state.backend}; language {state.lang}; "
        f"{'finished' if state.finished else 'not finished'}."
    ]
    notes += [f"Skipped: {t.question_id} — {t.text}" for t in state.turns if t.skipped]
    hinted = [f"{t.question_id} ({len(t.hints)})" for t in state.turns if t.hints]
    if hinted:
        notes.append("Hints used: " + ", ".join(hinted))
    revealed = [t.question_id for t in state.turns if t.revealed]
    if revealed:
        notes.append("Reference shown before answering: " + ", ".join(revealed))
    notes += [n for t in state.turns for n in t.notices]
    title = f"Mock interview {state.id}"
    to_text = render.to_markdown if fmt == "md" else render.to_html
    return to_text(items, title, notes)
