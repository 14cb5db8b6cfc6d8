"""`coach serve` hands its options to the UI's `serve` (which tests/ui exercises for real)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from coach.ui import app as ui_app


def test_serve_passes_host_and_port(
    coach: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str | None, int | None]] = []
    monkeypatch.setattr(ui_app, "serve", lambda host, port: calls.append((host, port)))
    assert coach("serve", "--host", "0.0.0.0", "--port", "8080").code == 0
    assert coach("serve").code == 0
    assert calls == [("0.0.0.0", 8080), (None, None)]


def test_a_bad_port_is_a_usage_error(coach: Callable[..., Any]) -> None:
    run = coach("serve", "--port", "70000")
    assert run.code == 2 and "65535" in run.err
