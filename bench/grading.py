"""Offline grader on Beetle (human-labelled student answers, each with a reference answer).

    python bench/grading.py                 # measure train and unseen-questions, print markdown
    python bench/grading.py --results bench/RESULTS.md   # ... and write the "Grading" section
    python bench/grading.py --fit           # refit the Beetle-derived calibration numbers
    python bench/grading.py --fit-reference # refit the teacher-reference profile on train
    python bench/grading.py --embedders e5-small,minilm --results bench/RESULTS.md
                                            # which embedder grades best (refitted per embedder)

Quality: Pearson / Spearman of the 0-10 score against the label mapped to correct 1,
partially_correct_incomplete 0.5, everything else 0; macro-F1 of the 3-way verdict, SemEval-2013
style: correct / contradictory / partial-or-irrelevant, with our verdicts mapped
correct -> correct, contradictory and incorrect -> contradictory (a wrong claim), and
partially_correct, off_topic, empty -> partial-or-irrelevant.
Speed: answers per second through `grade()` with batched embedding (`warm`), on this machine's
cores, and the p50 latency of one `grade()` call with the model loaded and the answer unseen.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics import f1_score

from coach.corpus import bank as bank_store
from coach.corpus import key as key_store
from coach.grading import grade, rubric, vectors, warm
from coach.grading.alignment import is_empty, measure
from coach.grading.calibration import CALIBRATION, Calibration
from coach.grading.models import Grade, Verdict
from coach.settings import get_settings

DATA = Path(
    os.environ.get(
        "BEETLE", Path(__file__).resolve().parents[2] / "shared/data/beetle/beetle.jsonl"
    )
)
TARGET = {"correct": 1.0, "partially_correct_incomplete": 0.5}
THREE_WAY_LABEL = {"correct": "correct", "contradictory": "contradictory"}
THREE_WAY_VERDICT = {
    Verdict.CORRECT: "correct",
    Verdict.CONTRADICTORY: "contradictory",
    Verdict.INCORRECT: "contradictory",
}
LATENCY_SAMPLE = 100
from results_md import write_section  # noqa: E402

SECTION = "## Grading"
EMBEDDERS_SECTION = "## Grading: embedders"


def load(split: str) -> list[dict]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if r["split"] == split]


def grade_rows(rows: list[dict]) -> tuple[list[Grade], float]:
    """Grades in teacher mode (the row's own reference), and answers per second."""
    started = time.perf_counter()
    warm([r["answer"] for r in rows])
    grades = [grade(r["question"], r["answer"], r["references"][0], retrieve=False) for r in rows]
    return grades, len(rows) / (time.perf_counter() - started)


def latency_p50(rows: list[dict]) -> float:
    """Milliseconds for one grade() of an answer not seen before (the model already loaded)."""
    grade(rows[0]["question"], "warm-up answer", rows[0]["references"][0], retrieve=False)
    times = []
    for r in rows[:LATENCY_SAMPLE]:
        answer = r["answer"] + " (latency probe)"
        started = time.perf_counter()
        grade(r["question"], answer, r["references"][0], retrieve=False)
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def three_way(grades: list[Grade], rows: list[dict]) -> float:
    truth = [THREE_WAY_LABEL.get(r["label"], "other") for r in rows]
    predicted = [THREE_WAY_VERDICT.get(g.verdict, "other") for g in grades]
    return float(f1_score(truth, predicted, average="macro"))


def evaluate(split: str) -> dict:
    rows = load(split)
    grades, rate = grade_rows(rows)
    scores = np.array([g.score for g in grades])
    target = np.array([TARGET.get(r["label"], 0.0) for r in rows])
    return {
        "split": split,
        "answers": len(rows),
        "questions": len({r["qid"] for r in rows}),
        "pearson": float(pearsonr(scores, target)[0]),
        "spearman": float(spearmanr(scores, target)[0]),
        "macro_f1": three_way(grades, rows),
        "answers_per_s": rate,
        "p50_ms": latency_p50(rows),
    }


def markdown(results: list[dict], command: str, load: tuple[float, float]) -> str:
    lines = [
        SECTION,
        "",
        f"Offline grader in teacher mode (embedder {CALIBRATION.embedder}; each answer against "
        "its own reference, cut into points and scored with the reference profile, whose curve, "
        "off-topic margin and lex imputation are fitted on Beetle `train`), "
        f"{os.cpu_count()} CPU cores shared with other work (load average "
        f"{load[0]:.1f} at the start, {load[1]:.1f} at the end: speed figures scale with it). "
        f"Command: `{command}`",
        "",
        "| split | answers | questions | Pearson | Spearman | macro-F1 (3-way) | answers/s "
        "| p50 ms/answer |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['split']} | {r['answers']} | {r['questions']} | {r['pearson']:.3f} "
            f"| {r['spearman']:.3f} | {r['macro_f1']:.3f} | {r['answers_per_s']:.1f} "
            f"| {r['p50_ms']:.1f} |"
        )
    lines += [
        "",
        "Score vs label mapped to correct 1 / partially_correct_incomplete 0.5 / others 0. "
        "3-way verdicts: correct; contradictory (ours: contradictory or incorrect); "
        "partial-or-irrelevant (ours: partially_correct, off_topic, empty). Throughput is "
        "`grade()` over the whole split after one batched `warm()`; p50 is one `grade()` of an "
        "unseen answer with the model loaded.",
        "",
    ]
    return "\n".join(lines)


def features(
    rows: list[dict], embedder: str | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sem, lex, length) per answer, the best key point's cosine and lex, and the relevance."""
    warm([r["answer"] for r in rows], embedder)
    cache = vectors.cache(embedder)
    x, point, other = [], [], []
    for r in rows:
        graded = rubric.build(r["question"], r["references"][0], retrieve=False)
        m = measure(graded, r["answer"], cache)
        x.append((m.signals.sem, m.signals.lex, m.signals.length))
        if m.points and m.points[0].lex is not None:
            point.append((m.points[0].sim, m.points[0].lex))
        other.append((m.relevance, float(m.shares_terms), float(is_empty(r["answer"]))))
    return np.array(x), np.array(point), np.array(other)


def targets(rows: list[dict]) -> np.ndarray:
    return np.array([TARGET.get(r["label"], 0.0) for r in rows])


def sigmoid_fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Weights (one per column of x, then the bias) of sigmoid(x @ w + b) fitted to y."""

    def residuals(w: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-(x @ w[:-1] + w[-1]))) - y

    # Start with the first column (similarity) weighted highest, as every fit so far ended.
    start = np.r_[5.0, np.ones(x.shape[1] - 1), -5.0]
    return least_squares(residuals, x0=start).x


def compare_embedders(specs: list[str]) -> list[dict]:
    """Per embedder: Pearson of its cosine alone and of the grader's three features with the
    calibration refitted on train for that embedder (so none is judged by e5's numbers)."""
    train, unseen = load("train"), load("unseen-questions")
    found = []
    for spec in specs:
        x_train, x_unseen = features(train, spec)[0], features(unseen, spec)[0]
        w = sigmoid_fit(x_train, targets(train))
        row = {"embedder": spec}
        for name, x, rows in (("train", x_train, train), ("unseen", x_unseen, unseen)):
            y = targets(rows)
            row[f"cos_{name}"] = float(pearsonr(x[:, 0], y)[0])
            row[f"fit_{name}"] = float(pearsonr(1 / (1 + np.exp(-(x @ w[:-1] + w[-1]))), y)[0])
        found.append(row)
    return found


def embedders_markdown(rows: list[dict], command: str) -> str:
    lines = [
        EMBEDDERS_SECTION,
        "",
        "Which embedder serves the offline grader: Pearson with the Beetle labels of the "
        "answer's semantic similarity alone (sem), and of the calibrated score with the "
        "calibration refitted on `train` for each embedder. Command: "
        f"`{command}`",
        "",
        "| embedder | sem, train | sem, unseen | calibrated, train | calibrated, unseen |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['embedder']} | {r['cos_train']:.3f} | {r['cos_unseen']:.3f} "
            f"| {r['fit_train']:.3f} | {r['fit_unseen']:.3f} |"
        )
    best = max(rows, key=lambda r: r["fit_unseen"])["embedder"]
    return "\n".join([*lines, "", f"Best on the unseen questions: {best}.", ""])


def fit() -> Calibration:
    """Refit on Beetle train what the dev set cannot give (it has few cross-lingual and no
    off-topic answers): the lex imputation, the off-topic margin and the cross-lingual gaps.
    The score curve itself comes from `python bench/grading_dev.py --fit`."""
    rows = load("train")
    _, point, other = features(rows)
    # Moment matching, not regression: an estimate from the cosine alone must keep the spread
    # of real word overlap, or every cross-lingual answer would be pulled to the middle.
    slope = point[:, 1].std() / point[:, 0].std()
    intercept = point[:, 1].mean() - slope * point[:, 0].mean()
    return CALIBRATION.model_copy(
        update={
            "lex_slope": round(float(slope), 3),
            "lex_at_zero": round(float(-intercept / slope), 3),
            "off_topic_margin": _off_topic_threshold(rows, other),
            "cross_lingual_gap": cross_lingual_gap(),
        }
    )


def fit_reference() -> Calibration:
    """The score curve and point credit for rubrics cut from a one-line reference, fitted on
    Beetle train with the interview dev set's procedure (grading_dev.fit)."""
    from grading_dev import features as point_features
    from grading_dev import fit as fit_curve

    rows = load("train")
    found = point_features(
        rows, lambda r: rubric.build(r["question"], r["references"][0], retrieve=False)
    )
    return fit_curve(found, 10 * targets(rows), trees=False)


def cross_lingual_gap() -> dict[str, float]:
    """Per language: how much lower a text's cosine to an English key point runs when the text
    is in that language rather than English, measured on the bank's parallel texts (no Beetle
    data). Question renderings give it for ru / zh / fa; the gap grows with text length, so
    it is scaled by what Russian document answers and their English references show."""
    corpus = get_settings().corpus_dir
    questions, entries = bank_store.load(corpus).questions, key_store.load(corpus)
    short: dict[str, list[tuple[str, str, str]]] = {"ru": [], "zh": [], "fa": []}
    long: list[tuple[str, str, str]] = []
    for q in questions:
        entry = entries.get(q.id)
        if entry is None or not entry.key_points:
            continue
        point = entry.key_points[0].text
        if q.lang in ("ru", "fa"):
            short[q.lang].append((entry.text_en, q.text, point))
        if q.text_zh:
            short["zh"].append((q.text, q.text_zh, point))
        if entry.reference_orig:
            long.append((entry.reference_en, entry.reference_orig, point))
    gaps = {lang: _gap(rows) for lang, rows in short.items()}
    scale = _gap(long) / gaps["ru"]
    return {lang: round(gap * scale, 3) for lang, gap in gaps.items()}


def _gap(rows: list[tuple[str, str, str]]) -> float:
    """Median of cos(english, point) - cos(other language, point)."""
    cache = vectors.cache()
    english, other, point = (cache.get([r[i] for r in rows]) for i in range(3))
    return float(np.median((english * point).sum(1) - (other * point).sum(1)))


def _off_topic_threshold(rows: list[dict], other: np.ndarray) -> float:
    """The relevance margin that best separates non-domain / irrelevant answers from the rest
    among answers sharing no content word with question or key (it labels, it does not score)."""
    no_terms = other[:, 1] == 0
    labels = np.array([r["label"] in ("non_domain", "irrelevant") for r in rows])[no_terms]
    relevance = other[no_terms, 0]
    grid = np.arange(-0.05, 0.05, 0.005)
    accuracy = [((relevance < t) == labels).mean() for t in grid]
    return round(float(grid[int(np.argmax(accuracy))]), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit the calibration on train")
    parser.add_argument(
        "--fit-reference",
        action="store_true",
        help="refit the score curve of rubrics cut from a reference (teacher mode) on train",
    )
    parser.add_argument("--results", type=Path, help="write the Grading section to this file")
    parser.add_argument("--splits", default="train,unseen-questions")
    parser.add_argument("--embedders", help="compare these embedders (comma-separated)")
    args = parser.parse_args()
    command = "python bench/grading.py " + " ".join(sys.argv[1:])
    if args.fit:
        print(repr(fit()))
        return
    if args.fit_reference:
        print(repr(fit_reference()))
        return
    if args.embedders:
        section = embedders_markdown(compare_embedders(args.embedders.split(",")), command)
        print(section)
        if args.results:
            write_section(args.results, EMBEDDERS_SECTION, section)
        return
    before = os.getloadavg()[0]
    results = [evaluate(split) for split in args.splits.split(",")]
    section = markdown(results, command.strip(), (before, os.getloadavg()[0]))
    print(section)
    if args.results:
        write_section(args.results, SECTION, section)


if __name__ == "__main__":
    main()
