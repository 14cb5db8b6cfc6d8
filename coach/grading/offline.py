"""The offline evidence grader: no LLM, deterministic.

Each key point is aligned with the answer sentence that comes closest to it (cosine of E5
vectors over the point and its alternative phrasings) and checked for the point's content
words; the weighted coverage, the word overlap and the answer's length give a calibrated score
(see calibration.py). Rules on top catch what a similarity cannot: an empty answer, one that
copies the question, one about something else, a known misconception, a wrong number or option.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from coach.corpus.models import Kind
from coach.grading import choices, feedback, numeric
from coach.grading.calibration import CALIBRATION, Calibration
from coach.grading.insights import expected_words, insights
from coach.grading.models import (
    OFFLINE,
    AnswerSpan,
    ChoiceCheck,
    Grade,
    KeyPointResult,
    NumericCheck,
    PointStatus,
    Verdict,
)
from coach.grading.rubric import Rubric
from coach.grading.text import Span, content_terms, detect_lang, negation_count, sentences, words
from coach.grading.vectors import VectorCache

MAX_UNITS = 60
# A misconception is asserted when a sentence is this close to it and closer than to any key point.
MISCONCEPTION_SIM = 0.9
NO_ANSWER = re.compile(
    r"^\W*(i\s+(do\s*n[o']t|dont)\s+know|no idea|idk|не знаю|без понятия|не помню|我不知道|"
    r"不知道|不清楚|نمی\s?دانم|نمیدونم)\W*$",
    re.IGNORECASE,
)


@dataclass
class PointMatch:
    sim: float
    lex: float
    unit: Span | None


@dataclass
class Measurement:
    """The evidence features of one answer against one rubric."""

    sem: float
    lex: float
    length: float
    relevance: float
    shares_terms: bool
    copied: bool
    points: list[PointMatch]
    misconceptions: list[str]


def is_empty(text: str) -> bool:
    return not content_terms(text) or bool(NO_ANSWER.match(text.strip()))


def measure(
    rubric: Rubric, text: str, vectors: VectorCache, cal: Calibration = CALIBRATION
) -> Measurement:
    units = sentences(text)[:MAX_UNITS]
    whole = text.strip()
    unit_texts = list(dict.fromkeys([whole, *(u.text for u in units)]))
    spans = {u.text: u for u in units}
    variants = [[p.text, *p.alt] for p in rubric.points]
    flat = [v for group in variants for v in group]
    extra = [rubric.reference] if rubric.reference and not rubric.authored_points else []
    vecs = vectors.get(unit_texts + flat + rubric.question_texts + extra + rubric.misconceptions)
    answer_vecs = vecs[: len(unit_texts)]
    rest = vecs[len(unit_texts) :]
    point_vecs, rest = rest[: len(flat)], rest[len(flat) :]
    question_vecs, rest = rest[: len(rubric.question_texts)], rest[len(rubric.question_texts) :]
    reference_vecs, miscon_vecs = rest[: len(extra)], rest[len(extra) :]

    answer_terms = set(content_terms(text))
    answer_lang = detect_lang(text)
    sims = answer_vecs @ point_vecs.T if flat else np.zeros((len(unit_texts), 0))
    matches: list[PointMatch] = []
    start = 0
    for group in variants:
        block = sims[:, start : start + len(group)]
        start += len(group)
        best_unit, _ = np.unravel_index(int(np.argmax(block)), block.shape)
        sim = float(block.max())
        lex = max(_recall(content_terms(v), answer_terms) for v in group)
        if answer_lang and answer_lang not in {detect_lang(v) for v in group}:
            lex = max(lex, cal.imputed_lex(sim))
        matches.append(PointMatch(sim, lex, spans.get(unit_texts[int(best_unit)])))

    total = sum(p.weight for p in rubric.points) or 1.0
    sem_points = sum(p.weight * m.sim for p, m in zip(rubric.points, matches, strict=True)) / total
    if len(reference_vecs):
        whole_sim = float(answer_vecs[0] @ reference_vecs[0])
        sem = (whole_sim + sem_points) / 2 if matches else whole_sim
    else:
        sem = sem_points
    lex = sum(p.weight * m.lex for p, m in zip(rubric.points, matches, strict=True)) / total
    question_sim = float((answer_vecs @ question_vecs.T).max()) if len(question_vecs) else 0.0
    reference_terms = {t for g in variants for v in g for t in content_terms(v)}
    reference_terms |= set(content_terms(rubric.reference))
    question_terms = {t for q in rubric.question_texts for t in content_terms(q)}
    return Measurement(
        sem=sem,
        lex=lex,
        length=min(len(words(text)) / expected_words(rubric), 1.0),
        relevance=max(sem, question_sim),
        shares_terms=bool(answer_terms & (reference_terms | question_terms)),
        copied=_copied(answer_terms, question_terms, question_sim),
        points=matches,
        misconceptions=_misconceptions(rubric, answer_vecs, miscon_vecs, sims, unit_texts),
    )


def _recall(terms: list[str], answer_terms: set[str]) -> float:
    wanted = set(terms)
    return len(wanted & answer_terms) / len(wanted) if wanted else 0.0


def _copied(answer_terms: set[str], question_terms: set[str], question_sim: float) -> bool:
    """The answer says nothing the question did not: its words are the question's words."""
    if question_sim >= 0.97:
        return True
    if len(answer_terms) < 2 or not question_terms:
        return False
    new = answer_terms - question_terms
    return len(new) <= 0.15 * len(answer_terms) and (
        len(answer_terms & question_terms) >= 0.5 * len(question_terms)
    )


