"""Surface cues the grader reads: negations, filler, loops."""

from __future__ import annotations

from coach.grading.cues import negation_count, repetition_ratio


def test_negations_in_each_language() -> None:
    assert negation_count("it isn't stored") == 1
    assert negation_count("не хранит") == 1
    assert negation_count("不是") == 1
    assert negation_count("ذخیره نمی شود") == 1
    assert negation_count("it is stored") == 0


def test_repetition_ratio_separates_loops_from_prose() -> None:
    loop = "attention weights tokens " * 6
    assert repetition_ratio(loop) > 0.5
    assert repetition_ratio("Attention weighs every token by its query-key similarity.") == 0
