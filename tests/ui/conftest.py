"""Fixtures for the UI tests: the real app (`python app.py`) on a free port, started once per
test module with its own data dir, and the search index it needs, built once per session."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
# A fresh clone has no index: building it embeds the whole corpus (minutes on 2 cores).
INDEX_BUILD_TIMEOUT = 1800
START_TIMEOUT = 120
PROVIDER_ENV = (
    "COACH_LLM",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OLLAMA_HOST",
    "COACH_AUTH_USER",
    "COACH_AUTH_PASSWORD",
    "COACH_SHARE",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_env(data_dir: Path, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PROVIDER_ENV}
    env.update(
        COACH_DATA_DIR=str(data_dir),
        COACH_HOST="127.0.0.1",
        COACH_PORT=str(port),
        COACH_LLM="none",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@dataclass
class RunningApp:
    url: str
    data_dir: Path
    log: Path
    process: subprocess.Popen[bytes]

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_app(workdir: Path, **env: str) -> RunningApp:
    """`python app.py` with its own data dir on a free port; returns once `/` answers."""
    port = free_port()
    data_dir = workdir / "data"
    log = workdir / "app.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=app_env(data_dir, port, **env),
        )
    app = RunningApp(f"http://127.0.0.1:{port}/", data_dir, log, process)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the app exited with {process.returncode}:\n{app.log_text()[-3000:]}")
        try:
            if httpx.get(app.url, timeout=2).status_code == 200:
                return app
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop_app(app)
    pytest.fail(f"the app did not answer within {START_TIMEOUT} s:\n{app.log_text()[-3000:]}")


def stop_app(app: RunningApp) -> None:
    app.process.terminate()
    try:
        app.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        app.process.kill()
        app.process.wait()


@pytest.fixture(scope="session")
def built_index() -> None:
    """The search index the app loads, built here (once) if missing or stale, so an app start
    in a test measures a normal start, not a first one."""
    env = {k: v for k, v in os.environ.items() if k not in PROVIDER_ENV}
    subprocess.run(
        [sys.executable, "-c", "from coach.ui.app import ensure_index; ensure_index()"],
        cwd=REPO,
        env=env,
        check=True,
        timeout=INDEX_BUILD_TIMEOUT,
    )


@pytest.fixture(scope="module")
def launch(
    built_index: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., RunningApp]]:
    """`launch(**env)` starts an app for this module; all of them stop when it ends."""
    started: list[RunningApp] = []

    def run(**env: str) -> RunningApp:
        app = start_app(tmp_path_factory.mktemp("app"), **env)
        started.append(app)
        return app

    yield run
    for app in started:
        stop_app(app)


@pytest.fixture(scope="module")
def app(launch: Callable[..., RunningApp]) -> RunningApp:
    """The app offline, as `python app.py` runs on a fresh machine."""
    return launch()
