"""What an answer shows beyond each key point's credit: the features the score adjustment reads.

Coverage says how much of the key an answer states; these say how it states it. The strongest
is `support`: the share of the answer's own content words that the key (reference, points,
their phrasings, the question) uses at all. A fluent bluff names the topic's terms but surrounds
them with claims of its own ("a triplet loss", "an OCR module", "next-pixel prediction"), so its
support runs low (0.36 on the dev set's train split) where a good answer's runs high (0.53) and a
terse correct one's highest (0.83). Cosines between sentences and points, the lean towards the
key's misconceptions and the answer's size complete the picture (calibration.py, trees.py).
"""

from __future__ import annotations

import math

import numpy as np
from pydantic import BaseModel

from coach.text import content_terms, detect_lang, sentences, words


class Signals(BaseModel):
    """One answer's features against one rubric. The order of the fields is the order of the
    score model's inputs (trees.py checks the names)."""

    sem: float  # weighted cosine of each point's best sentence
    lex: float  # weighted share of each point's own words found in the answer
    length: float  # the answer's length against the key's, capped at 1
    margin: float  # how much closer a sentence comes to a misconception than to any point
    weakest_sentence: float  # the lowest, over sentences, of a sentence's best point cosine
    misconception_lean: float  # mean over sentences of (closest misconception - closest point)
    sentences: float  # how many sentences
    log_words: float  # log(1 + words), CJK counted in character pairs as everywhere else
    question_sim: float  # the closest the answer comes to the question's text
    # Share of the answer's content words the key uses, and the lowest such share of any one
    # sentence; NaN (unknown, the trees' missing-value branch) when no key text is in the
    # answer's language, since words cannot be shared across languages.
    support: float
    weakest_support: float
    log_terms: float  # log(1 + distinct content words)

    def vector(self) -> list[float]:
        return [float(v) for v in self.model_dump().values()]


def measure(
    text: str,
    vocabulary: set[str],
    key_langs: set[str | None],
    sentence_sims: np.ndarray,
    misconception_sims: np.ndarray,
    question_sims: np.ndarray,
    *,
    sem: float,
    lex: float,
    length: float,
    margin: float,
) -> Signals:
    """`vocabulary`: the content terms of every key text (reference, question, points and
    their phrasings), `key_langs` their languages; `sentence_sims`: per answer unit (the whole
    answer, then each sentence), each key point's best cosine; `misconception_sims` and
    `question_sims` likewise per unit."""
    rows = sentence_sims[1:] if len(sentence_sims) > 1 else sentence_sims
    best = rows.max(axis=1) if rows.size else np.zeros(len(rows))
    mis = misconception_sims[1:] if len(misconception_sims) > 1 else misconception_sims
    lean = mis.max(axis=1) - best if mis.size and best.size else np.zeros(1)
    terms = set(content_terms(text))
    said = [set(content_terms(s.text)) for s in sentences(text)]
    lang = detect_lang(text)
    comparable = lang is None or lang in key_langs
    return Signals(
        sem=sem,
        lex=lex,
        length=length,
        margin=margin,
        weakest_sentence=float(best.min()) if best.size else 0.0,
        misconception_lean=float(lean.mean()),
        sentences=float(len(rows)),
        log_words=math.log1p(len(words(text))),
        question_sim=float(question_sims.max()) if question_sims.size else 0.0,
        support=_support(terms, vocabulary) if comparable else math.nan,
        weakest_support=min((_support(s, vocabulary) for s in said if s), default=0.0)
        if comparable
        else math.nan,
        log_terms=math.log1p(len(terms)),
    )


def _support(terms: set[str], vocabulary: set[str]) -> float:
    return len(terms & vocabulary) / len(terms) if terms else 0.0
