"""The score from key-point credits: one formula for the offline evidence and the LLM judge.

    score = curve(coverage) + adjustment

coverage is the weight-averaged credit of the key points, each in [0, 1] (the offline grader's
word-share credit, or a judge's status: covered 1, partly 0.5, missed or contradicted 0);
curve is the monotone calibration curve fitted on interview answers (calibration.py); the
adjustment (trees fitted over how the answer states what it states: the share of its words the
key supports, its sentences' closeness to points and misconceptions, its size; signals.py) is
at most ±1, comes from the offline measurement, and is the same for both graders. Covering
more never lowers the score. Two caps: with no point even partly covered the score stays below
"partially correct"; an asserted misconception or a contradicted point caps it at
`misconception_cap`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from coach.grading.calibration import CALIBRATION, Calibration
from coach.grading.models import PointStatus

STATUS_CREDIT = {
    PointStatus.COVERED: 1.0,
    PointStatus.PARTLY: 0.5,
    PointStatus.MISSED: 0.0,
    PointStatus.CONTRADICTED: 0.0,
}


def coverage(weights: Sequence[float], credits: Sequence[float | None]) -> float:
    """Weighted mean over the points that have a value (None: nothing to measure there)."""
    pairs = [(w, c) for w, c in zip(weights, credits, strict=True) if c is not None]
    total = sum(w for w, _ in pairs)
    return sum(w * c for w, c in pairs) / total if total else 0.0


def score(
    weights: Sequence[float],
    credits: Sequence[float],
    adjustment: float,
    *,
    contradicted: bool,
    cal: Calibration = CALIBRATION,
) -> float:
    base = float(np.interp(coverage(weights, credits), cal.curve_x, cal.curve_y))
    result = min(10.0, max(0.0, base + adjustment))
    if not any(c >= cal.partly_at for c in credits):
        # Nothing covered, not even partly: whatever the similarity, not above incorrect.
        result = min(result, cal.partial_at - 0.1)
    if contradicted:
        result = min(result, cal.misconception_cap)
    return result
