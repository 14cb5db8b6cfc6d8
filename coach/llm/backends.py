"""LLM backends: one spelling ("none" | "ollama:<model>" | "openai:<model>", each optionally
followed by "@<base URL>") to a chat model.

Retries live in the HTTP transport (coach.llm.transport), so both providers share one policy; the
SDKs' own retries are off. `describe_failure` turns whatever a provider raised into a one-line
LLMUnavailable that names the cause (bad key, unknown model, unreachable host) and never the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import httpx

from coach.errors import InputError
from coach.llm.transport import AsyncRetryTransport, RetryTransport
from coach.settings import Settings, get_settings, with_scheme

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

Provider = Literal["ollama", "openai"]
PROVIDERS: tuple[Provider, ...] = ("ollama", "openai")
SPEC_HELP = "none, ollama:<model> or openai:<model>, optionally followed by @<base URL>"
OFFLINE_SPELLINGS = {"", "none", "off", "offline"}


@dataclass(frozen=True)
class Backend:
    """A parsed backend spec and where it lives."""

    provider: Provider
    model: str
    base_url: str

    @property
    def label(self) -> str:
        return f"{self.provider}:{self.model}"


def parse_spec(spec: str | None = None, settings: Settings | None = None) -> Backend | None:
    """`None` for offline; otherwise the backend, with the base URL settings give it."""
    settings = settings or get_settings()
    text = (settings.llm if spec is None else spec).strip()
    if text.lower() in OFFLINE_SPELLINGS:
        return None
    provider, sep, rest = text.partition(":")
    model, url = _split_url(rest)
    if not sep or provider not in PROVIDERS or not model:
        raise InputError("llm", text, SPEC_HELP)
    kind: Provider = "ollama" if provider == "ollama" else "openai"
    return Backend(kind, model, with_scheme(url) if url else default_base_url(kind, settings))


def default_base_url(provider: Provider, settings: Settings | None = None) -> str:
    """The server settings give the provider (OLLAMA_HOST / OPENAI_BASE_URL)."""
    settings = settings or get_settings()
    if provider == "ollama":
        return settings.ollama_host
    return (settings.openai_base_url or "https://api.openai.com/v1").rstrip("/")


def _split_url(rest: str) -> tuple[str, str | None]:
    # Model names never hold "@"; what follows the last one is the server ("host:port" or a URL).
    model, at, url = rest.rpartition("@")
    if at and url.strip():
        return model.strip(), url.strip()
    return rest.strip(), None


def api_key(backend: Backend, settings: Settings) -> str | None:
    """The configured OpenAI key, for the configured server only: a base URL typed into a spec
    (the UI's server field) points anywhere, and must not receive the operator's key."""
    if backend.provider != "openai" or not settings.openai_api_key:
        return None
    if backend.base_url != default_base_url("openai", settings):
        return None
    return settings.openai_api_key.get_secret_value()


def make_chat_model(spec: str | None = None) -> BaseChatModel | None:
    """The chat model for `spec` (default: settings.llm), or None for offline.

    Nothing is contacted here: an unreachable host or an unknown model shows up on the first
    call (see `describe_failure`) or in `probe` (`coach doctor`).
    """
    settings = get_settings()
    backend = parse_spec(spec, settings)
    if backend is None:
        return None
    if backend.provider == "ollama":
        return _ollama(backend, settings)
    return _openai(backend, settings)


def _ollama(backend: Backend, settings: Settings) -> BaseChatModel:
    from langchain_ollama import ChatOllama

    return ChatOllama(
        model=backend.model,
        base_url=backend.base_url,
        temperature=settings.llm_temperature,
        seed=settings.llm_seed,
        client_kwargs={"timeout": settings.llm_timeout},
        sync_client_kwargs={"transport": RetryTransport.from_settings(settings)},
        async_client_kwargs={"transport": AsyncRetryTransport.from_settings(settings)},
    )


def _openai(backend: Backend, settings: Settings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    timeout = httpx.Timeout(settings.llm_timeout, connect=min(10.0, settings.llm_timeout))
    # Local servers (llama.cpp, vLLM, LM Studio) take any key; the client insists on one.
    key = SecretStr(api_key(backend, settings) or "not-needed")
    return ChatOpenAI(
        model=backend.model,
        base_url=backend.base_url,
        api_key=key,
        temperature=settings.llm_temperature,
        seed=settings.llm_seed,
        timeout=timeout,
        # Our transport retries; the SDK's own retries would multiply the attempts.
        max_retries=0,
        use_responses_api=False,
        http_client=httpx.Client(transport=RetryTransport.from_settings(settings), timeout=timeout),
        http_async_client=httpx.AsyncClient(
            transport=AsyncRetryTransport.from_settings(settings), timeout=timeout
        ),
    )
