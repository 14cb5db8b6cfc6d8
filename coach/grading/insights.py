"""An interviewer's notes on an answer: terms used and missed, filler, repetition, length."""

from __future__ import annotations

from coach.grading.cues import filler_ratio, repetition_ratio
from coach.grading.models import Insights
from coach.grading.rubric import Rubric
from coach.text import detect_lang, stem, words
from coach.text.lexicon import stopwords

MAX_TERMS = 12
FILLER_FLAG = 0.08
REPETITION_FLAG = 0.3
MIN_EXPECTED, MAX_EXPECTED = 8, 60


def expected_words(rubric: Rubric) -> int:
    """About what the key points need: their own length, within sensible bounds."""
    need = sum(len(words(p.text)) for p in rubric.points) or len(words(rubric.reference))
    return min(max(need, MIN_EXPECTED), MAX_EXPECTED)


def insights(rubric: Rubric, text: str, *, injected: bool = False) -> Insights:
    answer_stems = {stem(w) for w in words(text)}
    vocabulary = _key_terms(rubric, detect_lang(text))
    used = [surface for s, surface in vocabulary.items() if s in answer_stems]
    missed = [surface for s, surface in vocabulary.items() if s not in answer_stems]
    count, need = len(words(text)), expected_words(rubric)
    notes = Insights(
        terms_used=used[:MAX_TERMS],
        terms_missed=missed[:MAX_TERMS],
        words=count,
        expected_words=need,
        length="short" if count < need / 2 else "long" if count > max(4 * need, 150) else "ok",
        filler_ratio=round(filler_ratio(text), 3),
        repetition_ratio=round(repetition_ratio(text), 3),
    )
    if notes.filler_ratio > FILLER_FLAG:
        notes.flags.append("filler")
    if notes.repetition_ratio > REPETITION_FLAG:
        notes.flags.append("repetitive")
    if injected:
        notes.flags.append("instructions_to_grader_ignored")
    return notes


def _key_terms(rubric: Rubric, lang: str | None) -> dict[str, str]:
    """Stem -> first surface form of the content words of the key points' phrasings in the
    answer's language (English when the key has none in it), central ideas first."""
    phrases = [ph for p in rubric.points for ph in (p.text, *p.alt)]
    same = [ph for ph in phrases if detect_lang(ph) == lang]
    terms: dict[str, str] = {}
    for phrase in same or [ph for ph in phrases if detect_lang(ph) == "en"]:
        for word in words(phrase):
            if len(word) > 2 and word not in stopwords():
                terms.setdefault(stem(word), word)
    return terms
