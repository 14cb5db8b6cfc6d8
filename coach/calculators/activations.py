"""Activation memory of a transformer during training (Korthikanti et al. 2022, "Reducing
Activation Recomputation in Large Transformer Models", §4): per layer s·b·h·(34 + 5·a·s/h)
bytes with 16-bit activations, no tensor or sequence parallelism."""

from __future__ import annotations

from typing import Literal

from coach.calculators.architectures import Architecture
from coach.calculators.units import num

Checkpointing = Literal["none", "selective", "full"]


def activation_bytes(
    arch: Architecture, batch: int, seq: int, checkpointing: Checkpointing
) -> tuple[float, str]:
    """(bytes for all layers, the formula with numbers substituted)."""
    s, b, h, a, layers = seq, batch, arch.hidden, arch.heads, arch.layers
    if checkpointing == "full":
        # Only each layer's input (2 bytes per element) is kept; the rest is recomputed.
        per_layer: float = 2 * s * b * h
        formula = f"full recomputation: 2·s·b·h = 2·{s}·{b}·{h}"
    elif checkpointing == "selective":
        # Selective recomputation drops the attention-score terms (5·a·s/h) and keeps the rest.
        per_layer = 34 * s * b * h
        formula = f"selective recomputation: 34·s·b·h = 34·{s}·{b}·{h}"
    else:
        per_layer = s * b * h * (34 + 5 * a * s / h)
        formula = (
            f"no recomputation: s·b·h·(34 + 5·a·s/h) = {s}·{b}·{h}·(34 + 5·{a}·{s}/{h}) "
            f"= {s}·{b}·{h}·{num(34 + 5 * a * s / h)}"
        )
    total = per_layer * layers
    text = (
        f"activations (Korthikanti et al. 2022), {formula} = {num(per_layer)} B per layer; "
        f"x {layers} layers = {num(total)} B"
    )
    return total, text
