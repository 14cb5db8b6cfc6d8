"""LLM backends: one spelling ("none" | "ollama:<model>" | "openai:<model>", each optionally
followed by "@<base URL>") to a chat model.

Retries live in the HTTP transport (coach.retry), so both providers share one policy; the
SDKs' own retries are off. `describe_failure` turns whatever a provider raised into a one-line
LLMUnavailable that names the cause (bad key, unknown model, unreachable host) and never the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import httpx
from pydantic import BaseModel, Field

from coach.errors import InputError, LLMUnavailable
from coach.retry import BAD_OUTPUT, AsyncRetryTransport, RetryTransport
from coach.settings import Settings, get_settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

Provider = Literal["ollama", "openai"]
PROVIDERS: tuple[Provider, ...] = ("ollama", "openai")
SPEC_HELP = "none, ollama:<model> or openai:<model>, optionally followed by @<base URL>"
OFFLINE_SPELLINGS = {"", "none", "off", "offline"}
# Servers and clients word an overflowing prompt differently; these cover OpenAI, llama.cpp,
# vLLM and Ollama.
_OVERFLOW = re.compile(
    r"context (length|window|size)|maximum context|too many tokens|exceeds? the (available )?"
    r"context|prompt is too long|n_ctx",
    re.IGNORECASE,
)
CLIENT_PACKAGES = frozenset({"openai", "ollama", "langchain_openai", "langchain_ollama", "httpx"})
_KEY_LIKE = re.compile(r"\b(sk-[A-Za-z0-9_\-*]{3,}|Bearer\s+\S+)")


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
    return Backend(kind, model, _with_scheme(url) if url else default_base_url(kind, settings))


def default_base_url(provider: Provider, settings: Settings | None = None) -> str:
    """The server settings give the provider (OLLAMA_HOST / OPENAI_BASE_URL)."""
    settings = settings or get_settings()
    if provider == "ollama":
        return _with_scheme(settings.ollama_host)
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


def _with_scheme(host: str) -> str:
    # OLLAMA_HOST and servers typed into a spec are often written bare ("127.0.0.1:11434").
    host = host.strip().rstrip("/")
    return host if "://" in host else f"http://{host}"


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


def scrub(text: str, settings: Settings | None = None) -> str:
    """The text with the API key (and anything shaped like one) masked."""
    settings = settings or get_settings()
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
    if len(key) >= 4:
        text = text.replace(key, "***")
    return _KEY_LIKE.sub("***", text)


def is_context_overflow(exc: BaseException) -> bool:
    """True when a provider rejected the prompt for being longer than the model's context."""
    status = _status(exc)
    return status in (400, 413, 500) and bool(_OVERFLOW.search(str(exc)))


def is_bad_output(exc: BaseException) -> bool:
    """True when the server rejected what the model wrote (an unparseable tool call): a
    problem of this reply, not of the backend."""
    # A streamed reply reports it as an error event after HTTP 200: no status at all.
    status = _status(exc)
    return status in (400, 500, None) and bool(BAD_OUTPUT.search(str(exc)))


def truncated_reply(exc: BaseException) -> str | None:
    """The partial text of a structured reply the client refused because the model ran into
    its token limit (openai's LengthFinishReasonError, raised before any output parser runs);
    None for any other exception. The reply is the model's, not a backend failure."""
    import openai

    if not isinstance(exc, openai.LengthFinishReasonError):
        return None
    choices = exc.completion.choices
    return (choices[0].message.content or "") if choices else ""


def spec_of(llm: BaseChatModel) -> str | None:
    """The backend spec a chat model from `make_chat_model` was made for, or None.

    Callers handed a model rather than a spec (the grader, batch grading with `--llm`) need it
    to describe a failure: the spec in settings may be "none" while the model is in use.
    """
    provider = {"ChatOpenAI": "openai", "ChatOllama": "ollama"}.get(type(llm).__name__)
    model = getattr(llm, "model_name", None) or getattr(llm, "model", None)
    url = getattr(llm, "openai_api_base", None) or getattr(llm, "base_url", None)
    if not (provider and isinstance(model, str) and model):
        return None
    return f"{provider}:{model}@{url}" if isinstance(url, str) and url else f"{provider}:{model}"


def describe_failure(exc: BaseException, spec: str | None = None) -> LLMUnavailable | None:
    """A one-line LLMUnavailable for a provider or transport failure; None for anything else.

    None means the exception is not the backend's doing (a bug of ours), so callers re-raise it.
    """
    settings = get_settings()
    backend = parse_spec(spec, settings)
    label = backend.label if backend else "none"
    where = backend.base_url if backend else "?"
    cause = _cause(exc, backend, where, settings)
    if cause is None:
        return None
    return LLMUnavailable(label, scrub(cause, settings))


def _cause(
    exc: BaseException, backend: Backend | None, where: str, settings: Settings
) -> str | None:
    status = _status(exc)
    model = backend.model if backend else "?"
    tries = f" after {settings.llm_retries} retries" if settings.llm_retries else ""
    if _is_timeout(exc):
        return f"no answer from {where} within {settings.llm_timeout:g} s{tries}"
    if _is_connection(exc):
        return f"cannot reach {where}{tries}"
    if status in (401, 403):
        return f"the API key was rejected (HTTP {status}); check OPENAI_API_KEY"
    if status == 404:
        return f"unknown model '{model}' at {where} (HTTP 404), or a wrong base URL"
    if status == 429:
        return f"rate limited (HTTP 429){tries}"
    if status is not None and status >= 500:
        return f"server error (HTTP {status}){tries}: {_first_line(exc)}"
    if status is not None:
        return f"request rejected (HTTP {status}): {_first_line(exc)}"
    if isinstance(exc, ValueError) and _raised_by_client(exc):
        return f"malformed response from {where}: {_first_line(exc)}"
    return None


def _raised_by_client(exc: BaseException) -> bool:
    """Whether the exception comes from inside a provider's client (it could not parse what
    the server sent), as opposed to our own code."""
    traceback = exc.__traceback__
    while traceback is not None:
        module = traceback.tb_frame.f_globals.get("__name__", "")
        if module.split(".")[0] in CLIENT_PACKAGES:
            return True
        traceback = traceback.tb_next
    return False


def _status(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    if isinstance(status, int) and status > 0:
        return status
    response = getattr(exc, "response", None)
    code = getattr(response, "status_code", None)
    return code if isinstance(code, int) else None


def _is_timeout(exc: BaseException) -> bool:
    import openai

    return isinstance(exc, httpx.TimeoutException | openai.APITimeoutError | TimeoutError)


def _is_connection(exc: BaseException) -> bool:
    import openai

    # The ollama client turns httpx.ConnectError into the builtin ConnectionError.
    return isinstance(exc, httpx.TransportError | openai.APIConnectionError | ConnectionError)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


class BackendCheck(BaseModel):
    """Whether a backend answers, and which models it lists (`coach doctor`, interview start)."""

    backend: str
    base_url: str
    reachable: bool
    models: list[str] = Field(default_factory=list)
    model_available: bool | None = None  # None: the server does not list models
    error: str | None = None

    @property
    def usable(self) -> bool:
        """Worth trying: it answered, and does not deny having the model."""
        return self.reachable and self.error is None and self.model_available is not False


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
