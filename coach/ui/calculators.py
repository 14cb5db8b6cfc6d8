"""The Calculators tab: the memory calculator as a form (breakdown table, bar chart, fits-on-GPU
verdicts, the arithmetic step by step) and the metric calculators (classification, BLEU / chrF /
ROUGE, perplexity, and every other registry calculator with JSON arguments).

All numbers come from `coach.calculators.registry.run`; this module only turns form fields into its
arguments and its CalcResult into tables.
"""

from __future__ import annotations

import json
from typing import Any, get_args

import gradio as gr
import pandas as pd

from coach.calculators.activations import Checkpointing
from coach.calculators.architectures import PRESETS
from coach.calculators.memory import Mode
from coach.calculators.optimizers import Optimizer
from coach.calculators.registry import CALCULATORS, DESCRIPTIONS, run
from coach.calculators.result import CalcResult
from coach.calculators.units import Precision, num
from coach.errors import CoachError

VERDICT_MARKS = {"fits": "✓ fits", "tight": "◐ tight", "does not fit": "✗ does not fit"}
# Arguments that show each remaining calculator's shape; users edit them.
EXAMPLES: dict[str, dict[str, Any]] = {
    "params": {"kind": "lstm", "input_size": 100, "hidden_size": 128},
    "kv_cache": {"model": "llama-2-7b", "seq": 4096, "batch": 1, "dtype": "fp16"},
    "attention": {"seq": 4096, "hidden": 4096, "heads": 32},
    "training_flops": {"params": "7B", "tokens": "2T", "gpu_tflops": 312, "gpus": 64},
    "chinchilla": {"params": "70B"},
    "cosine": {"a": [1, 2, 3], "b": [3, 2, 1]},
    "tfidf": {"documents": ["the cat sat", "the dog ran", "a cat ran"], "term": "cat", "doc": 0},
    "clip_logits": {"cosines": [0.31, 0.25, 0.12], "scale": 100},
}
BREAKDOWN_COLUMNS = ["part", "value", "unit"]
FITS_COLUMNS = ["GPU", "Verdict", "Headroom GiB", "GPUs needed"]
FORM_CALCULATORS = ("memory", "classification", "bleu", "chrf", "rouge", "perplexity")


def _blank(value: float | None) -> int | None:
    return None if value in (None, 0) else int(value)


def memory_args(
    params: str,
    model: str,
    mode: str,
    precision: str,
    optimizer: str,
    convention: str,
    batch: float | None,
    seq: float | None,
    checkpointing: str,
    zero: str,
    gpus: float | None,
    lora_rank: float | None,
    overhead: float | None,
) -> dict[str, Any]:
    """Form fields to MemoryQuery arguments: blanks are left to the calculator's defaults."""
    args: dict[str, Any] = {
        "mode": mode,
        "convention": convention,
        "checkpointing": checkpointing,
        "zero": int(zero),
        "gpus": int(gpus or 1),
        "overhead_gb": float(overhead or 0),
    }
    fields = {
        "params": params.strip() or None,
        "model": model or None,
        "precision": precision or None,
        "optimizer": optimizer or None,
        "batch": _blank(batch),
        "seq": _blank(seq),
        "lora_rank": _blank(lora_rank),
    }
    args.update({k: v for k, v in fields.items() if v is not None})
    return args


def headline(result: CalcResult) -> str:
    lines = [f"### {result.tool or 'result'}: {result.headline()}"]
    if result.assumptions:
        lines.append("**Assumptions:** " + "; ".join(result.assumptions))
    return "\n\n".join(lines)


def steps_markdown(result: CalcResult) -> str:
    if not result.steps:
        return ""
    return "**Step by step:**\n\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(result.steps, 1))


def breakdown_frame(result: CalcResult) -> pd.DataFrame:
    unit = "GB" if result.total_gb is not None else result.unit
    rows = [
        {"part": k.replace("_", " "), "value": v, "unit": unit} for k, v in result.breakdown.items()
    ]
    return pd.DataFrame(rows, columns=BREAKDOWN_COLUMNS)


def fits_frame(result: CalcResult) -> pd.DataFrame:
    rows = [
        [f.gpu, VERDICT_MARKS[f.verdict], num(f.headroom_gib), f.gpus_needed]
        for f in result.fits or []
    ]
    return pd.DataFrame(rows, columns=FITS_COLUMNS)


