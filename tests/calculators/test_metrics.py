"""Metric calculators against library documentation and the metrics' original papers."""

from __future__ import annotations

import math

import pytest

from coach.calculators.registry import run
from coach.errors import InputError


def test_confusion_matrix_metrics_and_steps() -> None:
    result = run("classification", {"tp": 40, "fp": 10, "fn": 5, "tn": 45})
    assert result.breakdown == pytest.approx(
        {
            "precision": 0.8,
            "recall": 40 / 45,
            "f1": 2 * 0.8 * (40 / 45) / (0.8 + 40 / 45),
            "specificity": 45 / 55,
            "accuracy": 0.85,
        }
    )
    assert "precision = TP/(TP+FP) = 40/50 = 0.8" in result.steps
    assert result.value == result.breakdown["f1"]


def test_f_beta() -> None:
    result = run(
        "classification", {"tp": 40, "fp": 10, "fn": 5, "tn": 45, "beta": 2, "metric": "f1"}
    )
    p, r = 0.8, 40 / 45
    assert result.value == pytest.approx(5 * p * r / (4 * p + r))


# scikit-learn API docs, precision_score / recall_score / f1_score examples:
# y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1].
SKLEARN_DOCS = [
    ("precision", "macro", 0.22),
    ("precision", "micro", 0.33),
    ("precision", "weighted", 0.22),
    ("recall", "macro", 0.33),
    ("recall", "micro", 0.33),
    ("recall", "weighted", 0.33),
    ("f1", "macro", 0.26),
    ("f1", "micro", 0.33),
    ("f1", "weighted", 0.26),
]


@pytest.mark.parametrize(("metric", "average", "expected"), SKLEARN_DOCS)
def test_sklearn_documentation_examples(metric: str, average: str, expected: float) -> None:
    result = run(
        "classification",
        {
            "y_true": [0, 1, 2, 0, 1, 2],
            "y_pred": [0, 2, 1, 0, 0, 1],
            "metric": metric,
            "average": average,
        },
    )
    assert math.floor((result.value or 0) * 100) / 100 == expected  # the docs truncate


def test_label_lists_report_per_class_scores() -> None:
    result = run(
        "classification",
        {
            "y_true": ["cat", "dog", "dog"],
            "y_pred": ["cat", "cat", "dog"],
            "average": "binary",
            "positive": "dog",
        },
    )
    assert result.breakdown["precision"] == 1.0 and result.breakdown["recall"] == 0.5
    assert result.details["per_class"]["cat"]["precision"] == 0.5


def test_sacrebleu_readme_corpus_bleu() -> None:
    # sacrebleu README: BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17
    # ref_len = 18) and chrF2 = 59.73 for this system output and two reference streams.
    refs1 = ["The dog bit the man.", "It was not unexpected.", "The man bit him first."]
    refs2 = ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."]
    hyp = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."]
    args = {"hyp": hyp, "ref": [list(pair) for pair in zip(refs1, refs2, strict=True)]}
    bleu = run("bleu", args)
    assert bleu.value == pytest.approx(48.53, abs=0.005)
    assert bleu.breakdown["bp"] == pytest.approx(0.943, abs=0.0005)
    assert (bleu.breakdown["hyp_len"], bleu.breakdown["ref_len"]) == (17, 18)
    assert bleu.breakdown["p1"] == pytest.approx(82.4, abs=0.05)
    assert run("chrf", args).value == pytest.approx(59.73, abs=0.005)


def test_bleu_paper_modified_unigram_precision() -> None:
    # Papineni et al. 2002 §2.1: "the the the the the the the" against "the cat is on the mat" /
    # "there is a cat on the mat" has modified unigram precision 2/7.
    result = run(
        "bleu",
        {
            "hyp": "the the the the the the the",
            "ref": ["the cat is on the mat", "there is a cat on the mat"],
        },
    )
    assert result.breakdown["p1"] == pytest.approx(100 * 2 / 7)
    assert result.steps[0] == "p1 = 2/7 = 28.5714%"


@pytest.mark.parametrize(
    ("candidate", "expected"), [("police kill the gunman", 0.75), ("the gunman kill police", 0.5)]
)
def test_rouge_l_lin_2004_example(candidate: str, expected: float) -> None:
    # Lin 2004 (ROUGE) §3.1: against "police killed the gunman", S2 scores ROUGE-L 3/4 and
    # S3 scores 2/4.
    result = run(
        "rouge", {"hyp": candidate, "ref": "police killed the gunman", "rouge_type": "rougeL"}
    )
    assert result.value == pytest.approx(expected)


def test_rouge_n_counts_overlap() -> None:
    # 6 of the 8 hypothesis unigrams occur in the 9-token reference: P 6/8, R 6/9 (Lin 2004 §2).
    result = run(
        "rouge",
        {
            "hyp": "The quick brown dog jumps on the log.",
            "ref": "The quick brown fox jumps over the lazy dog",
        },
    )
    assert result.breakdown["rouge1_precision"] == 0.75
    assert result.breakdown["rouge1_recall"] == pytest.approx(6 / 9)
    assert "1-gram overlap 6 of 8" in result.steps[0]


def test_perplexity_of_uniform_digits_is_10() -> None:
    # Jurafsky & Martin, SLP3 ch. 3 (perplexity as branching factor): a uniform model over the
    # ten digits has perplexity 10.
    result = run("perplexity", {"probs": [0.1] * 12})
    assert result.value == pytest.approx(10)


def test_perplexity_from_logprobs_shows_the_mean() -> None:
    result = run("perplexity", {"logprobs": [-1.2, -0.3, -2.0]})
    assert result.value == pytest.approx(math.exp(3.5 / 3))
    assert result.steps[-1].startswith("PPL = e^H = e^1.1667")


def test_perplexity_in_bits() -> None:
    # Perplexity = 2^H for H in bits (SLP3 ch. 3, perplexity and entropy): one bit of
    # cross-entropy is perplexity 2.
    assert run("perplexity", {"cross_entropy": 1, "base": "2"}).value == 2


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"logprobs": [0.5]}, "logprobs"),
        ({"probs": [1.5]}, "probs"),
        ({}, "logprobs"),
        ({"cross_entropy": -1}, "cross_entropy"),
    ],
)
def test_perplexity_rejects_bad_input(args: dict, field: str) -> None:
    with pytest.raises(InputError) as info:
        run("perplexity", args)
    assert info.value.field == field


def test_misaligned_references_are_rejected() -> None:
    with pytest.raises(InputError) as info:
        run("bleu", {"hyp": ["a", "b"], "ref": [["a"], ["b"], ["c"]]})
    assert "ref" in str(info.value)


def test_classification_needs_counts_or_labels() -> None:
    with pytest.raises(InputError) as info:
        run("classification", {"metric": "f1"})
    assert info.value.field == "tp"
