"""The LLM judge against the real local model on the interview dev set's test split.

    python bench/llm_judge.py --per-kind 8 --budget 2400
    python bench/llm_judge.py --per-kind 8 --budget 2400 --results bench/RESULTS.md

Qwen2.5-Coder-1.5B-Instruct (GGUF Q4_K_M) behind llama.cpp's llama-server, started by
scripts/local_llm.py with the GGUF's own chat template, as a user would start it. A fixed
sample (seed 0) of `--per-kind` answers of each kind from the dev set's test split, taken in
turn by kind until the time budget runs out. Each answer is graded offline and with the model
(`grade(..., llm=...)`); reported on the same answers: Pearson with the interviewer, mean
score per kind, bluffs at <= 3, terse answers at >= 5, for the offline grade, the combined
grade, and the model's reading alone (its statuses through the offline formula, before the
evidence bounds it); seconds per answer and fallbacks.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.stats import pearsonr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).parent))

from grading_dev import KINDS, load
from results_md import write_section

from coach.corpus import bank as bank_store
from coach.grading import grade
from coach.grading.combine import model_score
from coach.grading.llm import Judgment
from coach.llm.backends import make_chat_model
from coach.settings import get_settings
from scripts import local_llm

SECTION = "## Grading: LLM judge on the dev set"
MAX_TOKENS = 400


def sample(per_kind: int) -> list[dict]:
    rows = load("test")
    by_kind = defaultdict(list)
    for r in rows:
        by_kind[r["kind"]].append(r)
    picked = {k: random.Random(0).sample(by_kind[k], per_kind) for k in KINDS}
    # In turn by kind, so a run cut short by the budget stays balanced.
    return [picked[k][i] for i in range(per_kind) for k in KINDS]


def run(rows: list[dict], budget: float) -> list[dict]:
    bank = bank_store.load(get_settings().corpus_dir).by_id()
    model = make_chat_model("openai:local")
    assert model is not None
    out: list[dict] = []
    deadline = time.monotonic() + budget
    for r in rows:
        if time.monotonic() > deadline:
            break
        question = bank[r["question_id"]]
        offline = grade(question, r["answer"], retrieve=False)
        started = time.perf_counter()
        judged = grade(question, r["answer"], llm=model, retrieve=False)
        seconds = time.perf_counter() - started
        reading = (
            model_score(
                judged.key_points,
                Judgment(key_points=[], misconceptions=judged.misconceptions),
                offline.adjustment,
            )
            if judged.fallback_notice is None
            else None
        )
        out.append(
            {
                **r,
                "offline": offline.score,
                "combined": judged.score,
                "reading": reading,
                "seconds": seconds,
                "fallback": judged.fallback_notice,
                "load": os.getloadavg()[0],
            }
        )
        print(
            f"{len(out)}: {r['kind']} truth {r['score']} offline {offline.score} "
            f"combined {judged.score} ({seconds:.0f} s)",
            flush=True,
        )
    return out


def stats(graded: list[dict], field: str) -> dict:
    rows = [g for g in graded if g[field] is not None]
    scores = np.array([g[field] for g in rows], dtype=float)
    truth = np.array([g["score"] for g in rows], dtype=float)
    kinds = {k: [g[field] for g in rows if g["kind"] == k] for k in KINDS}
    return {
        "n": len(rows),
        "pearson": float(pearsonr(scores, truth)[0]) if len(rows) > 2 else float("nan"),
        "kinds": {k: float(np.mean(v)) if v else float("nan") for k, v in kinds.items()},
        "bluff_low": float(np.mean(np.array(kinds["bluff"]) <= 3)) if kinds["bluff"] else 0.0,
        "terse_high": float(np.mean(np.array(kinds["terse"]) >= 5)) if kinds["terse"] else 0.0,
    }


def markdown(graded: list[dict], command: str) -> str:
    seconds = [g["seconds"] for g in graded]
    loads = [g["load"] for g in graded]
    lines = [
        SECTION,
        "",
        "Qwen2.5-Coder-1.5B-Instruct Q4_K_M behind llama-server on this machine's 2 CPU cores "
        "(the GGUF's own chat template, temperature 0), judging key-point statuses on a "
        f"balanced sample of the dev set's test split. Command: `{command}`",
        "",
        f"{len(graded)} answers; {statistics.median(seconds):.0f} s per answer (median), "
        f"{sum(1 for g in graded if g['fallback'])} fell back to offline; load average "
        f"{statistics.mean(loads):.1f} on average.",
        "",
        "| grade | answers | Pearson | "
        + " | ".join(f"mean {k}" for k in KINDS)
        + " | bluff <= 3 | terse >= 5 |",
        "|---" * (5 + len(KINDS)) + "|",
    ]
    names = {
        "offline": "offline",
        "combined": "combined (what the coach shows)",
        "reading": "model's reading alone",
    }
    for field, name in names.items():
        s = stats(graded, field)
        kinds = " | ".join(f"{s['kinds'][k]:.1f}" for k in KINDS)
        lines.append(
            f"| {name} | {s['n']} | {s['pearson']:.3f} | {kinds} | {s['bluff_low']:.0%} "
            f"| {s['terse_high']:.0%} |"
        )
    return "\n".join([*lines, ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=8)
    parser.add_argument("--budget", type=float, default=2400.0, help="seconds of grading")
    parser.add_argument("--results", type=Path)
    args = parser.parse_args()
    server = local_llm.start("1.5b", native_tools=False, max_tokens=MAX_TOKENS)
    os.environ.update(OPENAI_BASE_URL=server.base_url, COACH_LLM_TIMEOUT="300")
    get_settings.cache_clear()
    try:
        graded = run(sample(args.per_kind), args.budget)
    finally:
        server.stop()
    command = "python bench/llm_judge.py " + " ".join(sys.argv[1:])
    text = markdown(graded, command)
    print(text)
    if args.results:
        write_section(args.results, SECTION, text)


if __name__ == "__main__":
    main()
