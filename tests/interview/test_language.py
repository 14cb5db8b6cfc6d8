"""Which language an interview speaks, and which text of a question it shows."""

from __future__ import annotations

import pytest

from coach.corpus.key import Difficulty, KeyEntry, KeyPoint
from coach.corpus.models import Kind, Question, Topic
from coach.errors import InputError
from coach.interview.language import check, question_options, question_text, speaks


def test_check() -> None:
    assert check(" RU ") == "ru"
    assert check(None) is None
    with pytest.raises(InputError):
        check("de")


def _question(lang: str, **extra: object) -> Question:
    return Question(
        id="q",
        source="s.md",
        line=1,
        lang=lang,
        section="s",
        topic=Topic.RAG,
        text="Что такое RAG?" if lang == "ru" else "What is RAG?",
        **extra,
    )


def _entry(**extra: object) -> KeyEntry:
    return KeyEntry(
        id="q",
        text_en="What is RAG?",
        reference_en="r",
        key_points=[KeyPoint(text="k", weight=1.0)],
        difficulty=Difficulty.JUNIOR,
        **extra,
    )


def test_question_text_per_language() -> None:
    ru = _question("ru")
    assert question_text(ru, _entry(), "ru") == "Что такое RAG?"
    assert question_text(ru, _entry(), "en") == "What is RAG?"
    assert question_text(ru, None, "en") == "Что такое RAG?"  # no key yet: the original
    bilingual = _question("en", text_zh="什么是RAG？")
    assert question_text(bilingual, _entry(), "zh") == "什么是RAG？"
    assert speaks(bilingual, None, "zh") and not speaks(ru, None, "en")


def test_options_follow_the_language() -> None:
    mcq = _question("fa", kind=Kind.MULTIPLE_CHOICE, options=["الف", "ب"])
    entry = _entry(options_en=["first", "second"])
    assert question_options(mcq, entry, "en") == ["first", "second"]
    assert question_options(mcq, entry, "fa") == ["الف", "ب"]
