"""One language detector for the interview, the grader and search."""

from __future__ import annotations

import pytest

from coach.text import detect_lang


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Attention weighs values by query-key similarity.", "en"),
        ("KV cache хранит ключи и значения для всех предыдущих токенов", "ru"),
        ("Механизм внимания использует Q и K", "ru"),
        ("注意力机制通过 query 和 key 的相似度加权", "zh"),
        ("注意力机制 uses Q", "zh"),
        ("مکانیزم توجه مقادیر را بر اساس شباهت وزن می‌دهد", "fa"),
        ("LoRA: low-rank адаптеры, W + BA, обучаем только A и B", "ru"),
    ],
)
def test_detect(text: str, lang: str) -> None:
    assert detect_lang(text) == lang


def test_a_quarter_of_non_latin_letters_decides() -> None:
    # The case the two old detectors disagreed on: interview said ru, the grader en.
    assert detect_lang("KV cache stores keys and values: кэш ключей") == "ru"


def test_detect_needs_letters() -> None:
    assert detect_lang("42") is None
    assert detect_lang("B") is None
    assert detect_lang("123 + 456") is None
