"""BM25 over our four languages: normalization, per-script stemming and CJK bigrams.

One tokenizer serves documents and queries alike, so whatever spelling variation it folds
(Arabic vs Persian letters, ё/е, ZWNJ, diacritics, full-width forms) matches both ways.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

import numpy as np

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
_TOKEN = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[^\W_{_CJK}]+(?:{ZWNJ}[^\W_{_CJK}]+)*)")

# Function words only: content words are left to BM25's IDF. bm25s's Russian list lacks the
# question words that open most of the bank's questions.
_STOPWORDS_RU = frozenset(["такое", "какой", "какая", "какое", "какие", "каких", "зачем", "почему"])
_STOPWORDS_FA = frozenset(
    [
        "و",
        "در",
        "به",
        "از",
        "که",
        "این",
        "آن",
        "با",
        "را",
        "برای",
        "است",
        "یا",
        "هم",
        "تا",
        "بر",
        "یک",
        "چه",
        "چیست",
        "کدام",
        "می",
        "شود",
        "شده",
        "ها",
        "های",
        "اگر",
        "بین",
        "نیز",
        "هر",
        "کند",
        "کنند",
        "باشد",
    ]
)


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_RUSSIAN

    return frozenset(
        normalize(w)
        for w in (*STOPWORDS_EN_PLUS, *STOPWORDS_RUSSIAN, *_STOPWORDS_RU, *_STOPWORDS_FA)
    )


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Any:
    import Stemmer

    return Stemmer.Stemmer(language)


def _script(word: str) -> str:
    first = word[0]
    if "\u0400" <= first <= "\u04ff":
        return "russian"
    if "\u0600" <= first <= "\u06ff":
        return "persian"
    return "english"


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    if word.isdigit() or len(word) < 3:
        return word
    return str(_stemmer(_script(word)).stemWord(word))


def normalize(text: str) -> str:
    """Fold the spelling variants that BM25 should treat as one."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _DROP.sub("", text.translate(_LETTER_VARIANTS))


def tokenize(text: str) -> list[str]:
    """Stemmed word tokens; CJK runs become overlapping character bigrams."""
    tokens: list[str] = []
    stop = _stopwords()
    for match in _TOKEN.finditer(normalize(text)):
        run = match.group("cjk")
        if run:
            tokens.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
            continue
        word = match.group("word")
        # Persian writes one word with ZWNJ, a space or nothing (می‌شود / می شود / میشود):
        # index the joined form and the parts so every spelling meets.
        parts = word.split(ZWNJ)
        variants = [word.replace(ZWNJ, ""), *parts] if len(parts) > 1 else parts
        tokens.extend(_stem(v) for v in variants if v not in stop)
    return tokens


class LexicalIndex:
    """bm25s over a fixed list of texts; `scores` gives one BM25 score per text."""

    def __init__(self, texts: list[str]) -> None:
        import bm25s

        self.size = len(texts)
        self._bm25 = bm25s.BM25()
        # An all-stopword document still needs one token for bm25s to index it.
        self._bm25.index([tokenize(t) or [""] for t in texts], show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        ids = self._bm25.get_tokens_ids(tokenize(query))
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)
