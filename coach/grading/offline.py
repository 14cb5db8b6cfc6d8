"""The offline evidence grader: no LLM, deterministic.

Each key point is aligned with the answer sentence that comes closest to it (cosine of E5
vectors over the point and its alternative phrasings) and checked for the point's own content
words. A point earns credit only for its specific words, and only where the sentence is on the
point at all: E5 cosines run high for any text on the topic, so a fluent bluff full of the
topic's terms reaches them too. The score comes from the points' credit and weights
(calibration.py); rules on top catch what evidence cannot: an empty answer, one that copies the
question, one about something else, a known misconception, a wrong number or option.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from coach.corpus.models import Kind
from coach.grading import choices, feedback, formula, numeric
from coach.grading.calibration import CALIBRATION, Calibration
from coach.grading.cues import negation_count
from coach.grading.insights import insights
from coach.grading.models import (
    OFFLINE,
    AnswerSpan,
    ChoiceCheck,
    Grade,
    KeyPointResult,
    NumericCheck,
    PointStatus,
    Verdict,
)
from coach.grading.rubric import Rubric
from coach.grading.vectors import VectorCache
from coach.text import Span, content_terms, detect_lang, sentences, words

MAX_UNITS = 60
MIN_EXPLANATION = 4  # content words beyond which a multiple-choice answer explains itself
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

    sem: float
    lex: float
    length: float
    relevance: float  # closeness to question or key, above what a nonsense text reaches
    shares_terms: bool
    copied: bool
    points: list[PointMatch]
    misconceptions: list[str]
    # How much closer the answer's sentences come to a misconception than to any key point.
    misconception_margin: float


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
    question_sim = float((vecs.answer @ vecs.question.T).max()) if len(vecs.question) else 0.0
    question_sim += cal.gap(lang, rubric.lang)
    reference_terms = {t for g in variants for v in g for t in content_terms(v)}
    reference_terms |= set(content_terms(rubric.reference))
    return Measurement(
        sem=sem,
        lex=_weighted(rubric, [m.lex for m in matches]),
        length=_length(rubric, text),
        relevance=max(sem, question_sim) - _probe_floor(rubric, variants, vecs),
        shares_terms=bool(answer_terms & (reference_terms | question_terms)),
        copied=_copied(answer_terms, question_terms, question_sim),
        points=matches,
        misconceptions=_misconceptions(rubric, vecs, sims, unit_texts, cal),
        misconception_margin=_misconception_margin(vecs, sims),
    )


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
    sims = vecs.probes @ vecs.points.T
    per_point: list[np.ndarray] = []
    start = 0
    for group in variants:
        per_point.append(sims[:, start : start + len(group)].max(axis=1))
        start += len(group)
    weights = np.array([p.weight for p in rubric.points])
    # A reference without a word (only symbols) has no points: only the reference counts.
    none = np.zeros(len(vecs.probes))
    sem = (np.stack(per_point, axis=1) @ weights) / weights.sum() if per_point else none
    if len(vecs.reference):
        whole = vecs.probes @ vecs.reference[0]
        sem = (whole + sem) / 2 if per_point else whole
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


def _misconception_margin(vecs: _Vectors, point_sims: np.ndarray) -> float:
    if not len(vecs.misconceptions) or not point_sims.size:
        return 0.0
    closest = (vecs.answer @ vecs.misconceptions.T).max(axis=1)
    return float((closest - point_sims.max(axis=1)).max())


def _misconceptions(
    rubric: Rubric,
    vecs: _Vectors,
    point_sims: np.ndarray,
    unit_texts: list[str],
    cal: Calibration,
) -> list[str]:
    """Misconceptions a sentence asserts: close to it, clearly closer than to any key point
    (correct answers come within a few hundredths of the misconceptions of their topic), and
    with the same polarity (so "X is not Y" does not assert the misconception "X is Y")."""
    found: list[str] = []
    if not len(vecs.misconceptions):
        return found
    sims = vecs.answer @ vecs.misconceptions.T
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


def grade_offline(
    rubric: Rubric,
    text: str,
    vectors: VectorCache,
    *,
    lang: str | None,
    injected: bool = False,
    cal: Calibration = CALIBRATION,
) -> Grade:
    """Grade `text` (already truncated, grader-directed sentences blanked) against `rubric`."""
    lang = lang or detect_lang(text) or rubric.lang
    notes = insights(rubric, text, injected=injected)
    choice = _choice(rubric, text)
    if is_empty(text) and (choice is None or choice.chosen is None):
        # An answer made only of instructions to the grader answered nothing: off topic.
        verdict = Verdict.OFF_TOPIC if injected and text.strip() == "" else Verdict.EMPTY
        missed = [
            KeyPointResult(text=p.text, weight=p.weight, status=PointStatus.MISSED)
            for p in rubric.points
        ]
        return _finish(
            rubric,
            Grade(
                score=0.0,
                verdict=verdict,
                key_points=missed,
                lang=lang,
                confidence=0.95,
                insights=notes,
            ),
        )
    m = measure(rubric, text, vectors, cal)
    credits = [cal.credit(p.sim, p.lex) for p in m.points]
    # A cosine cannot tell "the sum of its n-gram vectors" from "the product": a claim whose
    # key point the answer covers in the point's own words is not held against it.
    about = _about(rubric, m.misconceptions, vectors)
    asserted = [
        c
        for c in m.misconceptions
        if c not in about or credits[about[c]] < cal.covered_at or _uses_every_word(c, text)
    ]
    contradicted = {about[c] for c in asserted if c in about}
    adjustment = cal.adjustment(m.sem, m.length, m.misconception_margin)
    weights = [p.weight for p in rubric.points]
    score = formula.score(weights, credits, adjustment, contradicted=bool(asserted), cal=cal)
    verdict = _verdict(score, cal)
    covered_any = any(c >= cal.partly_at for c in credits)
    if m.relevance < cal.off_topic_margin and not (m.shares_terms and covered_any):
        # A label, not a penalty: such answers already score low, and a short on-topic answer
        # in other words can land here too. Words in common with the key keep a low answer on
        # topic only where it covers something ("learning rate" is no answer about positions).
        verdict = Verdict.OFF_TOPIC
    elif m.copied:
        score, verdict = min(score, 1.0), Verdict.INCORRECT
        notes.flags.append("copied_question")
    elif asserted:
        verdict = Verdict.CONTRADICTORY
    grade = Grade(
        score=score,
        verdict=verdict,
        key_points=_points(rubric, m, credits, contradicted, cal),
        misconceptions=asserted,
        adjustment=round(adjustment, 3),
        lang=lang,
        insights=notes,
        confidence=_confidence(score, rubric.source, cal),
    )
    if choice is not None:
        _apply_choice(grade, choice, explained=len(content_terms(text)) >= MIN_EXPLANATION)
    elif rubric.numeric is not None:
        _apply_numeric(grade, numeric.check(text, rubric.numeric), cal)
    return _finish(rubric, grade)


def _verdict(score: float, cal: Calibration) -> Verdict:
    if score >= cal.correct_at:
        return Verdict.CORRECT
    return Verdict.PARTIALLY_CORRECT if score >= cal.partial_at else Verdict.INCORRECT


def _points(
    rubric: Rubric, m: Measurement, credits: list[float], contradicted: set[int], cal: Calibration
) -> list[KeyPointResult]:
    results = []
    for i, (point, match, p) in enumerate(zip(rubric.points, m.points, credits, strict=True)):
        status = (
            PointStatus.CONTRADICTED
            if i in contradicted
            else PointStatus.COVERED
            if p >= cal.covered_at
            else PointStatus.PARTLY
            if p >= cal.partly_at
            else PointStatus.MISSED
        )
        span = (
            AnswerSpan(start=match.unit.start, end=match.unit.end, text=match.unit.text)
            if match.unit and status in (PointStatus.COVERED, PointStatus.PARTLY)
            else None
        )
        results.append(
            KeyPointResult(
                text=point.text, weight=point.weight, status=status, span=span, match=round(p, 3)
            )
        )
    return results


def _uses_every_word(claim: str, text: str) -> bool:
    return set(content_terms(claim)) <= set(content_terms(text))


def _about(rubric: Rubric, claims: list[str], vectors: VectorCache) -> dict[str, int]:
    """The key point each misconception is about (the one closest to it)."""
    if not claims or not rubric.points:
        return {}
    sims = vectors.get(claims) @ vectors.get([p.text for p in rubric.points]).T
    return {c: int(i) for c, i in zip(claims, sims.argmax(axis=1), strict=True)}


def _choice(rubric: Rubric, text: str) -> ChoiceCheck | None:
    """The option the answer picks, for a multiple-choice question with a keyed answer."""
    if rubric.kind is not Kind.MULTIPLE_CHOICE or not rubric.correct_option:
        return None
    chosen = choices.parse(text, rubric.options, rubric.options_en)
    return ChoiceCheck(
        chosen=chosen,
        correct=rubric.correct_option,
        options=rubric.options_en or rubric.options,
        ok=chosen == rubric.correct_option,
    )


def _apply_choice(grade: Grade, choice: ChoiceCheck, *, explained: bool) -> None:
    """The option decides the grade; key points show what an explanation, if any, covered."""
    grade.choice_check = choice
    if not explained:
        grade.key_points = []
    grade.score = 10.0 if choice.ok else 0.0
    grade.verdict = Verdict.CORRECT if choice.ok else Verdict.INCORRECT
    grade.confidence = 0.95 if choice.chosen is not None else 0.6
    if choice.chosen is None:
        grade.notices.append("no option could be read from the answer")


def _apply_numeric(grade: Grade, check: NumericCheck, cal: Calibration) -> None:
    """The number decides most of the grade; the explanation (key points) the rest."""
    grade.numeric_check = check
    if grade.verdict in (Verdict.OFF_TOPIC, Verdict.EMPTY) and check.given is None:
        return
    if check.ok:
        grade.score = 6.0 + 0.4 * grade.score
    else:
        grade.score = min(grade.score / 2, cal.partial_at - 0.5)
        if check.given is None:
            grade.notices.append("no number found in the answer")
    grade.verdict = _verdict(grade.score, cal)


def _confidence(score: float, source: str, cal: Calibration) -> float:
    """Higher far from a verdict threshold and with a reviewed reference."""
    base = {"key": 0.6, "teacher": 0.6, "document": 0.5, "retrieved": 0.35}.get(source, 0.2)
    margin = min(abs(score - cal.correct_at), abs(score - cal.partial_at))
    return round(min(0.9, base + 0.1 * margin), 2)


def _finish(rubric: Rubric, grade: Grade) -> Grade:
    grade.score = round(min(10.0, max(0.0, grade.score)), 1)
    grade.grader = OFFLINE
    grade.evidence = list(rubric.evidence)
    grade.reference_source = rubric.source
    grade.notices = [*rubric.notices, *grade.notices]
    grade.feedback = feedback.offline(rubric, grade)
    return grade
