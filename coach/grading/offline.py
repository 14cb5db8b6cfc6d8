"""The offline evidence grader: no LLM, deterministic.

The answer is aligned with the key (alignment.py). A point earns credit only for its specific
words, and only where the sentence is on the point at all: E5 cosines run high for any text on
the topic, so a fluent bluff full of the topic's terms reaches them too. The score comes from
the points' credit and weights (calibration.py); rules on top catch what evidence cannot: an
empty answer, one that copies the question, one about something else, a known misconception, a
wrong number or option."""

from __future__ import annotations

from coach.corpus.models import Kind
from coach.grading import choices, feedback, formula, numeric
from coach.grading.alignment import Measurement, is_empty, measure
from coach.grading.calibration import CALIBRATION, Calibration
from coach.grading.insights import insights
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
from coach.grading.vectors import VectorCache
from coach.text import content_terms, detect_lang

MIN_EXPLANATION = 4  # content words beyond which a multiple-choice answer explains itself


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
    choice = _choice(rubric, text)
    if is_empty(text) and (choice is None or choice.chosen is None):
        # An answer made only of instructions to the grader answered nothing: off topic.
        verdict = Verdict.OFF_TOPIC if injected and text.strip() == "" else Verdict.EMPTY
        missed = [
            KeyPointResult(text=p.text, weight=p.weight, status=PointStatus.MISSED)
            for p in rubric.points
        ]
        return _finish(
            rubric,
            Grade(
                score=0.0,
                verdict=verdict,
                key_points=missed,
                lang=lang,
                confidence=0.95,
                insights=notes,
            ),
        )
    m = measure(rubric, text, vectors, cal)
    credits = [cal.credit(p.sim, p.lex) for p in m.points]
    # A cosine cannot tell "the sum of its n-gram vectors" from "the product": a claim whose
    # key point the answer covers in the point's own words is not held against it.
    about = _about(rubric, m.misconceptions, vectors)
    asserted = [
        c
        for c in m.misconceptions
        if c not in about or credits[about[c]] < cal.covered_at or _uses_every_word(c, text)
    ]
    contradicted = {about[c] for c in asserted if c in about}
    adjustment = cal.adjustment(m.signals)
    weights = [p.weight for p in rubric.points]
    score = formula.score(weights, credits, adjustment, contradicted=bool(asserted), cal=cal)
    verdict = _verdict(score, cal)
    covered_any = any(c >= cal.partly_at for c in credits)
    if m.relevance < cal.off_topic_margin and not (m.shares_terms and covered_any):
        # A label, not a penalty: such answers already score low, and a short on-topic answer
        # in other words can land here too. Words in common with the key keep a low answer on
        # topic only where it covers something ("learning rate" is no answer about positions).
        verdict = Verdict.OFF_TOPIC
    elif m.copied:
        score, verdict = min(score, 1.0), Verdict.INCORRECT
        notes.flags.append("copied_question")
    elif asserted:
        verdict = Verdict.CONTRADICTORY
    grade = Grade(
        score=score,
        verdict=verdict,
        key_points=_points(rubric, m, credits, contradicted, cal),
        misconceptions=asserted,
        adjustment=round(adjustment, 3),
        lang=lang,
        insights=notes,
        confidence=_confidence(score, rubric.source, cal),
    )
    if choice is not None:
        _apply_choice(grade, choice, explained=len(content_terms(text)) >= MIN_EXPLANATION)
    elif rubric.numeric is not None:
        _apply_numeric(grade, numeric.check(text, rubric.numeric), cal)
    return _finish(rubric, grade)


def _verdict(score: float, cal: Calibration) -> Verdict:
    if score >= cal.correct_at:
        return Verdict.CORRECT
    return Verdict.PARTIALLY_CORRECT if score >= cal.partial_at else Verdict.INCORRECT


def _points(
    rubric: Rubric, m: Measurement, credits: list[float], contradicted: set[int], cal: Calibration
) -> list[KeyPointResult]:
    results = []
    for i, (point, match, p) in enumerate(zip(rubric.points, m.points, credits, strict=True)):
        status = (
            PointStatus.CONTRADICTED
            if i in contradicted
            else PointStatus.COVERED
            if p >= cal.covered_at
            else PointStatus.PARTLY
            if p >= cal.partly_at
            else PointStatus.MISSED
        )
        span = (
            AnswerSpan(start=match.unit.start, end=match.unit.end, text=match.unit.text)
            if match.unit and status in (PointStatus.COVERED, PointStatus.PARTLY)
            else None
        )
        results.append(
            KeyPointResult(
                text=point.text, weight=point.weight, status=status, span=span, match=round(p, 3)
            )
        )
    return results


def _uses_every_word(claim: str, text: str) -> bool:
    return set(content_terms(claim)) <= set(content_terms(text))


def _about(rubric: Rubric, claims: list[str], vectors: VectorCache) -> dict[str, int]:
    """The key point each misconception is about (the one closest to it)."""
    if not claims or not rubric.points:
        return {}
    sims = vectors.get(claims) @ vectors.get([p.text for p in rubric.points]).T
    return {c: int(i) for c, i in zip(claims, sims.argmax(axis=1), strict=True)}


def _choice(rubric: Rubric, text: str) -> ChoiceCheck | None:
    """The option the answer picks, for a multiple-choice question with a keyed answer."""
    if rubric.kind is not Kind.MULTIPLE_CHOICE or not rubric.correct_option:
        return None
    chosen = choices.parse(text, rubric.options, rubric.options_en)
    return ChoiceCheck(
        chosen=chosen,
        correct=rubric.correct_option,
        options=rubric.options_en or rubric.options,
        ok=chosen == rubric.correct_option,
    )


def _apply_choice(grade: Grade, choice: ChoiceCheck, *, explained: bool) -> None:
    """The option decides the grade; key points show what an explanation, if any, covered."""
    grade.choice_check = choice
    if not explained:
        grade.key_points = []
    grade.score = 10.0 if choice.ok else 0.0
    grade.verdict = Verdict.CORRECT if choice.ok else Verdict.INCORRECT
    grade.confidence = 0.95 if choice.chosen is not None else 0.6
    if choice.chosen is None:
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
