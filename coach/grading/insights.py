"""An interviewer's notes on an answer: terms used and missed, filler, repetition, length."""

from __future__ import annotations

from coach.grading.cues import filler_ratio, repetition_ratio
from coach.grading.models import Insights
from coach.grading.rubric import Rubric
from coach.grading.terms import domain_terms, question_vocabulary
from coach.settings import get_settings
from coach.text import content_terms, detect_lang, words

MAX_TERMS = 12
FILLER_FLAG = 0.08
REPETITION_FLAG = 0.3
MIN_EXPECTED, MAX_EXPECTED = 8, 60


def expected_words(rubric: Rubric) -> int:
    """About what the key points need: their own length, within sensible bounds."""
    need = sum(len(words(p.text)) for p in rubric.points) or len(words(rubric.reference))
    return min(max(need, MIN_EXPECTED), MAX_EXPECTED)


def insights(rubric: Rubric, text: str, *, injected: bool = False) -> Insights:
    answer_stems = set(content_terms(text))
    vocabulary = _key_terms(rubric, detect_lang(text))
    used = [surface for surface, stems in vocabulary.items() if set(stems) <= answer_stems]
    missed = [surface for surface, stems in vocabulary.items() if not set(stems) <= answer_stems]
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


def _key_terms(rubric: Rubric, lang: str | None) -> dict[str, tuple[str, ...]]:
    """The domain terms of the key points' phrasings in the answer's language (English when
    the key has none in it), central ideas first."""
    phrases = [ph for p in rubric.points for ph in (p.text, *p.alt)]
    same = [ph for ph in phrases if detect_lang(ph) == lang]
    chosen = same or [ph for ph in phrases if detect_lang(ph) == "en"]
    return domain_terms(chosen, question_vocabulary(get_settings().corpus_dir))
