"""One tokenizer for documents, queries, answers and key points alike.

Whatever spelling variation `normalize` folds (Arabic vs Persian letters, ё/е, ZWNJ,
diacritics, full-width forms) therefore matches both ways, in search and in grading.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from coach.text.lexicon import stopwords

ZWNJ = "\u200c"
# Arabic code points that Persian text writes with its own letters, or that vary by keyboard.
_LETTER_VARIANTS = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ۀ": "ه",
        "ة": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ё": "е",
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian digits
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
    }
)
# Harakat, superscript alef, Quranic marks, tatweel, ZWJ and soft hyphen carry no meaning here.
_DROP = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200d\u00ad]")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_TOKEN = re.compile(
    rf"(?P<cjk>[{_CJK}]+)"
    r"|(?P<num>\d+(?:[.,]\d+)+)"  # 3.5, 1,000; plain digits join their word ("7b", "fp16")
    rf"|(?P<word>[^\W_{_CJK}]+(?:['’{ZWNJ}][^\W_{_CJK}]+)*)"
)


def normalize(text: str) -> str:
    """Fold case and the spelling variants that should count as one word."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _DROP.sub("", text.translate(_LETTER_VARIANTS))


def words(text: str) -> list[str]:
    """Normalized word tokens: numbers keep their decimals, CJK runs become character bigrams."""
    out: list[str] = []
    for match in _TOKEN.finditer(normalize(text)):
        run = match.group("cjk")
        if run:
            out.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
        else:
            out.append(match.group(0))
    return out


def content_terms(text: str) -> list[str]:
    """Stems of the words that carry content: no stop words, no stray single letters."""
    stop = stopwords()
    return [
        stem(variant)
        for word in words(text)
        for variant in _variants(word)
        if variant not in stop
        and (len(variant) > 1 or variant.isdigit() or _CJK_CHAR.match(variant))
    ]


def _variants(word: str) -> list[str]:
    # Persian writes one word with ZWNJ, a space or nothing (می‌شود / می شود / میشود):
    # keep the joined form and the parts so every spelling meets.
    parts = word.split(ZWNJ)
    return [word.replace(ZWNJ, ""), *parts] if len(parts) > 1 else parts


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    if word.isdigit() or len(word) < 3:
        return word
    language = _stemmer_language(word[0])
    return str(_stemmer(language).stemWord(word)) if language else word


def _stemmer_language(first: str) -> str | None:
    if "\u0400" <= first <= "\u04ff":
        return "russian"
    if "\u0600" <= first <= "\u06ff":
        return "persian"
    return None if _CJK_CHAR.match(first) else "english"


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Any:
    # PyStemmer: libstemmer in C, Snowball's own algorithms, for en / ru / fa.
    import Stemmer

    return Stemmer.Stemmer(language)
