"""`coach calc`: the calculators from the command line (thin adapters over coach.calculators)."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand

from coach.calculators import ask as asking
from coach.calculators.gpus import CATALOG
from coach.calculators.registry import run
from coach.calculators.result import CalcResult, format_text
from coach.cli.output import emit_json


class MultiValueCommand(TyperCommand):
    """Lets a repeatable option take several values after one flag, as in
    `--logprobs -1.2 -0.3 -2.0` or `--a 1 2 3`: rewritten to `--a 1 --a 2 --a 3` before click
    parses, so negative numbers stay values."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        multi = {o for p in self.params if getattr(p, "multiple", False) for o in p.opts}
        out: list[str] = []
        current: str | None = None  # the repeatable option whose values are being read
        awaiting = False  # its first value has not been seen yet
        for arg in args:
            if arg.startswith("-") and not _is_number(arg):
                name = arg.split("=", 1)[0]
                current = name if name in multi else None
                awaiting = current is not None and "=" not in arg
                out.append(arg)
            elif current and not awaiting:
                out += [current, arg]
            else:
                out.append(arg)
                awaiting = False
        return super().parse_args(ctx, out)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


JSON = typer.Option(
    False, "--json", help="Print value/total_gb, unit, breakdown, steps, assumptions."
)

app = typer.Typer(no_args_is_help=True, help="Calculators that show their work.")
params_app = typer.Typer(no_args_is_help=True, help="Parameter counts with their formulas.")
metric_app = typer.Typer(no_args_is_help=True, help="Evaluation metrics with their derivation.")
app.add_typer(params_app, name="params")
app.add_typer(metric_app, name="metric")


def _run(name: str, json_output: bool, **args: Any) -> None:
    """Run a calculator on the given (non-None) arguments and print it."""
    result = run(name, {k: v for k, v in args.items() if v is not None})
    _emit(result, json_output)


def _emit(result: CalcResult, json_output: bool) -> None:
    if json_output:
        emit_json(result.to_json())
    else:
        typer.echo(format_text(result))


@app.command()
def memory(
    params: str = typer.Option(None, help="Parameter count: 7B, 7e9, 13.5M."),
    model: str = typer.Option(None, help="Preset shape, e.g. llama-2-7b."),
    mode: str = typer.Option("inference", help="inference | train | lora | qlora."),
    precision: str = typer.Option(None, help="fp32 | fp16 | bf16 | fp8 | int8 | int4 | nf4."),
    optimizer: str = typer.Option(
        None,
        help="sgd | momentum | nesterov | rmsprop | adagrad | "
        "adam | adamw | adam8bit | adafactor | lion.",
    ),
    convention: str = typer.Option("naive", help="naive (every tensor in --precision) | mixed."),
    layers: int = typer.Option(None),
    hidden: int = typer.Option(None),
    heads: int = typer.Option(None),
    kv_heads: int = typer.Option(None),
    ffn: int = typer.Option(None),
    vocab: int = typer.Option(None),
    batch: int = typer.Option(None, help="Per-GPU micro-batch (activations / KV cache)."),
    seq: int = typer.Option(None, help="Sequence length or context in tokens."),
    checkpointing: str = typer.Option("none", help="none | selective | full recomputation."),
    kv_dtype: str = typer.Option(None, help="KV-cache precision (inference)."),
    lora_rank: int = typer.Option(None),
    lora_params: str = typer.Option(None),
    lora_targets: list[str] = typer.Option(None, help="q k v o gate up down (default q v)."),
    zero: int = typer.Option(0, help="ZeRO stage 0-3."),
    fsdp: bool = typer.Option(False, help="FSDP full sharding (= ZeRO-3)."),
    gpus: int = typer.Option(1, help="Data-parallel GPUs sharing the sharded state."),
    overhead: float = typer.Option(0.0, help="Framework/CUDA overhead to add, GB."),
    overhead_pct: float = typer.Option(0.0, help="Overhead as % of the rest (1.2x rule: 20)."),
    json_output: bool = JSON,
) -> None:
    """GPU memory for inference or training, with breakdown, arithmetic and GPU verdicts."""
    _run(
        "memory",
        json_output,
        params=params,
        model=model,
        mode=mode,
        precision=precision,
        optimizer=optimizer,
        convention=convention,
        layers=layers,
        hidden=hidden,
        heads=heads,
        kv_heads=kv_heads,
        ffn=ffn,
        vocab=vocab,
        batch=batch,
        seq=seq,
        checkpointing=checkpointing,
        kv_dtype=kv_dtype,
        lora_rank=lora_rank,
        lora_params=lora_params,
        lora_targets=lora_targets or None,
        zero=zero,
        fsdp=fsdp,
        gpus=gpus,
        overhead_gb=overhead,
        overhead_pct=overhead_pct,
    )


