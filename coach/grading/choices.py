"""Which option a multiple-choice answer picks: "B", "2", "option 2", "(b)", "گزینه ۲",
"вариант б", or the option's text in the question's language or in English."""

from __future__ import annotations

import re

from coach.text import content_terms

# Option letters as candidates write them: Latin, Russian (а б в г), Persian (الف ب ج د).
_LETTERS = (
    ("a", "b", "c", "d", "e", "f", "g", "h"),
    ("а", "б", "в", "г", "д", "е", "ж", "з"),
    ("الف", "ب", "ج", "د", "ه", "و", "ز", "ح"),
)
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩０１２３４５６７８９", "0123456789" * 3)
_CN_NUMBERS = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6"}
_ORDINALS = {
    1: ("first", "первый", "первая", "اول", "نخست"),
    2: ("second", "второй", "вторая", "دوم"),
    3: ("third", "третий", "третья", "سوم"),
    4: ("fourth", "четвертый", "четвёртый", "четвертая", "چهارم"),
}
_WORD = r"(?:option|answer|choice|variant|вариант|ответ|пункт|گزینه|جواب|پاسخ|选项|答案|选)"
# The marker alone, possibly wrapped: "B", "(b)", "b)", "2.", "[2]", "«б»".
_BARE = re.compile(r"^[\s(\[«\"']*([a-h]|[а-з]|الف|[بجدهوزح]|\d{1,2})[\s)\]»\"'.:]*$")
_NAMED = re.compile(
    _WORD + r"\s*[:：]?\s*(?:no\.?|number|№|#|شماره)?\s*[(\[«\"']*"
    r"([a-h]|[а-з]|الف|[بجدهوزح]|\d{1,2})(?![\w])"
)
# "B) because ...", "2 - since ...": a marker that opens a longer answer.
_LEADING = re.compile(r"^[\s(\[«\"']*([a-h]|[а-з]|\d{1,2})\s*[)\].:\-–—]\s+\S")


def normalize(text: str) -> str:
    text = text.translate(_DIGITS).strip().lower()
    for cn, digit in _CN_NUMBERS.items():
        text = re.sub(rf"(?:选项|第){cn}", digit, text)
    return text


def parse(answer: str, options: list[str], options_en: list[str] | None = None) -> int | None:
    """The chosen option, 1-based; None when the answer names none or several."""
    text = normalize(answer)
    if not text or not options:
        return None
    for found in (_by_text(text, options, options_en or []), _by_marker(text, len(options))):
        if found is not None:
            return found
    return _by_terms(text, options, options_en or [])


def _by_marker(text: str, count: int) -> int | None:
    for pattern in (_BARE, _NAMED, _LEADING):
        match = pattern.search(text)
        if match:
            return _index(match.group(1), count)
    named = re.search(_WORD + r"\s*(\w+)", text) or re.fullmatch(r"\s*(?:the\s+)?(\w+)\W*", text)
    if named:
        for number, words in _ORDINALS.items():
            if named.group(1) in words and number <= count:
                return number
    return None


def _index(marker: str, count: int) -> int | None:
    if marker.isdigit():
        number = int(marker)
        return number if 1 <= number <= count else None
    for letters in _LETTERS:
        if marker in letters:
            number = letters.index(marker) + 1
            return number if number <= count else None
    return None


def _by_text(text: str, options: list[str], options_en: list[str]) -> int | None:
    """An answer that is exactly one option's text (in either language)."""
    stripped = text.strip(" .!\"'«»()")
    for i, variants in enumerate(_variants(options, options_en), start=1):
        if stripped in variants:
            return i
    return None


def _by_terms(text: str, options: list[str], options_en: list[str]) -> int | None:
    """The one option whose content words all appear in the answer."""
    answer_terms = set(content_terms(text))
    matches: list[tuple[int, int]] = []
    for i, variants in enumerate(_variants(options, options_en), start=1):
        best = 0
        for variant in variants:
            terms = set(content_terms(variant))
            if terms and terms <= answer_terms:
                best = max(best, len(terms))
        if best:
            matches.append((best, i))
    return matches[0][1] if len(matches) == 1 else None


def _variants(options: list[str], options_en: list[str]) -> list[set[str]]:
    out = []
    for i, option in enumerate(options):
        variants = {normalize(option).strip(" .")}
        if i < len(options_en):
            variants.add(normalize(options_en[i]).strip(" ."))
        out.append(variants)
    return out
