"""Vector and term-weight calculators: cosine similarity, TF-IDF and CLIP-style logits."""

from __future__ import annotations

import math
import re
from typing import Literal

import numpy as np
from pydantic import Field

from coach.calculators.result import CalcResult, Query
from coach.calculators.units import num
from coach.errors import InputError


class CosineQuery(Query):
    a: list[float] = Field(min_length=1)
    b: list[float] = Field(min_length=1)


def _vec(values: list[float]) -> str:
    return "[" + ", ".join(num(v) for v in values) + "]"


def cosine(q: CosineQuery) -> CalcResult:
    """cos(a, b) = a·b / (|a|·|b|); distance = 1 - cos."""
    if len(q.a) != len(q.b):
        raise InputError("b", len(q.b), f"same length as a ({len(q.a)})")
    a, b = np.asarray(q.a, dtype=float), np.asarray(q.b, dtype=float)
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0 or nb == 0:
        raise InputError("a" if na == 0 else "b", q.a if na == 0 else q.b, "a non-zero vector")
    dot = float(a @ b)
    cos = dot / (na * nb)
    angle = math.degrees(math.acos(max(-1.0, min(1.0, cos))))
    return CalcResult(
        tool="cosine",
        value=cos,
        unit="cosine similarity",
        breakdown={
            "similarity": cos,
            "distance": 1 - cos,
            "dot": dot,
            "norm_a": na,
            "norm_b": nb,
            "angle_deg": angle,
        },
        steps=[
            "a·b = "
            + " + ".join(f"{num(x)}·{num(y)}" for x, y in zip(q.a, q.b, strict=True))
            + f" = {num(dot)}",
            f"|a| = sqrt({' + '.join(num(x * x) for x in q.a)}) = {num(na)}; "
            f"|b| = sqrt({' + '.join(num(y * y) for y in q.b)}) = {num(nb)}",
            f"cos = a·b/(|a|·|b|) = {num(dot)}/({num(na)}·{num(nb)}) = {num(cos)}",
            f"cosine distance = 1 - cos = {num(1 - cos)}; angle = {num(angle)}°",
        ],
        assumptions=["similarity ranges over [-1, 1]; distance 1 - cos over [0, 2]"],
    )


class TfidfQuery(Query):
    documents: list[str] = Field(min_length=1)
    term: str = Field(min_length=1)
    doc: int = Field(0, ge=0, description="index of the document to score")
    variant: Literal["sklearn", "textbook"] = Field(
        "sklearn",
        description="sklearn: raw count x (ln((1+N)/(1+df))+1), L2-normalised; "
        "textbook: count/len x log(N/df)",
    )
    smooth_idf: bool = True
    norm: Literal["l2", "none"] = "l2"
    log_base: float = Field(10.0, gt=1, description="textbook variant's log base")


# Keep one-letter words: toy interview corpora use them and sklearn's default drops them.
TOKEN_PATTERN = r"(?u)\b\w+\b"


def tfidf(q: TfidfQuery) -> CalcResult:
    if q.doc >= len(q.documents):
        raise InputError("doc", q.doc, f"an index below {len(q.documents)}")
    term = q.term.lower()
    return _sklearn(q, term) if q.variant == "sklearn" else _textbook(q, term)