@app.command("kv-cache")
def kv_cache(
    seq: int = typer.Option(..., help="Tokens in the cache."),
    model: str = typer.Option(None, help="Preset shape, e.g. llama-2-7b."),
    layers: int = typer.Option(None),
    kv_heads: int = typer.Option(None),
    head_dim: int = typer.Option(None),
    batch: int = typer.Option(1),
    dtype: str = typer.Option("fp16", help="Cache precision."),
    json_output: bool = JSON,
) -> None:
    """KV-cache size: 2 x layers x kv_heads x head_dim x tokens x batch x bytes."""
    _run(
        "kv_cache",
        json_output,
        seq=seq,
        model=model,
        layers=layers,
        kv_heads=kv_heads,
        head_dim=head_dim,
        batch=batch,
        dtype=dtype,
    )


@app.command()
def attention(
    seq: int = typer.Option(...),
    hidden: int = typer.Option(...),
    heads: int = typer.Option(1),
    batch: int = typer.Option(1),
    layers: int = typer.Option(1),
    dtype: str = typer.Option("fp16"),
    json_output: bool = JSON,
) -> None:
    """Self-attention FLOPs (O(n²·d)) and score-matrix memory."""
    _run(
        "attention",
        json_output,
        seq=seq,
        hidden=hidden,
        heads=heads,
        batch=batch,
        layers=layers,
        dtype=dtype,
    )


@app.command()
def flops(
    params: str = typer.Option(..., help="Parameters N, e.g. 175B."),
    tokens: str = typer.Option(..., help="Training tokens D, e.g. 300B."),
    gpu_tflops: float = typer.Option(None, help="Peak TFLOP/s per GPU, for a time estimate."),
    gpus: int = typer.Option(1),
    mfu: float = typer.Option(0.4),
    json_output: bool = JSON,
) -> None:
    """Training compute C ≈ 6·N·D."""
    _run(
        "training_flops",
        json_output,
        params=params,
        tokens=tokens,
        gpu_tflops=gpu_tflops,
        gpus=gpus,
        mfu=mfu,
    )


@app.command()
def chinchilla(
    params: str = typer.Option(None, help="Model size N -> tokens D = 20·N."),
    flops: float = typer.Option(None, help="Compute budget C -> N = sqrt(C/120)."),
    json_output: bool = JSON,
) -> None:
    """Chinchilla compute-optimal training tokens."""
    _run("chinchilla", json_output, params=params, flops=flops)


@app.command()
def gpus(json_output: bool = JSON) -> None:
    """The GPU catalog used for fits-on verdicts."""
    if json_output:
        emit_json([g.model_dump() for g in CATALOG])
        return
    for gpu in sorted(CATALOG, key=lambda g: g.capacity_gib):
        typer.echo(f"{gpu.name}: {gpu.capacity_gib:g} GiB")


RECURRENT_HELP = "Two bias vectors per gate as in PyTorch (2) or one as in Keras (1)."


def _recurrent(kind: str) -> None:
    @params_app.command(kind, help=f"{kind.upper()} parameters: gates x (H·in + H·H + biases·H).")
    def command(
        input_size: int = typer.Option(..., "--input"),
        hidden: int = typer.Option(...),
        layers: int = typer.Option(1),
        bidirectional: bool = typer.Option(False),
        bias_vectors: int = typer.Option(2, help=RECURRENT_HELP),
        json_output: bool = JSON,
    ) -> None:
        _run(
            "params",
            json_output,
            kind=kind,
            input_size=input_size,
            hidden_size=hidden,
            layers=layers,
            bidirectional=bidirectional,
            bias_vectors=bias_vectors,
        )


