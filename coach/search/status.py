"""Whether search works: the embedder loads and the index is usable (`coach doctor`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from coach.errors import CoachError
from coach.settings import get_settings


class ComponentReport(BaseModel):
    ok: bool
    detail: dict[str, Any] = {}
    error: str | None = None


def embedder_report() -> ComponentReport:
    from coach.search import embedders

    spec = get_settings().embedder
    try:
        embedder = embedders.get_embedder(spec)
    except CoachError as exc:
        return ComponentReport(ok=False, detail={"spec": spec}, error=str(exc))
    return ComponentReport(ok=True, detail={"spec": spec, "id": embedder.id, "dim": embedder.dim})


def index_report() -> ComponentReport:
    from coach.search import embedders, store

    try:
        info = store.info(embedders.get_embedder())
    except CoachError as exc:
        return ComponentReport(ok=False, error=str(exc))
    detail = {k: info.get(k) for k in ("path", "embedder", "chunks", "built_at", "problem")}
    return ComponentReport(ok=info.get("problem") is None, detail=detail, error=info.get("problem"))
