"""Grading: a candidate's answer becomes a score, key points covered and missed, and feedback.

`grade` always runs the offline evidence grader; with a chat model it adds the model's
judgment, bounded by that evidence (combine.py). Every Grade names its grader, and a grade
that fell back to offline says so in `fallback_notice`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from coach.corpus.key import KeyPoint
from coach.corpus.models import Question
from coach.grading import injection, rubric, vectors
from coach.grading.calibration import CALIBRATION, Calibration, calibration_for
from coach.grading.combine import combine
from coach.grading.llm import JudgmentError, judge, model_label
from coach.grading.models import Grade, Verdict
from coach.grading.offline import grade_offline
from coach.settings import get_settings
from coach.text import sentences

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = ["Grade", "Verdict", "grade", "warm"]

log = logging.getLogger(__name__)


def grade(
    question: Question | str,
    answer: str,
    reference: str | None = None,
    *,
    key_points: list[KeyPoint] | None = None,
    llm: BaseChatModel | None = None,
    lang: str | None = None,
    retrieve: bool = True,
    asked: str | None = None,
) -> Grade:
    """Grade `answer` to `question` (a bank Question, a bank id, or free question text).

    A `reference` (and optional `key_points`) replaces the bank's key: teacher mode. Without
    one, `key_points` narrow a bank question's key, and `asked` is the text actually asked
    (a follow-up on that question). `retrieve=False` skips corpus retrieval (evidence and the
    no-reference fallback).
    """
    graded = rubric.build(question, reference, key_points, retrieve=retrieve, asked=asked)
    text, truncated = _truncate(answer)
    blanked, injected = injection.blank(text)
    cache = vectors.cache()
    cal = calibration_for(authored=graded.authored_points)
    offline = grade_offline(graded, blanked, cache, lang=lang, injected=injected, cal=cal)
    if truncated:
        offline.insights.flags.append("truncated")
        offline.notices.append(
            f"the answer was longer than {len(text):,} characters; only the start was graded"
        )
    if not cache.embedder.id.startswith(CALIBRATION.embedder_id):
        offline.notices.append(
            f"scores are calibrated for {CALIBRATION.embedder}; {cache.embedder.id} may shift them"
        )
    if llm is None:
        return offline
    # The model reads the answer without its grader-directed sentences: what it never sees
    # cannot talk it into a score (the combination still distrusts such an answer).
    return grade_with_llm(llm, graded, blanked, offline, lang=offline.lang, cal=cal)


def grade_with_llm(
    llm: BaseChatModel,
    graded: rubric.Rubric,
    text: str,
    offline: Grade,
    *,
    lang: str | None,
    cal: Calibration = CALIBRATION,
) -> Grade:
    """The model's judgment combined with the offline grade; on any backend failure or an
    unreadable reply, the offline grade with a fallback notice."""
    from coach.llm.failures import describe_failure, spec_of

    model = model_label(llm)
    try:
        judgment = judge(llm, graded, text, lang)
    except JudgmentError as exc:
        return _fallback(offline, f"llm:{model} returned no usable judgment ({exc})")
    except Exception as exc:
        failure = describe_failure(exc, spec_of(llm))
        if failure is None:
            raise
        log.warning("LLM grading failed: %s", failure)
        return _fallback(offline, str(failure))
    return combine(offline, judgment, text, model, cal)


def _fallback(offline: Grade, why: str) -> Grade:
    grade = offline.model_copy(deep=True)
    grade.fallback_notice = f"{why}; this is the offline grade"
    return grade


def _truncate(answer: str) -> tuple[str, bool]:
    limit = get_settings().max_answer_chars
    if len(answer) <= limit:
        return answer, False
    return answer[:limit], True


def warm(answers: list[str], embedder: str | None = None) -> None:
    """Embed many answers (and their sentences) in a few batched calls before grading them
    one by one: the batch grader's way to reach its throughput."""
    limit = get_settings().max_answer_chars
    texts: list[str] = []
    for answer in answers:
        text = injection.blank(answer[:limit])[0]
        texts.append(text.strip())
        texts.extend(s.text for s in sentences(text))
    vectors.cache(embedder).warm([t for t in texts if t])
