"""An old sessions database (the schema before migrations existed) upgrades in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from coach.sessions.migrations import MIGRATIONS
from coach.sessions.store import SessionStore
from tests.sessions.test_store import _state, _turn

# The schema every database had before migrations (user_version 1), verbatim.
V1_SCHEMA = """
CREATE TABLE sessions (
    id TEXT PRIMARY KEY, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    finished INTEGER NOT NULL, backend TEXT NOT NULL, lang TEXT NOT NULL, topic TEXT,
    questions INTEGER NOT NULL, answered INTEGER NOT NULL, mean_score REAL, state TEXT NOT NULL);
CREATE TABLE turns (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
    question_id TEXT NOT NULL, topic TEXT NOT NULL, kind TEXT NOT NULL, follow_up_of INTEGER,
    question TEXT NOT NULL, answer TEXT, score REAL, verdict TEXT, grader TEXT,
    hints INTEGER NOT NULL, skipped INTEGER NOT NULL, revealed INTEGER NOT NULL,
    asked_at TEXT NOT NULL, answered_at TEXT, PRIMARY KEY (session_id, idx));
CREATE TABLE cards (
    item TEXT PRIMARY KEY, card TEXT NOT NULL, due TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE reviews (
    item TEXT NOT NULL, session_id TEXT NOT NULL, idx INTEGER NOT NULL, rating INTEGER NOT NULL,
    reviewed_at TEXT NOT NULL, PRIMARY KEY (item, session_id, idx));
CREATE INDEX turns_by_question ON turns(question_id);
PRAGMA user_version = 1;
"""


def test_a_database_from_before_migrations_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    state = _state(_turn(0, "ru-quiz-029", 7.5))
    state.lang = "ru"
    with sqlite3.connect(path) as db:
        db.executescript(V1_SCHEMA)
        db.execute(
            "INSERT INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                state.id,
                "2026-01-05T09:00:00+00:00",
                "2026-01-05T09:05:00+00:00",
                0,
                "offline",
                "ru",
                None,
                1,
                1,
                7.5,
                state.model_dump_json(),
            ),
        )
        db.execute(
            "INSERT INTO turns VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                state.id,
                0,
                "ru-quiz-029",
                "rag",
                "open",
                None,
                "Q",
                "an answer",
                7.5,
                "partially_correct",
                "offline",
                0,
                0,
                0,
                "2026-01-05T09:00:00+00:00",
                None,
            ),
        )
    store = SessionStore(path)
    assert store.load(state.id) == state  # nothing lost
    with sqlite3.connect(path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY name")]
        assert names == [m.__name__ for m in MIGRATIONS]
        assert db.execute("SELECT lang FROM turns").fetchall() == [("ru",)]
    state.turns.append(_turn(1, "ru-quiz-030", 3.0))
    store.save(state)  # the upgraded database takes new writes
    SessionStore(path)  # and opening it again applies nothing twice
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM _migrations").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("SELECT COUNT(*) FROM turns").fetchone()[0] == 2


def test_a_new_database_gets_every_migration(tmp_path: Path) -> None:
    SessionStore(tmp_path / "new.sqlite3")
    with sqlite3.connect(tmp_path / "new.sqlite3") as db:
        columns = [r[1] for r in db.execute("PRAGMA table_info(turns)")]
        assert columns[-1] == "lang"
        assert db.execute("SELECT COUNT(*) FROM _migrations").fetchone()[0] == len(MIGRATIONS)
