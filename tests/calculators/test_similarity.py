"""Cosine, TF-IDF and CLIP-logit calculators."""

from __future__ import annotations

import math

import pytest
from scipy.spatial import distance

from coach.calculators.registry import run
from coach.errors import InputError


def test_cosine_matches_scipy_and_shows_the_arithmetic() -> None:
    result = run("cosine", {"a": [1, 2, 3], "b": [3, 2, 1]})
    assert result.breakdown["distance"] == pytest.approx(distance.cosine([1, 2, 3], [3, 2, 1]))
    assert result.value == pytest.approx(10 / 14)
    assert result.steps[0] == "a·b = 1·3 + 2·2 + 3·1 = 10"


@pytest.mark.parametrize(("b", "cos"), [([0, 1], 0.0), ([-2, 0], -1.0), ([5, 0], 1.0)])
def test_cosine_range(b: list[float], cos: float) -> None:
    assert run("cosine", {"a": [1, 0], "b": b}).value == pytest.approx(cos)


def test_cosine_rejects_zero_and_mismatched_vectors() -> None:
    with pytest.raises(InputError):
        run("cosine", {"a": [0, 0], "b": [1, 2]})
    with pytest.raises(InputError) as info:
        run("cosine", {"a": [1, 2], "b": [1, 2, 3]})
    assert info.value.field == "b"


# scikit-learn user guide, "Tf–idf term weighting": the counts [[3, 0, 1], [2, 0, 0], [3, 0, 0],
# [4, 0, 0], [3, 2, 0], [3, 0, 2]] give a first row [0.819, 0, 0.573] with smooth_idf=False and
# [0.8515, 0, 0.5243] with the default smooth_idf=True. The documents spell out those counts.
GUIDE_DOCS = ["a a a c", "a a", "a a a", "a a a a", "a a a b b", "a a a c c"]


@pytest.mark.parametrize(
    ("smooth", "term", "expected"),
    [
        (False, "a", 0.81940995),
        (False, "c", 0.57320793),
        (True, "a", 0.85151335),
        (True, "c", 0.52433293),
    ],
)
def test_tfidf_sklearn_user_guide(smooth: bool, term: str, expected: float) -> None:
    result = run("tfidf", {"documents": GUIDE_DOCS, "term": term, "doc": 0, "smooth_idf": smooth})
    assert result.value == pytest.approx(expected)


def test_tfidf_wikipedia_example() -> None:
    # Wikipedia "tf–idf", example: tf("example", d2) = 3/7, idf = log10(2/1) -> 0.129; "this"
    # occurs in both documents so its tf-idf is 0.
    docs = ["this is a a sample", "this is another another example example example"]
    example = run("tfidf", {"documents": docs, "term": "example", "doc": 1, "variant": "textbook"})
    assert example.value == pytest.approx(0.129, abs=0.0005)
    this = run("tfidf", {"documents": docs, "term": "this", "doc": 0, "variant": "textbook"})
    assert this.value == 0


def test_tfidf_unknown_term() -> None:
    with pytest.raises(InputError) as info:
        run("tfidf", {"documents": ["a b"], "term": "zebra"})
    assert info.value.field == "term"


def test_clip_logits_scale_cosines() -> None:
    # Radford et al. 2021 (CLIP): logits = cos x exp(t), the scale clipped at 100.
    result = run("clip_logits", {"cosines": [0.31, 0.24]})
    assert result.breakdown["logit_1"] == pytest.approx(31)
    assert result.breakdown["prob_1"] + result.breakdown["prob_2"] == pytest.approx(1)
    # softmax of (31, 24): 1 / (1 + e^-7)
    assert result.breakdown["prob_1"] == pytest.approx(1 / (1 + math.exp(-7)))


def test_clip_logits_from_embeddings() -> None:
    result = run("clip_logits", {"image": [1, 0], "texts": [[1, 0], [0, 1]], "scale": 14.3})
    assert result.value == pytest.approx(14.3)
    assert result.breakdown["logit_2"] == pytest.approx(0)