def _misconceptions(
    rubric: Rubric,
    answer_vecs: np.ndarray,
    miscon_vecs: np.ndarray,
    point_sims: np.ndarray,
    unit_texts: list[str],
) -> list[str]:
    """Misconceptions a sentence asserts: close to it, closer than to any key point, and with
    the same polarity (so "X is not Y" does not assert the misconception "X is Y")."""
    found: list[str] = []
    if not len(miscon_vecs):
        return found
    sims = answer_vecs @ miscon_vecs.T
    best_point = point_sims.max(axis=1) if point_sims.size else np.zeros(len(unit_texts))
    for j, claim in enumerate(rubric.misconceptions):
        for i, unit in enumerate(unit_texts):
            same_polarity = negation_count(unit) % 2 == negation_count(claim) % 2
            if sims[i, j] >= MISCONCEPTION_SIM and sims[i, j] > best_point[i] and same_polarity:
                found.append(claim)
                break
    return found


def grade_offline(
    rubric: Rubric,
    text: str,
    vectors: VectorCache,
    *,
    lang: str | None,
    injected: bool = False,
    cal: Calibration = CALIBRATION,
) -> Grade:
    """Grade `text` (already truncated, grader-directed sentences blanked) against `rubric`."""
    lang = lang or detect_lang(text) or rubric.lang
    notes = insights(rubric, text, injected=injected)
    if is_empty(text):
        missed = [
            KeyPointResult(text=p.text, weight=p.weight, status=PointStatus.MISSED)
            for p in rubric.points
        ]
        return _finish(
            rubric,
            Grade(
                score=0.0,
                verdict=Verdict.EMPTY,
                key_points=missed,
                lang=lang,
                confidence=0.95,
                insights=notes,
            ),
        )
    m = measure(rubric, text, vectors, cal)
    score = 10 * cal.probability(m.sem, m.lex, m.length)
    verdict = _verdict(score, cal)
    if not m.shares_terms and m.relevance < cal.off_topic_below:
        score, verdict = min(score, 1.0), Verdict.OFF_TOPIC
    elif m.copied:
        score, verdict = min(score, 1.0), Verdict.INCORRECT
        notes.flags.append("copied_question")
    elif m.misconceptions:
        score, verdict = min(score / 2, cal.partial_at), Verdict.CONTRADICTORY
    grade = Grade(
        score=score,
        verdict=verdict,
        key_points=_points(rubric, m, cal),
        misconceptions=m.misconceptions,
        lang=lang,
        insights=notes,
        confidence=_confidence(score, rubric.source, cal),
    )
    if rubric.kind is Kind.MULTIPLE_CHOICE and rubric.correct_option:
        _apply_choice(grade, rubric, text, cal)
    elif rubric.numeric is not None:
        _apply_numeric(grade, numeric.check(text, rubric.numeric), cal)
    return _finish(rubric, grade)


