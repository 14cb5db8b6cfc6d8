"""Multiple choice, numeric answers, teacher mode and answers in each corpus language."""

from __future__ import annotations

import pytest

from coach.corpus.key import KeyPoint
from coach.grading import grade
from coach.grading.models import Verdict

MCQ = "fa-vlm-q1-1"  # CLIP embedding size; options 128 / 256 / 512 / 1024, correct: 3
NUMERIC = "ru-quiz-001"  # 7B, FP32, Momentum: 84 GB


@pytest.mark.parametrize(
    "answer",
    ["C", "3", "option 3", "(c)", "گزینه ۳", "ج", "вариант в", "512", "512-dimensional embeddings"],
)
def test_multiple_choice_forms(answer: str) -> None:
    result = grade(MCQ, answer, retrieve=False)
    assert result.choice_check is not None and result.choice_check.chosen == 3
    assert result.verdict is Verdict.CORRECT and result.score == 10
    assert result.key_points == []  # a bare choice explains nothing to mark as missed


def test_wrong_option_says_which_is_right() -> None:
    result = grade(MCQ, "B", retrieve=False)
    assert result.verdict is Verdict.INCORRECT and result.score == 0
    assert result.choice_check is not None and result.choice_check.chosen == 2
    assert "512" in result.feedback


def test_an_explained_choice_shows_its_key_points() -> None:
    result = grade(
        MCQ,
        "C: CLIP ViT-B/32 projects image and text into a shared 512-dimensional space",
        retrieve=False,
    )
    assert result.score == 10 and result.key_points


def test_unreadable_choice_is_reported() -> None:
    result = grade(MCQ, "it depends on the model", retrieve=False)
    assert result.choice_check is not None and result.choice_check.chosen is None
    assert "no option could be read from the answer" in result.notices


def test_numeric_answer_checked_by_the_calculator() -> None:
    result = grade(
        NUMERIC, "Веса 28 ГБ, градиенты 28 ГБ, momentum ещё 28 ГБ: итого 84 ГБ.", retrieve=False
    )
    check = result.numeric_check
    assert check is not None and check.ok and check.expected == pytest.approx(84)
    assert result.verdict is Verdict.CORRECT and result.score >= 8


def test_wrong_number_fails_and_shows_the_arithmetic() -> None:
    result = grade(NUMERIC, "Нужно 112 ГБ.", retrieve=False)
    assert result.numeric_check is not None and not result.numeric_check.ok
    assert result.numeric_check.given == 112
    assert result.score < 4
    assert "28 + 28 + 28 = 84" in result.feedback


@pytest.mark.xfail(
    strict=True,
    reason=(
        "paraphrases of a teacher's point ('previous' for 'past', 'keeps' for 'stored') "
        "earn partial credit since the score comes from the point's own words (issue 14, "
        "open)"
    ),
)
def test_teacher_mode_grades_against_the_given_reference() -> None:
    question = "What does the KV cache store during decoding?"
    reference = (
        "The KV cache stores the attention keys and values of past tokens at every layer, "
        "so each new token only computes its own projections."
    )
    points = [
        KeyPoint(text="keys and values of past tokens are stored", weight=0.6),
        KeyPoint(text="a new token only computes its own projections", weight=0.4),
    ]
    good = grade(
        question,
        "It keeps the keys and values of previous tokens for every layer, so a "
        "new token computes only its own query, key and value.",
        reference,
        key_points=points,
        retrieve=False,
    )
    bad = grade(
        question,
        "It stores the gradients of the optimizer.",
        reference,
        key_points=points,
        retrieve=False,
    )
    assert good.reference_source == "teacher"
    assert [p.text for p in good.key_points] == [p.text for p in points]
    assert good.score >= 7 > 4 > bad.score


def test_teacher_reference_without_key_points() -> None:
    result = grade(
        "What is BLEU?",
        "A precision-based n-gram overlap metric for translation.",
        "BLEU measures n-gram precision of a translation against references, with a "
        "brevity penalty.",
        retrieve=False,
    )
    assert result.reference_source == "teacher" and result.key_points
    assert result.score > 5


def test_a_follow_up_is_graded_on_its_points_against_the_parent_key() -> None:
    parent = grade(NUMERIC, "84 GB.", retrieve=False)
    probed = [p for p in parent.key_points if p.text.startswith("Momentum")]
    asked = "A follow-up: what does the momentum buffer add?"
    points = [KeyPoint(text=p.text, weight=1.0) for p in probed]
    answer = "Momentum keeps one more value per parameter, another 28 GB."
    good = grade(NUMERIC, answer, key_points=points, asked=asked)
    assert good.reference_source == "key"
    assert [p.text for p in good.key_points] == [p.text for p in probed]
    assert good.evidence and all(e.citation != "teacher reference" for e in good.evidence)
    # The parent's 84 GB is not what the follow-up asked for.
    assert good.numeric_check is None and good.score >= 6
    copied = grade(NUMERIC, asked, key_points=points, asked=asked, retrieve=False)
    assert "copied_question" in copied.insights.flags


KV_ANSWERS = {
    "en": "The KV cache stores the keys and values of previous tokens so they are not recomputed; "
    "each step computes Q, K and V only for the new token. It costs memory that grows linearly "
    "with sequence length.",
    "ru": "KV cache сохраняет ключи и значения предыдущих токенов, чтобы не пересчитывать их; на "
    "каждом шаге Q, K, V считаются только для нового токена. Память кэша растёт линейно с "
    "длиной последовательности.",
    "zh": "KV缓存保存之前所有token的键和值，避免重复计算；每一步只为新token计算Q、K、V。"
    "缓存占用的内存随序列长度线性增长。",
    "fa": "KV cache کلیدها و مقدارهای توکن‌های قبلی را ذخیره می‌کند تا دوباره محاسبه نشوند؛ در هر "
    "گام Q و K و V فقط برای توکن جدید محاسبه می‌شود. حافظه کش با طول دنباله به‌صورت خطی رشد "
    "می‌کند.",
}


@pytest.mark.xfail(
    strict=True,
    reason="the Chinese answer has no key text to share words with, so it misses the support "
    "and word share the adjustment rewards in English and Russian: zh 6.7, en 9.7 (issue 14)",
)
def test_the_same_answer_in_each_language_is_graded_alike() -> None:
    scores = {lang: grade("ru-quiz-090", text, retrieve=False) for lang, text in KV_ANSWERS.items()}
    assert all(g.verdict is Verdict.CORRECT for g in scores.values()), scores
    values = [g.score for g in scores.values()]
    assert max(values) - min(values) <= 2.0, values
    assert {lang: g.lang for lang, g in scores.items()} == {lang: lang for lang in KV_ANSWERS}
