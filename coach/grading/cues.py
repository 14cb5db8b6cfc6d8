"""Surface cues of an answer the grader weighs: negations, filler words, copy-paste loops."""

from __future__ import annotations

from coach.text import content_terms, words
from coach.text.lexicon import CJK_NEGATIONS, FILLERS, NEGATIONS


def negation_count(text: str) -> int:
    tokens = words(text)
    count = sum(1 for w in tokens if w in NEGATIONS or w.endswith("n't"))
    lowered = text.lower()
    return count + sum(lowered.count(cue) for cue in CJK_NEGATIONS)


def filler_ratio(text: str) -> float:
    tokens = words(text)
    return sum(1 for w in tokens if w in FILLERS) / len(tokens) if tokens else 0.0


def repetition_ratio(text: str) -> float:
    """Share of repeated content-word trigrams: 0 for varied prose, near 1 for copy-paste loops."""
    grams = [tuple(t) for t in _trigrams(content_terms(text))]
    return 1 - len(set(grams)) / len(grams) if grams else 0.0


def _trigrams(items: list[str]) -> list[list[str]]:
    return [items[i : i + 3] for i in range(len(items) - 2)]
