"""Offline feedback in the candidate's language, from the templates prompts/feedback.<lang>.j2."""

from __future__ import annotations

from coach.corpus.models import LANGS
from coach.grading.models import Grade, PointStatus
from coach.grading.rubric import Rubric
from coach.llm import prompts

REFERENCE_CHARS = 500


def offline(rubric: Rubric, grade: Grade) -> str:
    lang = grade.lang if grade.lang in LANGS else "en"
    return prompts.render(f"feedback.{lang}", **_variables(rubric, grade, lang)).strip()


def _variables(rubric: Rubric, grade: Grade, lang: str) -> dict:
    by_status = {s: [p.text for p in grade.key_points if p.status is s] for s in PointStatus}
    choice = grade.choice_check
    number = grade.numeric_check
    return {
        "verdict": grade.verdict.value,
        "question": _question(rubric, lang),
        "score": f"{grade.score:g}",
        "covered": by_status[PointStatus.COVERED],
        "partly": by_status[PointStatus.PARTLY],
        "missed": by_status[PointStatus.MISSED],
        "misconceptions": grade.misconceptions,
        "flags": grade.insights.flags,
        "length": grade.insights.length,
        "terms_missed": grade.insights.terms_missed[:6],
        "reference": excerpt(_reference(rubric, lang)),
        "choice": None
        if choice is None
        else {
            "ok": choice.ok,
            "chosen": choice.chosen,
            "correct": choice.correct,
            "correct_text": choice.options[choice.correct - 1]
            if choice.correct <= len(choice.options)
            else "",
            "justification": rubric.justification or "",
        },
        "numeric": None
        if number is None
        else {
            "ok": number.ok,
            "expected": f"{number.expected:g}",
            "unit": number.unit,
            "given": None if number.given is None else f"{number.given:g}",
            "given_unit": number.given_unit or "",
            "steps": number.explanation.splitlines()[:8],
        },
    }


def _question(rubric: Rubric, lang: str) -> str:
    """The question as the candidate reads it: its own text in its language, else English."""
    if lang == rubric.lang or not rubric.question_en:
        return rubric.question
    return rubric.question_en


def _reference(rubric: Rubric, lang: str) -> str:
    if rubric.reference_orig and lang == rubric.lang:
        return rubric.reference_orig
    return rubric.reference


def excerpt(text: str, limit: int = REFERENCE_CHARS) -> str:
    """The start of a reference, cut at a sentence end when one is near the limit."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("。"), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] if end > limit // 2 else cut.rstrip() + "…"
