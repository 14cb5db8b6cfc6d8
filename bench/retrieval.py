"""Retrieval benchmark: does search find the question a query is about?

For every bank question it queries (a) the question's own text and (b) the held-out English
paraphrases in bench/queries_en.jsonl, and reports Recall@1, Recall@5 and MRR@10 of the target
question for dense-only, BM25-only and hybrid search; plus query latency (model loaded), a full
index build from scratch (no vector reuse), peak RSS and a cold `coach search` in a new process.

Each embedder runs in its own process, so peak RSS is its own:

    python bench/retrieval.py                      # e5-small and minilm, markdown to stdout
    python bench/retrieval.py --embedders e5-small --json bench/retrieval-e5.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "bench" / "queries_en.jsonl"
# Written for the benchmark (not copied from the corpus or key), each aimed at a question in
# another language.
CROSS_LINGUAL = {lang: ROOT / "bench" / f"queries_{lang}.jsonl" for lang in ("ru", "zh", "fa")}
MODES = ("dense", "lexical", "hybrid")
COLD_QUERY = "KV cache"


def metrics(ranks: list[int | None]) -> dict[str, float]:
    """Recall@1, Recall@5 and MRR@10 from the 1-based rank of the target (None: not in top 10)."""
    n = len(ranks)
    return {
        "n": n,
        "recall@1": sum(r == 1 for r in ranks if r) / n,
        "recall@5": sum(r <= 5 for r in ranks if r) / n,
        "mrr@10": sum(1 / r for r in ranks if r) / n,
    }


def query_sets() -> dict[str, list[tuple[str, str]]]:
    """(query, target question id) pairs per query set."""
    from coach.corpus import bank
    from coach.settings import get_settings

    questions = bank.load(get_settings().corpus_dir).questions
    sets = {
        "own text": [(q.text, q.id) for q in questions],
        "own text, zh twin": [(q.text_zh, q.id) for q in questions if q.text_zh],
        "en paraphrase": _pairs(QUERIES),
    }
    for lang, path in CROSS_LINGUAL.items():
        sets[f"{lang} → other language"] = _pairs(path)
    return sets


def _pairs(path: Path) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    return [(r["query"], r["question_id"]) for r in rows]


def rank_of(hits: list[Any], target: str) -> int | None:
    return next((h.rank for h in hits if h.question_id == target), None)


def run_one(spec: str) -> dict[str, Any]:
    """Build, evaluate and time one embedder inside this process."""
    from coach.corpus import key
    from coach.search import embedders, hybrid, store
    from coach.settings import get_settings

    settings = get_settings()
    started = time.perf_counter()
    embedder = embedders.get_embedder(spec)
    load_seconds = time.perf_counter() - started
    index_dir = Path(tempfile.mkdtemp(prefix="bench-index-"))
    cpu0, wall0 = time.process_time(), time.perf_counter()
    manifest = store.build(embedder, index_dir=index_dir, reuse=False)
    build = {"wall_s": time.perf_counter() - wall0, "cpu_s": time.process_time() - cpu0}
    retriever = hybrid.Retriever(store.load(embedder, index_dir=index_dir), embedder)
    sets = query_sets()
    results: dict[str, dict[str, Any]] = {}
    ranked: dict[str, dict[str, list[tuple[str, int | None]]]] = {}
    latencies: list[float] = []
    # CPU time per query too: on a shared machine wall time mostly measures the neighbours.
    cpu_latencies: list[float] = []
    retriever.search("warm-up query", k=10)
    for name, pairs in sets.items():
        for mode in MODES:
            ranks = []
            for query, target in pairs:
                t0, c0 = time.perf_counter(), time.process_time()
                hits = retriever.search(query, k=10, mode=mode)  # type: ignore[arg-type]
                if mode == "hybrid":
                    latencies.append(time.perf_counter() - t0)
                    cpu_latencies.append(time.process_time() - c0)
                ranks.append(rank_of(hits, target))
            results.setdefault(name, {})[mode] = metrics(ranks)
            ranked.setdefault(name, {})[mode] = [
                (t, r) for (_, t), r in zip(pairs, ranks, strict=True)
            ]
    latencies.sort()
    cpu_latencies.sort()
    figures = {
        "embedder": spec,
        "embedder_id": embedder.id,
        "model_load_s": load_seconds,
        "chunks": manifest.chunks,
        "dense_chunks": manifest.dense_chunks,
        "key_entries": len(key.load(settings.corpus_dir)),
        "build": build,
        "results": results,
        "ranks": ranked,
        "latency_ms": {
            "p50": 1000 * statistics.median(latencies),
            "p95": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
            "cpu_p50": 1000 * statistics.median(cpu_latencies),
            "cpu_p95": 1000 * cpu_latencies[int(0.95 * (len(cpu_latencies) - 1))],
            "n": len(latencies),
        },
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "cold_search_s": cold_search(spec, index_dir),
        "loadavg_1m": os.getloadavg()[0],
    }
    shutil.rmtree(index_dir, ignore_errors=True)
    return figures


COLD_COMMANDS = {
    # The user's command: the whole Typer app is imported before the search runs.
    "coach search": ["{coach}", "search", COLD_QUERY, "--json"],
    # The search path alone, to tell its cost from the rest of the CLI's imports.
    "retrieval only": [
        "{python}",
        "-c",
        f"from coach.search.hybrid import search; print(search({COLD_QUERY!r})[0])",
    ],
}


def cold_search(spec: str, index_dir: Path, runs: int = 3) -> dict[str, float]:
    """Median wall and CPU time of a search in a fresh process, start to printed result."""
    env = {**os.environ, "COACH_EMBEDDER": spec, "COACH_INDEX_DIR": str(index_dir)}
    names = {"coach": str(Path(sys.executable).with_name("coach")), "python": sys.executable}
    medians = {}
    for label, template in COLD_COMMANDS.items():
        command = [part.format(**names) for part in template]
        walls, cpus = [], []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(command, env=env, check=True, capture_output=True, cwd=ROOT)
            walls.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        medians[label] = statistics.median(walls)
        medians[f"{label} cpu"] = statistics.median(cpus)
    return medians


def metric_row(embedder: str, name: str, label: str, m: dict[str, float]) -> str:
    return (
        f"| {embedder} | {name} | {label} | {m['n']} | "
        f"{m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['mrr@10']:.3f} |"
    )


def held_out(target: str) -> bool:
    """The test half: targets whose id has an odd crc32 (the fusion was chosen on the rest)."""
    return zlib.crc32(target.encode()) % 2 == 1


def breakdown(runs: list[dict[str, Any]]) -> list[str]:
    """The held-out half per query set and mode, and per target language (whole sets)."""
    lines = [
        "",
        "Held-out half (targets with an odd crc32 of their id):",
        "",
        "| embedder | query set | mode | n | Recall@1 | Recall@5 | MRR@10 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in runs:
        for name, by_mode in run["ranks"].items():
            for mode, pairs in by_mode.items():
                m = metrics([r for t, r in pairs if held_out(t)])
                lines.append(metric_row(run["embedder"], name, mode, m))
    lines += [
        "",
        "Cross-lingual sets by the target question's language (whole sets, hybrid):",
        "",
        "| embedder | query set | target language | n | Recall@1 | Recall@5 | MRR@10 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in runs:
        for name, by_mode in run["ranks"].items():
            if "→" not in name:
                continue
            for lang in sorted({t.split("-")[0] for t, _ in by_mode["hybrid"]}):
                m = metrics([r for t, r in by_mode["hybrid"] if t.split("-")[0] == lang])
                lines.append(metric_row(run["embedder"], name, lang, m))
    return lines


def markdown(runs: list[dict[str, Any]]) -> str:
    lines = [
        "| embedder | query set | mode | n | Recall@1 | Recall@5 | MRR@10 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in runs:
        for name, by_mode in run["results"].items():
            for mode, m in by_mode.items():
                lines.append(metric_row(run["embedder"], name, mode, m))
    lines += [
        "",
        "Wall time, then CPU time (user + system) in brackets: the machine is shared, so CPU "
        "time is the part that does not depend on the neighbours' load.",
        "",
        "| embedder | chunks (dense) | key entries | full build s | query p50 / p95 ms | "
        "peak RSS MB | cold `coach search` s | cold search, retrieval only s | load avg |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in runs:
        b, lat, cold = run["build"], run["latency_ms"], run["cold_search_s"]
        lines.append(
            f"| {run['embedder']} | {run['chunks']} ({run['dense_chunks']}) | "
            f"{run['key_entries']} | {b['wall_s']:.1f} ({b['cpu_s']:.1f}) | "
            f"{lat['p50']:.1f} / {lat['p95']:.1f} ({lat['cpu_p50']:.1f} / {lat['cpu_p95']:.1f}) | "
            f"{run['peak_rss_mb']:.0f} | "
            f"{cold['coach search']:.2f} ({cold['coach search cpu']:.2f}) | "
            f"{cold['retrieval only']:.2f} ({cold['retrieval only cpu']:.2f}) | "
            f"{run['loadavg_1m']:.1f} |"
        )
    return "\n".join(lines + breakdown(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedders", default="e5-small,minilm")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child process: one embedder
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    runs = []
    for spec in args.embedders.split(","):
        child = subprocess.run(
            [sys.executable, __file__, "--one", spec], check=True, capture_output=True, text=True
        )
        runs.append(json.loads(child.stdout.strip().splitlines()[-1]))
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2) + "\n", "utf-8")
    print(markdown(runs))


if __name__ == "__main__":
    main()
