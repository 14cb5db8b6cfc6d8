"""Optimizers and the per-parameter state tensors each keeps (what the memory calculator counts)."""

from __future__ import annotations

from typing import Literal

from coach.calculators.units import normalizer

Optimizer = Literal[
    "sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adam", "adamw", "adam8bit",
    "adafactor", "lion",
]  # fmt: skip

# (state tensors per parameter, what they hold)
OPTIMIZER_STATES: dict[str, tuple[int, str]] = {
    "sgd": (0, "plain SGD keeps no state"),
    "momentum": (1, "a momentum buffer"),
    "nesterov": (1, "a momentum buffer"),
    "rmsprop": (1, "a running mean of squared gradients"),
    "adagrad": (1, "a running sum of squared gradients"),
    "adam": (2, "first moment m and second moment v"),
    "adamw": (2, "first moment m and second moment v"),
    "adam8bit": (2, "m and v quantised to 1 byte each (bitsandbytes)"),
    # Adafactor factors the second moment into row and column sums (rows + cols numbers per
    # matrix, under 0.1% of the parameters for LLM-sized matrices) and, by default, has no m.
    "adafactor": (0, "factored second moments only (rows + cols per matrix, negligible)"),
    "lion": (1, "a momentum buffer"),
}

normalize_optimizer = normalizer({
    "sgdm": "momentum", "sgdmomentum": "momentum", "sgdwithmomentum": "momentum",
    "sgdnesterov": "nesterov", "adamw8bit": "adam8bit", "pagedadamw8bit": "adam8bit",
    "8bitadam": "adam8bit", "8bitadamw": "adam8bit", "bnbadam8bit": "adam8bit",
})  # fmt: skip
