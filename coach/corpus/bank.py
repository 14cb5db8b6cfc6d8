"""The question bank: built from the sources, stored as diff-friendly JSONL in `corpus/`."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from coach.corpus.key import KeyEntry
from coach.corpus.models import Passage, Question
from coach.corpus.parsers import PASSAGE_PARSERS, QUESTION_PARSERS
from coach.errors import CorpusError, InputError

BANK_VERSION = 1
QUESTIONS_FILE = "bank.jsonl"
PASSAGES_FILE = "passages.jsonl"
META_FILE = "bank.meta.json"

T = TypeVar("T", bound=BaseModel)


class Bank(BaseModel):
    questions: list[Question]
    passages: list[Passage]

    def question(self, question_id: str) -> Question:
        found = self.by_id().get(question_id)
        if found is None:
            raise InputError("question_id", question_id, "not in the question bank")
        return found

    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}


def sources_hash(sources_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in sorted([*QUESTION_PARSERS, *PASSAGE_PARSERS]):
        digest.update(name.encode())
        digest.update((sources_dir / name).read_bytes())
    return digest.hexdigest()


def build(sources_dir: Path) -> Bank:
    """Parse every source; a missing or malformed one raises CorpusError naming it."""
    questions: list[Question] = []
    passages: list[Passage] = []
    for name, parse_questions in QUESTION_PARSERS.items():
        questions.extend(parse_questions(_existing(sources_dir / name)))
    for name, parse_passages in PASSAGE_PARSERS.items():
        passages.extend(parse_passages(_existing(sources_dir / name)))
    return Bank(questions=questions, passages=passages)


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise CorpusError(path, None, "source document is missing")
    return path


def write(bank: Bank, corpus_dir: Path, sources_digest: str) -> None:
    """Write the three files together: all land, or none does."""
    meta = {
        "version": BANK_VERSION,
        "sources_sha256": sources_digest,
        "questions": len(bank.questions),
        "passages": len(bank.passages),
    }
    files = {
        QUESTIONS_FILE: "".join(_line(q) for q in bank.questions),
        PASSAGES_FILE: "".join(_line(p) for p in bank.passages),
        META_FILE: json.dumps(meta, indent=2) + "\n",
    }
    corpus_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, content in files.items():
            fd, tmp = tempfile.mkstemp(dir=corpus_dir, prefix=f".{name}.")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(content)
            staged.append((tmp, corpus_dir / name))
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
    load.cache_clear()


def _line(record: BaseModel) -> str:
    return (
        json.dumps(record.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False) + "\n"
    )


@lru_cache(maxsize=4)
def load(corpus_dir: Path) -> Bank:
    """The committed bank; a missing or corrupt file is a CorpusError with its line."""
    return Bank(
        questions=_read(corpus_dir / QUESTIONS_FILE, Question),
        passages=_read(corpus_dir / PASSAGES_FILE, Passage),
    )


def _read(path: Path, model: type[T]) -> list[T]:
    if not path.is_file():
        raise CorpusError(path, None, "question bank not built; run `coach corpus build`")
    records: list[T] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(model.model_validate_json(line))
        except ValidationError as exc:
            raise CorpusError(path, number, f"invalid record: {exc.errors()[0]['msg']}") from exc
    return records


def stats(bank: Bank, key_entries: Mapping[str, KeyEntry]) -> dict:
    """Counts per source, language, kind and topic (the `coach corpus stats --json` shape)."""
    sources: dict[str, dict] = {}
    for question in bank.questions:
        entry = sources.setdefault(
            question.source,
            {
                "questions": 0,
                "with_reference": 0,
                "with_key": 0,
                "with_text_en": 0,
                "languages": Counter(),
                "kinds": Counter(),
            },
        )
        key_entry = key_entries.get(question.id)
        entry["questions"] += 1
        entry["with_reference"] += int(bool(question.answer))
        entry["with_key"] += int(key_entry is not None)
        entry["with_text_en"] += int(bool(key_entry and key_entry.text_en.strip()))
        entry["languages"][question.lang] += 1
        if question.text_zh:
            entry["languages"]["zh"] += 1
        entry["kinds"][question.kind.value] += 1
    for entry in sources.values():
        entry["languages"], entry["kinds"] = dict(entry["languages"]), dict(entry["kinds"])
    return {
        "total": len(bank.questions),
        "passages": len(bank.passages),
        "sources": sources,
        "topics": dict(Counter(q.topic.value for q in bank.questions).most_common()),
    }
