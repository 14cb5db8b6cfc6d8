"""Which language an interview speaks, and a question's text in it (detection: `coach.text`)."""

from __future__ import annotations

from coach.corpus.key import KeyEntry
from coach.corpus.models import LANGS, Question
from coach.errors import InputError


def check(lang: str | None) -> str | None:
    """A language the user named, validated; None stays None (detect from the answer)."""
    if lang is None:
        return None
    lang = lang.strip().lower()
    if lang not in LANGS:
        raise InputError("lang", lang, LANGS)
    return lang


def question_text(question: Question, entry: KeyEntry | None, lang: str) -> str:
    """The question as the candidate reads it: the original, `text_zh`, or the key's English."""
    english = entry.text_en if entry and entry.text_en.strip() else None
    if lang == question.lang:
        return question.text
    if lang == "zh" and question.text_zh:
        return question.text_zh
    return english or question.text


def question_options(question: Question, entry: KeyEntry | None, lang: str) -> list[str]:
    if lang != question.lang and entry and len(entry.options_en) == len(question.options):
        return list(entry.options_en)
    return list(question.options)


def speaks(question: Question, entry: KeyEntry | None, lang: str) -> bool:
    """Whether the bank has this question in `lang` (English needs the key's rendering)."""
    if lang == question.lang:
        return True
    if lang == "zh":
        return bool(question.text_zh)
    return lang == "en" and bool(entry and entry.text_en.strip())
