"""The browser face: cold start to the first page served, and the per-turn overhead offline.

    python bench/ui.py                               # print the figures as Markdown
    python bench/ui.py --results bench/RESULTS.md    # ... and write the "UI" section

Cold start: `python app.py` in a fresh process (search index already built, empty data dir)
until `GET /` answers 200; median and worst of `--starts` runs. Per-turn overhead: an offline
interview driven over HTTP with gradio_client against the app served by this process; for each
answer, the wall time of the `/answer` call minus the time the interviewer itself spent in
`respond` (rules and grading), i.e. what the UI adds: HTTP, Gradio's queue, rendering events
to chat messages and streaming them. Also the time until the first update (the candidate's own
message echoed with "Thinking…") reaches the client.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from results_md import write_section  # noqa: E402

from coach.interview.events import Event  # noqa: E402
from coach.ui.app import build_app, ensure_index, launch_kwargs, warm  # noqa: E402
from coach.ui.live import LiveSessions  # noqa: E402

SECTION = "## UI"
COMMAND = "python bench/ui.py --results bench/RESULTS.md"
ANSWERS = [
    "It stores the keys and values of previous tokens so attention does not recompute them.",
    "Gradients are averaged across workers with all-reduce so every replica stays in sync.",
    "LoRA freezes the weights and trains two low-rank matrices whose product is the update.",
    "BLEU is the geometric mean of n-gram precisions times a brevity penalty.",
    "Quantization stores weights in fewer bits, e.g. int8 or 4-bit NF4, to save memory.",
    "I am not sure, maybe it is about the learning rate schedule and warmup.",
    "Self-attention compares queries with keys, softmaxes the scores and mixes the values.",
    "RLHF trains a reward model on human preferences and optimises the policy with PPO.",
    "Tokenizers like BPE merge frequent symbol pairs into subword units.",
    "RAG retrieves passages with a retriever and conditions the generator on them.",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a running process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cold_start(timeout: float = 120.0) -> tuple[float, float]:
    """Wall seconds from launching `python app.py` to the first 200 on `/`, and the CPU
    seconds the app used by then (less sensitive to other work on the machine)."""
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        env = {
            **os.environ,
            "COACH_DATA_DIR": data,
            "COACH_PORT": str(port),
            "COACH_HOST": "127.0.0.1",
            "COACH_LLM": "none",
        }
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while time.perf_counter() - started < timeout:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200:
                        return time.perf_counter() - started, cpu_seconds(process.pid)
                except httpx.HTTPError:
                    time.sleep(0.05)
            raise RuntimeError(f"no page within {timeout} s")
        finally:
            process.terminate()
            process.wait(timeout=15)


class CoreTimer:
    """Wraps an interviewer's `respond` to add up only the time spent inside it."""

    def __init__(self) -> None:
        self.turns: list[float] = []

    def wrap(self, respond):  # type: ignore[no-untyped-def]
        def timed(text: str) -> Iterator[Event]:
            events, spent = respond(text), 0.0
            while True:
                start = time.perf_counter()
                try:
                    event = next(events)
                except StopIteration:
                    break
                finally:
                    spent += time.perf_counter() - start
                yield event
            self.turns.append(spent)

        return timed


def turns(answers: list[str]) -> dict[str, list[float]]:
    """Per answer: end-to-end seconds, seconds in `respond`, seconds to the first update."""
    from gradio_client import Client

    ensure_index()
    warm()
    sessions = LiveSessions()
    demo = build_app(sessions)
    demo.queue()
    port = free_port()
    demo.launch(prevent_thread_lock=True, quiet=True, **launch_kwargs("127.0.0.1", port))
    try:
        with tempfile.TemporaryDirectory() as downloads:
            client = Client(
                f"http://127.0.0.1:{port}/",
                verbose=False,
                analytics_enabled=False,
                download_files=downloads,
            )
            session = client.predict("", "", "en", len(answers) + 1, "none", "", api_name="/start")[
                3
            ]
            timer = CoreTimer()
            live = sessions.get(session)
            live.interviewer.respond = timer.wrap(live.interviewer.respond)  # type: ignore[method-assign]
            total, first = [], []
            for answer in answers:
                started = time.perf_counter()
                job = client.submit(answer, api_name="/answer")
                for index, _ in enumerate(job):
                    if index == 0:
                        first.append(time.perf_counter() - started)
                total.append(time.perf_counter() - started)
    finally:
        demo.close()
    return {"total": total, "core": timer.turns, "first": first}


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def row(name: str, values: list[float], target: str = "", *, ms: bool = True) -> str:
    """A table row: median and worst (p90 for many values), in ms or s."""
    high = max(values) if len(values) < 10 else p(values, 0.9)
    mid = statistics.median(values)
    if ms:
        return f"| {name} | {mid * 1000:.0f} ms | {high * 1000:.0f} ms | {target} |"
    return f"| {name} | {mid:.1f} s | {high:.1f} s | {target} |"


def section(starts: list[tuple[float, float]], measured: dict[str, list[float]]) -> str:
    overhead = [t - c for t, c in zip(measured["total"], measured["core"], strict=True)]
    load = os.getloadavg()[0]
    lines = [
        SECTION,
        "",
        f"`{COMMAND}` — {len(starts)} cold starts, {len(measured['total'])} offline answers; "
        f"{platform.machine()}, {os.cpu_count()} cores, load average {load:.1f} at the end "
        "(other work shares the machine: the CPU time shows what the app itself needs).",
        "",
        "| Figure | median | worst (p90 for turns) | target |",
        "|---|---:|---:|---:|",
        row("Cold start to first page (index built)", [w for w, _ in starts], "< 15 s", ms=False),
        row("  CPU time the app used by then", [c for _, c in starts], ms=False),
        row("Per-turn UI overhead, offline", overhead, "< 300 ms"),
        row("First update (answer echoed, status shown)", measured["first"]),
        row("Whole turn, offline (grading included)", measured["total"]),
        row("  of which the interviewer (`respond`)", measured["core"]),
        "",
        "Cold start is `python app.py` (imports, index load, page build) until `GET /` answers. "
        "The overhead is each `/answer` call's wall time through gradio_client minus the time "
        "spent inside the interviewer's `respond` (state machine and offline grader), i.e. "
        "HTTP, Gradio's queue, event-to-message rendering and streaming.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=3, help="cold starts to time")
    parser.add_argument("--results", type=Path, help="write the UI section into this file")
    args = parser.parse_args()
    ensure_index()  # a first start would build it; the target is for a built index
    starts = [cold_start() for _ in range(args.starts)]
    text = section(starts, turns(ANSWERS))
    print(text)
    if args.results:
        write_section(args.results, SECTION, text)


if __name__ == "__main__":
    main()