def run_memory(*fields: Any) -> tuple[Any, ...]:
    try:
        result = run("memory", memory_args(*fields))
    except CoachError as exc:
        empty = pd.DataFrame()
        return f"⚠ {exc}", empty, empty, empty, ""
    frame = breakdown_frame(result)
    top = max(frame["value"].max() if len(frame) else 0.0, 1.0)
    # From zero: a bar chart that starts at the smallest part exaggerates the differences.
    chart = gr.BarPlot(value=frame, y_lim=[0, top * 1.1])
    return (headline(result), frame, chart, fits_frame(result), steps_markdown(result))


def run_metric(name: str, args: dict[str, Any]) -> tuple[str, pd.DataFrame, str]:
    try:
        result = run(name, args)
    except CoachError as exc:
        return f"⚠ {exc}", pd.DataFrame(), ""
    return headline(result), breakdown_frame(result), steps_markdown(result)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def text_metric(metric: str, hyp: str, ref: str) -> tuple[str, pd.DataFrame, str]:
    """One hypothesis line per segment; its reference on the same line of `ref`."""
    hyps, refs = _lines(hyp), _lines(ref)
    return run_metric(metric, {"hyp": hyps, "ref": [refs]})


def perplexity(values: str, kind: str) -> tuple[str, pd.DataFrame, str]:
    try:
        numbers = [float(v) for v in values.replace(",", " ").split()]
    except ValueError:
        return "⚠ Type numbers separated by spaces or commas.", pd.DataFrame(), ""
    args: dict[str, Any] = (
        {"cross_entropy": numbers[0]} if kind == "cross_entropy" and numbers else {kind: numbers}
    )
    return run_metric("perplexity", args)


def other(name: str, args_json: str) -> tuple[str, pd.DataFrame, str]:
    try:
        args = json.loads(args_json or "{}")
    except json.JSONDecodeError as exc:
        return (
            f"⚠ The arguments are not valid JSON: {exc.msg} (line {exc.lineno}).",
            pd.DataFrame(),
            "",
        )
    if not isinstance(args, dict):
        return "⚠ The arguments must be a JSON object.", pd.DataFrame(), ""
    return run_metric(name, args)


def _result_block(prefix: str) -> tuple[Any, Any, Any]:
    summary = gr.Markdown(elem_id=f"coach-{prefix}-result")
    table = gr.Dataframe(headers=BREAKDOWN_COLUMNS, interactive=False, wrap=True)
    steps = gr.Markdown()
    return summary, table, steps


def _memory_form() -> None:
    with gr.Row():
        params = gr.Textbox(
            value="7B",
            label="Parameters",
            placeholder="7B, 7e9, 13.5M",
            elem_id="coach-mem-params",
            min_width=120,
        )
        model = gr.Dropdown(
            [("— (use parameters)", ""), *[(n, n) for n in sorted(PRESETS)]],
            value="",
            label="…or model preset",
            min_width=160,
        )
        mode = gr.Dropdown(list(get_args(Mode)), value="train", label="Mode", min_width=120)
    with gr.Row():
        precision = gr.Dropdown(
            [("default", ""), *get_args(Precision)],
            value="fp16",
            label="Precision",
            elem_id="coach-mem-precision",
            min_width=120,
        )
        optimizer = gr.Dropdown(
            [("default (adamw)", ""), *get_args(Optimizer)],
            value="adam",
            label="Optimizer",
            elem_id="coach-mem-optimizer",
            min_width=120,
        )
        convention = gr.Radio(
            ["naive", "mixed"],
            value="naive",
            label="Convention",
            info="naive: every tensor in the stated precision (quiz style); "
            "mixed: fp32 master weights and optimizer states",
            min_width=200,
        )
    with gr.Accordion("Activations, KV cache, sharding, LoRA", open=False):
        with gr.Row():
            batch = gr.Number(None, label="Batch", precision=0, min_width=100)
            seq = gr.Number(None, label="Sequence length", precision=0, min_width=100)
            checkpointing = gr.Dropdown(
                list(get_args(Checkpointing)), value="none", label="Checkpointing", min_width=120
            )
        with gr.Row():
            zero = gr.Dropdown(["0", "1", "2", "3"], value="0", label="ZeRO stage", min_width=100)
            gpus = gr.Number(1, label="GPUs", precision=0, minimum=1, min_width=100)
            lora_rank = gr.Number(None, label="LoRA rank", precision=0, min_width=100)
            overhead = gr.Number(0, label="Overhead GB", min_width=100)
    go = gr.Button("Calculate memory", variant="primary", elem_id="coach-mem-run")
    summary, table, steps = _result_block("mem")
    chart = gr.BarPlot(
        x="part",
        y="value",
        title="Memory breakdown (GB)",
        height=260,
        sort="-y",
        elem_id="coach-mem-chart",
    )
    fits = gr.Dataframe(
        headers=FITS_COLUMNS,
        interactive=False,
        wrap=True,
        label="Fits on",
        elem_id="coach-mem-fits",
    )
    go.click(
        run_memory,
        [
            params,
            model,
            mode,
            precision,
            optimizer,
            convention,
            batch,
            seq,
            checkpointing,
            zero,
            gpus,
            lora_rank,
            overhead,
        ],
        [summary, table, chart, fits, steps],
        api_name="calc_memory",
    )


