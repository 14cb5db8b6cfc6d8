"""`calc ask` benchmark: typed numeric questions -> the value the coach answers with.

The dev set (bench/data/calc_ask_dev.jsonl) was written by someone who had not read the
question reader: English and Russian phrasings of twelve kinds of question, each with its
expected value, unit, tolerance and published source. It is split by question id into a
tuning half and a test half (crc32 parity); figures for the test half are the ones to quote.

An answer counts when its *first* result, read in the unit the question asks for, is within
the relative tolerance: a right number in a second call the candidate may not read does not.

    python bench/calc_ask.py                 # markdown table, test half
    python bench/calc_ask.py --split all --misses
"""

from __future__ import annotations

import argparse
import json
import re
import time
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEV_SET = ROOT / "bench" / "data" / "calc_ask_dev.jsonl"
SPLITS = ("tune", "test", "all")
# Bytes per unit for memory answers.
MEMORY_UNITS = {"bytes": 1.0, "MB": 1e6, "GB": 1e9, "GiB": 2.0**30}
METRICS = ("f1", "precision", "recall")


def split_of(row_id: str) -> str:
    return "tune" if zlib.crc32(row_id.encode()) % 2 == 0 else "test"


def load(split: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in DEV_SET.read_text("utf-8").splitlines() if line]
    return [r for r in rows if split == "all" or split_of(r["id"]) == split]


def answered_value(row: dict[str, Any], result: Any) -> float | None:
    """The first result's number in the unit the row expects."""
    unit = row["unit"]
    if unit in MEMORY_UNITS:
        if result.total_gb is not None:
            return float(result.total_gb) * 1e9 / MEMORY_UNITS[unit]
        return float(result.value) / MEMORY_UNITS[unit] if result.value is not None else None
    if unit == "ratio":
        # The metric the question names; its headline value otherwise.
        asked = next(
            (m for m in METRICS if re.search(_METRIC_WORDS[m], row["question"], re.I)), None
        )
        if asked and asked in result.breakdown:
            return float(result.breakdown[asked])
    return float(result.value) if result.value is not None else None


_METRIC_WORDS = {
    "f1": r"\bf1\b|f-мера|f-score",
    "precision": r"precision|точност",
    "recall": r"recall|полнот",
}


def grade(row: dict[str, Any]) -> dict[str, Any]:
    from coach.calculators.ask import answer
    from coach.errors import CoachError

    try:
        reply = answer(row["question"])
    except CoachError as exc:  # a misreading the calculator rejected: a miss, not a crash
        return {**row, "ok": False, "status": "error", "got": None, "message": str(exc)}
    value = answered_value(row, reply.results[0]) if reply.results else None
    ok = value is not None and abs(value - row["expected"]) <= row["tolerance"] * abs(
        row["expected"]
    )
    return {
        "id": row["id"],
        "kind": row["kind"],
        "lang": row["lang"],
        "ok": ok,
        "status": reply.status,
        "got": value,
        "expected": row["expected"],
        "unit": row["unit"],
        "message": reply.message.splitlines()[0] if reply.message else "",
        "question": row["question"],
    }


def table(graded: list[dict[str, Any]]) -> str:
    cells: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for g in graded:
        for lang in (g["lang"], "all"):
            cells[g["kind"]][lang].append(g["ok"])
            cells["all"][lang].append(g["ok"])

    def cell(oks: list[bool]) -> str:
        return f"{sum(oks)}/{len(oks)} ({sum(oks) / len(oks):.0%})" if oks else "-"

    lines = ["| kind | en | ru | all |", "| --- | --- | --- | --- |"]
    for kind in [*sorted(k for k in cells if k != "all"), "all"]:
        row = cells[kind]
        lines.append(f"| {kind} | {cell(row['en'])} | {cell(row['ru'])} | {cell(row['all'])} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--split", choices=SPLITS, default="test")
    parser.add_argument("--misses", action="store_true", help="list the questions it got wrong")
    parser.add_argument("--json", type=Path, help="also write every graded row here")
    args = parser.parse_args()
    started = time.perf_counter()
    graded = [grade(row) for row in load(args.split)]
    seconds = time.perf_counter() - started
    print(
        f"split {args.split}: {len(graded)} questions, {1000 * seconds / len(graded):.1f} ms each\n"
    )
    print(table(graded))
    if args.misses:
        for g in graded:
            if not g["ok"]:
                print(
                    f"\n{g['id']} [{g['status']}] expected {g['expected']} {g['unit']}, "
                    f"got {g['got']}\n  Q: {g['question']}\n  A: {g['message']}"
                )
    if args.json:
        args.json.write_text(json.dumps(graded, ensure_ascii=False, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
