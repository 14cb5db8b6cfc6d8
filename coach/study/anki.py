"""Export questions to an Anki package (.apkg) with genanki, plus the FSRS schedule as CSV.

One note per question: the question (as the candidate saw it, plus the original when that
differs) on the front; the reference answer, the key points and the candidate's latest answer,
score and date on the back. One deck per topic under "Interview Coach". The note GUID comes
from the question id alone, so a re-export updates the cards Anki already has instead of adding
copies (genanki's default GUID hashes every field, so any changed field made a new note).
`.apkg` files cannot carry due dates, so the schedule goes beside the package as CSV.
"""

from __future__ import annotations

import csv
import html
import zlib
from pathlib import Path
from typing import Literal

import genanki
from pydantic import BaseModel

from coach.corpus import bank, key
from coach.corpus.models import Question
from coach.errors import InputError
from coach.sessions.store import Attempt, SessionStore
from coach.settings import get_settings

Selection = Literal["answered", "all", "due", "weak"]
PARENT_DECK = "Interview Coach"
# Below this latest score a question counts as weak (the grader's "partially correct" band).
WEAK_SCORE = 5.0
# Fixed ids: Anki matches a note type and decks by id, so they must not change between exports.
MODEL_ID = 1_734_000_001
FIELDS = ["QuestionId", "Question", "Original", "Reference", "KeyPoints", "LastAnswer", "Meta"]
FRONT = "{{Question}}{{#Original}}<div class=original>{{Original}}</div>{{/Original}}"
BACK = (
    "{{FrontSide}}<hr id=answer>{{Reference}}<ul>{{KeyPoints}}</ul>"
    "{{#LastAnswer}}<div class=last><b>Your last answer</b>: {{LastAnswer}}</div>{{/LastAnswer}}"
    "<div class=meta>{{Meta}}</div>"
)
CSS = ".card{font-family:sans-serif;font-size:18px}.original,.meta{color:#666;font-size:14px}"


class ExportSummary(BaseModel):
    apkg: Path
    schedule_csv: Path
    notes: int
    decks: list[str]


def export(
    path: Path,
    *,
    selection: Selection = "answered",
    topic: str | None = None,
    store: SessionStore | None = None,
) -> ExportSummary:
    """Write `path` (.apkg) and `path` with .fsrs.csv beside it; returns what was written."""
    if path.suffix != ".apkg":
        raise InputError("path", str(path), "a file name ending in .apkg")
    store = store or SessionStore()
    attempts = store.latest_attempts()
    questions = _selected(store, attempts, selection, topic)
    if not questions:
        raise InputError("selection", selection, "a selection with at least one question")
    entries = key.load(get_settings().corpus_dir)
    model = genanki.Model(
        MODEL_ID,
        "Interview Coach question",
        fields=[{"name": f} for f in FIELDS],
        templates=[{"name": "Recall", "qfmt": FRONT, "afmt": BACK}],
        css=CSS,
        sort_field_index=1,
    )
    decks: dict[str, genanki.Deck] = {}
    for question in questions:
        name = f"{PARENT_DECK}::{question.topic.value}"
        deck = decks.setdefault(name, genanki.Deck(_deck_id(name), name))
        deck.add_note(_note(model, question, entries.get(question.id), attempts.get(question.id)))
    path.parent.mkdir(parents=True, exist_ok=True)
    genanki.Package(list(decks.values())).write_to_file(str(path))
    schedule = path.with_suffix(".fsrs.csv")
    _write_schedule(schedule, store, {q.id for q in questions})
    return ExportSummary(
        apkg=path, schedule_csv=schedule, notes=len(questions), decks=sorted(decks)
    )


def _selected(
    store: SessionStore, attempts: dict[str, Attempt], selection: Selection, topic: str | None
) -> list[Question]:
    questions = bank.load(get_settings().corpus_dir).questions
    if topic is not None:
        known = {q.topic.value for q in questions}
        if topic not in known:
            raise InputError("topic", topic, sorted(known))
        questions = [q for q in questions if q.topic.value == topic]
    if selection == "all":
        return questions
    if selection == "due":
        wanted = {d.item for d in store.due(limit=10_000)}
    elif selection == "weak":
        wanted = {q for q, a in attempts.items() if a.score is None or a.score < WEAK_SCORE}
    else:
        wanted = set(attempts)
    return [q for q in questions if q.id in wanted]


def _note(
    model: genanki.Model,
    question: Question,
    entry: key.KeyEntry | None,
    attempt: Attempt | None,
) -> genanki.Note:
    shown = attempt.question if attempt else question.text
    original = question.text if shown.strip() != question.text.strip() else ""
    points = "".join(f"<li>{html.escape(p.text)}</li>" for p in entry.key_points) if entry else ""
    last = ""
    meta = [question.source]
    if entry:
        meta.append(entry.difficulty.value)
    if attempt:
        last = html.escape(attempt.answer or "(skipped)")
        score = "skipped" if attempt.score is None else f"{attempt.score:g}/10"
        meta.append(f"{score} on {attempt.answered_at:%Y-%m-%d}")
    fields = [
        question.id,
        html.escape(shown),
        html.escape(original),
        html.escape(entry.reference_en) if entry else "",
        points,
        last,
        " · ".join(meta),
    ]
    tags = [question.topic.value, _tag(question.source)]
    if entry:
        tags.append(entry.difficulty.value)
    return genanki.Note(model=model, fields=fields, tags=tags, guid=genanki.guid_for(question.id))


def _tag(text: str) -> str:
    # Anki tags are space-separated.
    return text.removesuffix(".md").replace(" ", "_")


def _deck_id(name: str) -> int:
    # Stable per deck name, inside the range Anki uses for ids.
    return 1_700_000_000 + zlib.crc32(name.encode())


def _write_schedule(path: Path, store: SessionStore, ids: set[str]) -> None:
    columns = ["question_id", "due", "stability", "difficulty", "state", "last_review"]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for card in store.card_states():
            if card.item in ids:
                writer.writerow(
                    [
                        card.item,
                        card.due.isoformat(),
                        card.stability,
                        card.difficulty,
                        card.state,
                        card.last_review.isoformat() if card.last_review else "",
                    ]
                )
