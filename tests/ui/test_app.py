"""Where and how the app listens, and what the banner says (no long-running server)."""

from __future__ import annotations

import socket

import httpx
import pytest

from coach.errors import CoachError
from coach.llm.check import BackendCheck
from coach.settings import get_settings
from coach.ui import app as ui_app
from coach.ui.app import launch_kwargs
from coach.ui.banner import OFFLINE_LINE, backend_line


def test_by_default_it_binds_localhost_7860_without_login_or_share() -> None:
    kwargs = launch_kwargs()
    assert (kwargs["server_name"], kwargs["server_port"]) == ("127.0.0.1", 7860)
    assert kwargs["auth"] is None and kwargs["share"] is False
    assert kwargs["show_error"] is False


def test_host_port_login_and_share_come_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "COACH_HOST": "0.0.0.0",
        "COACH_PORT": "9000",
        "COACH_SHARE": "true",
        "COACH_AUTH_USER": "ann",
        "COACH_AUTH_PASSWORD": "s3cret",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    kwargs = launch_kwargs()
    assert (kwargs["server_name"], kwargs["server_port"]) == ("0.0.0.0", 9000)
    assert kwargs["auth"] == ("ann", "s3cret") and kwargs["share"] is True
    assert launch_kwargs("127.0.0.2", 9001)["server_name"] == "127.0.0.2"


def test_a_user_without_a_password_means_no_login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_AUTH_USER", "ann")
    get_settings.cache_clear()
    assert launch_kwargs()["auth"] is None


def test_the_backend_line() -> None:
    assert backend_line(None) == OFFLINE_LINE
    usable = BackendCheck(
        backend="ollama:qwen",
        base_url="http://h:1",
        reachable=True,
        models=["qwen"],
        model_available=True,
    )
    assert backend_line(usable).startswith("✓ Backend `ollama:qwen` at `http://h:1`: reachable")
    missing = BackendCheck(
        backend="ollama:qwen",
        base_url="http://h:1",
        reachable=True,
        models=["llama3", "phi3"],
        model_available=False,
    )
    line = backend_line(missing)
    assert line.startswith("✓") and "does not list this model (it lists: llama3, phi3)" in line
    down = BackendCheck(
        backend="openai:m",
        base_url="http://h:2/v1",
        reachable=False,
        error="cannot reach http://h:2/v1 after 2 retries",
    )
    assert "not usable: cannot reach http://h:2/v1" in backend_line(down)


def test_a_busy_port_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ui_app, "ensure_index", lambda: None)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CoachError, match=f"cannot listen on 127.0.0.1:{port}"):
            ui_app.serve(port=port, block=False)


def test_with_a_login_the_app_answers_only_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_AUTH_USER", "ann")
    monkeypatch.setenv("COACH_AUTH_PASSWORD", "s3cret")
    get_settings.cache_clear()
    monkeypatch.setattr(ui_app, "ensure_index", lambda: None)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    demo = ui_app.serve(port=port, block=False)
    try:
        url = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{url}/config", timeout=10).status_code == 401
        with httpx.Client(base_url=url, timeout=10) as browser:
            refused = browser.post("/login", data={"username": "ann", "password": "nope"})
            assert refused.status_code == 400
            assert browser.post("/login", data={"username": "ann", "password": "s3cret"}).is_success
            assert browser.get("/config").status_code == 200
    finally:
        demo.close()