def _sklearn(q: TfidfQuery, term: str) -> CalcResult:
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    vectorizer = TfidfVectorizer(
        token_pattern=TOKEN_PATTERN,
        smooth_idf=q.smooth_idf,
        norm=None if q.norm == "none" else "l2",
    )
    matrix = vectorizer.fit_transform(q.documents)
    vocab = vectorizer.vocabulary_
    if term not in vocab:
        raise InputError("term", q.term, "a word that occurs in the documents")
    counts = CountVectorizer(token_pattern=TOKEN_PATTERN, vocabulary=vocab).transform(q.documents)
    col, n = vocab[term], len(q.documents)
    tf, df = int(counts[q.doc, col]), int((counts[:, col] > 0).sum())
    idf = float(vectorizer.idf_[col])
    raw = tf * idf
    value = float(matrix[q.doc, col])
    idf_formula = (
        f"ln((1+N)/(1+df)) + 1 = ln({1 + n}/{1 + df}) + 1"
        if q.smooth_idf
        else f"ln(N/df) + 1 = ln({n}/{df}) + 1"
    )
    steps = [
        f"tf = count of {term!r} in document {q.doc} = {tf}",
        f"idf = {idf_formula} = {num(idf)} (N = {n} documents, df = {df})",
        f"tf·idf = {tf}·{num(idf)} = {num(raw)}",
    ]
    if q.norm == "l2":
        row = matrix[q.doc].toarray()[0]
        norm = raw / value if value else 0.0
        steps.append(
            f"L2-normalise the document vector (norm {num(norm)}): {num(raw)}/{num(norm)} "
            f"= {num(value)}"
        )
        breakdown = {"tf": tf, "df": df, "idf": idf, "tf_idf": raw, "l2_norm": norm}
        details = {"row": {t: float(row[i]) for t, i in sorted(vocab.items()) if row[i]}}
    else:
        breakdown, details = {"tf": tf, "df": df, "idf": idf, "tf_idf": raw}, {}
    return CalcResult(
        tool="tfidf",
        value=value,
        unit="tf-idf",
        breakdown=breakdown,
        steps=steps,
        details=details,
        assumptions=[
            "scikit-learn TfidfVectorizer: raw counts, natural log, "
            "lowercased words (one-letter words kept)"
        ],
    )


def _textbook(q: TfidfQuery, term: str) -> CalcResult:
    docs = [re.findall(TOKEN_PATTERN, d.lower()) for d in q.documents]
    words = docs[q.doc]
    count = words.count(term)
    df = sum(term in d for d in docs)
    if df == 0:
        raise InputError("term", q.term, "a word that occurs in the documents")
    tf = count / len(words)
    idf = math.log(len(docs) / df, q.log_base)
    base = num(q.log_base)
    return CalcResult(
        tool="tfidf",
        value=tf * idf,
        unit="tf-idf",
        breakdown={"tf": tf, "df": df, "idf": idf},
        steps=[
            f"tf = {count}/{len(words)} words = {num(tf)}",
            f"idf = log{base}(N/df) = log{base}({len(docs)}/{df}) = {num(idf)}",
            f"tf·idf = {num(tf)}·{num(idf)} = {num(tf * idf)}",
        ],
        assumptions=[
            "textbook TF-IDF: term frequency relative to document length, "
            f"unsmoothed idf with log base {base}"
        ],
    )


class ClipQuery(Query):
    """Cosine similarities (or raw embeddings) between one image and candidate texts."""

    cosines: list[float] | None = Field(None, description="cos(image, text_i) per text")
    image: list[float] | None = None
    texts: list[list[float]] | None = None
    scale: float = Field(100.0, gt=0, description="exp(logit_scale); CLIP's trained value is 100")


def clip_logits(q: ClipQuery) -> CalcResult:
    """logit_i = scale x cos(image, text_i); probabilities = softmax over texts."""
    steps = []
    if q.cosines is not None:
        cos = list(q.cosines)
    elif q.image is not None and q.texts:
        img = np.asarray(q.image, dtype=float)
        if any(len(t) != len(img) for t in q.texts):
            raise InputError("texts", [len(t) for t in q.texts], f"vectors of length {len(img)}")
        cos = [
            float(img @ t / (np.linalg.norm(img) * np.linalg.norm(t)))
            for t in np.asarray(q.texts, dtype=float)
        ]
        steps.append("cos_i = image·text_i/(|image|·|text_i|) = " + _vec(cos))
    else:
        raise InputError("cosines", None, "give cosines, or image and texts embeddings")
    logits = [q.scale * c for c in cos]
    top = max(logits)
    exps = [math.exp(x - top) for x in logits]
    probs = [e / sum(exps) for e in exps]
    steps += [
        f"logit_i = {num(q.scale)} x cos_i = {_vec(logits)}",
        f"softmax over texts: p_i = exp(logit_i)/Σ exp(logit_j) = {_vec(probs)}",
    ]
    return CalcResult(
        tool="clip_logits",
        value=logits[0],
        unit="logit (text 1)",
        breakdown={
            **{f"logit_{i + 1}": x for i, x in enumerate(logits)},
            **{f"prob_{i + 1}": p for i, p in enumerate(probs)},
        },
        steps=steps,
        assumptions=[
            "CLIP learns logit_scale as a log temperature, initialised to ln(1/0.07) "
            "(x14.3) and clipped at ln(100); the trained model uses x100"
        ],
    )
