"""Parameter counts with their derivation: RNN/LSTM/GRU, multi-head attention, a transformer
block, embeddings, LoRA adapters and whole decoder-only models."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from coach.calculators.architectures import Architecture, preset
from coach.calculators.result import CalcResult, Query
from coach.calculators.units import num, short
from coach.errors import InputError

Kind = Literal["rnn", "lstm", "gru", "attention", "block", "stack", "embedding", "lora", "model"]
LoraTarget = Literal["q", "k", "v", "o", "gate", "up", "down"]
GATES = {"rnn": 1, "gru": 3, "lstm": 4}


def default_targets() -> list[LoraTarget]:
    """PEFT's default LoRA targets for Llama-style models: the query and value projections."""
    return ["q", "v"]


class ParamsQuery(Query):
    """What to count. Which fields matter depends on `kind` (see each field's description)."""

    kind: Kind = Field(
        description="rnn | lstm | gru | attention | block | stack (≈12·L·d², no embeddings) | "
        "embedding | lora | model"
    )
    input_size: int | None = Field(None, gt=0, description="rnn/lstm/gru: input features")
    hidden_size: int | None = Field(
        None, gt=0, description="rnn/lstm/gru hidden units; attention/block/embedding model width"
    )
    layers: int = Field(1, gt=0, description="rnn/lstm/gru/stack: stacked layers; lora: layers")
    bidirectional: bool = False
    bias_vectors: Literal[0, 1, 2] = Field(
        2, description="rnn/lstm/gru biases per gate: 2 as in PyTorch (b_ih, b_hh), 1 as in Keras"
    )
    heads: int | None = Field(None, gt=0, description="attention/block: query heads")
    kv_heads: int | None = Field(None, gt=0, description="attention/block: key/value heads (GQA)")
    ffn: int | None = Field(None, gt=0, description="block: MLP inner size (default 4 x hidden)")
    mlp: Literal["gelu", "swiglu"] = Field("gelu", description="block: 2-matrix MLP or SwiGLU")
    bias: bool = Field(True, description="attention/block: linear layers have biases")
    vocab: int | None = Field(None, gt=0, description="embedding: vocabulary size")
    positions: int = Field(0, ge=0, description="embedding: learned position embeddings")
    rank: int | None = Field(None, gt=0, description="lora: adapter rank r")
    d_in: int | None = Field(None, gt=0, description="lora: adapted matrix input size")
    d_out: int | None = Field(None, gt=0, description="lora: adapted matrix output size")
    matrices: int = Field(1, gt=0, description="lora: how many matrices of that shape")
    model: str | None = Field(None, description="lora/model: preset name, e.g. llama-2-7b")
    targets: list[LoraTarget] = Field(
        default_factory=default_targets, description="lora with a model: projections"
    )


def _need(query: ParamsQuery, *names: str) -> list[Any]:
    values = [getattr(query, n) for n in names]
    for name, value in zip(names, values, strict=True):
        if value is None:
            raise InputError(name, None, f"required for kind={query.kind}")
    return values


def recurrent(q: ParamsQuery) -> CalcResult:
    """PyTorch layout: per layer and direction, gates x (H*in + H*H + biases*H)."""
    inp, hid = _need(q, "input_size", "hidden_size")
    gates, dirs = GATES[q.kind], 2 if q.bidirectional else 1
    steps, total, breakdown = [], 0, {}
    for layer in range(q.layers):
        layer_in = inp if layer == 0 else hid * dirs
        per_dir = gates * (hid * layer_in + hid * hid + q.bias_vectors * hid)
        steps.append(
            f"layer {layer + 1}: {gates} gate(s) x ({hid}x{layer_in} input weights + {hid}x{hid} "
            f"recurrent weights + {q.bias_vectors}x{hid} biases) = {num(per_dir)}"
            + (f"; x {dirs} directions = {num(per_dir * dirs)}" if dirs > 1 else "")
        )
        breakdown[f"layer_{layer + 1}"] = per_dir * dirs
        total += per_dir * dirs
    steps.append(f"total = {num(total)} parameters")
    bias_note = {
        2: "two bias vectors per gate (b_ih and b_hh), as PyTorch nn." + q.kind.upper(),
        1: "one bias vector per gate, as Keras/TensorFlow and most textbooks",
        0: "no biases",
    }[q.bias_vectors]
    return CalcResult(
        value=total,
        unit="parameters",
        breakdown=breakdown,
        steps=steps,
        assumptions=[
            f"{q.kind.upper()} gates: {gates}",
            bias_note,
            "Keras GRU with reset_after=True (TF2 default) also has two biases",
        ],
    )