for _kind in ("rnn", "lstm", "gru"):
    _recurrent(_kind)


@params_app.command("attention")
def params_attention(
    hidden: int = typer.Option(...),
    heads: int = typer.Option(...),
    kv_heads: int = typer.Option(None),
    bias: bool = typer.Option(True),
    json_output: bool = JSON,
) -> None:
    """Multi-head attention: Q, K, V and output projections."""
    _run(
        "params",
        json_output,
        kind="attention",
        hidden_size=hidden,
        heads=heads,
        kv_heads=kv_heads,
        bias=bias,
    )


@params_app.command("block")
def params_block(
    hidden: int = typer.Option(...),
    heads: int = typer.Option(...),
    kv_heads: int = typer.Option(None),
    ffn: int = typer.Option(None),
    mlp: str = typer.Option("gelu", help="gelu (2 matrices) | swiglu (3)."),
    bias: bool = typer.Option(True),
    json_output: bool = JSON,
) -> None:
    """One transformer block: attention, MLP and two norms."""
    _run(
        "params",
        json_output,
        kind="block",
        hidden_size=hidden,
        heads=heads,
        kv_heads=kv_heads,
        ffn=ffn,
        mlp=mlp,
        bias=bias,
    )


@params_app.command("stack")
def params_stack(
    layers: int = typer.Option(...),
    hidden: int = typer.Option(..., help="Model width d."),
    json_output: bool = JSON,
) -> None:
    """Non-embedding parameters of a transformer stack: N ≈ 12·L·d² (Kaplan et al. 2020)."""
    _run("params", json_output, kind="stack", layers=layers, hidden_size=hidden)


@params_app.command("embedding")
def params_embedding(
    vocab: int = typer.Option(...),
    hidden: int = typer.Option(...),
    positions: int = typer.Option(0),
    json_output: bool = JSON,
) -> None:
    """Token (and learned position) embeddings."""
    _run(
        "params",
        json_output,
        kind="embedding",
        vocab=vocab,
        hidden_size=hidden,
        positions=positions,
    )


@params_app.command("lora")
def params_lora(
    rank: int = typer.Option(...),
    model: str = typer.Option(None),
    targets: list[str] = typer.Option(None, help="With --model: q k v o gate up down."),
    d_in: int = typer.Option(None),
    d_out: int = typer.Option(None),
    matrices: int = typer.Option(1, help="Adapted matrices of that shape per layer."),
    layers: int = typer.Option(1, help="Layers with those adapters."),
    json_output: bool = JSON,
) -> None:
    """LoRA adapter parameters: r x (d_in + d_out) per adapted matrix."""
    _run(
        "params",
        json_output,
        kind="lora",
        rank=rank,
        model=model,
        targets=targets or None,
        d_in=d_in,
        d_out=d_out,
        matrices=matrices,
        layers=layers,
    )


@params_app.command("model")
def params_model(
    name: str = typer.Argument(..., help="Preset, e.g. llama-2-7b."), json_output: bool = JSON
) -> None:
    """A preset decoder-only model, counted from its shape."""
    _run("params", json_output, kind="model", model=name)


@metric_app.command(cls=MultiValueCommand)
def classification(
    tp: int = typer.Option(None),
    fp: int = typer.Option(None),
    fn: int = typer.Option(None),
    tn: int = typer.Option(None),
    y_true: list[str] = typer.Option(None, help="True labels (space-separated)."),
    y_pred: list[str] = typer.Option(None, help="Predicted labels (space-separated)."),
    average: str = typer.Option(None, help="binary | macro | micro | weighted."),
    metric: str = typer.Option("f1", help="precision | recall | f1 | accuracy | specificity."),
    beta: float = typer.Option(1.0),
    json_output: bool = JSON,
) -> None:
    """Precision, recall, F1, specificity, accuracy (scikit-learn)."""
    _run(
        "classification",
        json_output,
        tp=tp,
        fp=fp,
        fn=fn,
        tn=tn,
        y_true=y_true or None,
        y_pred=y_pred or None,
        average=average,
        metric=metric,
        beta=beta,
    )


