"""The offline grader on the team's interview dev set (bench/data/grading_dev.jsonl).

    python bench/grading_dev.py                      # measure train and test, print markdown
    python bench/grading_dev.py --results bench/RESULTS.md
    python bench/grading_dev.py --fit                # refit the score curve on train only

900 answers to 150 bank questions, six kinds each (excellent, good, partial, terse-but-correct,
bluff, wrong), written and scored 0-10 by authors who saw only the question, never the key
(brief: bench/data/grading_dev.PROMPT.md). Split by question id: the fit sees `train` only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.stats import pearsonr, spearmanr
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LinearRegression

from coach.corpus import bank as bank_store
from coach.grading import formula, grade, rubric, vectors, warm
from coach.grading import trees as tree_store
from coach.grading.alignment import measure
from coach.grading.calibration import CALIBRATION, CROSS_LINGUAL, Calibration
from coach.grading.signals import Signals
from coach.settings import get_settings

DATA = Path(__file__).parent / "data/grading_dev.jsonl"
SECTION = "## Grading: interview dev set"
KINDS = ("excellent", "good", "partial", "terse", "bluff", "wrong")
# Grid of the point-credit parameters searched by --fit (small on purpose: 3 numbers).
LEX_FLOORS = (0.0, 0.1, 0.2, 0.3)
LEX_FULLS = (0.6, 0.8, 1.0)
SIM_FLOORS = (0.0, 0.8, 0.82, 0.84, 0.86)
CURVE_KNOTS = 11
# The adjustment's trees: shallow and few, chosen by 5-fold cross-validation grouped by
# question on train (depth 3 and 200 trees: CV Pearson 0.866; depth 1: 0.848, depth 2: 0.859).
ADJUST_MODEL = "score_adjust"
TREES, LEARNING_RATE, DEPTH, MIN_LEAF = 200, 0.05, 3, 20
# Directions the adjustment may only follow, whatever the train split says: more of the key's
# words, closer sentences and more of the answer's words in the key's vocabulary never lower
# the score; leaning towards a misconception never raises it.
MONOTONE = {
    "lex": 1,
    "sem": 1,
    "support": 1,
    "weakest_support": 1,
    "misconception_lean": -1,
    "margin": -1,
}
SIGNALS = list(Signals.model_fields)
# What the cross-lingual twin never sees: shared words mean nothing across languages.
WORDS = ("lex", "support", "weakest_support")
sys.path.insert(0, str(Path(__file__).parent))
from results_md import write_section  # noqa: E402


def load(split: str) -> list[dict]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if r["split"] == split]


def evaluate(split: str) -> dict:
    rows = load(split)
    bank = bank_store.load(get_settings().corpus_dir).by_id()
    warm([r["answer"] for r in rows])
    # The key's texts too: each question's are embedded once, on its first answer, a cost the
    # batch grader pays per question and not per answer.
    for qid in {r["question_id"] for r in rows}:
        grade(bank[qid], "warm-up", retrieve=False)
    started = time.perf_counter()
    grades = [grade(bank[r["question_id"]], r["answer"], retrieve=False) for r in rows]
    rate = len(rows) / (time.perf_counter() - started)
    scores = np.array([g.score for g in grades])
    truth = np.array([r["score"] for r in rows])
    by_kind: dict[str, list[float]] = defaultdict(list)
    by_lang: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r, s in zip(rows, scores, strict=True):
        by_kind[r["kind"]].append(float(s))
        by_lang[r["lang"]].append((float(s), r["score"]))
    return {
        "split": split,
        "answers": len(rows),
        "questions": len({r["question_id"] for r in rows}),
        "pearson": float(pearsonr(scores, truth)[0]),
        "spearman": float(spearmanr(scores, truth)[0]),
        "kinds": {k: float(np.mean(by_kind[k])) for k in KINDS},
        "bluff_low": float(np.mean(np.array(by_kind["bluff"]) <= 3)),
        "terse_high": float(np.mean(np.array(by_kind["terse"]) >= 5)),
        "langs": {lang: (len(pairs), _pearson(pairs)) for lang, pairs in sorted(by_lang.items())},
        "answers_per_s": rate,
    }


def _pearson(pairs: list[tuple[float, float]]) -> float:
    a, b = np.array(pairs).T
    return float(pearsonr(a, b)[0]) if len(pairs) > 2 and a.std() and b.std() else float("nan")


def markdown(results: list[dict], command: str) -> str:
    lines = [
        SECTION,
        "",
        "Offline grader against the interviewer's 0-10 on the dev set (answers written without "
        f"the key; calibration fitted on `train` only). Command: `{command}`",
        "",
        "| split | answers | questions | Pearson | Spearman | "
        + " | ".join(f"mean {k}" for k in KINDS)
        + " | bluff <= 3 | terse >= 5 | answers/s |",
        "|---" * (8 + len(KINDS)) + "|",
    ]
    for r in results:
        kinds = " | ".join(f"{r['kinds'][k]:.1f}" for k in KINDS)
        lines.append(
            f"| {r['split']} | {r['answers']} | {r['questions']} | {r['pearson']:.3f} "
            f"| {r['spearman']:.3f} | {kinds} | {r['bluff_low']:.0%} | {r['terse_high']:.0%} "
            f"| {r['answers_per_s']:.1f} |"
        )
    lines += ["", "Per answer language (Pearson, answers):", ""]
    for r in results:
        langs = ", ".join(f"{lang} {p:.3f} ({n})" for lang, (n, p) in r["langs"].items())
        lines.append(f"- {r['split']}: {langs}")
    return "\n".join([*lines, ""])


def features(rows: list[dict], build: Callable[[dict], rubric.Rubric] | None = None) -> list[dict]:
    """Per answer: each point's (sim, lex) and weight, and the holistic features. `build`
    makes each row's rubric (default: the bank question's key)."""
    bank = bank_store.load(get_settings().corpus_dir).by_id()
    build = build or (lambda r: rubric.build(bank[r["question_id"]], retrieve=False))
    warm([r["answer"] for r in rows])
    cache = vectors.cache()
    found = []
    for r in rows:
        graded = build(r)
        m = measure(graded, r["answer"], cache)
        found.append(
            {
                "points": [(p.sim, p.lex) for p in m.points],
                "weights": [p.weight for p in graded.points],
                "signals": m.signals,
            }
        )
    return found


def coverage(f: dict, cal: Calibration) -> float:
    return formula.coverage(f["weights"], [cal.credit(sim, lex) for sim, lex in f["points"]])


def fit(
    found: list[dict] | None = None, truth: np.ndarray | None = None, *, trees: bool = True
) -> Calibration:
    """Point-credit grid, then an isotonic curve of coverage, then the adjustment (trees over
    every signal, or with `trees=False` the linear term in similarity, length and misconception
    margin); on the dev set's train split unless given other features and 0-10 targets."""
    if found is None or truth is None:
        rows = load("train")
        found, truth = features(rows), np.array([r["score"] for r in rows])
    best: tuple[float, Calibration] = (-1.0, CALIBRATION)
    for floor in LEX_FLOORS:
        for full in LEX_FULLS:
            for sim in SIM_FLOORS:
                cal = CALIBRATION.model_copy(
                    update={
                        "point_lex_floor": floor,
                        "point_lex_full": full,
                        "point_sim_floor": sim,
                    }
                )
                r = float(pearsonr([coverage(f, cal) for f in found], truth)[0])
                best = max(best, (r, cal), key=lambda pair: pair[0])
    cal = best[1]
    x = np.array([coverage(f, cal) for f in found])
    iso = IsotonicRegression(y_min=0, y_max=10, out_of_bounds="clip").fit(x, truth)
    # Eleven knots, not the isotonic fit's own dozens of steps: a smooth curve generalises.
    knots_x = np.linspace(0.0, 1.0, CURVE_KNOTS)
    knots_y = iso.predict(knots_x)
    residual = truth - np.interp(x, knots_x, knots_y)
    update: dict = {
        "curve_x": [round(float(v), 4) for v in knots_x],
        "curve_y": [round(float(v), 3) for v in knots_y],
    }
    if trees:
        signals = np.array([f["signals"].vector() for f in found])
        # The cross-lingual twin sees constant word signals, so it never splits on them.
        blind = signals.copy()
        blind[:, [SIGNALS.index(n) for n in WORDS]] = 0.0
        for name, x in ((ADJUST_MODEL, signals), (ADJUST_MODEL + CROSS_LINGUAL, blind)):
            path = tree_store.DATA_DIR / f"{name}.json"
            text = fit_trees(x, residual).model_dump_json(exclude_defaults=True)
            path.write_text(text + "\n", encoding="utf-8")
        update["adjust_model"] = ADJUST_MODEL
    else:
        holistic = np.array(
            [[f["signals"].sem, f["signals"].length, f["signals"].margin] for f in found]
        )
        lr = LinearRegression().fit(holistic, residual)
        update |= {
            "adjust_model": None,
            "w_sem": round(float(lr.coef_[0]), 3),
            "w_len": round(float(lr.coef_[1]), 3),
            "w_margin": round(float(lr.coef_[2]), 3),
            "bias": round(float(lr.intercept_), 3),
        }
    return cal.model_copy(update=update)


