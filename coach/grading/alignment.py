"""Aligning an answer with its rubric: the evidence both graders score.

Each key point is aligned with the answer sentence that comes closest to it (cosine of E5
vectors over the point and its alternative phrasings) and checked for the point's own content
words. Beside that per-point evidence, `measure` finds the misconceptions a sentence asserts,
how far the answer is on topic at all, whether it only copies the question, and the signals
(signals.py) the score adjustment reads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from coach.grading import formula, signals
from coach.grading.calibration import CALIBRATION, Calibration
from coach.grading.cues import negation_count
from coach.grading.rubric import Rubric
from coach.grading.signals import Signals
from coach.grading.vectors import VectorCache
from coach.text import Span, content_terms, detect_lang, sentences, words

MAX_UNITS = 60
# Texts that answer nothing; how close they come to a rubric is the floor a real answer must
# clear to count as on topic (cosines run high between any two texts with E5).
PROBES = (
    "asdf qwer zxcv hjkl",
    "lorem ipsum dolor sit amet",
    "I like pizza and football on weekends.",
    "Мне нравится гулять в парке.",
    "今天天气很好。",
    "امروز هوا خوب است.",
)
# A misconception is asserted when a sentence is this close to it and closer than to any key point.
MISCONCEPTION_SIM = 0.9
# ... or when a sentence says it nearly word for word, however close the key points come.
VERBATIM_SIM = 0.97
NO_ANSWER = re.compile(
    r"^\W*(i\s+(do\s*n[o']t|dont)\s+know|no idea|idk|не знаю|без понятия|не помню|我不知道|"
    r"不知道|不清楚|نمی\s?دانم|نمیدونم)\W*$",
    re.IGNORECASE,
)


@dataclass
class PointMatch:
    sim: float
    lex: float | None  # None: the point has no content word beyond the question's
    unit: Span | None


@dataclass
class Measurement:
    """The evidence features of one answer against one rubric."""

    signals: Signals
    relevance: float  # closeness to question or key, above what a nonsense text reaches
    shares_terms: bool
    copied: bool
    points: list[PointMatch]
    misconceptions: list[str]


@dataclass
class _Vectors:
    answer: np.ndarray  # row 0: the whole answer, then its sentences
    points: np.ndarray
    question: np.ndarray
    reference: np.ndarray  # empty, or one row for a reference the points were cut from
    misconceptions: np.ndarray
    probes: np.ndarray


def is_empty(text: str) -> bool:
    """No answer at all: nothing but punctuation, or "I don't know" in one of our languages."""
    return not re.search(r"\w", text) or bool(NO_ANSWER.match(text.strip()))


def measure(
    rubric: Rubric, text: str, vectors: VectorCache, cal: Calibration = CALIBRATION
) -> Measurement:
    units = sentences(text)[:MAX_UNITS]
    unit_texts = list(dict.fromkeys([text.strip(), *(u.text for u in units)]))
    variants = [[p.text, *p.alt] for p in rubric.points]
    vecs = _embed(rubric, unit_texts, variants, vectors)
    lang = detect_lang(text)
    answer_terms = set(content_terms(text))
    question_terms = {t for q in rubric.question_texts for t in content_terms(q)}
    sims = vecs.answer @ vecs.points.T
    matches = _align(rubric, text, units, unit_texts, variants, sims, question_terms, cal)
    sem = _weighted(rubric, [m.sim for m in matches])
    if len(vecs.reference):
        whole = float(vecs.answer[0] @ vecs.reference[0])
        whole += cal.gap(lang, detect_lang(rubric.reference))
        sem = (whole + sem) / 2 if matches else whole
    question_sims = vecs.answer @ vecs.question.T
    misconception_sims = vecs.answer @ vecs.misconceptions.T
    question_sim = float(question_sims.max()) if len(vecs.question) else 0.0
    question_sim += cal.gap(lang, rubric.lang)
    reference_terms = {t for g in variants for v in g for t in content_terms(v)}
    reference_terms |= set(content_terms(rubric.reference))
    key_texts = [rubric.reference, rubric.reference_orig or "", *rubric.question_texts]
    found = signals.measure(
        text,
        reference_terms | question_terms | set(content_terms(rubric.reference_orig or "")),
        {detect_lang(k) for k in [*key_texts, *(v for g in variants for v in g)] if k},
        _per_point(sims, variants),
        misconception_sims,
        question_sims,
        sem=sem,
        lex=_weighted(rubric, [m.lex for m in matches]),
        length=_length(rubric, text),
        margin=_misconception_margin(misconception_sims, sims),
    )
    return Measurement(
        signals=found,
        relevance=max(sem, question_sim) - _probe_floor(rubric, variants, vecs),
        shares_terms=bool(answer_terms & (reference_terms | question_terms)),
        copied=_copied(answer_terms, question_terms, question_sim),
        points=matches,
        misconceptions=_misconceptions(rubric, misconception_sims, sims, unit_texts, cal),
    )


def _per_point(sims: np.ndarray, variants: list[list[str]]) -> np.ndarray:
    """Per answer unit, each key point's best cosine over its phrasings."""
    cuts = np.cumsum([len(g) for g in variants])[:-1]
    blocks = np.split(sims, cuts, axis=1) if variants else []
    if not blocks:
        return np.zeros((len(sims), 0))
    return np.stack([b.max(axis=1) for b in blocks], axis=1)


