"""KV-cache size: 2 (K and V) x layers x kv_heads x head_dim x tokens x batch x bytes."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from coach.calculators.architectures import preset
from coach.calculators.gpus import fits
from coach.calculators.result import CalcResult, Query
from coach.calculators.units import (
    PRECISION_BYTES,
    Precision,
    gb,
    gib,
    normalize_precision,
    num,
    rounded,
)
from coach.errors import InputError


class KVCacheQuery(Query):
    """A model shape (preset `model` or layers/kv_heads/head_dim) and a context to cache."""

    model: str | None = Field(None, description="preset name, e.g. llama-2-7b")
    layers: int | None = Field(None, gt=0)
    kv_heads: int | None = Field(None, gt=0, description="key/value heads (= heads without GQA)")
    head_dim: int | None = Field(None, gt=0, description="per-head size (hidden / heads)")
    seq: int = Field(gt=0, description="tokens in the cache (prompt + generated)")
    batch: int = Field(1, gt=0)
    dtype: Precision = Field("fp16", description="cache precision")

    _normalize = field_validator("dtype", mode="before")(normalize_precision)


class KVShape(BaseModel):
    layers: int
    kv_heads: int
    head_dim: int


def resolve_shape(q: KVCacheQuery) -> tuple[KVShape, list[str]]:
    """Explicit fields win over the preset; the notes say where each number came from."""
    notes: list[str] = []
    base = preset(q.model) if q.model else None
    if base is not None:
        notes.append(
            f"shape of {base.name}: {base.layers} layers, {base.n_kv_heads} KV heads, "
            f"head dim {base.head_dim}"
        )
    values = {
        "layers": q.layers or (base.layers if base else None),
        "kv_heads": q.kv_heads or (base.n_kv_heads if base else None),
        "head_dim": q.head_dim or (base.head_dim if base else None),
    }
    for name, value in values.items():
        if value is None:
            raise InputError(
                name, None, "give a model preset (e.g. llama-2-7b) or layers, kv_heads and head_dim"
            )
    return KVShape.model_validate(values), notes


def kv_bytes(shape: KVShape, seq: int, batch: int, dtype: str) -> tuple[float, float, str]:
    """(total bytes, bytes per token, the formula with numbers substituted)."""
    size = PRECISION_BYTES[dtype]
    per_token = 2 * shape.layers * shape.kv_heads * shape.head_dim * size
    total = per_token * seq * batch
    text = (
        f"KV cache = 2 (K,V) x {shape.layers} layers x {shape.kv_heads} KV heads x "
        f"{shape.head_dim} head dim x {num(size)} B ({dtype}) = {num(per_token)} B/token; "
        f"x {num(seq)} tokens x batch {batch} = {num(total)} B"
    )
    return total, per_token, text


def estimate(q: KVCacheQuery) -> CalcResult:
    shape, notes = resolve_shape(q)
    total, per_token, text = kv_bytes(shape, q.seq, q.batch, q.dtype)
    steps = [
        text,
        f"= {num(gb(total))} GB = {num(gib(total))} GiB ({num(per_token / 1024)} KiB per token)",
    ]
    return CalcResult(
        tool="kv_cache",
        total_gb=rounded(gb(total)),
        total_gib=rounded(gib(total)),
        unit="GB",
        breakdown={"keys": rounded(gb(total / 2)), "values": rounded(gb(total / 2))},
        steps=steps,
        assumptions=[
            *notes,
            "one K and one V vector per layer, KV head and token; no paging "
            "overhead or quantisation scales",
        ],
        details={"bytes_per_token": per_token},
        fits=fits(gib(total)),
    )
