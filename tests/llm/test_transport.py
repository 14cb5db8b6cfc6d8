"""The retry policy: how long to wait, from Retry-After or the backoff, and never too long."""

from __future__ import annotations

from email.utils import formatdate
from time import time

import httpx

from coach.llm.transport import RetryPolicy, retry_after


def response(**headers: str) -> httpx.Response:
    return httpx.Response(429, headers=headers)


def test_retry_after_forms() -> None:
    assert retry_after(response()) is None
    assert retry_after(response(**{"retry-after": "2.5"})) == 2.5
    assert retry_after(response(**{"retry-after-ms": "1500"})) == 1.5
    dated = retry_after(response(**{"retry-after": formatdate(time() + 30, usegmt=True)}))
    assert dated is not None and 25 < dated <= 30
    assert retry_after(response(**{"retry-after": "soon"})) is None
    assert retry_after(response(**{"retry-after": "-4"})) == 0.0


def test_delay_backs_off_and_is_capped() -> None:
    policy = RetryPolicy(retries=5, backoff=1.0, max_wait=5.0)
    assert [policy.delay(n, None) for n in range(4)] == [1.0, 2.0, 4.0, 5.0]
    assert policy.delay(0, response(**{"retry-after": "3"})) == 3.0
    assert policy.delay(0, response(**{"retry-after": "3600"})) == 5.0
