"""How an LLM's judgment and the offline evidence make one grade.

The model judges each key point and names wrong claims; its statuses are scored with the
offline grader's own formula (formula.py), so the model never states a number. That reading
is blended with the offline score (settings.llm_grade_weight, 0.3 by default: a small local
model reads worse than the evidence, bench/RESULTS.md); and a model can be talked into
things. The evidence therefore bounds it: an answer the evidence finds empty, off topic, copied
from the question or addressed to the grader keeps the lower of the two scores;
elsewhere the model may lift the score above the evidence's by up to MAX_LIFT points: nothing
at an offline score of LIFT_FROM or below (the evidence found nothing), the full lift from
FULL_LIFT_AT up. Calculators and option checks are never overruled.
"""

from __future__ import annotations

from coach.grading import formula
from coach.grading.calibration import CALIBRATION, Calibration
from coach.grading.llm import Judgment
from coach.grading.models import AnswerSpan, Grade, KeyPointResult, PointStatus, Verdict
from coach.settings import get_settings

MAX_LIFT = 4.0
LIFT_FROM, FULL_LIFT_AT = 2.0, 6.0
GATED = (Verdict.EMPTY, Verdict.OFF_TOPIC)
DISTRUST_FLAGS = ("copied_question", "instructions_to_grader_ignored")


def combine(
    offline: Grade, judgment: Judgment, answer: str, model: str, cal: Calibration = CALIBRATION
) -> Grade:
    grade = offline.model_copy(deep=True)
    grade.grader = f"llm:{model}"
    grade.key_points = _points(offline.key_points, judgment, answer)
    grade.misconceptions = list(dict.fromkeys([*offline.misconceptions, *judgment.misconceptions]))
    if judgment.feedback.strip():
        grade.feedback = judgment.feedback.strip()
    reading = model_score(grade.key_points, judgment, offline.adjustment, cal)
    grade.score, grade.verdict, note = _score(offline, grade, reading)
    if note:
        grade.notices.append(note)
    grade.confidence = round(max(0.3, 0.9 - 0.05 * abs(reading - offline.score)), 2)
    return grade


def model_score(
    points: list[KeyPointResult],
    judgment: Judgment,
    adjustment: float,
    cal: Calibration = CALIBRATION,
) -> float:
    """The score the model's statuses earn under the offline formula."""
    credits = [formula.STATUS_CREDIT[p.status] for p in points]
    contradicted = bool(judgment.misconceptions) or any(
        p.status is PointStatus.CONTRADICTED for p in points
    )
    weights = [p.weight for p in points]
    return round(formula.score(weights, credits, adjustment, contradicted=contradicted, cal=cal), 1)


def _score(offline: Grade, grade: Grade, reading: float) -> tuple[float, Verdict, str | None]:
    distrust = [f for f in DISTRUST_FLAGS if f in offline.insights.flags]
    if offline.verdict in GATED or distrust:
        score = round(min(reading, offline.score), 1)
        verdict = offline.verdict if offline.verdict in GATED else _verdict(grade, score)
        reason = offline.verdict.value if offline.verdict in GATED else distrust[0]
        note = (
            (
                f"the model's reading ({reading:g}) was not used: the evidence marks the "
                f"answer as {reason.replace('_', ' ')}"
            )
            if reading > score
            else None
        )
        return score, verdict, note
    if offline.choice_check is not None or offline.numeric_check is not None:
        # The option or the calculator decides; the model adds its reading of the reasoning.
        return offline.score, offline.verdict, None
    weight = get_settings().llm_grade_weight
    blended = weight * reading + (1 - weight) * offline.score
    ceiling = offline.score + lift(offline.score)
    note = None
    if blended > ceiling:
        blended = ceiling
        note = (
            f"the model's reading ({reading:g}) was limited to what the evidence "
            f"supports ({ceiling:.1f})"
        )
    score = round(min(10.0, max(0.0, blended)), 1)
    return score, _verdict(grade, score), note


def lift(offline_score: float) -> float:
    """How far the model may raise a score above the offline evidence's."""
    share = (offline_score - LIFT_FROM) / (FULL_LIFT_AT - LIFT_FROM)
    return MAX_LIFT * min(1.0, max(0.0, share))


def _verdict(grade: Grade, score: float) -> Verdict:
    """Contradictory where the answer asserts something wrong; otherwise the verdict the final
    score implies, so a verdict never disagrees with the number beside it."""
    if grade.misconceptions or any(p.status is PointStatus.CONTRADICTED for p in grade.key_points):
        return Verdict.CONTRADICTORY
    if score >= CALIBRATION.correct_at:
        return Verdict.CORRECT
    return Verdict.PARTIALLY_CORRECT if score >= CALIBRATION.partial_at else Verdict.INCORRECT


def _points(offline: list[KeyPointResult], judgment: Judgment, answer: str) -> list[KeyPointResult]:
    """The model's status per key point, with the quoted words located in the answer; a point
    it did not judge keeps the evidence's status."""
    by_index = {j.index: j for j in judgment.key_points}
    points = []
    for i, point in enumerate(offline, start=1):
        judged = by_index.get(i)
        if judged is None:
            points.append(point)
            continue
        status = PointStatus(judged.status)
        points.append(
            point.model_copy(
                update={
                    "status": status,
                    "span": _locate(judged.quote, answer) or point.span
                    if status is not PointStatus.MISSED
                    else None,
                }
            )
        )
    return points


def _locate(quote: str, answer: str) -> AnswerSpan | None:
    quote = quote.strip().strip("\"'«»“”")
    if len(quote) < 3:
        return None
    start = answer.lower().find(quote.lower())
    if start < 0:
        return None
    return AnswerSpan(start=start, end=start + len(quote), text=answer[start : start + len(quote)])
