"""What every calculator returns: the number, its unit, a breakdown, the arithmetic and the
assumptions behind it, so a reader (or the coach) can check each step."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from coach.calculators.gpus import GpuFit
from coach.calculators.units import num


class Query(BaseModel):
    """Base of every calculator input: an unknown argument is an error, not silently dropped,
    so a typo (`batch_size` for `batch`) cannot change an answer."""

    model_config = ConfigDict(extra="forbid")


class CalcResult(BaseModel):
    """A calculator's answer. Memory-like tools fill `total_gb`/`total_gib`; others `value`."""

    value: float | None = None
    total_gb: float | None = None
    total_gib: float | None = None
    unit: str
    breakdown: dict[str, float] = Field(default_factory=dict)
    steps: list[str] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    # Memory-like results: a verdict per catalog GPU for the (per-GPU) total.
    fits: list[GpuFit] | None = None
    # Structured extras that are not single numbers (per-class scores, logits, ...).
    details: dict[str, Any] = Field(default_factory=dict)
    tool: str = ""

    def field(self, name: str) -> float | None:
        """A named number: `value`, `total_gb`, `total_gib` or a breakdown key."""
        if name in ("value", "total_gb", "total_gib"):
            found: float | None = getattr(self, name)
            return found
        return self.breakdown.get(name)

    def headline(self) -> str:
        if self.total_gb is not None:
            extra = f" ({num(self.total_gib)} GiB)" if self.total_gib is not None else ""
            return f"{num(self.total_gb)} GB{extra}"
        return f"{num(self.value)} {self.unit}".rstrip() if self.value is not None else self.unit

    def to_json(self) -> dict[str, Any]:
        """The `--json` shape: value or total_gb, unit, breakdown, steps, assumptions (+ extras)."""
        return self.model_dump(exclude_none=True)


def format_text(result: CalcResult) -> str:
    """Plain text for a terminal or an agent observation."""
    lines = [f"{result.tool}: {result.headline()}" if result.tool else result.headline()]
    if result.breakdown:
        lines.append("Breakdown:")
        width = max(len(k) for k in result.breakdown)
        unit = "GB" if result.total_gb is not None else ""
        lines += [
            f"  {k.ljust(width)}  {num(v)} {unit}".rstrip() for k, v in result.breakdown.items()
        ]
    if result.steps:
        lines.append("Steps:")
        lines += [f"  {i}. {step}" for i, step in enumerate(result.steps, 1)]
    if result.assumptions:
        lines.append("Assumptions:")
        lines += [f"  - {a}" for a in result.assumptions]
    if result.fits:
        lines.append("GPUs:")
        for verdict in ("fits", "tight", "does not fit"):
            names = [f.gpu for f in result.fits if f.verdict == verdict]
            if names:
                lines.append(f"  {verdict}: {', '.join(names)}")
    return "\n".join(lines)
