"""What went wrong with a backend, in one line: classify a provider's exception (bad key, unknown
model, unreachable host, context overflow, unparseable output) and mask secrets in any text."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import httpx

from coach.errors import LLMUnavailable
from coach.llm.backends import Backend, parse_spec
from coach.llm.transport import BAD_OUTPUT
from coach.settings import Settings, get_settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


# Servers and clients word an overflowing prompt differently; these cover OpenAI, llama.cpp,
# vLLM and Ollama.
_OVERFLOW = re.compile(
    r"context (length|window|size)|maximum context|too many tokens|exceeds? the (available )?"
    r"context|prompt is too long|n_ctx",
    re.IGNORECASE,
)
CLIENT_PACKAGES = frozenset({"openai", "ollama", "langchain_openai", "langchain_ollama", "httpx"})
_KEY_LIKE = re.compile(r"\b(sk-[A-Za-z0-9_\-*]{3,}|Bearer\s+\S+)")


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
        return (
            f"unknown model '{model}' at {where} (HTTP 404), or a wrong base URL; "
            f"the server said: {_first_line(exc)}"
        )
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
