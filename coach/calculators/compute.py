"""Compute estimates: self-attention cost (O(n²·d)), training FLOPs (≈ 6·N·D) and
Chinchilla compute-optimal tokens (≈ 20 tokens per parameter)."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, field_validator

from coach.calculators.result import CalcResult, Query
from coach.calculators.units import (
    PRECISION_BYTES,
    Count,
    OptionalCount,
    Precision,
    gb,
    normalize_precision,
    num,
    short,
)
from coach.errors import InputError

PF_DAY = 1e15 * 86400  # one petaFLOP/s sustained for a day (the GPT-3 paper's unit)
CHINCHILLA_TOKENS_PER_PARAM = 20


class AttentionQuery(Query):
    seq: int = Field(gt=0, description="sequence length n")
    hidden: int = Field(gt=0, description="model width d (= heads x head_dim)")
    heads: int = Field(1, gt=0)
    batch: int = Field(1, gt=0)
    layers: int = Field(1, gt=0)
    dtype: Precision = Field("fp16", description="precision of the materialised score matrix")

    _normalize = field_validator("dtype", mode="before")(normalize_precision)


def attention(q: AttentionQuery) -> CalcResult:
    """Forward FLOPs of QKᵀ and softmax·V (2 FLOPs per multiply-add) and score-matrix memory."""
    n, d, b, L = q.seq, q.hidden, q.batch, q.layers
    qk = 2 * b * n * n * d * L
    av = 2 * b * n * n * d * L
    proj = 8 * b * n * d * d * L
    size = PRECISION_BYTES[q.dtype]
    scores = b * q.heads * n * n * size
    return CalcResult(
        tool="attention",
        value=qk + av,
        unit="FLOPs",
        breakdown={
            "qk_flops": qk,
            "av_flops": av,
            "projection_flops": proj,
            "score_memory_gb": gb(scores),
        },
        steps=[
            f"QKᵀ: 2·b·n²·d·L = 2·{b}·{n}²·{d}·{L} = {num(qk)} FLOPs",
            f"softmax(QKᵀ)·V: 2·b·n²·d·L = {num(av)} FLOPs",
            f"attention core = 4·b·n²·d·L = {num(qk + av)} FLOPs: O(n²·d), quadratic in n",
            f"Q,K,V,O projections: 4 x 2·b·n·d²·L = {num(proj)} FLOPs: the n² term dominates "
            f"once n > 2d (here n/2d = {num(n / (2 * d))})",
            f"score matrix per layer: b·heads·n²·bytes = {b}·{q.heads}·{n}²·{num(size)} B "
            f"= {num(gb(scores))} GB (FlashAttention never materialises it)",
        ],
        assumptions=[
            "forward pass only; a multiply-add counts as 2 FLOPs; no causal-mask "
            "savings; softmax FLOPs (~b·heads·n²) ignored"
        ],
    )


class TrainingFlopsQuery(Query):
    params: Count = Field(description="parameters N, e.g. 175B")
    tokens: Count = Field(description="training tokens D, e.g. 300B")
    gpu_tflops: float | None = Field(
        None, gt=0, description="peak TFLOP/s per GPU (A100 bf16: 312)"
    )
    gpus: int = Field(1, gt=0)
    mfu: float = Field(0.4, gt=0, le=1, description="model FLOPs utilisation")
    report: Literal["flops", "time"] = Field(
        "flops", description="the headline value: FLOPs, or hours of training (needs gpu_tflops)"
    )


def training_flops(q: TrainingFlopsQuery) -> CalcResult:
    """C ≈ 6·N·D: 2·N·D forward + 4·N·D backward (Kaplan et al. 2020; Transformer Math 101)."""
    n, d = q.params, q.tokens
    total = 6 * n * d
    steps = [
        f"forward 2·N·D = 2·{short(n)}·{short(d)} = {num(2 * n * d)}",
        f"backward 4·N·D = {num(4 * n * d)}",
        f"C = 6·N·D = 6·{num(n)}·{num(d)} = {num(total)} FLOPs "
        f"= {num(total / PF_DAY)} petaFLOP/s-days",
    ]
    breakdown = {"forward": 2.0 * n * d, "backward": 4.0 * n * d, "pf_days": total / PF_DAY}
    if q.gpu_tflops:
        rate = q.gpu_tflops * 1e12 * q.gpus * q.mfu
        days = total / rate / 86400
        steps.append(
            f"time = C / ({num(q.gpu_tflops)} TFLOP/s x {q.gpus} GPUs x MFU {num(q.mfu)}) "
            f"= {num(days)} days"
        )
        breakdown["days"] = days
        breakdown["hours"] = days * 24
    timed = q.report == "time" and "hours" in breakdown
    return CalcResult(
        tool="training_flops",
        value=breakdown["hours"] if timed else total,
        unit="hours" if timed else "FLOPs",
        breakdown=breakdown,
        steps=steps,
        assumptions=[
            "dense transformer; attention FLOPs (∝ n_ctx) and activation recomputation not included"
        ],
    )


class ChinchillaQuery(Query):
    params: OptionalCount = Field(None, description="model size N; gives D = 20·N")
    flops: float | None = Field(None, gt=0, description="compute budget C; gives N = sqrt(C/120)")
    tokens: OptionalCount = Field(None, description="token budget D; gives N = D/20")


def chinchilla(q: ChinchillaQuery) -> CalcResult:
    """Hoffmann et al. 2022: compute-optimal D ≈ 20·N; with C = 6·N·D, N = sqrt(C/120)."""
    r = CHINCHILLA_TOKENS_PER_PARAM
    if q.params is not None:
        n = float(q.params)
        steps = [f"D = {r}·N = {r}·{short(n)} = {short(r * n)} tokens"]
    elif q.flops is not None:
        n = math.sqrt(q.flops / (6 * r))
        steps = [
            f"C = 6·N·D and D = {r}·N give N = sqrt(C/{6 * r}) = sqrt({num(q.flops)}/{6 * r}) "
            f"= {short(n)} parameters",
            f"D = {r}·N = {short(r * n)} tokens",
        ]
    elif q.tokens is not None:
        n = q.tokens / r
        steps = [f"N = D/{r} = {short(q.tokens)}/{r} = {short(n)} parameters"]
    else:
        raise InputError("params", None, "give params, flops or tokens")
    tokens = r * n
    steps.append(f"compute C = 6·N·D = {num(6 * n * tokens)} FLOPs")
    asked_size = q.params is None and q.flops is None  # a token budget asks for the size
    return CalcResult(
        tool="chinchilla",
        value=n if asked_size else tokens,
        unit="parameters" if asked_size else "tokens",
        breakdown={"params": n, "tokens": tokens, "flops": 6 * n * tokens},
        steps=steps,
        assumptions=[
            "D ≈ 20·N is the rule of thumb read off Hoffmann et al.'s "
            "compute-optimal table (1B -> 20.2B tokens, 10B -> 205.1B); "
            "it drifts for very large budgets"
        ],
    )
