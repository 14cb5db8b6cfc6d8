"""Whether a backend answers: the models it lists, and how it calls tools (`coach doctor`,
interview start)."""

from __future__ import annotations

from typing import Literal

import httpx
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from coach.llm.backends import Backend, Provider, api_key, make_chat_model, parse_spec
from coach.llm.failures import describe_failure, scrub
from coach.llm.text_calls import parse_text_calls
from coach.llm.transport import RetryTransport
from coach.settings import get_settings


class BackendCheck(BaseModel):
    """Whether a backend answers, and which models it lists (`coach doctor`, interview start)."""

    backend: str
    base_url: str
    reachable: bool
    models: list[str] = Field(default_factory=list)
    # None: the server lists no models. False is only a warning: llama-server lists its model
    # by file path and LM Studio or vLLM alias names, yet all serve whatever name is asked for;
    # a server that really lacks the model says so on the first chat call.
    model_available: bool | None = None
    error: str | None = None

    @property
    def usable(self) -> bool:
        """Worth trying: it answered without an error."""
        return self.reachable and self.error is None

    @property
    def unlisted_warning(self) -> str | None:
        """Why the model may not be served, when the server lists models but not this one."""
        if self.model_available is not False:
            return None
        return (
            f"the server does not list this model (it lists: {', '.join(self.models[:6])}); "
            "trying it anyway: many servers answer to any name"
        )


def check(spec: str | None = None, *, timeout: float | None = None) -> BackendCheck | None:
    """List the backend's models (with the usual retries); None for offline."""
    settings = get_settings()
    backend = parse_spec(spec, settings)
    if backend is None:
        return None
    path = "/api/tags" if backend.provider == "ollama" else "/models"
    key = api_key(backend, settings)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    found = BackendCheck(backend=backend.label, base_url=backend.base_url, reachable=False)
    try:
        with httpx.Client(
            transport=RetryTransport.from_settings(settings),
            timeout=timeout or min(settings.llm_timeout, 10.0),
        ) as client:
            response = client.get(backend.base_url + path, headers=headers)
    except httpx.HTTPError as exc:
        found.error = _cause_of(exc, spec)
        return found
    found.reachable = True
    if response.status_code >= 400:
        found.error = _cause_of(
            httpx.HTTPStatusError(response.text[:200], request=response.request, response=response),
            spec,
        )
        return found
    found.models = _model_names(backend.provider, response)
    if found.models:
        found.model_available = _listed(backend, found.models)
    return found


def _cause_of(exc: httpx.HTTPError, spec: str | None) -> str:
    failure = describe_failure(exc, spec)
    return failure.cause if failure else scrub(str(exc))


def _model_names(provider: Provider, response: httpx.Response) -> list[str]:
    try:
        body = response.json()
    except ValueError:
        return []
    items = (
        body.get("models" if provider == "ollama" else "data", []) if isinstance(body, dict) else []
    )
    key = "name" if provider == "ollama" else "id"
    return [str(item[key]) for item in items if isinstance(item, dict) and key in item]


def _listed(backend: Backend, models: list[str]) -> bool:
    if backend.model in models:
        return True
    # Ollama lists "qwen2.5:1.5b"; a bare "qwen2.5" means its ":latest" tag.
    return backend.provider == "ollama" and f"{backend.model}:latest" in models


ToolCalling = Literal["native", "text", "none"]
PROBE_TOOL = "ping"


class BackendReport(BackendCheck):
    # native: proper tool_calls; text: the call comes back as text (the agent parses it);
    # none: the model ignored the tool. None when not probed.
    tool_calling: ToolCalling | None = None
    tool_error: str | None = None

    @property
    def usable(self) -> bool:
        """Reachable, and the probe's chat call (when made) did not fail: a server that lacks
        the model fails here, with its own message."""
        return super().usable and self.tool_error is None


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
