"""Recognisers for calculator inputs that questions state in many ways (English and Russian):
an overhead share, a batch written as concurrent sequences or requests, a model shape given
as layers / width / heads, a ZeRO stage in the paper's P_os notation, QLoRA's constants, and
whether a question asks per token."""

from __future__ import annotations

import re

from coach.calculators.ask import phrases as ph

_PCT = r"(\d+(?:[.,]\d+)?)\s*(?:%|percent|процент\w*|-процент\w*)"
_OVERHEAD_WORDS = (
    r"overhead|extra|on top|headroom|buffer|margin|add|plus|накладн|оверхед|запас|сверху|"
    r"добав|плюс|резерв"
)


def overhead_pct(text: str) -> float | None:
    """An overhead stated as a share ("~20 % overhead", "запас 15 %") or a multiplier ("the
    1.2x rule", "×1.15"); None when the question names none."""
    if ph.has(_OVERHEAD_WORDS, text):
        m = re.search(_PCT, text, re.IGNORECASE)
        if m:
            return ph.decimal(m.group(1))
    m = re.search(r"(?:[x×]\s*(1[.,]\d+)|(1[.,]\d+)\s*[x×])(?!\s*\d)", text, re.IGNORECASE)
    if m:
        return round((ph.decimal(m.group(1) or m.group(2)) - 1) * 100, 6)
    return None


def batch(text: str) -> int | None:
    """Sequences served or trained at once: "batch of 8", "8 concurrent sequences",
    "64 requests", "16 одновременных последовательностей", "батч 16"."""
    return ph.integer(
        (
            r"batch(?:[\s_-]*size)?\s*(?:of|=|:)?\s*(\d+)",
            r"(?:батч\w*|размер\w* батча)\s*(?:=|:|в)?\s*(\d+)",
            r"(\d+)\s*(?:concurrent|parallel|simultaneous)?\s*"
            r"(?:sequences|requests|users|prompts|streams)\b",
            r"(\d+)\s*(?:одновременн\w*|параллельн\w*)?\s*"
            r"(?:последовательност\w*|запрос\w*|пользовател\w*|промпт\w*|поток\w*)",
        ),
        text,
    )


def layers(text: str) -> int | None:
    return ph.integer(
        (
            r"(\d+)[\s-]*(?:layers?\b|-layer|сло[йяё]\w*|слоев)",
            r"(?:layers|n_layers|num_layers|слоёв|слоев|L)\s*(?:=|:)\s*(\d+)",
        ),
        text,
    )


def width(text: str) -> int | None:
    """The model width: "hidden 4096", "d_model 5120", "1024-dim", "hidden size of 768"."""
    return ph.integer(
        (
            r"(?:hidden(?:[\s_-]*(?:size|dim\w*))?|d[\s_-]?model|model[\s_-]dim\w*|"
            r"ширин\w*|скрыт\w* размер\w*|размерност\w* модели)\s*(?:=|:|of|is)?\s*(\d+)",
            r"(\d+)[\s-]*(?:dim\b|dimensional|-d\b|hidden)",
            r"\bd\s*=\s*(\d+)",
        ),
        text,
    )


def heads(text: str) -> int | None:
    """Query heads (the first head count that is not a KV-head count)."""
    return ph.integer(
        (
            r"(\d+)\s*(?:query|attention|q)?[\s-]*(?:heads|голов\w*)(?<!kv heads)",
            r"(?:n_heads|num_heads|heads)\s*(?:=|:)\s*(\d+)",
        ),
        re.sub(r"\d+\s*(?:kv|key[\s-]value)[\s-]*(?:heads|голов\w*)", " ", text, flags=re.I),
    )


