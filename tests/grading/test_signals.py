"""Signals: what the answer says that the key does not."""

from __future__ import annotations

import math

import numpy as np

from coach.grading import signals
from coach.text import content_terms, detect_lang

KEY = [
    "Cosine similarity is the cosine of the angle between two vectors.",
    "It is the dot product divided by the product of the norms; it ignores vector length.",
]


def _measure(text: str, key: list[str] = KEY) -> signals.Signals:
    units = np.full((3, 2), 0.9)
    return signals.measure(
        text,
        {t for k in key for t in content_terms(k)},
        {detect_lang(k) for k in key},
        units,
        np.full((3, 1), 0.85),
        np.full((3, 1), 0.9),
        sem=0.9,
        lex=0.5,
        length=1.0,
        margin=0.0,
    )


def test_claims_of_its_own_lower_the_support() -> None:
    terse = _measure("The cosine of the angle between the vectors: dot product over norms.")
    bluff = _measure(
        "Cosine similarity measures the difference in magnitude: the ratio of the L2 norms "
        "passed through a sigmoid, which is why it compares document lengths."
    )
    assert terse.support > 0.8 > bluff.support
    assert bluff.weakest_support <= bluff.support


def test_support_is_unknown_when_no_key_text_shares_the_answers_language() -> None:
    found = _measure("余弦相似度是两个向量夹角的余弦。")
    assert math.isnan(found.support) and math.isnan(found.weakest_support)


def test_the_vector_follows_the_field_order() -> None:
    found = _measure("Dot product over the product of norms.")
    assert found.vector() == [getattr(found, name) for name in signals.Signals.model_fields]
    assert found.sentences == 2  # the whole answer's row is not a sentence
