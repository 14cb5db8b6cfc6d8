import pytest

from coach.grading.choices import parse

SIZES = ["128", "256", "512", "1024"]


@pytest.mark.parametrize(
    "answer",
    [
        "B",
        "b",
        "2",
        "(b)",
        "b)",
        "option 2",
        "Option B",
        "вариант б",
        "вариант 2",
        "ответ: б",
        "گزینه ۲",
        "گزینه دوم",
        "ب",
        "选项二",
        "the second",
        "256",
        "Ответ: 256",
        "B) because it is",
    ],
)
def test_every_way_of_naming_option_two(answer: str) -> None:
    assert parse(answer, SIZES) == 2


def test_option_text_in_either_language() -> None:
    options = ["افزایش دقت", "کاهش حافظه", "سرعت بیشتر"]
    english = ["higher accuracy", "lower memory", "more speed"]
    assert parse("lower memory", options, english) == 2
    assert parse("کاهش حافظه", options, english) == 2
    assert parse("It mostly gives lower memory use", options, english) == 2


def test_no_option_or_several_is_none() -> None:
    assert parse("hello", SIZES) is None
    assert parse("5", SIZES) is None  # out of range
    assert parse("", SIZES) is None
    english = ["higher accuracy", "lower memory", "more speed"]
    assert parse("higher accuracy and lower memory", ["a", "b", "c"], english) is None
