"""Which of en / ru / zh / fa a text is written in, from the scripts of its letters.

Script is all four languages need (ru: Cyrillic, zh: Han, fa: Arabic script, en: Latin) and
it is deterministic. Technical answers mix in English terms ("KV cache хранит ключи"), so a
modest share of a non-Latin script decides rather than the majority.
"""

from __future__ import annotations

import re

NON_LATIN_SHARE = 0.25
MIN_LETTERS = 3

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
LATIN = re.compile(r"[A-Za-z]")


def detect_lang(text: str) -> str | None:
    """en / ru / zh / fa; None when the text has fewer than three letters."""
    counts = {
        "ru": len(CYRILLIC.findall(text)),
        "zh": len(CJK.findall(text)) * 2,  # one Han character carries about a word's worth
        "fa": len(ARABIC.findall(text)),
        "en": len(LATIN.findall(text)),
    }
    letters = sum(counts.values())
    if letters < MIN_LETTERS:
        return None
    best = max(("ru", "zh", "fa"), key=lambda lang: counts[lang])
    return best if counts[best] / letters >= NON_LATIN_SHARE else "en"
