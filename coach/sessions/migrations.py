"""The sessions database schema, as numbered migrations (in the style of simonw/llm's).

Each change to the schema is a function here, applied once, in order, and recorded in the
`_migrations` table; opening an old database with a new version upgrades it in place. Never edit
a migration that has shipped: add the next one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append(fn)
    return fn


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply the migrations `db` has not had yet; their names."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
    applied = []
    for fn in MIGRATIONS:
        if fn.__name__ in done:
            continue
        fn(db)
        db.execute(
            "INSERT INTO _migrations VALUES (?, ?)", (fn.__name__, datetime.now(UTC).isoformat())
        )
        applied.append(fn.__name__)
    return applied


@migration
def m001_initial(db: sqlite3.Connection) -> None:
    # IF NOT EXISTS: databases written before migrations existed already have these tables.
    db.executescript(
        """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    finished INTEGER NOT NULL, backend TEXT NOT NULL, lang TEXT NOT NULL, topic TEXT,
    questions INTEGER NOT NULL, answered INTEGER NOT NULL, mean_score REAL, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS turns (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
    question_id TEXT NOT NULL, topic TEXT NOT NULL, kind TEXT NOT NULL, follow_up_of INTEGER,
    question TEXT NOT NULL, answer TEXT, score REAL, verdict TEXT, grader TEXT,
    hints INTEGER NOT NULL, skipped INTEGER NOT NULL, revealed INTEGER NOT NULL,
    asked_at TEXT NOT NULL, answered_at TEXT, PRIMARY KEY (session_id, idx));
CREATE TABLE IF NOT EXISTS cards (
    item TEXT PRIMARY KEY, card TEXT NOT NULL, due TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reviews (
    item TEXT NOT NULL, session_id TEXT NOT NULL, idx INTEGER NOT NULL, rating INTEGER NOT NULL,
    reviewed_at TEXT NOT NULL, PRIMARY KEY (item, session_id, idx));
CREATE INDEX IF NOT EXISTS turns_by_question ON turns(question_id);
"""
    )


@migration
def m002_turn_language(db: sqlite3.Connection) -> None:
    """The language each answer was written in (mastery and reports per language); old rows
    take it from their session."""
    db.execute("ALTER TABLE turns ADD COLUMN lang TEXT")
    db.execute(
        "UPDATE turns SET lang = (SELECT lang FROM sessions WHERE sessions.id = turns.session_id)"
    )