def _align(
    rubric: Rubric,
    text: str,
    units: list[Span],
    unit_texts: list[str],
    variants: list[list[str]],
    sims: np.ndarray,
    question_terms: set[str],
    cal: Calibration,
) -> list[PointMatch]:
    """Each key point's best answer sentence (or the whole answer), cosine and word overlap."""
    lang = detect_lang(text)
    answer_terms = set(content_terms(text))
    spans = {u.text: u for u in units}
    whole = text.strip()
    if whole:
        spans.setdefault(whole, Span(text.index(whole), text.index(whole) + len(whole), whole))
    matches: list[PointMatch] = []
    start = 0
    for point, group in zip(rubric.points, variants, strict=True):
        block = sims[:, start : start + len(group)]
        start += len(group)
        best_unit = int(np.unravel_index(int(np.argmax(block)), block.shape)[0])
        # No phrasing in the answer's language: cosines run lower across languages and words
        # cannot overlap, so both are corrected (calibration.py).
        crossing = bool(lang) and lang not in {detect_lang(v) for v in group}
        sim = float(block.max()) + (cal.gap(lang, detect_lang(point.text)) if crossing else 0.0)
        lex = _point_lex(group, answer_terms, question_terms)
        if crossing:
            lex = max(lex or 0.0, cal.imputed_lex(sim))
        matches.append(PointMatch(sim, lex, spans.get(unit_texts[best_unit])))
    return matches


def _embed(
    rubric: Rubric, unit_texts: list[str], variants: list[list[str]], vectors: VectorCache
) -> _Vectors:
    flat = [v for group in variants for v in group]
    extra = [rubric.reference] if rubric.reference and not rubric.authored_points else []
    parts = [unit_texts, flat, rubric.question_texts, extra, rubric.misconceptions, list(PROBES)]
    rows = vectors.get([t for part in parts for t in part])
    cuts = np.cumsum([len(part) for part in parts])[:-1]
    return _Vectors(*np.split(rows, cuts))


def _probe_floor(rubric: Rubric, variants: list[list[str]], vecs: _Vectors) -> float:
    """The highest relevance any probe text reaches against this rubric."""
    per_point = _per_point(vecs.probes @ vecs.points.T, variants)
    weights = np.array([p.weight for p in rubric.points])
    # A reference without a word (only symbols) has no points: only the reference counts.
    pointed = per_point.shape[1] > 0
    sem = per_point @ weights / weights.sum() if pointed else np.zeros(len(vecs.probes))
    if len(vecs.reference):
        whole = vecs.probes @ vecs.reference[0]
        sem = (whole + sem) / 2 if pointed else whole
    question = (vecs.probes @ vecs.question.T).max(axis=1) if len(vecs.question) else sem
    return float(np.maximum(sem, question).max())


def _length(rubric: Rubric, text: str) -> float:
    """The answer's length against the key's own, capped at 1. Unbounded, unlike the insight's
    expected length: a one-line reference asks for a one-line answer (on Beetle's unseen
    questions this alone lifts Pearson by 0.03)."""
    if rubric.short_answer:
        return 1.0  # a name or a number asked for: a one-liner is complete
    need = sum(len(words(p.text)) for p in rubric.points) or len(words(rubric.reference))
    return min(len(words(text)) / max(need, 1), 1.0)


def _point_lex(group: list[str], answer_terms: set[str], question_terms: set[str]) -> float | None:
    """The best share, over a point's phrasings, of its content words found in the answer.
    Words of the question are left out: a candidate gets them for free by echoing it."""
    shares = []
    for variant in group:
        wanted = set(content_terms(variant)) - question_terms
        if wanted:
            shares.append(len(wanted & answer_terms) / len(wanted))
    return max(shares) if shares else None


def _weighted(rubric: Rubric, values: Sequence[float | None]) -> float:
    return formula.coverage([p.weight for p in rubric.points], values)


def _copied(answer_terms: set[str], question_terms: set[str], question_sim: float) -> bool:
    """The answer says nothing the question did not: its words are the question's words."""
    if question_sim >= 0.97:
        return True
    if len(answer_terms) < 2 or not question_terms:
        return False
    new = answer_terms - question_terms
    return len(new) <= 0.15 * len(answer_terms) and (
        len(answer_terms & question_terms) >= 0.7 * len(question_terms)
    )


def _misconception_margin(misconception_sims: np.ndarray, point_sims: np.ndarray) -> float:
    if not misconception_sims.size or not point_sims.size:
        return 0.0
    closest = misconception_sims.max(axis=1)
    return float((closest - point_sims.max(axis=1)).max())


def _misconceptions(
    rubric: Rubric,
    sims: np.ndarray,
    point_sims: np.ndarray,
    unit_texts: list[str],
    cal: Calibration,
) -> list[str]:
    """Misconceptions a sentence asserts: close to it, clearly closer than to any key point
    (correct answers come within a few hundredths of the misconceptions of their topic), and
    with the same polarity (so "X is not Y" does not assert the misconception "X is Y")."""
    found: list[str] = []
    if not sims.size:
        return found
    best_point = point_sims.max(axis=1) if point_sims.size else np.zeros(len(unit_texts))
    for j, claim in enumerate(rubric.misconceptions):
        for i, unit in enumerate(unit_texts):
            same_polarity = negation_count(unit) % 2 == negation_count(claim) % 2
            close = sims[i, j] >= MISCONCEPTION_SIM
            closer = sims[i, j] - best_point[i] >= cal.misconception_margin
            if close and (closer or sims[i, j] >= VERBATIM_SIM) and same_polarity:
                found.append(claim)
                break
    return found
