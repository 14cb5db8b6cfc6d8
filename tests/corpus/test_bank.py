"""Building, writing, loading and counting the question bank."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from coach.corpus import bank
from coach.errors import CorpusError, InputError
from coach.settings import get_settings

EXPECTED = {
    "ru_llm_quiz_questions.md": 222,
    "ru_100_nlp_interview_questions.md": 109,
    "en_zh_genai_interview_questions.md": 57,
    "fa_vlm_course_quizzes.md": 27,
}


def test_committed_bank_matches_a_fresh_build(tmp_path: Path) -> None:
    settings = get_settings()
    bank.write(bank.build(settings.sources_dir), tmp_path, bank.sources_hash(settings.sources_dir))
    for name in (bank.QUESTIONS_FILE, bank.PASSAGES_FILE, bank.META_FILE):
        assert (tmp_path / name).read_text() == (settings.corpus_dir / name).read_text(), name


def test_stats_counts_per_source() -> None:
    data = bank.stats(bank.load(get_settings().corpus_dir), {})
    assert data["total"] == 415
    assert {name: s["questions"] for name, s in data["sources"].items()} == EXPECTED
    assert data["sources"]["fa_vlm_course_quizzes.md"]["kinds"] == {"multiple_choice": 27}
    bilingual = data["sources"]["en_zh_genai_interview_questions.md"]
    assert bilingual["languages"] == {"en": 57, "zh": 57}
    assert sum(data["topics"].values()) == 415


def test_missing_source_is_reported_and_nothing_is_written(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(get_settings().sources_dir, sources)
    (sources / "fa_vlm_course_quizzes.md").unlink()
    with pytest.raises(CorpusError, match=r"fa_vlm_course_quizzes\.md: source document is missing"):
        bank.build(sources)
    assert not (tmp_path / bank.QUESTIONS_FILE).exists()


def test_corrupt_bank_line_is_named(tmp_path: Path) -> None:
    good = get_settings().corpus_dir
    for name in (bank.QUESTIONS_FILE, bank.PASSAGES_FILE):
        shutil.copy(good / name, tmp_path / name)
    lines = (tmp_path / bank.QUESTIONS_FILE).read_text().splitlines()
    lines[4] = json.dumps({"id": "broken"})
    (tmp_path / bank.QUESTIONS_FILE).write_text("\n".join(lines) + "\n")
    with pytest.raises(CorpusError, match=r"bank.jsonl:5: invalid record"):
        bank.load(tmp_path)


def test_unknown_question_id_is_an_input_error() -> None:
    with pytest.raises(InputError, match="question_id"):
        bank.load(get_settings().corpus_dir).question("ru-quiz-999")
