"""A typed numeric question (English or Russian) -> structured calculator calls -> answers.

Deterministic and small: keyword rules (`intents`) pick the calculator, `phrases` finds the
quantities. What the question leaves open but has a conventional default is filled in and
reported; what cannot be defaulted (the model size, a context length, the texts to score) is
asked back instead of guessed. The offline interviewer uses this for numeric questions.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from coach.calculators.ask.context import AskCall, Context
from coach.calculators.ask.intents import find_handler
from coach.calculators.ask.messages import Lang, say
from coach.calculators.gpus import Gpu
from coach.calculators.gpus import find_in_text as find_gpus
from coach.calculators.memory import MemoryEstimate
from coach.calculators.registry import run
from coach.calculators.result import CalcResult
from coach.calculators.units import num, short

__all__ = ["Answer", "AskCall", "Parsed", "answer", "parse"]


class Parsed(BaseModel):
    question: str
    lang: Lang
    calls: list[AskCall] = Field(default_factory=list)
    filled: list[str] = Field(default_factory=list, description="assumptions filled in")
    missing: list[str] = Field(default_factory=list, description="inputs to ask back for")


class Answer(Parsed):
    status: Literal["answered", "need_input", "unsupported"]
    # What was read from the question, first in every message, so a misreading shows.
    reading: str = ""
    message: str
    results: list[CalcResult] = Field(default_factory=list)


def parse(question: str) -> Parsed:
    """The calculator calls a question maps to, with filled-in assumptions and missing inputs."""
    text = question.strip()
    lang: Lang = "ru" if re.search(r"[а-яё]", text, re.IGNORECASE) else "en"
    ctx = Context(text, lang)
    handler = find_handler(text)
    calls = handler(ctx) if handler else []
    return Parsed(question=text, lang=lang, calls=calls, filled=ctx.filled, missing=ctx.missing)


def answer(question: str) -> Answer:
    """Parse, then run the calls; asks back (status need_input) instead of guessing."""
    parsed = parse(question)
    data = parsed.model_dump()
    reading = " | ".join(describe(call) for call in parsed.calls)
    data["reading"] = reading
    if parsed.missing:
        message = say("ask_back", parsed.lang, missing="; ".join(parsed.missing))
        message = f"{say('read', parsed.lang, reading=reading)}\n{message}" if reading else message
        return Answer(**data, status="need_input", message=message)
    if not parsed.calls:
        return Answer(**data, status="unsupported", message=say("unsupported", parsed.lang))
    results = [run(call.tool, call.args) for call in parsed.calls]
    gpus = find_gpus(parsed.question)
    lines = []
    for call, result in zip(parsed.calls, results, strict=True):
        lines.append(f"{call.label + ': ' if call.label else ''}{result.headline()}")
        lines += _memory_notes(result, gpus, parsed.lang)
    lines.insert(0, say("read", parsed.lang, reading=reading))
    return Answer(**data, status="answered", message="\n".join(lines), results=results)


# How each argument reads back; the rest show as `name=value`.
_SHOWN = {
    "params": lambda v: f"{short(v)} params",
    "tokens": lambda v: f"{short(v)} tokens",
    "overhead_pct": lambda v: f"+{num(v)} % overhead",
    "gpus": lambda v: f"{v} GPUs",
    "zero": lambda v: f"ZeRO-{v}",
    "fsdp": lambda v: "FSDP" if v else "",
    "seq": lambda v: f"{v} tokens of context",
    "batch": lambda v: f"batch {v}",
    "layers": lambda v: f"{v} layers",
    "kv_heads": lambda v: f"{v} KV heads",
    "head_dim": lambda v: f"head dim {v}",
    "hidden_size": lambda v: f"width {v}",
    "lora_rank": lambda v: f"LoRA r={v}",
    "rank": lambda v: f"r={v}",
    "gpu_tflops": lambda v: f"{num(v)} TFLOP/s per GPU",
    "mfu": lambda v: f"MFU {num(100 * v)} %",
    "convention": lambda v: "every tensor in one precision" if v == "naive" else "mixed precision",
}
_PLAIN = {"mode", "precision", "optimizer", "dtype", "model", "kind", "metric"}


def describe(call: AskCall) -> str:
    """The call's inputs in words: "13B params · fp16 · inference · +20 % overhead"."""
    parts = [call.tool.replace("_", " ")]
    for name, value in call.args.items():
        if value is None or value == [] or name in ("report",):
            continue
        if name in _SHOWN:
            text = _SHOWN[name](value)
        elif name in _PLAIN:
            text = str(value)
        else:
            text = f"{name}={value}"
        if text:
            parts.append(text)
    return " · ".join(parts)


def _memory_notes(result: CalcResult, gpus: list[Gpu], lang: Lang) -> list[str]:
    """The other convention's total and verdicts for the GPUs the question names."""
    notes = []
    other = result.other_total_gb if isinstance(result, MemoryEstimate) else None
    if isinstance(result, MemoryEstimate) and other is not None and other != result.total_gb:
        key = f"other_{result.other_convention}"
        notes.append("  " + say(key, lang, total=num(other)))
    named = {g.name for g in gpus}
    for fit in result.fits or []:
        if fit.gpu in named:
            verdict = say(f"verdict_{fit.verdict.replace(' ', '_')}", lang, n=fit.gpus_needed)
            notes.append(f"  {fit.gpu}: {verdict}")
    return notes