def attention_count(hidden: int, heads: int, kv_heads: int, bias: bool) -> tuple[int, str]:
    hd = hidden // heads
    q_o = 2 * hidden * hidden
    k_v = 2 * hidden * kv_heads * hd
    biases = (2 * hidden + 2 * kv_heads * hd) if bias else 0
    text = (
        f"attention: Q,O 2x{hidden}x{hidden} + K,V 2x{hidden}x{kv_heads * hd} "
        f"+ biases {biases} = {num(q_o + k_v + biases)}"
    )
    return q_o + k_v + biases, text


def mlp_count(hidden: int, ffn: int, mlp: str, bias: bool) -> tuple[int, str]:
    mats = 3 if mlp == "swiglu" else 2
    biases = ((mats - 1) * ffn + hidden) if bias else 0
    count = mats * hidden * ffn + biases
    return count, f"MLP ({mlp}): {mats}x{hidden}x{ffn} + biases {biases} = {num(count)}"


def block_count(a: Architecture) -> tuple[int, list[str]]:
    attn, attn_text = attention_count(a.hidden, a.heads, a.n_kv_heads, a.bias)
    mlp, mlp_text = mlp_count(a.hidden, a.n_ffn, a.mlp, a.bias)
    norm = 2 * (2 if a.norm == "layernorm" else 1) * a.hidden
    norm_text = f"2 {a.norm}s: {norm}"
    return attn + mlp + norm, [attn_text, mlp_text, norm_text]


def model_count(a: Architecture) -> tuple[int, dict[str, float], list[str]]:
    """Whole decoder-only model: embeddings, blocks, final norm, LM head."""
    block, block_steps = block_count(a)
    embed = a.vocab * a.hidden + a.positions * a.hidden
    final_norm = (2 if a.norm == "layernorm" else 1) * a.hidden
    head = 0 if a.tied_embeddings else a.vocab * a.hidden
    total = embed + a.layers * block + final_norm + head
    steps = [
        f"embeddings: {a.vocab}x{a.hidden} + {a.positions}x{a.hidden} positions = {num(embed)}",
        *[f"per block, {s}" for s in block_steps],
        f"blocks: {a.layers} x {num(block)} = {num(a.layers * block)}",
        f"final norm {final_norm}; LM head "
        + (
            "tied to the embeddings (0)"
            if a.tied_embeddings
            else f"{a.vocab}x{a.hidden} = {num(head)}"
        ),
        f"total = {num(total)} ({short(total)})",
    ]
    breakdown = {
        "embeddings": float(embed),
        "blocks": float(a.layers * block),
        "final_norm": float(final_norm),
        "lm_head": float(head),
    }
    return total, breakdown, steps


def lora_targets(a: Architecture) -> dict[str, tuple[int, int]]:
    """(d_in, d_out) of each projection an adapter can target."""
    q_out, kv_out = a.heads * a.head_dim, a.n_kv_heads * a.head_dim
    return {
        "q": (a.hidden, q_out),
        "k": (a.hidden, kv_out),
        "v": (a.hidden, kv_out),
        "o": (q_out, a.hidden),
        "gate": (a.hidden, a.n_ffn),
        "up": (a.hidden, a.n_ffn),
        "down": (a.n_ffn, a.hidden),
    }


