"""The built wheel runs from any directory: bank, key, prompts and score model ship inside it.

The wheel is built from the checkout and installed, without its dependencies, into a fresh
venv that borrows this interpreter's packages (installing torch and the rest again would cost
minutes and test pip, not us). Every command runs from a directory outside the checkout.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

from coach.settings import REPO_ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wheel")
    build = [sys.executable, "-m", "pip", "wheel", str(REPO_ROOT), "--no-deps", "-q"]
    if importlib.util.find_spec("setuptools"):
        build.append("--no-build-isolation")  # no download when the build backend is here
    subprocess.run([*build, "-w", str(root / "dist")], check=True, cwd=root)
    (wheel,) = (root / "dist").glob("interview_coach-*.whl")
    env = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    purelib = subprocess.run(
        [str(env / "bin/python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # After the venv's own site-packages on sys.path: the wheel's coach wins over the checkout's.
    Path(purelib, "_borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n")
    install = [str(env / "bin/python"), "-m", "pip", "install", "-q", "--no-deps", str(wheel)]
    subprocess.run(install, check=True, cwd=root)
    return env


def _env() -> dict[str, str]:
    """This run's isolated data and index dirs, and no pointer back into the checkout."""
    checkout = ("COACH_CORPUS_DIR", "COACH_PROMPTS_DIR")
    return {k: v for k, v in os.environ.items() if k not in checkout}


def _coach(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin/coach"), *args],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_installed_coach_is_not_the_checkout(venv: Path, tmp_path: Path) -> None:
    found = subprocess.run(
        [str(venv / "bin/python"), "-c", "import coach; print(coach.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(venv) in found and str(REPO_ROOT) not in found


def test_corpus_search_and_an_interview_run_from_elsewhere(venv: Path, tmp_path: Path) -> None:
    stats = _coach(venv, tmp_path, "corpus", "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["total"] == 415
    hits = _coach(venv, tmp_path, "search", "KV cache memory", "--json")
    assert hits.returncode == 0, hits.stderr
    assert json.loads(hits.stdout)
    script = REPO_ROOT / "examples" / "interview_script.txt"
    run = _coach(venv, tmp_path, "interview", "--llm", "none", "--script", str(script))
    assert run.returncode == 0, run.stderr
    assert "Score " in run.stdout and "== Summary ==" in run.stdout


def test_the_ui_serves_from_elsewhere(venv: Path, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "serve.log"
    server = subprocess.Popen(
        [str(venv / "bin/coach"), "serve", "--port", str(port)],
        cwd=tmp_path,
        env=_env(),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                    assert page.status == 200 and "gradio" in page.read().decode().lower()
                    return
            except OSError:
                time.sleep(1)
        pytest.fail(f"the UI did not answer: {log.read_text()[-2000:]}")
    finally:
        server.terminate()
        server.wait(timeout=30)
