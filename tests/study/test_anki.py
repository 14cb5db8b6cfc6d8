"""Anki export: the .apkg is a zip holding an SQLite collection; open it and check the notes,
their fields, tags and decks, and that re-exporting after another session keeps every GUID."""

from __future__ import annotations

import csv
import json
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coach.cli import app
from coach.corpus import bank
from coach.corpus.models import Kind, Topic
from coach.errors import InputError
from coach.grading.models import Grade, Verdict
from coach.interview.machine import new_state
from coach.interview.models import InterviewConfig, Turn
from coach.sessions.store import SessionStore
from coach.settings import get_settings
from coach.study.anki import export

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
GOOD, WEAK = "en-genai-002", "ru-quiz-090"


def _session(store: SessionStore, scores: dict[str, float], when: datetime) -> None:
    state = new_state(InterviewConfig(questions=len(scores)))
    state.turns = [
        Turn(
            index=i,
            question_id=qid,
            text=f"Asked in English: question {qid}",
            topic=Topic.RAG,
            kind=Kind.OPEN,
            answer=f"my answer to {qid}",
            grade=Grade(score=score, verdict=Verdict.PARTIALLY_CORRECT),
            asked_at=when,
            answered_at=when + timedelta(seconds=40),
        )
        for i, (qid, score) in enumerate(scores.items())
    ]
    state.finished = True
    store.save(state)
    for turn in state.turns:
        store.review(state, turn, when=when)


def _notes(apkg: Path, tmp_path: Path) -> tuple[dict[str, tuple[list[str], str]], list[str]]:
    """{guid: (fields, tags)} and the deck names of a package."""
    with zipfile.ZipFile(apkg) as package:
        package.extract("collection.anki2", tmp_path / apkg.stem)
    with sqlite3.connect(tmp_path / apkg.stem / "collection.anki2") as db:
        notes = {
            guid: (fields.split("\x1f"), tags.strip())
            for guid, fields, tags in db.execute("SELECT guid, flds, tags FROM notes")
        }
        decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
    return notes, sorted(d["name"] for d in decks.values())


def test_export_then_reexport_updates_the_same_notes(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    _session(store, {GOOD: 9.0, WEAK: 2.0}, T0)
    first = export(tmp_path / "a.apkg", store=store)
    assert first.notes == 2
    notes, decks = _notes(first.apkg, tmp_path)
    by_id = {fields[0]: (guid, fields, tags) for guid, (fields, tags) in notes.items()}
    guid, fields, tags = by_id[WEAK]
    assert fields[1] == f"Asked in English: question {WEAK}"
    assert fields[2]  # the original Russian text, since it differs from what was shown
    assert fields[3] and "<li>" in fields[4]  # reference and key points
    assert fields[5] == f"my answer to {WEAK}" and "2/10 on 2026-03-01" in fields[6]
    assert "ru_llm_quiz_questions" in tags.split()
    topics = {q.id: q.topic.value for q in bank.load(get_settings().corpus_dir).questions}
    assert {f"Interview Coach::{topics[GOOD]}", f"Interview Coach::{topics[WEAK]}"} <= set(decks)
    assert first.decks == sorted({f"Interview Coach::{topics[q]}" for q in (GOOD, WEAK)})

    _session(store, {WEAK: 8.0}, T0 + timedelta(days=3))
    second = export(tmp_path / "b.apkg", store=store)
    again, _ = _notes(second.apkg, tmp_path)
    assert set(again) == set(notes)  # same GUIDs: Anki updates, never duplicates
    assert "8/10 on 2026-03-04" in again[guid][0][6]


def test_selections_and_the_schedule_beside_the_package(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    _session(store, {GOOD: 9.0, WEAK: 2.0}, T0)
    weak = export(tmp_path / "weak.apkg", selection="weak", store=store)
    assert weak.notes == 1
    with weak.schedule_csv.open(encoding="utf-8") as rows:
        schedule = list(csv.DictReader(rows))
    assert [r["question_id"] for r in schedule] == [WEAK]
    assert datetime.fromisoformat(schedule[0]["due"]) > T0
    everything = export(tmp_path / "all.apkg", selection="all", topic="retrieval_rag", store=store)
    assert everything.notes > 2 and everything.decks == ["Interview Coach::retrieval_rag"]


def test_bad_requests_are_clear_errors(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    with pytest.raises(InputError, match="at least one question"):
        export(tmp_path / "none.apkg", store=store)
    with pytest.raises(InputError, match="apkg"):
        export(tmp_path / "x.zip", selection="all", store=store)
    with pytest.raises(InputError, match="topic"):
        export(tmp_path / "x.apkg", selection="all", topic="astrology", store=store)


def test_the_command(tmp_path: Path) -> None:
    _session(SessionStore(), {GOOD: 9.0}, T0)
    run = CliRunner().invoke(app, ["review", "export", "--anki", str(tmp_path / "c.apkg")])
    assert run.exit_code == 0, run.output
    assert "wrote 1 notes in 1 decks" in run.output and (tmp_path / "c.fsrs.csv").exists()
    both = CliRunner().invoke(
        app, ["review", "export", "--anki", str(tmp_path / "d.apkg"), "--due", "--weak"]
    )
    assert both.exit_code != 0 and "at most one" in both.output
