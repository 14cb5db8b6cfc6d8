"""Language-aware text helpers: script-based language guess, sentence spans, content terms."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

import Stemmer

from coach.grading.lexicon import CJK_NEGATIONS, FILLERS, NEGATIONS, STOPWORDS

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile(r"[A-Za-z]")
# A sentence ends at terminal punctuation followed by space, or at a line break / bullet.
_SENTENCE_END = re.compile(r"\s*\n\s*(?:[-*•]\s+|\d+[.)]\s+)?|(?<=[.!?;])\s+|(?<=[。！？；؟])")
_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_ZWNJ = "\u200c"
_BULLET = re.compile(r"^(?:[-*•]|\d+[.)])\s+")


class Span(NamedTuple):
    start: int
    end: int
    text: str


def detect_lang(text: str) -> str | None:
    """The dominant script's language among en / ru / zh / fa; None for text without letters."""
    counts = {
        "ru": len(_CYRILLIC.findall(text)),
        "zh": len(_CJK.findall(text)) * 2,  # one CJK character carries about a word's worth
        "fa": len(_ARABIC.findall(text)),
        "en": len(_LATIN.findall(text)),
    }
    lang, count = max(counts.items(), key=lambda item: item[1])
    return lang if count else None


def sentences(text: str) -> list[Span]:
    """Sentence spans with their character offsets (used to show what covered a key point)."""
    spans: list[Span] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        _add_span(spans, text, start, match.start())
        start = match.end()
    _add_span(spans, text, start, len(text))
    return spans


def _add_span(spans: list[Span], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = _BULLET.sub("", piece.strip())
    if len(stripped) >= 2:
        offset = start + piece.index(stripped)
        spans.append(Span(offset, offset + len(stripped), stripped))


def words(text: str) -> list[str]:
    """Lower-cased word tokens; a run of CJK characters becomes its characters and bigrams."""
    out: list[str] = []
    for token in _WORD.findall(text.replace(_ZWNJ, " ").lower()):
        if _CJK.search(token):
            out.extend(_cjk_tokens(token))
        else:
            out.append(token)
    return out


def _cjk_tokens(token: str) -> list[str]:
    out: list[str] = []
    for run in re.split(r"([\u3400-\u9fff\uf900-\ufaff]+)", token):
        if not run:
            continue
        if _CJK_RUN.fullmatch(run):
            out.extend(run[i : i + 2] for i in range(max(len(run) - 1, 1)))
        else:
            out.append(run)
    return out


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    if _CYRILLIC.search(word):
        return str(_stemmer("russian").stemWord(word))
    if _LATIN.search(word):
        return str(_stemmer("english").stemWord(word))
    return word


@lru_cache(maxsize=2)
def _stemmer(language: str) -> Any:
    # PyStemmer (libstemmer in C, Snowball's own algorithms), as coach.search.bm25 uses: faster
    # than nltk's pure-Python Snowball and keeps nltk out of the grader's import.
    return Stemmer.Stemmer(language)


def content_terms(text: str) -> list[str]:
    """Stems of the words that carry content (no stop words, no one-letter tokens)."""
    return [
        stem(w)
        for w in words(text)
        if w not in STOPWORDS and w not in NEGATIONS and (len(w) > 1 or w.isdigit())
    ]


def negation_count(text: str) -> int:
    lowered = text.lower()
    count = sum(1 for w in _WORD.findall(lowered) if w in NEGATIONS or w.endswith("n't"))
    return count + sum(lowered.count(cue) for cue in CJK_NEGATIONS)


def filler_ratio(text: str) -> float:
    tokens = words(text)
    return sum(1 for w in tokens if w in FILLERS) / len(tokens) if tokens else 0.0


def repetition_ratio(text: str) -> float:
    """Share of repeated content-word trigrams: 0 for varied prose, near 1 for copy-paste loops."""
    terms = content_terms(text)
    grams = [tuple(terms[i : i + 3]) for i in range(len(terms) - 2)]
    return 1 - len(set(grams)) / len(grams) if grams else 0.0
