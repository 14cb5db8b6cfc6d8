"""Quantities the calculators share: counts like `7B`, byte sizes, precisions, number display."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, WithJsonSchema

GB = 1e9  # decimal gigabyte: what papers and quizzes mean by "GB"
GIB = 2**30  # binary gibibyte: what nvidia-smi and PyTorch report

# Bytes per element. nf4 carries QLoRA's quantisation constants: with double quantisation
# they cost 0.127 bits per parameter on top of the 4-bit codes (Dettmers et al. 2023, §3).
PRECISION_BYTES: dict[str, float] = {
    "fp32": 4.0,
    "fp16": 2.0,
    "bf16": 2.0,
    "fp8": 1.0,
    "int8": 1.0,
    "int4": 0.5,
    # QLoRA: 4-bit NormalFloat plus its quantization constants, with double quantization
    # (0.127 bits/param) or without it (one fp32 absmax per 64 weights: 0.5 bits/param).
    "nf4": 4.127 / 8,
    "nf4sq": 4.5 / 8,
}
Precision = Literal["fp32", "fp16", "bf16", "fp8", "int8", "int4", "nf4", "nf4sq"]
FLOAT_PRECISIONS = ("fp32", "fp16", "bf16")

_PRECISION_ALIASES = {
    "float32": "fp32",
    "32bit": "fp32",
    "full": "fp32",
    "single": "fp32",
    "float16": "fp16",
    "half": "fp16",
    "16bit": "fp16",
    "bfloat16": "bf16",
    "float8": "fp8",
    "fp8e4m3": "fp8",
    "fp8e5m2": "fp8",
    "8bit": "int8",
    "int8": "int8",
    "8": "int8",
    "4bit": "int4",
    "int4": "int4",
    "4": "int4",
}

_SUFFIXES = {"k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12}
_COUNT = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([kmbgt])?\s*$", re.IGNORECASE)


def parse_count(value: object) -> int:
    """`7B`, `7e9`, `13.5M`, `7_000_000` or a number -> an integer count (> 0)."""
    if isinstance(value, bool):
        raise ValueError("expected a count like 7B, 7e9 or 13.5M")
    if isinstance(value, int | float):
        number = float(value)
    else:
        match = _COUNT.match(str(value).replace("_", "").replace(",", ""))
        if not match:
            raise ValueError("expected a count like 7B, 7e9 or 13.5M")
        number = float(match.group(1)) * _SUFFIXES.get((match.group(2) or "").lower(), 1.0)
    if not math.isfinite(number) or number <= 0:
        raise ValueError("must be a positive count like 7B, 7e9 or 13.5M")
    return round(number)


def _optional_count(value: object) -> int | None:
    return None if value is None else parse_count(value)


# An agent may send 7000000000 or "7B"; the JSON schema says so (pydantic would otherwise
# advertise integers only).
_COUNT_JSON = [{"type": "integer"}, {"type": "string", "examples": ["7B", "7e9", "13.5M"]}]
Count = Annotated[int, BeforeValidator(parse_count), WithJsonSchema({"anyOf": _COUNT_JSON})]
OptionalCount = Annotated[
    int | None,
    BeforeValidator(_optional_count),
    WithJsonSchema({"anyOf": [*_COUNT_JSON, {"type": "null"}]}),
]


def normalizer(aliases: dict[str, str]) -> Callable[[Any], Any]:
    """A pydantic "before" validator: lowercase, drop spaces/dashes/underscores, map aliases.
    Unknown names pass through so the Literal check reports them with the allowed values."""

    def normalize(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        key = re.sub(r"[\s_\-]", "", value.lower())
        return aliases.get(key, key)

    return normalize


# `FP16`, `float16`, `8-bit`, `half` -> a canonical precision name.
normalize_precision = normalizer(_PRECISION_ALIASES)


def gb(n_bytes: float) -> float:
    return n_bytes / GB


def gib(n_bytes: float) -> float:
    return n_bytes / GIB


def num(x: float) -> str:
    """A number for a derivation line: integers with thousands separators, else up to four
    decimals (four significant figures below 1), scientific notation for extreme magnitudes."""
    if x == 0:
        return "0"
    if abs(x) >= 1e15 or abs(x) < 1e-4:
        return f"{x:.4g}"
    if float(x).is_integer():
        return f"{int(x):,}"
    if abs(x) < 1:
        return f"{x:.4g}"
    return f"{x:,.4f}".rstrip("0").rstrip(".")


def short(x: float) -> str:
    """A large count in words: 7e9 -> `7B`, 13.5e6 -> `13.5M`."""
    for suffix, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.4g}{suffix}"
    return f"{x:.4g}"


def rounded(x: float, places: int = 6) -> float:
    """Round away float noise (28.000000000000004 -> 28.0) without losing small values."""
    if x == 0 or not math.isfinite(x):
        return x
    magnitude = math.floor(math.log10(abs(x)))
    return round(x, max(places, places - magnitude))
