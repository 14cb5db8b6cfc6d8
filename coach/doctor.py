"""`coach doctor`: what is in effect and what works — settings (secrets masked), the LLM
backend (reachable, models, tool calling), the embedder and the search index."""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel

from coach.errors import CoachError
from coach.llm import BackendCheck, check, describe_failure, make_chat_model
from coach.react import parse_text_calls
from coach.settings import get_settings

ToolCalling = Literal["native", "text", "none"]
PROBE_TOOL = "ping"


class BackendReport(BackendCheck):
    # native: proper tool_calls; text: the call comes back as text (the agent parses it);
    # none: the model ignored the tool. None when not probed.
    tool_calling: ToolCalling | None = None
    tool_error: str | None = None


class ComponentReport(BaseModel):
    ok: bool
    detail: dict[str, Any] = {}
    error: str | None = None


class Report(BaseModel):
    settings: dict[str, Any]
    backend: BackendReport | None  # None: offline (`llm = none`)
    embedder: ComponentReport
    index: ComponentReport

    @property
    def ok(self) -> bool:
        backend_ok = self.backend is None or self.backend.usable
        return backend_ok and self.embedder.ok and self.index.ok


def masked_settings() -> dict[str, Any]:
    """The settings in effect as JSON; SecretStr fields come out as '**********'."""
    return get_settings().model_dump(mode="json")


def backend_report(spec: str | None = None, *, probe_tools: bool = True) -> BackendReport | None:
    found = check(spec)
    if found is None:
        return None
    report = BackendReport(**found.model_dump())
    if probe_tools and found.usable:
        report.tool_calling, report.tool_error = probe_tool_calling(spec)
    return report


def probe_tool_calling(spec: str | None) -> tuple[ToolCalling | None, str | None]:
    """Ask the model to call a trivial tool, through the same client the agent uses."""
    model = make_chat_model(spec)
    assert model is not None

    def ping(message: str) -> str:
        """Reply to a connectivity check."""
        return message

    try:
        reply = model.bind_tools([ping]).invoke(
            [
                SystemMessage(content="You are a tool-calling assistant."),
                HumanMessage(
                    content="Call the ping tool with message 'ok'. Do not write anything else."
                ),
            ]
        )
    except Exception as exc:
        failure = describe_failure(exc, spec)
        if failure is None:
            raise
        return None, failure.cause
    if any(call["name"] == PROBE_TOOL for call in reply.tool_calls):
        return "native", None
    text = reply.content if isinstance(reply.content, str) else ""
    if any(call.name == PROBE_TOOL for call in parse_text_calls(text)):
        return "text", None
    return "none", None


def embedder_report() -> ComponentReport:
    from coach import embeddings

    spec = get_settings().embedder
    try:
        embedder = embeddings.get_embedder(spec)
    except CoachError as exc:
        return ComponentReport(ok=False, detail={"spec": spec}, error=str(exc))
    return ComponentReport(ok=True, detail={"spec": spec, "id": embedder.id, "dim": embedder.dim})


def index_report() -> ComponentReport:
    from coach import embeddings, index

    try:
        info = index.info(embeddings.get_embedder())
    except CoachError as exc:
        return ComponentReport(ok=False, error=str(exc))
    detail = {k: info.get(k) for k in ("path", "embedder", "chunks", "built_at", "problem")}
    return ComponentReport(ok=info.get("problem") is None, detail=detail, error=info.get("problem"))


def diagnose(spec: str | None = None, *, probe_tools: bool = True) -> Report:
    return Report(
        settings=masked_settings(),
        backend=backend_report(spec, probe_tools=probe_tools),
        embedder=embedder_report(),
        index=index_report(),
    )