@metric_app.command(cls=MultiValueCommand)
def bleu(
    hyp: str = typer.Option(..., help="Hypothesis text."),
    ref: list[str] = typer.Option(..., help="Reference text(s)."),
    lowercase: bool = typer.Option(False),
    json_output: bool = JSON,
) -> None:
    """Sentence BLEU (sacrebleu) with n-gram precisions and brevity penalty."""
    _run("bleu", json_output, hyp=hyp, ref=ref, lowercase=lowercase)


@metric_app.command(cls=MultiValueCommand)
def chrf(
    hyp: str = typer.Option(...), ref: list[str] = typer.Option(...), json_output: bool = JSON
) -> None:
    """chrF (sacrebleu)."""
    _run("chrf", json_output, hyp=hyp, ref=ref)


@metric_app.command(cls=MultiValueCommand)
def rouge(
    hyp: str = typer.Option(...),
    ref: list[str] = typer.Option(...),
    rouge_type: str = typer.Option("rouge1", "--type", help="rouge1 | rouge2 | rougeL."),
    stemmer: bool = typer.Option(False),
    json_output: bool = JSON,
) -> None:
    """ROUGE-1/2/L precision, recall and F1 (rouge-score)."""
    _run("rouge", json_output, hyp=hyp, ref=ref, rouge_type=rouge_type, stemmer=stemmer)


@metric_app.command(cls=MultiValueCommand)
def perplexity(
    logprobs: list[float] = typer.Option(None, help="Token log-probabilities."),
    probs: list[float] = typer.Option(None, help="Token probabilities."),
    cross_entropy: float = typer.Option(None, help="Mean cross-entropy per token."),
    base: str = typer.Option("e", help="Log base: e (nats) or 2 (bits)."),
    json_output: bool = JSON,
) -> None:
    """Perplexity = base^(mean negative log-probability)."""
    _run(
        "perplexity",
        json_output,
        logprobs=logprobs or None,
        probs=probs or None,
        cross_entropy=cross_entropy,
        base=base,
    )


@metric_app.command(cls=MultiValueCommand)
def cosine(
    a: list[float] = typer.Option(..., help="First vector."),
    b: list[float] = typer.Option(..., help="Second vector."),
    json_output: bool = JSON,
) -> None:
    """Cosine similarity and distance."""
    _run("cosine", json_output, a=a, b=b)


@metric_app.command(cls=MultiValueCommand)
def tfidf(
    doc: list[str] = typer.Option(..., help="Documents (several after one --doc)."),
    term: str = typer.Option(...),
    index: int = typer.Option(0, help="Document to score."),
    variant: str = typer.Option("sklearn", help="sklearn | textbook."),
    smooth_idf: bool = typer.Option(True),
    norm: str = typer.Option("l2", help="l2 | none."),
    log_base: float = typer.Option(10.0, help="Textbook variant's log base."),
    json_output: bool = JSON,
) -> None:
    """TF-IDF of a term in one of a few documents."""
    _run(
        "tfidf",
        json_output,
        documents=doc,
        term=term,
        doc=index,
        variant=variant,
        smooth_idf=smooth_idf,
        norm=norm,
        log_base=log_base,
    )


@metric_app.command(cls=MultiValueCommand)
def clip(
    cosines: list[float] = typer.Option(..., help="cos(image, text_i) for each text."),
    scale: float = typer.Option(100.0, help="exp(logit_scale)."),
    json_output: bool = JSON,
) -> None:
    """CLIP-style logits (cosine x scale) and softmax probabilities."""
    _run("clip_logits", json_output, cosines=cosines, scale=scale)


@app.command("ask")
def ask_command(
    question: str = typer.Argument(..., help="A numeric question in English or Russian."),
    json_output: bool = typer.Option(False, "--json", help="Print the parse and results."),
) -> None:
    """Answer a typed numeric question; exits 1 and says what is missing when it can't."""
    answer = asking.answer(question)
    if json_output:
        data = answer.model_dump(exclude={"results"})
        data["results"] = [r.to_json() for r in answer.results]
        emit_json(data)
    else:
        typer.echo(answer.message)
        if answer.filled:
            typer.echo("Assumed:\n" + "\n".join(f"  - {line}" for line in answer.filled))
        for result in answer.results:
            typer.echo("\n" + format_text(result))
    if answer.status != "answered":
        raise typer.Exit(1)
