"""Which language an interview speaks, and a question's text in it.

Detection is by script, which is all four interview languages need (ru: Cyrillic, zh: Han,
fa: Arabic script, en: Latin) and is deterministic. Technical answers mix in English terms
("KV cache хранит ключи"), so a modest share of a non-Latin script decides.
"""

from __future__ import annotations

from coach.corpus.key import KeyEntry
from coach.corpus.models import LANGS, Question
from coach.errors import InputError

NON_LATIN_SHARE = 0.25


def check(lang: str | None) -> str | None:
    if lang is None:
        return None
    lang = lang.strip().lower()
    if lang not in LANGS:
        raise InputError("lang", lang, LANGS)
    return lang


def detect(text: str) -> str | None:
    """en / ru / zh / fa from the script of the letters; None when there are too few."""
    counts = {"ru": 0, "zh": 0, "fa": 0, "en": 0}
    for char in text:
        code = ord(char)
        if 0x0400 <= code <= 0x04FF:
            counts["ru"] += 1
        elif 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
            counts["zh"] += 2  # one Han character carries about a word
        elif 0x0600 <= code <= 0x06FF or 0xFB50 <= code <= 0xFEFF:
            counts["fa"] += 1
        elif char.isascii() and char.isalpha():
            counts["en"] += 1
    letters = sum(counts.values())
    if letters < 3:
        return None
    best = max(("ru", "zh", "fa"), key=lambda lang: counts[lang])
    return best if counts[best] / letters >= NON_LATIN_SHARE else "en"


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