def lora_count(a: Architecture, rank: int, targets: list[str]) -> tuple[int, list[str]]:
    shapes = lora_targets(a)
    steps, total = [], 0
    for t in targets:
        d_in, d_out = shapes[t]
        if t == "gate" and a.mlp != "swiglu":
            raise InputError("targets", t, "gate exists only in SwiGLU models")
        count = a.layers * rank * (d_in + d_out)
        steps.append(f"{t}: {a.layers} layers x r{rank} x ({d_in} + {d_out}) = {num(count)}")
        total += count
    return total, steps


def _lora(q: ParamsQuery) -> CalcResult:
    (rank,) = _need(q, "rank")
    if q.model:
        arch = preset(q.model)
        total, steps = lora_count(arch, rank, list(q.targets))
        base, _, _ = model_count(arch)
        steps += [
            f"trainable = {num(total)} of {num(base + total)} ({100 * total / (base + total):.4f}%)"
        ]
        notes = [
            f"adapters on {', '.join(q.targets)} of every {arch.name} layer; A is r x d_in, "
            "B is d_out x r, no bias (PEFT defaults)"
        ]
        return CalcResult(
            value=total,
            unit="parameters",
            breakdown={"trainable": total, "base": base},
            steps=steps,
            assumptions=notes,
        )
    d_in, d_out = _need(q, "d_in", "d_out")
    per = rank * (d_in + d_out)
    total = per * q.matrices * q.layers
    return CalcResult(
        value=total,
        unit="parameters",
        steps=[
            f"one adapter: A ({rank}x{d_in}) + B ({d_out}x{rank}) = {rank} x ({d_in} + {d_out}) "
            f"= {num(per)}",
            f"x {q.matrices} matrices x {q.layers} layers = {num(total)}",
        ],
        assumptions=["LoRA adds B·A to a frozen d_out x d_in weight; no adapter bias"],
    )


def count(q: ParamsQuery) -> CalcResult:
    """Dispatch on `kind`; every branch returns the count with its arithmetic."""
    if q.kind in GATES:
        result = recurrent(q)
    elif q.kind == "lora":
        result = _lora(q)
    elif q.kind == "embedding":
        vocab, hidden = _need(q, "vocab", "hidden_size")
        total = (vocab + q.positions) * hidden
        result = CalcResult(
            value=total,
            unit="parameters",
            steps=[f"({vocab} tokens + {q.positions} positions) x {hidden} = {num(total)}"],
        )
    elif q.kind == "stack":
        (d,) = _need(q, "hidden_size")
        total = 12 * q.layers * d * d
        result = CalcResult(
            value=total,
            unit="parameters",
            steps=[
                f"per layer: attention 4·d² + MLP (4d inner) 8·d² = 12·{d}² = {num(12 * d * d)}",
                f"N ≈ 12·L·d² = 12 x {q.layers} x {d}² = {num(total)}",
            ],
            assumptions=["non-embedding parameters, biases and norms ignored (Kaplan et al. 2020)"],
        )
    elif q.kind == "model":
        (name,) = _need(q, "model")
        total, breakdown, steps = model_count(preset(name))
        result = CalcResult(value=total, unit="parameters", breakdown=breakdown, steps=steps)
    else:
        hidden, heads = _need(q, "hidden_size", "heads")
        kv = q.kv_heads or heads
        if hidden % heads or heads % kv:
            raise InputError(
                "heads",
                heads,
                f"must divide hidden ({hidden}) and be a multiple of kv_heads ({kv})",
            )
        arch = Architecture(
            layers=1, hidden=hidden, heads=heads, kv_heads=kv, ffn=q.ffn, mlp=q.mlp, bias=q.bias
        )
        if q.kind == "attention":
            total, text = attention_count(hidden, heads, kv, q.bias)
            result = CalcResult(
                value=total,
                unit="parameters",
                steps=[text],
                assumptions=[
                    "nn.MultiheadAttention layout: Q, K, V and output "
                    "projections" + (" with biases" if q.bias else "")
                ],
            )
        else:
            total, steps = block_count(arch)
            result = CalcResult(
                value=total, unit="parameters", steps=[*steps, f"total = {num(total)}"]
            )
    result.tool = "params"
    return result