def _metric_forms() -> None:
    with gr.Accordion("Classification: precision, recall, F1", open=True):
        with gr.Row():
            counts = [
                gr.Number(v, label=k, precision=0, minimum=0, min_width=70)
                for k, v in (("TP", 40), ("FP", 10), ("FN", 5), ("TN", 45))
            ]
            metric = gr.Dropdown(
                ["f1", "precision", "recall", "accuracy", "specificity"],
                value="f1",
                label="Headline",
                min_width=110,
            )
        go = gr.Button("Calculate", size="sm")
        out = _result_block("cls")

        def classification(tp: float, fp: float, fn: float, tn: float, m: str) -> Any:
            return run_metric(
                "classification",
                {
                    "tp": int(tp or 0),
                    "fp": int(fp or 0),
                    "fn": int(fn or 0),
                    "tn": int(tn or 0),
                    "metric": m,
                },
            )

        go.click(classification, [*counts, metric], list(out), api_name="calc_classification")
    with gr.Accordion("BLEU / chrF / ROUGE", open=False):
        which = gr.Radio(["bleu", "chrf", "rouge"], value="bleu", show_label=False)
        hyp = gr.Textbox("the cat is on the mat", label="Hypotheses (one per line)", lines=2)
        ref = gr.Textbox("there is a cat on the mat", label="References (same lines)", lines=2)
        go = gr.Button("Calculate", size="sm")
        out = _result_block("text")
        go.click(text_metric, [which, hyp, ref], list(out), api_name="calc_text")
    with gr.Accordion("Perplexity", open=False):
        kind = gr.Radio(
            [
                ("token log-probs", "logprobs"),
                ("token probabilities", "probs"),
                ("mean cross-entropy", "cross_entropy"),
            ],
            value="logprobs",
            show_label=False,
        )
        values = gr.Textbox("-1.2 -0.3 -2.0", label="Values")
        go = gr.Button("Calculate", size="sm")
        out = _result_block("ppl")
        go.click(perplexity, [values, kind], list(out), api_name="calc_perplexity")
    with gr.Accordion("Parameters, KV cache, FLOPs, similarity…", open=False):
        names = [n for n in CALCULATORS if n not in FORM_CALCULATORS]
        name = gr.Dropdown(
            [(f"{n}: {DESCRIPTIONS[n][:70]}", n) for n in names], value=names[0], label="Calculator"
        )
        args = gr.Code(
            json.dumps(EXAMPLES[names[0]], indent=2), language="json", label="Arguments (JSON)"
        )
        go = gr.Button("Calculate", size="sm")
        out = _result_block("other")
        name.change(
            lambda n: json.dumps(EXAMPLES.get(n, {}), indent=2),
            name,
            args,
            api_visibility="private",
        )
        go.click(other, [name, args], list(out), api_name="calc")


def build() -> None:
    # Sections, not nested tabs: Gradio 6 mislabels the outer tab bar when tabs nest.
    with gr.Tab("Calculators", id="calculators"):
        gr.Markdown("### GPU memory")
        _memory_form()
        gr.Markdown("### Metrics, parameters, FLOPs, similarity")
        _metric_forms()
