"""Domain terms in a key point: the words worth using in an answer.

A word of a key point is a domain term when it is written like one (an acronym, a name in mixed
case, a word with digits, a hyphenated compound), when it is rare in general language (wordfreq's
Zipf frequency below RARE: "softmax", "tokens", "cache"), or when it is common but the bank asks
about it again and again ("attention", "training"). Words such as "built", "notion", "gives" or
"better", which a key point needs only for its grammar, are none of these. wordfreq earns its
place: word frequencies for English, Russian and Persian from large corpora, which no list
written by hand would match.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from wordfreq import zipf_frequency

from coach.corpus import bank as bank_store
from coach.corpus import key as key_store
from coach.errors import CoachError
from coach.text import content_terms

# Zipf below which a word is rare: about once in 100,000 words; Russian spreads a word's
# frequency over its inflected forms, so each form reads rarer.
RARE = {"en": 4.0, "ru": 3.6, "fa": 4.0}
COMMON = 5.2  # above this a word is everyday language however often the bank asks about it
MIN_QUESTIONS = 12  # questions that must use a common word for it to count as the field's
# A word with its inner hyphens, dots, slashes and pluses: self-attention, fp16, GPT-4, top-p.
_SURFACE = re.compile(r"[^\W_](?:[\w+./-]*[^\W_])?")
_TECHNICAL = re.compile(r"\d|[A-Z].*[A-Z]|^[a-z]+[A-Z]")
_CYRILLIC, _ARABIC, _CJK = (
    re.compile("[\u0400-\u04ff]"),
    re.compile("[\u0600-\u06ff]"),
    re.compile("[\u3400-\u9fff]"),
)


@lru_cache(maxsize=4)
def question_vocabulary(corpus_dir: Path) -> frozenset[str]:
    """Stems that at least MIN_QUESTIONS bank questions use, in any of their renderings."""
    try:
        questions = bank_store.load(corpus_dir).questions
        english = {i: e.text_en for i, e in key_store.load(corpus_dir).items()}
    except CoachError:
        return frozenset()
    counts: Counter[str] = Counter()
    for q in questions:
        texts = [t for t in (q.text, q.text_zh, english.get(q.id)) if t]
        counts.update({s for text in texts for s in content_terms(text)})
    return frozenset(s for s, n in counts.items() if n >= MIN_QUESTIONS)


def domain_terms(phrases: list[str], vocabulary: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """Surface form → its stems, for the domain terms of `phrases`, in order of appearance."""
    found: dict[str, tuple[str, ...]] = {}
    seen: set[tuple[str, ...]] = set()
    for phrase in phrases:
        for surface in _SURFACE.findall(phrase):
            stems = tuple(content_terms(surface))
            if not stems or stems in seen:
                continue
            # "self-attention" is a compound; "built-in" is one word and a preposition.
            written = bool(_TECHNICAL.search(surface)) or ("-" in surface and len(stems) > 1)
            if written or _is_term(surface.lower(), stems, vocabulary):
                seen.add(stems)
                found[surface if written else surface.lower()] = stems
    return found


def _is_term(word: str, stems: tuple[str, ...], vocabulary: frozenset[str]) -> bool:
    if _CJK.search(word):
        return all(s in vocabulary for s in stems)  # wordfreq needs a segmenter for Chinese
    lang = "ru" if _CYRILLIC.search(word) else "fa" if _ARABIC.search(word) else "en"
    zipf = zipf_frequency(word, lang)
    return zipf < RARE[lang] or (zipf < COMMON and all(s in vocabulary for s in stems))
