"""What each kind of typed question asks for: keyword rules pick a calculator, the handlers
turn the question's quantities (found by `phrases`) into its arguments, filling conventional
defaults and noting what is missing."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from coach.calculators.architectures import find_in_text
from coach.calculators.ask import phrases as ph
from coach.calculators.ask.messages import Lang, say

INFERENCE = r"inferenc|serving|\bserve|generat|инференс|вывод\w* модел|генерац"
TRAINING = r"\btrain|fine[\s-]?tun|finetun|обуч|дообуч|тренир|файнтюн"
MIXED = r"mixed[\s-]?precision|\bamp\b|смешанн"


class AskCall(BaseModel):
    """One calculator call a question maps to (a comparison question maps to several)."""

    tool: str
    args: dict[str, Any]
    label: str = ""


class Context:
    """The question being read, plus the assumptions filled in and the inputs still missing."""

    def __init__(self, text: str, lang: Lang) -> None:
        self.text, self.lang = text, lang
        self.filled: list[str] = []
        self.missing: list[str] = []

    def fill(self, key: str, **values: Any) -> None:
        self.filled.append(say(key, self.lang, **values))

    def need(self, key: str) -> None:
        self.missing.append(say(key, self.lang))


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
    infer = ph.has(INFERENCE, c.text)
    train = bool(ph.has(TRAINING, c.text) or optimizer or lora)
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
        rank = ph.integer(
            (
                r"rank\s*(?:r\s*)?(?:=|of|:)?\s*(\d+)",
                r"\br\s*=\s*(\d+)",
                r"ранг\w*\s*(?:r\s*)?(?:=|:)?\s*(\d+)",
            ),
            c.text,
        )
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
    gpus = ph.integer(
        (
            r"(\d+)\s*(?:x\s*)?(?:gpus?\b|видеокарт|ускорител|гпу)",
            r"(\d+)\s*[x×]\s*(?:a100|h100|h200|v100|rtx|l40|a10|t4|l4)",
        ),
        c.text,
    )
    if gpus:
        out["gpus"] = gpus
    zero = ph.integer((r"zero[\s-]*(?:stage[\s-]*)?([0-3])\b",), c.text)
    if zero is not None:
        out["zero"] = zero
    if ph.has(r"\bfsdp\b", c.text):
        out["fsdp"] = True
    return out


def _sequence(c: Context, model: str | None) -> dict[str, Any]:
    seq, kilo = ph.context_length(c.text)
    batch = ph.integer(
        (
            r"batch(?:[\s_-]*size)?\s*(?:of|=|:)?\s*(\d+)",
            r"(?:батч\w*|размер\w* батча)\s*(?:=|:|в)?\s*(\d+)",
        ),
        c.text,
    )
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
    shape = {
        "layers": ph.integer((r"(\d+)\s*(?:layers|слоя|слоёв|слоев)",), c.text),
        "kv_heads": ph.integer(
            (
                r"(\d+)\s*(?:kv|key[\s-]value)[\s-]*(?:heads|голов)",
                r"kv[\s_-]*heads\s*(?:=|:)?\s*(\d+)",
            ),
            c.text,
        ),
        "head_dim": ph.integer(
            (
                r"head[\s_-]*dim\w*\s*(?:=|:|of)?\s*(\d+)",
                r"размерност\w* голов\w*\s*(?:=|:)?\s*(\d+)",
            ),
            c.text,
        ),
    }
    args: dict[str, Any] = {k: v for k, v in shape.items() if v is not None}
    if model:
        args["model"] = model
    elif len(args) < 3:
        c.need("need_shape")
    seq, kilo = ph.context_length(c.text)
    if seq is None:
        c.need("need_seq")
    elif kilo:
        c.fill("filled_kilo", seq=seq)
    dtype, _ = ph.first(ph.PRECISIONS, c.text)
    args.update(seq=seq, dtype=_precision(c, dtype, "fp16"))
    batch = ph.integer((r"batch(?:[\s_-]*size)?\s*(?:of|=|:)?\s*(\d+)", r"батч\w*\s*(\d+)"), c.text)
    if batch is None:
        c.fill("filled_batch")
    args["batch"] = batch or 1
    return [AskCall(tool="kv_cache", args=args)]


def _params(c: Context) -> list[AskCall]:
    kind = next(
        (
            k
            for k, p in (("lstm", r"\blstm"), ("gru", r"\bgru"), ("rnn", r"\brnn|рекуррент"))
            if ph.has(p, c.text)
        ),
        None,
    )
    model = find_in_text(c.text)
    if kind:
        return _recurrent(c, kind)
    if ph.has(r"\blora\b", c.text) and model:
        rank = ph.integer(
            (
                r"rank\s*(?:r\s*)?(?:=|of|:)?\s*(\d+)",
                r"\br\s*=\s*(\d+)",
                r"ранг\w*\s*(?:=|:)?\s*(\d+)",
            ),
            c.text,
        )
        if rank is None:
            c.need("need_rank")
        return [AskCall(tool="params", args={"kind": "lora", "model": model, "rank": rank})]
    if model:
        return [AskCall(tool="params", args={"kind": "model", "model": model})]
    c.need("need_network")
    return []


def _recurrent(c: Context, kind: str) -> list[AskCall]:
    inp = ph.integer(
        (
            r"input(?:[\s_-]*(?:size|dim\w*|features?))?\s*(?:=|:|of|is)?\s*(\d+)",
            r"(\d+)[\s-]*(?:dimensional|dim)\w*\s*input",
            r"вход\w*(?:\s*(?:размер\w*|размерност\w*|признак\w*))?\s*(?:=|:|—|-)?\s*(\d+)",
            r"размерност\w* вход\w*\s*(?:=|:|—|-)?\s*(\d+)",
        ),
        c.text,
    )
    hidden = ph.integer(
        (
            r"hidden(?:[\s_-]*(?:size|units?|dim\w*|state))?\s*(?:=|:|of|is)?\s*(\d+)",
            r"(\d+)\s*(?:hidden|units|neurons)",
            r"скрыт\w*(?:\s*(?:состояни\w*|сло\w*|размер\w*|нейрон\w*))?"
            r"\s*(?:=|:|—|-)?\s*(\d+)",
            r"(\d+)\s*(?:нейрон|скрыт)",
        ),
        c.text,
    )
    if inp is None:
        c.need("need_input_size")
    if hidden is None:
        c.need("need_hidden_size")
    layers = ph.integer((r"(\d+)[\s-]*(?:layers?\b|сло[йяе])",), c.text) or 1
    keras = ph.has(r"keras|tensorflow", c.text)
    c.fill("filled_bias_keras" if keras else "filled_bias_torch")
    args = {
        "kind": kind,
        "input_size": inp,
        "hidden_size": hidden,
        "layers": layers,
        "bidirectional": ph.has(r"bidirectional|bi-?lstm|двунаправлен", c.text),
        "bias_vectors": 1 if keras else 2,
    }
    return [AskCall(tool="params", args=args)]


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
    size, _ = ph.counts(c.text)
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
    return [AskCall(tool="training_flops", args={"params": size, "tokens": tokens})]


# (intent pattern, handler): the first match decides; memory words outrank "parameters"
# because "memory for the parameters, gradients..." is a memory question.
INTENTS: tuple[tuple[str, Callable[[Context], list[AskCall]]], ...] = (
    (r"kv[\s-]?(?:cache|кэш|кеш)", _kv_cache),
    (r"\b(?:tp|fp|fn|tn)\s*[=:]\s*\d|true[\s-]positive|истинно[\s-]положит", _classification),
    (r"perplexit|перплекс", _perplexity),
    (r"cosine|косинус", _cosine),
    (r"\bbleu\b", _texts("bleu")),
    (r"\bchrf", _texts("chrf")),
    (r"\brouge", _texts("rouge")),
    (r"memory|vram|\bgi?b\b|памят|\bгб\b|\bfits?\b|помест|влез", _memory),
    (r"chinchilla|compute[\s-]optimal|шиншилл|оптимальн\w* по вычисл", _chinchilla),
    (r"\bflops?\b|флопс|floating[\s-]point op", _training_flops),
    (r"parameters|params|параметр", _params),
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
