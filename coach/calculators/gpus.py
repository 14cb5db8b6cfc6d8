"""A catalog of common GPUs and "does it fit" verdicts for a memory figure."""

from __future__ import annotations

import math
import re
from typing import Literal

from pydantic import BaseModel

from coach.calculators.units import rounded


class Gpu(BaseModel):
    name: str
    # Vendors' "24 GB" on a GPU is a binary size (an RTX 4090 reports 24,564 MiB, an A100 80GB
    # 81,920 MiB), so the catalog stores the marketed number as GiB.
    capacity_gib: float


class GpuFit(BaseModel):
    gpu: str
    capacity_gib: float
    verdict: Literal["fits", "tight", "does not fit"]
    headroom_gib: float
    # How many of these GPUs the footprint needs if it could be split evenly (ZeRO-3/FSDP-like).
    gpus_needed: int


CATALOG: tuple[Gpu, ...] = (
    Gpu(name="RTX 3060 12GB", capacity_gib=12),
    Gpu(name="RTX 4060 Ti 16GB", capacity_gib=16),
    Gpu(name="T4 16GB", capacity_gib=16),
    Gpu(name="V100 32GB", capacity_gib=32),
    Gpu(name="RTX 3090 24GB", capacity_gib=24),
    Gpu(name="RTX 4090 24GB", capacity_gib=24),
    Gpu(name="L4 24GB", capacity_gib=24),
    Gpu(name="RTX 5090 32GB", capacity_gib=32),
    Gpu(name="A100 40GB", capacity_gib=40),
    Gpu(name="RTX A6000 48GB", capacity_gib=48),
    Gpu(name="L40S 48GB", capacity_gib=48),
    Gpu(name="A100 80GB", capacity_gib=80),
    Gpu(name="H100 80GB", capacity_gib=80),
    Gpu(name="H200 141GB", capacity_gib=141),
    Gpu(name="MI300X 192GB", capacity_gib=192),
)

# Above this share of capacity the allocator's fragmentation and the CUDA context
# (typically 0.5-1 GiB) make a run fragile, so the verdict is "tight" rather than "fits".
TIGHT_SHARE = 0.9


def verdict(need_gib: float, gpu: Gpu) -> GpuFit:
    if need_gib <= TIGHT_SHARE * gpu.capacity_gib:
        label: Literal["fits", "tight", "does not fit"] = "fits"
    elif need_gib <= gpu.capacity_gib:
        label = "tight"
    else:
        label = "does not fit"
    return GpuFit(
        gpu=gpu.name,
        capacity_gib=gpu.capacity_gib,
        verdict=label,
        headroom_gib=rounded(gpu.capacity_gib - need_gib, 3),
        gpus_needed=max(1, math.ceil(need_gib / gpu.capacity_gib)),
    )


def fits(need_gib: float) -> list[GpuFit]:
    """A verdict for every catalog GPU, smallest memory first."""
    ordered = sorted(CATALOG, key=lambda g: g.capacity_gib)
    return [verdict(need_gib, gpu) for gpu in ordered]


def _words(gpu: Gpu) -> list[str]:
    return gpu.name.lower().removeprefix("rtx ").split()[:-1]


def _pattern(gpu: Gpu, sized: bool) -> str:
    """`RTX 4060 Ti 16GB` -> `\b4060[\\s-]*ti\b` (optionally followed by its size)."""
    size = rf"[\s-]*{int(gpu.capacity_gib)}\s*(?:gb|гб)?" if sized else ""
    return r"\b" + r"[\s-]*".join(map(re.escape, _words(gpu))) + size + r"\b"


def find_in_text(text: str) -> list[Gpu]:
    """Catalog GPUs named in free text (`on a 4090`, `A100 80GB`, `на H100`). A model name
    with a size picks that variant; without one, every variant (both A100s) is kept."""
    lower = text.lower()
    found = [g for g in CATALOG if re.search(_pattern(g, sized=False), lower)]
    sized = {tuple(_words(g)) for g in found if re.search(_pattern(g, sized=True), lower)}
    return [
        g
        for g in found
        if tuple(_words(g)) not in sized or re.search(_pattern(g, sized=True), lower)
    ]


def fits_text(need_gib: float) -> str:
    """One line: the smallest catalog GPU that holds the footprint, or how many the largest need."""
    table = fits(need_gib)
    fitting = [f for f in table if f.verdict == "fits"]
    if fitting:
        return f"fits on {fitting[0].gpu} and larger"
    largest = table[-1]
    return f"does not fit on any single catalog GPU; needs >= {largest.gpus_needed} x {largest.gpu}"
