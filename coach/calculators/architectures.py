"""Decoder-only transformer shapes: the fields a memory or parameter calculation needs, and
presets for well-known checkpoints (values from each model's published config.json)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from coach.errors import InputError


class Architecture(BaseModel):
    """A decoder-only transformer. Defaults describe a GPT-2-style block (GELU MLP, biases,
    LayerNorm, tied embeddings); Llama-style models set swiglu, no bias, rmsnorm, untied."""

    name: str = "custom"
    layers: int = Field(gt=0)
    hidden: int = Field(gt=0)
    heads: int = Field(gt=0)
    kv_heads: int | None = Field(None, gt=0, description="key/value heads (GQA); default = heads")
    ffn: int | None = Field(None, gt=0, description="MLP inner size; default 4 x hidden")
    vocab: int = Field(0, ge=0)
    mlp: Literal["gelu", "swiglu"] = "gelu"
    bias: bool = True
    norm: Literal["layernorm", "rmsnorm"] = "layernorm"
    tied_embeddings: bool = True
    positions: int = Field(0, ge=0, description="learned absolute position embeddings (0 = RoPE)")

    @model_validator(mode="after")
    def _fill_defaults(self) -> Architecture:
        if self.kv_heads is None:
            self.kv_heads = self.heads
        if self.ffn is None:
            self.ffn = 4 * self.hidden
        return self

    @property
    def head_dim(self) -> int:
        return self.hidden // self.heads

    @property
    def n_kv_heads(self) -> int:
        return self.kv_heads or self.heads

    @property
    def n_ffn(self) -> int:
        return self.ffn or 4 * self.hidden


def _llama(
    name: str, layers: int, hidden: int, heads: int, kv: int, ffn: int, vocab: int
) -> Architecture:
    return Architecture(
        name=name,
        layers=layers,
        hidden=hidden,
        heads=heads,
        kv_heads=kv,
        ffn=ffn,
        vocab=vocab,
        mlp="swiglu",
        bias=False,
        norm="rmsnorm",
        tied_embeddings=False,
    )


def _gpt(
    name: str, layers: int, hidden: int, heads: int, vocab: int, positions: int
) -> Architecture:
    return Architecture(
        name=name, layers=layers, hidden=hidden, heads=heads, vocab=vocab, positions=positions
    )


PRESETS: dict[str, Architecture] = {
    a.name: a
    for a in (
        _gpt("gpt2", 12, 768, 12, 50257, 1024),
        _gpt("gpt2-medium", 24, 1024, 16, 50257, 1024),
        _gpt("gpt2-large", 36, 1280, 20, 50257, 1024),
        _gpt("gpt2-xl", 48, 1600, 25, 50257, 1024),
        _gpt("gpt3-175b", 96, 12288, 96, 50257, 2048),
        _llama("llama-2-7b", 32, 4096, 32, 32, 11008, 32000),
        _llama("llama-2-13b", 40, 5120, 40, 40, 13824, 32000),
        _llama("llama-2-70b", 80, 8192, 64, 8, 28672, 32000),
        _llama("llama-3-8b", 32, 4096, 32, 8, 14336, 128256),
        _llama("llama-3-70b", 80, 8192, 64, 8, 28672, 128256),
        _llama("mistral-7b", 32, 4096, 32, 8, 14336, 32000),
    )
}


def _key(name: str) -> str:
    """`Llama 2 7B`, `llama2-7b`, `LLaMA-2-7B` -> `llama27b` for lenient matching."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


_BY_KEY = {_key(name): name for name in PRESETS}


def preset(name: str) -> Architecture:
    """A preset by (leniently spelled) name; InputError lists the known ones."""
    found = _BY_KEY.get(_key(name))
    if found is None:
        raise InputError("model", name, sorted(PRESETS))
    return PRESETS[found]


def find_in_text(text: str) -> str | None:
    """The preset named somewhere in free text (`... a Llama-2-7B model ...`), if any."""
    squashed = _key(text)
    # Longest names first so `gpt2-xl` wins over `gpt2`.
    for key in sorted(_BY_KEY, key=len, reverse=True):
        if key in squashed:
            return _BY_KEY[key]
    return None
