"""GPU memory for inference, full training, LoRA and QLoRA, with the arithmetic shown.

Two conventions: `naive` keeps every tensor (weights, gradients, optimizer states) in the stated
precision, as interview quizzes do (7B FP32 + Momentum = 28 + 28 + 28 = 84 GB); `mixed` is mixed
precision training: low-precision weights and gradients plus fp32 master weights and fp32
optimizer states (Adam: 2 + 2 + 4 + 4 + 4 = 16 bytes/param, ZeRO paper §3.1). ZeRO stages shard
optimizer states (1), gradients (2) and weights (3) across data-parallel GPUs (Rajbhandari et
al. 2020, Figure 1); FSDP full sharding is stage 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field, field_validator

from coach.calculators.activations import Checkpointing, activation_bytes
from coach.calculators.architectures import Architecture, preset
from coach.calculators.gpus import fits, fits_text
from coach.calculators.kv_cache import KVShape, kv_bytes
from coach.calculators.optimizers import OPTIMIZER_STATES, Optimizer, normalize_optimizer
from coach.calculators.params import LoraTarget, default_targets, lora_count, model_count
from coach.calculators.result import CalcResult, Query
from coach.calculators.units import (
    FLOAT_PRECISIONS,
    PRECISION_BYTES,
    OptionalCount,
    Precision,
    gb,
    gib,
    normalize_precision,
    normalizer,
    num,
    rounded,
    short,
)
from coach.errors import InputError

Mode = Literal["inference", "train", "lora", "qlora"]
TRAINING: tuple[Mode, ...] = ("train", "lora", "qlora")
# Breakdown rows shown even at 0 bytes (SGD's empty optimizer state is itself an answer).
_ALWAYS_SHOWN = ("weights", "gradients", "optimizer_states")

_MODE_ALIASES = {
    "training": "train",
    "full": "train",
    "finetune": "train",
    "fulltraining": "train",
    "pretrain": "train",
    "infer": "inference",
    "serve": "inference",
    "serving": "inference",
}


class MemoryQuery(Query):
    """A model (parameter count, preset or architecture) and how it is run."""

    params: OptionalCount = Field(None, description="parameter count: 7B, 7e9, 13.5M")
    model: str | None = Field(None, description="preset, e.g. llama-2-7b (gives the shape)")
    layers: int | None = Field(None, gt=0)
    hidden: int | None = Field(None, gt=0)
    heads: int | None = Field(None, gt=0)
    kv_heads: int | None = Field(None, gt=0)
    ffn: int | None = Field(None, gt=0)
    vocab: int | None = Field(None, gt=0)
    mode: Mode = Field("inference", description="inference | train | lora | qlora")
    precision: Precision | None = Field(
        None,
        description="weight precision; default fp16 (inference), bf16 (train/lora), nf4 (qlora)",
    )
    optimizer: Optimizer | None = Field(None, description="training optimizer; default adamw")
    convention: Literal["naive", "mixed"] = Field(
        "naive", description="naive: every tensor in `precision`; mixed: fp32 master + fp32 states"
    )
    batch: int | None = Field(None, gt=0, description="per-GPU micro-batch (activations/KV cache)")
    seq: int | None = Field(None, gt=0, description="sequence length / context in tokens")
    checkpointing: Checkpointing = Field("none", description="activation recomputation")
    kv_dtype: Precision | None = Field(None, description="KV-cache precision; default fp16")
    lora_rank: int | None = Field(None, gt=0)
    lora_params: OptionalCount = Field(None, description="trainable adapter parameters, e.g. 4.2M")
    lora_targets: list[LoraTarget] = Field(default_factory=default_targets)
    zero: Literal[0, 1, 2, 3] = Field(0, description="ZeRO stage")
    fsdp: bool = Field(False, description="FSDP full sharding (= ZeRO stage 3)")
    gpus: int = Field(1, gt=0, description="data-parallel GPUs that share the sharded state")
    overhead_gb: float = Field(0.0, ge=0, description="framework/CUDA overhead to add, in GB")
    overhead_pct: float = Field(
        0.0, ge=0, le=300, description="overhead as a share of the rest, in % (the 1.2x rule: 20)"
    )

    _precisions = field_validator("precision", "kv_dtype", mode="before")(normalize_precision)
    _modes = field_validator("mode", mode="before")(normalizer(_MODE_ALIASES))
    _optimizers = field_validator("optimizer", mode="before")(normalize_optimizer)


class MemoryEstimate(CalcResult):
    params: int
    gpus: int = 1
    bytes_per_param: dict[str, float] = Field(default_factory=dict)
    breakdown_gib: dict[str, float] = Field(default_factory=dict)
    # Training modes: the total under the other convention (naive <-> mixed), for comparison.
    other_convention: Literal["naive", "mixed"] | None = None
    other_total_gb: float | None = None


@dataclass
class _Part:
    name: str  # breakdown row; "" for a derivation-only line
    bytes: float
    text: str
    per_param: float | None = None


def architecture(q: MemoryQuery) -> Architecture | None:
    """The preset, overridden by any explicit shape fields; None when no shape was given."""
    fields = {k: getattr(q, k) for k in ("layers", "hidden", "heads", "kv_heads", "ffn", "vocab")}
    given = {k: v for k, v in fields.items() if v is not None}
    if q.model:
        return preset(q.model).model_copy(update=given) if given else preset(q.model)
    if not given:
        return None
    for name in ("layers", "hidden", "heads"):
        if name not in given:
            raise InputError(
                name,
                None,
                "an architecture needs layers, hidden and heads (kv_heads, ffn, vocab optional)",
            )
    return Architecture(name="custom", **given)


def _param_count(q: MemoryQuery, arch: Architecture | None) -> tuple[int, str]:
    if q.params is not None:
        return q.params, f"parameters: {short(q.params)} = {num(q.params)} (given)"
    if arch is None:
        raise InputError(
            "params",
            None,
            "give a count (7B, 7e9), a model preset or an "
            "architecture (layers, hidden, heads, ffn, vocab)",
        )
    total, _, _ = model_count(arch)
    return total, f"parameters of {arch.name} from its shape: {num(total)} ({short(total)})"


def _defaults(q: MemoryQuery) -> tuple[str, str, list[str]]:
    notes = []
    precision: str = q.precision or {"inference": "fp16", "qlora": "nf4"}.get(q.mode, "bf16")
    if q.precision is None:
        notes.append(f"precision not given: {precision} assumed for {q.mode}")
    optimizer: str = q.optimizer or "adamw"
    if q.mode in TRAINING and q.optimizer is None:
        notes.append("optimizer not given: AdamW assumed")
    if q.mode == "qlora" and precision in FLOAT_PRECISIONS:
        raise InputError(
            "precision",
            precision,
            "qlora quantises the frozen base: nf4, int4, "
            "int8 or fp8 (use mode=lora for a 16/32-bit base)",
        )
    return precision, optimizer, notes


def _trainable(q: MemoryQuery, arch: Architecture | None, n_params: int) -> tuple[int, list[_Part]]:
    """Trainable parameter count and, for LoRA modes, the frozen base-weight part."""
    if q.mode == "train":
        return n_params, []
    if q.lora_params is not None:
        return q.lora_params, []
    if q.lora_rank is None or arch is None:
        raise InputError(
            "lora_rank",
            q.lora_rank,
            "LoRA needs lora_params (a count) or lora_rank with a model preset or an architecture",
        )
    count, steps = lora_count(arch, q.lora_rank, list(q.lora_targets))
    return count, [_Part("", 0, "LoRA adapters: " + "; ".join(steps))]


def _training_parts(
    q: MemoryQuery, arch: Architecture | None, n: int, precision: str, optimizer: str, conv: str
) -> list[_Part]:
    """Weights (and for LoRA the frozen base), gradients, optimizer states, master weights."""
    b = PRECISION_BYTES[precision]
    if q.mode == "train":
        trainable, who = n, ""
        parts = [_Part("weights", n * b, f"weights: {num(n)} params x {num(b)} B ({precision})", b)]
    else:
        trainable, parts = _trainable(q, arch, n)
        who = "adapter "
        text = f"frozen base weights: {num(n)} x {num(b)} B ({precision})"
        parts.append(_Part("weights", n * b, text, b))
        # Adapters compute in the base's float precision, or bf16 over a quantised base.
        precision = precision if precision in FLOAT_PRECISIONS else "bf16"
        b = PRECISION_BYTES[precision]
        text = f"adapter weights: {num(trainable)} x {num(b)} B ({precision})"
        parts.append(_Part("weights", trainable * b, text))
    full = who == ""  # bytes per parameter are meaningful only when every parameter trains
    why = "same precision as the weights" if conv == "naive" else "mixed precision"
    text = f"{who}gradients: {num(trainable)} x {num(b)} B ({precision}, {why})"
    parts.append(_Part("gradients", trainable * b, text, b if full else None))
    k, holds = OPTIMIZER_STATES[optimizer]
    state_b = 1.0 if optimizer == "adam8bit" else (b if conv == "naive" else 4.0)
    text = (
        f"{who}optimizer states: {optimizer} keeps {k} per parameter ({holds}): "
        f"{num(trainable)} x {k} x {num(state_b)} B"
    )
    parts.append(
        _Part("optimizer_states", trainable * k * state_b, text, k * state_b if full else None)
    )
    master = 4.0 if conv == "mixed" and b < 4 else 0.0
    why = "naive convention" if conv == "naive" else "weights already fp32"
    text = f"{who}fp32 master weights: {num(trainable)} x 4 B"
    if not master:
        text = f"{who}master weights: none ({why})"
    parts.append(_Part("master_weights", trainable * master, text, master if full else None))
    return parts


def _shard(parts: list[_Part], stage: int, gpus: int) -> list[str]:
    """Divide the sharded parts by the GPU count; return the derivation lines."""
    sharded = ("optimizer_states", "master_weights", "gradients", "weights")[: stage + 1]
    for part in parts:
        if part.name in sharded:
            part.bytes /= gpus
            part.text += f" / {gpus} GPUs"
    names = ", ".join(name.replace("_", " ") for name in sharded)
    return [f"ZeRO stage {stage} across {gpus} GPUs: {names} are split {gpus} ways"]


def _extras(q: MemoryQuery, arch: Architecture | None, precision: str) -> list[_Part]:
    parts: list[_Part] = []
    if q.seq is None and q.batch is None:
        return parts
    if q.seq is None:
        raise InputError("seq", None, "batch needs a sequence length (tokens)")
    if arch is None:
        raise InputError(
            "model",
            None,
            "activations and the KV cache need the shape: a preset "
            "(e.g. llama-2-7b) or layers, hidden, heads",
        )
    batch = q.batch or 1
    if q.mode == "inference":
        dtype = q.kv_dtype or (precision if precision in FLOAT_PRECISIONS else "fp16")
        shape = KVShape(layers=arch.layers, kv_heads=arch.n_kv_heads, head_dim=arch.head_dim)
        total, _, text = kv_bytes(shape, q.seq, batch, dtype)
        parts.append(_Part("kv_cache", total, text))
    else:
        total, text = activation_bytes(arch, batch, q.seq, q.checkpointing)
        parts.append(_Part("activations", total, text))
    return parts


def _parts(q: MemoryQuery, convention: str) -> tuple[int, list[_Part], list[str], list[str]]:
    """(params, parts, derivation lines, assumptions) for one convention."""
    arch = architecture(q)
    n, count_text = _param_count(q, arch)
    precision, optimizer, notes = _defaults(q)
    steps = [count_text]
    if q.mode == "inference":
        b = PRECISION_BYTES[precision]
        parts = [_Part("weights", n * b, f"weights: {num(n)} params x {num(b)} B ({precision})", b)]
    else:
        parts = _training_parts(q, arch, n, precision, optimizer, convention)
    parts += _extras(q, arch, precision)
    if q.overhead_gb:
        text = f"framework overhead: {num(q.overhead_gb)} GB (given)"
        parts.append(_Part("overhead", q.overhead_gb * 1e9, text))
    stage = 3 if q.fsdp else q.zero
    if stage and q.gpus > 1:
        steps += _shard(parts, stage, q.gpus)
    if q.overhead_pct:
        # A share of what each GPU holds, so it comes after sharding.
        rest = sum(p.bytes for p in parts)
        text = f"overhead: {num(q.overhead_pct)} % of {num(rest / 1e9)} GB (given)"
        parts.append(_Part("overhead_share", rest * q.overhead_pct / 100, text))
    return n, parts, steps, notes


def _assumptions(q: MemoryQuery, notes: list[str], precision: str) -> list[str]:
    out = [*notes, "GB = 10^9 bytes, GiB = 2^30 bytes"]
    if q.mode in TRAINING:
        out.append(
            f"naive convention: weights, gradients and optimizer states all in {precision}"
            if q.convention == "naive"
            else f"mixed precision: {precision} weights and gradients, fp32 master weights and "
            "fp32 optimizer states (8-bit optimizers keep 1-byte states)"
        )
    elif q.optimizer is not None:
        out.append(f"optimizer {q.optimizer} ignored: inference keeps no optimizer state")
        if q.seq is None:
            out.append("activations not included (give batch and seq with a model shape)")
    if q.mode == "inference" and q.seq is None:
        out.append("weights only: no KV cache or activations (give seq with a model shape)")
    elif q.mode == "inference":
        out.append("inference activations (one layer at a time, freed as it goes) not included")
    if q.precision == "int4" or (q.precision is None and q.mode == "qlora"):
        out.append(
            "int4 counts 4 bits per weight without quantisation scales; nf4 adds QLoRA's "
            "0.127 bits/param of double-quantised constants"
        )
    if (q.zero or q.fsdp) and q.gpus == 1:
        out.append("ZeRO/FSDP on 1 GPU shards nothing")
    if q.gpus > 1 and not (q.zero or q.fsdp):
        out.append(f"no sharding: each of the {q.gpus} data-parallel GPUs holds a full replica")
    if not (q.overhead_gb or q.overhead_pct):
        out.append("CUDA context and allocator overhead (often 0.5-1 GB+) not included")
    return out


def estimate(q: MemoryQuery) -> MemoryEstimate:
    """Total per GPU, its breakdown, the arithmetic, assumptions and fits-on verdicts."""
    n, parts, steps, notes = _parts(q, q.convention)
    breakdown: dict[str, float] = {}
    per_param: dict[str, float] = {}
    for part in parts:
        if part.name and (part.bytes or part.name in _ALWAYS_SHOWN):
            breakdown[part.name] = breakdown.get(part.name, 0.0) + part.bytes
        if part.per_param is not None:
            per_param[part.name] = part.per_param
        if part.text:
            steps.append(part.text + (f" = {num(gb(part.bytes))} GB" if part.name else ""))
    total = sum(breakdown.values())
    label = " per GPU" if q.gpus > 1 else ""
    steps.append(
        f"total{label} = "
        + " + ".join(num(gb(v)) for v in breakdown.values())
        + f" = {num(gb(total))} GB = {num(gib(total))} GiB"
    )
    extras = {"activations", "kv_cache", "overhead", "overhead_share"} & breakdown.keys()
    if per_param and q.mode in ("inference", "train") and not extras:
        steps.append(
            f"= {num(sum(per_param.values()))} bytes per parameter"
            + (" before sharding" if (q.zero or q.fsdp) and q.gpus > 1 else "")
        )
    steps.append(f"{num(gib(total))} GiB{label}: {fits_text(gib(total))}")
    assumptions = _assumptions(q, notes, _defaults(q)[0])
    other: Literal["naive", "mixed"] | None = None
    other_total = 0.0
    if q.mode in TRAINING:
        other = "mixed" if q.convention == "naive" else "naive"
        other_total = sum(p.bytes for p in _parts(q, other)[1] if p.name)
        if abs(other_total - total) > 1e-9 * total:
            assumptions.append(
                f"with convention={other} the total would be {num(gb(other_total))} GB"
            )
    return MemoryEstimate(
        tool="memory",
        total_gb=rounded(gb(total)),
        total_gib=rounded(gib(total)),
        unit="GB",
        breakdown={k: rounded(gb(v)) for k, v in breakdown.items()},
        breakdown_gib={k: rounded(gib(v)) for k, v in breakdown.items()},
        bytes_per_param=per_param,
        steps=steps,
        assumptions=assumptions,
        params=n,
        gpus=q.gpus,
        fits=fits(gib(total)),
        other_convention=other,
        other_total_gb=rounded(gb(other_total)) if other else None,
    )