def kv_heads(text: str) -> int | None:
    """KV heads: "8 KV heads", "kv_heads=8", "одна KV-голова", or 1 for multi-query attention."""
    found = ph.integer(
        (
            r"(\d+)\s*(?:kv|key[\s-]value)[\s-]*(?:heads|голов\w*)",
            r"kv[\s_-]*heads\s*(?:=|:)?\s*(\d+)",
        ),
        text,
    )
    if found is None and ph.has(
        r"\bmqa\b|multi[\s-]query|одн\w*\s*kv[\s-]*голов|one kv[\s-]head|single kv", text
    ):
        return 1
    return found


def head_dim(text: str) -> int | None:
    return ph.integer(
        (
            r"head[\s_-]*dim\w*\s*(?:=|:|of)?\s*(\d+)",
            r"размерност\w* голов\w*\s*(?:=|:)?\s*(\d+)",
            r"(\d+)[\s-]*dim\w* heads",
        ),
        text,
    )


def per_token(text: str) -> bool:
    return ph.has(
        r"per[\s-]token|each token|a single token|one token|на (?:один |каждый |1 )?токен\b|"
        r"на токен|каждого токена|одного токена",
        text,
    )


def zero_stage(text: str) -> int | None:
    """ZeRO stage, also as P_os / P_os+g / P_os+g+p (the ZeRO paper) or FSDP full shard."""
    stage = ph.integer((r"zero[\s-]*(?:stage[\s-]*)?([0-3])\b", r"stage[\s-]*([1-3])\b"), text)
    if stage is not None:
        return stage
    m = re.search(r"p[_\s]?os(\s*\+\s*g)?(\s*\+\s*p)?", text, re.IGNORECASE)
    if m:
        return 1 + bool(m.group(1)) + bool(m.group(2))
    return None


def data_parallel(text: str) -> int | None:
    """GPUs: "64 GPUs", "8×A100", "Nd = 64", "2 nodes of 8 GPUs", "2 узла по 8 A100"."""
    nodes = re.search(
        r"(\d+)\s*(?:nodes?|узл\w*|машин\w*|сервер\w*)\s*(?:of|with|по|x|×)\s*(\d+)",
        text,
        re.IGNORECASE,
    )
    if nodes:
        return int(nodes.group(1)) * int(nodes.group(2))
    return ph.integer(
        (
            r"(\d+)\s*(?:x\s*)?(?:gpus?\b|видеокарт|ускорител|гпу)",
            r"(\d+)\s*[x×]\s*(?:a100|h100|h200|v100|rtx|l40|a10|t4|l4)",
            r"\bn_?d\s*=\s*(\d+)",
            r"(?:on|across|на)\s*(\d+)\s*(?:a100|h100|h200|v100|l40|a10|t4|l4)",
        ),
        text,
    )


def nf4_precision(text: str) -> str | None:
    """nf4 (double-quantized constants, QLoRA's default) or nf4sq (single quantization)."""
    if not ph.has(r"\bnf4\b|normalfloat|\bqlora\b", text):
        return None
    single = ph.has(
        r"no double|without double|without dq|no dq|single quant|без dq|без двойн|"
        r"0[.,]5 bit|0[.,]5 бит",
        text,
    )
    return "nf4sq" if single else "nf4"


def weights_only(text: str) -> bool:
    """The question asks for the (frozen) weights alone, not training memory."""
    return ph.has(
        r"weights only|only the (?:frozen )?base|base (?:model )?weights|frozen base|"
        r"base model memory|memory of the base|базов\w* модел|"
        r"только базов|базов\w* вес|только вес|веса базовой|память только",
        text,
    )


def lora_rank(text: str) -> int | None:
    """The LoRA rank: "rank 16", "r=16", "r = 16", "ранг 8", "ранга r=8"."""
    return ph.integer(
        (
            r"rank\s*(?:r\s*)?(?:=|of|:)?\s*(\d+)",
            r"\br\s*=\s*(\d+)",
            r"ранг\w*\s*(?:r\s*)?(?:=|:)?\s*(\d+)",
        ),
        text,
    )
