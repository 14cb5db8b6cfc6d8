"""What each kind of typed question asks for: keyword rules pick a calculator, the handlers
turn the question's quantities (found by `phrases`) into its arguments, filling conventional
defaults and noting what is missing."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from coach.calculators.architectures import find_in_text
from coach.calculators.ask import phrases as ph
from coach.calculators.ask import slots
from coach.calculators.ask.context import AskCall, Context
from coach.calculators.ask.messages import say
from coach.calculators.ask.networks import params

INFERENCE = r"inferenc|serving|\bserve|generat|инференс|вывод\w* модел|генерац"
TRAINING = r"\btrain|fine[\s-]?tun|finetun|обуч|дообуч|тренир|файнтюн"
MIXED = r"mixed[\s-]?precision|\bamp\b|смешанн"


def _memory(c: Context) -> list[AskCall]:
    size, _ = ph.counts(c.text)
    model = find_in_text(c.text)
    optimizer, rest = ph.first(ph.OPTIMIZERS, c.text)
    precision, _ = ph.first(ph.PRECISIONS, rest)
    lora = (
        "qlora" if ph.has(r"\bqlora\b", c.text) else "lora" if ph.has(r"\blora\b", c.text) else None
    )
    # A named preset gives the exact count; the "7b" inside its name must not override it.
    base: dict[str, Any] = {"model": model} if model else {}
    if size and not model:
        base["params"] = int(size)
    if not base:
        c.need("need_size")
        return []
    base.update(_parallelism(c), **_sequence(c, model))
    overhead = slots.overhead_pct(c.text)
    if overhead:
        base["overhead_pct"] = overhead
    nf4 = slots.nf4_precision(c.text)
    if nf4 and slots.weights_only(c.text):
        # "QLoRA base weights": the frozen quantized model alone, no adapters or optimizer.
        return [AskCall(tool="memory", args={**base, "mode": "inference", "precision": nf4})]
    precision = nf4 or precision
    infer = ph.has(INFERENCE, c.text)
    sharded = "zero" in base or "fsdp" in base
    train = bool(ph.has(TRAINING, c.text) or optimizer or lora or sharded)
    calls = []
    if infer or not train:
        if not infer:
            c.fill("filled_inference")
        calls.append(
            AskCall(
                tool="memory",
                label=say("label_inference", c.lang),
                args={**base, "mode": "inference", "precision": _precision(c, precision, "fp16")},
            )
        )
    if train:
        calls.append(_training_call(c, base, lora, optimizer, precision))
    return calls


def _training_call(
    c: Context, base: dict[str, Any], lora: str | None, optimizer: str | None, precision: str | None
) -> AskCall:
    args = {**base, "mode": lora or "train", "optimizer": optimizer or "adamw"}
    if optimizer is None:
        c.fill("filled_optimizer")
    if lora:
        rank = slots.lora_rank(c.text)
        if rank is None:
            c.need("need_rank")
        if "model" not in base:
            c.need("need_shape")
        args["lora_rank"] = rank
    if lora:
        # Adapters are tiny; PEFT trains them with fp32 master weights and optimizer states.
        args.update(precision=_precision(c, precision, "nf4" if lora == "qlora" else "bf16"))
        args["convention"] = "mixed"
        c.fill("filled_adapters")
    elif precision is None:
        args.update(precision="bf16", convention="mixed")
        c.fill("filled_mixed")
    else:
        args["precision"] = precision
        args["convention"] = "mixed" if ph.has(MIXED, c.text) else "naive"
        if args["convention"] == "naive":
            c.fill("filled_naive", precision=args["precision"])
    return AskCall(tool="memory", label=say("label_training", c.lang), args=args)


def _precision(c: Context, found: str | None, default: str) -> str:
    if found:
        return found
    c.fill("filled_precision", precision=default)
    return default


def _parallelism(c: Context) -> dict[str, Any]:
    out: dict[str, Any] = {}
    gpus = slots.data_parallel(c.text)
    if gpus:
        out["gpus"] = gpus
    zero = slots.zero_stage(c.text)
    if zero is not None:
        out["zero"] = zero
    if ph.has(r"\bfsdp\b", c.text):
        out["fsdp"] = True
    return out


def _sequence(c: Context, model: str | None) -> dict[str, Any]:
    seq, kilo = ph.context_length(c.text)
    batch = slots.batch(c.text)
    if seq is None and batch is None:
        return {}
    if seq is None:
        c.need("need_seq")
        return {}
    if model is None:
        c.need("need_shape")
    if kilo:
        c.fill("filled_kilo", seq=seq)
    out: dict[str, Any] = {"seq": seq, "batch": batch or 1}
    if batch is None:
        c.fill("filled_batch")
    if ph.has(r"checkpointing|recomput|чекпоинт|пересч[её]т", c.text):
        out["checkpointing"] = "full"
    return out


def _kv_cache(c: Context) -> list[AskCall]:
    model = find_in_text(c.text)
    args: dict[str, Any] = {k: v for k, v in _kv_shape(c.text).items() if v is not None}
    if model:
        args["model"] = model
    elif len(args) < 3:
        c.need("need_shape")
    dtype, _ = ph.first(ph.PRECISIONS, c.text)
    args["dtype"] = _precision(c, dtype, "fp16")
    if slots.per_token(c.text):
        # Per token: one position of one sequence; no context length needed.
        return [AskCall(tool="kv_cache", label="per token", args={**args, "seq": 1, "batch": 1})]
    seq, kilo = ph.context_length(c.text)
    if seq is None:
        c.need("need_seq")
    elif kilo:
        c.fill("filled_kilo", seq=seq)
    batch = slots.batch(c.text)
    if batch is None:
        c.fill("filled_batch")
    return [AskCall(tool="kv_cache", args={**args, "seq": seq, "batch": batch or 1})]


def _kv_shape(text: str) -> dict[str, int | None]:
    """layers / kv_heads / head_dim, also from width and query heads (head_dim = d / heads;
    KV heads = query heads unless GQA or MQA says otherwise)."""
    heads = slots.heads(text)
    width = slots.width(text)
    head_dim = slots.head_dim(text) or (width // heads if width and heads else None)
    return {
        "layers": slots.layers(text),
        "kv_heads": slots.kv_heads(text) or heads,
        "head_dim": head_dim,
    }


def _classification(c: Context) -> list[AskCall]:
    counts = ph.confusion(c.text)
    metric = next(
        (
            m
            for m, p in (
                ("precision", r"precision|точност|прецизион"),
                ("recall", r"recall|полнот"),
                ("f1", r"\bf1|f-score|f-мер"),
                ("accuracy", r"accuracy|доля правильн"),
                ("specificity", r"specificity|специфичн"),
            )
            if ph.has(p, c.text)
        ),
        None,
    )
    if metric is None:
        c.fill("filled_metric")
    if "tp" not in counts or not ({"fp", "fn"} & counts.keys()):
        c.need("need_confusion")
    return [AskCall(tool="classification", args={**counts, "metric": metric or "f1"})]


def _perplexity(c: Context) -> list[AskCall]:
    values = ph.numbers(c.text)
    base = "2" if ph.has(r"\bbits?\b|\bбит", c.text) else "e"
    if not values:
        c.need("need_logprobs")
        return []
    if ph.has(r"cross[\s-]?entropy|\bloss\b|кросс[\s-]?энтроп|энтропи|лосс", c.text):
        return [AskCall(tool="perplexity", args={"cross_entropy": values[0], "base": base})]
    if ph.has(r"probabilit|вероятност", c.text) and all(0 < v <= 1 for v in values):
        return [AskCall(tool="perplexity", args={"probs": values, "base": base})]
    return [AskCall(tool="perplexity", args={"logprobs": values, "base": base})]


def _cosine(c: Context) -> list[AskCall]:
    found = ph.vectors(c.text)
    if len(found) < 2:
        c.need("need_vectors")
        return []
    return [AskCall(tool="cosine", args={"a": found[0], "b": found[1]})]


def _texts(tool: str) -> Callable[[Context], list[AskCall]]:
    def handle(c: Context) -> list[AskCall]:
        texts = ph.quoted(c.text)
        if len(texts) < 2:
            c.need("need_texts")
            return []
        c.fill("filled_quoted")
        args: dict[str, Any] = {"hyp": texts[0], "ref": texts[1:]}
        if tool == "rouge":
            kind = re.search(r"rouge[\s-]*(1|2|l)\b", c.text, re.IGNORECASE)
            args["rouge_type"] = "rouge" + (kind.group(1).upper() if kind else "1")
        return [AskCall(tool=tool, args=args)]

    return handle


def _chinchilla(c: Context) -> list[AskCall]:
    size, tokens = ph.counts(c.text)
    if size is None and tokens is not None:
        return [AskCall(tool="chinchilla", args={"tokens": int(tokens)})]
    if size is None:
        c.need("need_size")
        return []
    return [AskCall(tool="chinchilla", args={"params": int(size)})]


def _training_flops(c: Context) -> list[AskCall]:
    size, tokens = ph.counts(c.text)
    if size is None:
        c.need("need_size")
    if tokens is None:
        c.need("need_tokens")
    args: dict[str, Any] = {"params": size, "tokens": tokens}
    tflops = ph.integer((r"(\d+)\s*tflop",), c.text)
    if tflops:
        args["gpu_tflops"] = tflops
        args["gpus"] = slots.data_parallel(c.text) or 1
        mfu = re.search(
            r"mfu\D{0,12}(\d+(?:[.,]\d+)?)\s*%|(\d+(?:[.,]\d+)?)\s*%\s*mfu", c.text, re.I
        )
        if mfu:
            args["mfu"] = ph.decimal(mfu.group(1) or mfu.group(2)) / 100
        if ph.has(r"\bhours?\b|\bdays?\b|how long|\btime\b|час\w*|дн\w*\b|врем", c.text):
            args["report"] = "time"
    return [AskCall(tool="training_flops", args=args)]


# (intent pattern, handler): the first match decides; memory words outrank "parameters"
# because "memory for the parameters, gradients..." is a memory question.
INTENTS: tuple[tuple[str, Callable[[Context], list[AskCall]]], ...] = (
    (r"kv[\s-]?(?:cache|кэш|кеш|memory|памят)", _kv_cache),
    (
        r"\b(?:tp|fp|fn|tn)(?:\s*[=:]\s*|\s+)\d|\d+\s*(?:tp|fp|fn|tn)\b|true[\s-]positive|"
        r"истинно[\s-]?положит",
        _classification,
    ),
    (r"perplexit|перплекс", _perplexity),
    (r"cosine|косинус", _cosine),
    (r"\bbleu\b", _texts("bleu")),
    (r"\bchrf", _texts("chrf")),
    (r"\brouge", _texts("rouge")),
    (r"chinchilla|compute[\s-]optimal|шиншилл|оптимальн\w* по вычисл", _chinchilla),
    (r"\b6\s*[n·*]\s*[·*]?\s*d\b|training time|\bhours\b|час\w*\b|mfu", _training_flops),
    (
        r"memory|vram|\bgi?b\b|памят|\bгб\b|\bгиб\b|\bfits?\b|помест|влез|model states|"
        r"состояни\w* модели|per[\s-]gpu|на (?:каждой |одну )?gpu|\bzero\b|p_os|\bfsdp\b|"
        r"\bweights\b|вес[аы]?\b",
        _memory,
    ),
    (r"\bflops?\b|флопс|floating[\s-]point op|compute|вычислен", _training_flops),
    (r"parameters|params|\bparam\b|параметр", params),
)


def find_handler(text: str) -> Callable[[Context], list[AskCall]] | None:
    """The handler for the first intent the text matches, or None (not a numeric question)."""
    for pattern, handler in INTENTS:
        if ph.has(pattern, text):
            return handler
    # "7B in FP16 with Adam?" names no noun, but a size with a precision or optimizer is memory.
    size, _ = ph.counts(text)
    named = ph.first(ph.OPTIMIZERS, text)[0] or ph.first(ph.PRECISIONS, text)[0]
    return _memory if (size or find_in_text(text)) and named else None