def fit_trees(x: np.ndarray, residual: np.ndarray) -> tree_store.TreeEnsemble:
    """Boosted trees for the residual the coverage curve leaves, exported as plain data, each
    signal in MONOTONE held to its direction."""
    model = HistGradientBoostingRegressor(
        max_iter=TREES,
        learning_rate=LEARNING_RATE,
        max_depth=DEPTH,
        min_samples_leaf=MIN_LEAF,
        monotonic_cst=[MONOTONE.get(n, 0) for n in SIGNALS],
        random_state=0,
    ).fit(x, residual)
    exported = [
        [
            tree_store.Node(
                feature=int(n["feature_idx"]),
                threshold=float(n["num_threshold"]),
                missing_left=bool(n["missing_go_to_left"]),
                left=int(n["left"]),
                right=int(n["right"]),
                value=float(n["value"]),
                leaf=bool(n["is_leaf"]),
            )
            for n in predictors[0].nodes
        ]
        # The fitted trees are not public API; the export is checked against predict() below.
        for predictors in model._predictors
    ]
    ensemble = tree_store.TreeEnsemble(
        features=SIGNALS,
        baseline=float(np.ravel(model._baseline_prediction)[0]),
        trees=exported,
        monotone=MONOTONE,
        fitted_on=f"bench/data/grading_dev.jsonl train split, {len(x)} answers",
    )
    ours = np.array([ensemble.predict(list(row)) for row in x])
    if not np.allclose(ours, model.predict(x), atol=1e-6):
        raise SystemExit("exported trees disagree with the fitted model")
    return ensemble


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit the score curve on train")
    parser.add_argument("--results", type=Path, help="write the section to this file")
    args = parser.parse_args()
    if args.fit:
        # Fits and writes the trees, then measures with them (the vectors are embedded once).
        # The figures hold for the printed calibration once it is copied into calibration.py.
        print(repr(fit()))
        tree_store.load.cache_clear()
    command = ("python bench/grading_dev.py " + " ".join(sys.argv[1:])).strip()
    section = markdown([evaluate("train"), evaluate("test")], command)
    print(section)
    if args.results:
        write_section(args.results, SECTION, section)


if __name__ == "__main__":
    main()
