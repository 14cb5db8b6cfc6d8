"""What `coach doctor` reports: the settings in effect (secrets masked), the LLM backend, the
embedder and the index. Kept apart from the command so `coach --help` stays fast."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from coach.llm.check import BackendReport, backend_report
from coach.search.status import ComponentReport, embedder_report, index_report
from coach.settings import get_settings


class Report(BaseModel):
    settings: dict[str, Any]
    backend: BackendReport | None  # None: offline (`llm = none`)
    embedder: ComponentReport
    index: ComponentReport
    speech: ComponentReport

    @property
    def ok(self) -> bool:
        backend_ok = self.backend is None or self.backend.usable
        return backend_ok and self.embedder.ok and self.index.ok and self.speech.ok


def masked_settings() -> dict[str, Any]:
    """The settings in effect as JSON; SecretStr fields come out as '**********'."""
    return get_settings().model_dump(mode="json")


def diagnose(spec: str | None = None, *, probe_tools: bool = True) -> Report:
    return Report(
        settings=masked_settings(),
        backend=backend_report(spec, probe_tools=probe_tools),
        embedder=embedder_report(),
        index=index_report(),
        speech=speech_report(),
    )


def speech_report() -> ComponentReport:
    """The speech backend in effect and whether its model is here; one not fetched yet is
    fine (it is fetched on first use), one that cannot be had is not."""
    from coach.errors import CoachError
    from coach.speech.transcribers import WhisperTranscriber, get_transcriber

    try:
        transcriber = get_transcriber()
    except CoachError as exc:
        return ComponentReport(ok=False, error=str(exc))
    state = "a Whisper server"
    if isinstance(transcriber, WhisperTranscriber):
        gap = transcriber.missing()
        state = f"not fetched yet ({gap})" if gap else f"ready in {transcriber.folder}"
    return ComponentReport(ok=True, detail={"id": transcriber.name, "state": state})
