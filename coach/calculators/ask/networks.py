"""Parameter-count questions: recurrent networks, LoRA adapters (on a preset or on matrices
given by shape), a transformer stack (≈12·L·d²) and preset models."""

from __future__ import annotations

import re

from coach.calculators.architectures import find_in_text
from coach.calculators.ask import phrases as ph
from coach.calculators.ask import slots
from coach.calculators.ask.context import AskCall, Context


def params(c: Context) -> list[AskCall]:
    kind = next(
        (
            k
            for k, p in (("lstm", r"\blstm"), ("gru", r"\bgru"), ("rnn", r"\brnn|рекуррент"))
            if ph.has(p, c.text)
        ),
        None,
    )
    model = find_in_text(c.text)
    if kind:
        return _recurrent(c, kind)
    if ph.has(r"\blora\b", c.text) and not model:
        return _lora_matrices(c)
    if not model and slots.layers(c.text) and slots.width(c.text):
        args = {"kind": "stack", "layers": slots.layers(c.text), "hidden_size": slots.width(c.text)}
        return [AskCall(tool="params", args=args)]
    if ph.has(r"\blora\b", c.text) and model:
        rank = slots.lora_rank(c.text)
        if rank is None:
            c.need("need_rank")
        return [AskCall(tool="params", args={"kind": "lora", "model": model, "rank": rank})]
    if model:
        return [AskCall(tool="params", args={"kind": "model", "model": model})]
    c.need("need_network")
    return []


def _lora_matrices(c: Context) -> list[AskCall]:
    """LoRA on matrices given by shape: "r=16 on q,k,v,o (4096x4096), 32 layers"."""
    rank = slots.lora_rank(c.text)
    shape = re.search(r"(\d+)\s*(?:[x×]|→|->)\s*(\d+)", c.text)
    if rank is None:
        c.need("need_rank")
    if shape is None:
        c.need("need_shape")
        return []
    named = re.findall(r"\b(q|k|v|o|gate|up|down)\b(?=[\s,]|-?проек|$)", c.text, re.I)
    single = ph.has(r"single|one matrix|одн\w* матриц", c.text)
    matrices = 1 if single or len(set(named)) < 2 else len(set(named))
    args = {
        "kind": "lora",
        "rank": rank,
        "d_in": int(shape.group(1)),
        "d_out": int(shape.group(2)),
        "matrices": matrices,
        "layers": slots.layers(c.text) or 1,
    }
    return [AskCall(tool="params", args=args)]


def _recurrent(c: Context, kind: str) -> list[AskCall]:
    inp = ph.integer(
        (
            r"input(?:[\s_-]*(?:size|dim\w*|features?))?\s*(?:=|:|of|is)?\s*(\d+)",
            r"(\d+)[\s-]*(?:dimensional|dim)\w*\s*input",
            r"вход\w*(?:\s*(?:размер\w*|размерност\w*|признак\w*))?\s*(?:=|:|—|-)?\s*(\d+)",
            r"размерност\w* вход\w*\s*(?:=|:|—|-)?\s*(\d+)",
        ),
        c.text,
    )
    hidden = ph.integer(
        (
            r"hidden(?:[\s_-]*(?:size|units?|dim\w*|state))?\s*(?:=|:|of|is)?\s*(\d+)",
            r"(\d+)\s*(?:hidden|units|neurons)",
            r"скрыт\w*(?:\s*(?:состояни\w*|сло\w*|размер\w*|нейрон\w*))?"
            r"\s*(?:=|:|—|-)?\s*(\d+)",
            r"(\d+)\s*(?:нейрон|скрыт)",
        ),
        c.text,
    )
    if inp is None:
        c.need("need_input_size")
    if hidden is None:
        c.need("need_hidden_size")
    layers = ph.integer((r"(\d+)[\s-]*(?:layers?\b|сло[йяе])",), c.text) or 1
    keras = ph.has(r"keras|tensorflow", c.text)
    c.fill("filled_bias_keras" if keras else "filled_bias_torch")
    args = {
        "kind": kind,
        "input_size": inp,
        "hidden_size": hidden,
        "layers": layers,
        "bidirectional": ph.has(r"bidirectional|bi-?lstm|двунаправлен", c.text),
        "bias_vectors": 1 if keras else 2,
    }
    return [AskCall(tool="params", args=args)]
