"""Answer files: JSONL, JSON, CSV and hand-written Markdown, read into items to grade.

A malformed row is a Problem (file, line, message) and is skipped; nothing else stops a file.
The Markdown format is described in markdown.py.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from coach.batch.markdown import parse_markdown
from coach.corpus.key import KeyPoint
from coach.speech.models import Transcript

SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "markdown",
}
# The same field under the names people give it.
ALIASES = {
    "question_id": ("question_id", "qid"),
    "question": ("question", "q", "prompt"),
    "answer": ("answer", "a", "response", "candidate_answer"),
    "reference": ("reference", "reference_answer", "ref", "gold"),
    "key_points": ("key_points", "keypoints", "rubric"),
    "id": ("id", "answer_id"),
    "audio": ("audio", "audio_file", "recording"),
}


class Item(BaseModel):
    """One answer to grade, with where it came from."""

    id: str
    question: str | None = None
    question_id: str | None = None
    answer: str
    reference: str | None = None
    key_points: list[KeyPoint] | None = None
    topic: str | None = None
    file: str
    line: int
    audio: Path | None = None  # a spoken answer: transcribed before grading, into `answer`
    spoken: Transcript | None = None


class Problem(BaseModel):
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: {self.message}"
            if self.line
            else f"{self.file}: {self.message}"
        )


class Rows(BaseModel):
    items: list[Item] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)


def read(path: Path) -> Rows:
    """Every item of one answer file; problems (unreadable file, malformed rows) are listed."""
    out = Rows()
    name = str(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        out.problems.append(
            Problem(
                file=name,
                line=None,
                message=(
                    f"unknown file type {path.suffix or '(none)'}; use .jsonl, .json, .csv or .md"
                ),
            )
        )
        return out
    try:
        raw = path.read_bytes()
    except OSError as exc:
        out.problems.append(Problem(file=name, line=None, message=f"cannot read: {exc.strerror}"))
        return out
    text = _decode(raw, name, out)
    if text is None:
        return out
    if not text.strip():
        out.problems.append(Problem(file=name, line=None, message="the file is empty"))
        return out
    reader = {"jsonl": _jsonl, "json": _json, "csv": _csv, "markdown": _markdown}[kind]
    reader(text, name, out)
    if not out.items and not out.problems:
        out.problems.append(Problem(file=name, line=None, message="no answers found"))
    return out


def _decode(raw: bytes, name: str, out: Rows) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        out.problems.append(
            Problem(
                file=name,
                line=line,
                message=(
                    f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                    "save the file as UTF-8 and run again"
                ),
            )
        )
        return None


def _jsonl(text: str, name: str, out: Rows) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            out.problems.append(Problem(file=name, line=number, message=f"invalid JSON: {exc.msg}"))
            continue
        _add(record, name, number, out)


def _json(text: str, name: str, out: Rows) -> None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        out.problems.append(Problem(file=name, line=exc.lineno, message=f"invalid JSON: {exc.msg}"))
        return
    depth = 2
    if isinstance(data, dict) and isinstance(data.get("answers"), list):
        data, depth = data["answers"], 3
    if not isinstance(data, list):
        out.problems.append(
            Problem(
                file=name, line=1, message=('expected a list of answers (or {"answers": [...]})')
            )
        )
        return
    lines = _object_lines(text, depth)
    for i, record in enumerate(data):
        _add(record, name, lines[i] if i < len(lines) else 1, out)


def _object_lines(text: str, depth_of_items: int) -> list[int]:
    """Line numbers where the answer objects start, for messages (json has no positions)."""
    lines: list[int] = []
    depth, line, in_string, escaped = 0, 1, False, False
    for char in text:
        if char == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth == depth_of_items and char == "{":
                lines.append(line)
        elif char in "]}":
            depth -= 1
    return lines


def _csv(text: str, name: str, out: Rows) -> None:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        out.problems.append(Problem(file=name, line=1, message="no header row"))
        return
    try:
        for record in reader:
            number = reader.line_num
            if None in record:
                out.problems.append(
                    Problem(
                        file=name,
                        line=number,
                        message=("more cells than header columns (an unquoted comma?)"),
                    )
                )
                continue
            _add({k.strip().lower(): v for k, v in record.items() if k}, name, number, out)
    except csv.Error as exc:
        out.problems.append(Problem(file=name, line=reader.line_num, message=f"bad CSV: {exc}"))


def _markdown(text: str, name: str, out: Rows) -> None:
    for record, number in parse_markdown(text):
        _add(record, name, number, out)


def _field(record: dict[str, Any], field: str) -> Any:
    for alias in ALIASES[field]:
        value = record.get(alias)
        if value not in (None, ""):
            return value
    return None


def _add(record: Any, name: str, number: int, out: Rows) -> None:
    if not isinstance(record, dict):
        out.problems.append(Problem(file=name, line=number, message="expected an object"))
        return
    answer, audio = _field(record, "answer"), _field(record, "audio")
    question, question_id = _field(record, "question"), _field(record, "question_id")
    problem = None
    if audio is not None and not isinstance(audio, str):
        problem = "the audio must be a file path"
    elif answer is None and audio is None and not any(a in record for a in ALIASES["answer"]):
        problem = "no answer field (or an audio file)"
    elif not isinstance(answer, str | None):
        problem = "the answer must be text"
    elif question is None and question_id is None:
        problem = "needs a question or a question_id"
    if problem:
        out.problems.append(Problem(file=name, line=number, message=problem))
        return
    try:
        item = Item(
            id=str(_field(record, "id") or f"{Path(name).stem}:{number}"),
            question=str(question) if question is not None else None,
            question_id=str(question_id) if question_id is not None else None,
            answer=answer or "",
            reference=_text_or_none(_field(record, "reference")),
            key_points=key_points(_field(record, "key_points")),
            topic=_text_or_none(record.get("topic")),
            file=name,
            line=number,
            # Relative to the answer file, so a folder of answers and recordings moves as one.
            audio=Path(name).parent / audio if audio and answer is None else None,
        )
    except (ValueError, ValidationError) as exc:
        out.problems.append(Problem(file=name, line=number, message=f"bad key_points: {exc}"))
        return
    out.items.append(item)


def _text_or_none(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def key_points(value: Any) -> list[KeyPoint] | None:
    """Key points from a list of strings or {text, weight, alt} objects, or a JSON / "|"- or
    newline-separated string (CSV cells); missing weights are shared equally, all sum to 1."""
    if value in (None, "", []):
        return None
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            value = json.loads(stripped)
        else:
            value = [p.strip(" -*•\t") for p in stripped.replace("|", "\n").splitlines()]
    if not isinstance(value, list):
        raise ValueError("expected a list")
    raw = [{"text": p} if isinstance(p, str) else p for p in value if p]
    if not raw or not all(isinstance(p, dict) and str(p.get("text", "")).strip() for p in raw):
        raise ValueError("each key point needs a text")
    weights = [float(p.get("weight") or 0) for p in raw]
    if min(weights) <= 0:
        weights = [1.0] * len(raw)
    total = sum(weights)
    return [
        KeyPoint(text=str(p["text"]).strip(), weight=w / total, alt=list(p.get("alt") or []))
        for p, w in zip(raw, weights, strict=True)
    ]
