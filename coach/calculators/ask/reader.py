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

from coach.calculators.ask.intents import AskCall, Context, find_handler
from coach.calculators.ask.messages import Lang, say
from coach.calculators.gpus import Gpu
from coach.calculators.gpus import find_in_text as find_gpus
from coach.calculators.memory import MemoryEstimate
from coach.calculators.registry import run
from coach.calculators.result import CalcResult
from coach.calculators.units import num

__all__ = ["Answer", "AskCall", "Parsed", "answer", "parse"]


class Parsed(BaseModel):
    question: str
    lang: Lang
    calls: list[AskCall] = Field(default_factory=list)
    filled: list[str] = Field(default_factory=list, description="assumptions filled in")
    missing: list[str] = Field(default_factory=list, description="inputs to ask back for")


class Answer(Parsed):
    status: Literal["answered", "need_input", "unsupported"]
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
    if parsed.missing:
        message = say("ask_back", parsed.lang, missing="; ".join(parsed.missing))
        return Answer(**data, status="need_input", message=message)
    if not parsed.calls:
        return Answer(**data, status="unsupported", message=say("unsupported", parsed.lang))
    results = [run(call.tool, call.args) for call in parsed.calls]
    gpus = find_gpus(parsed.question)
    lines = []
    for call, result in zip(parsed.calls, results, strict=True):
        lines.append(f"{call.label + ': ' if call.label else ''}{result.headline()}")
        lines += _memory_notes(result, gpus, parsed.lang)
    return Answer(**data, status="answered", message="\n".join(lines), results=results)


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