def _verdict(score: float, cal: Calibration) -> Verdict:
    if score >= cal.correct_at:
        return Verdict.CORRECT
    return Verdict.PARTIALLY_CORRECT if score >= cal.partial_at else Verdict.INCORRECT


def _points(rubric: Rubric, m: Measurement, cal: Calibration) -> list[KeyPointResult]:
    results = []
    for point, match in zip(rubric.points, m.points, strict=True):
        p = cal.probability(match.sim, match.lex, 1.0)
        status = (
            PointStatus.COVERED
            if 10 * p >= cal.correct_at
            else PointStatus.PARTLY
            if 10 * p >= cal.partial_at
            else PointStatus.MISSED
        )
        span = (
            AnswerSpan(start=match.unit.start, end=match.unit.end, text=match.unit.text)
            if match.unit and status is not PointStatus.MISSED
            else None
        )
        results.append(
            KeyPointResult(
                text=point.text, weight=point.weight, status=status, span=span, match=round(p, 3)
            )
        )
    return results


def _apply_choice(grade: Grade, rubric: Rubric, text: str, cal: Calibration) -> None:
    assert rubric.correct_option is not None
    chosen = choices.parse(text, rubric.options, rubric.options_en)
    ok = chosen == rubric.correct_option
    grade.choice_check = ChoiceCheck(
        chosen=chosen,
        correct=rubric.correct_option,
        options=rubric.options_en or rubric.options,
        ok=ok,
    )
    grade.score = 10.0 if ok else 0.0
    grade.verdict = Verdict.CORRECT if ok else Verdict.INCORRECT
    grade.confidence = 0.95 if chosen is not None else 0.6
    if chosen is None:
        grade.notices.append("no option could be read from the answer")


def _apply_numeric(grade: Grade, check: NumericCheck, cal: Calibration) -> None:
    """The number decides most of the grade; the explanation (key points) the rest."""
    grade.numeric_check = check
    if grade.verdict in (Verdict.OFF_TOPIC, Verdict.EMPTY) and check.given is None:
        return
    if check.ok:
        grade.score = 6.0 + 0.4 * grade.score
    else:
        grade.score = min(grade.score / 2, cal.partial_at - 0.5)
        if check.given is None:
            grade.notices.append("no number found in the answer")
    grade.verdict = _verdict(grade.score, cal)


def _confidence(score: float, source: str, cal: Calibration) -> float:
    """Higher far from a verdict threshold and with a reviewed reference."""
    base = {"key": 0.6, "teacher": 0.6, "document": 0.5, "retrieved": 0.35}.get(source, 0.2)
    margin = min(abs(score - cal.correct_at), abs(score - cal.partial_at))
    return round(min(0.9, base + 0.1 * margin), 2)


def _finish(rubric: Rubric, grade: Grade) -> Grade:
    grade.score = round(min(10.0, max(0.0, grade.score)), 1)
    grade.grader = OFFLINE
    grade.evidence = list(rubric.evidence)
    grade.reference_source = rubric.source
    grade.notices = [*rubric.notices, *grade.notices]
    grade.feedback = feedback.offline(rubric, grade)
    return grade
