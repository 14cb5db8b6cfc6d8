"""Every calculator by name: its pydantic input model and its function, plus `run` and the
LangChain tools built from the same schemas.

Name            main output field              input model
--------------  -----------------------------  --------------------------------------------
memory          total_gb (also total_gib)      memory.MemoryQuery
kv_cache        total_gb (also total_gib)      kv_cache.KVCacheQuery
params          value (parameters)             params.ParamsQuery (kind: rnn, lstm, gru,
                                               attention, block, embedding, lora, model)
attention       value (FLOPs)                  compute.AttentionQuery
training_flops  value (FLOPs)                  compute.TrainingFlopsQuery
chinchilla      value (tokens)                 compute.ChinchillaQuery
classification  value (= `metric`, default f1) metrics.ClassificationQuery
bleu            value (0-100)                  metrics.BleuQuery
chrf            value (0-100)                  metrics.TextQuery
rouge           value (F of `rouge_type`)      metrics.RougeQuery
perplexity      value                          metrics.PerplexityQuery
cosine          value (similarity)             similarity.CosineQuery
tfidf           value                          similarity.TfidfQuery
clip_logits     value (logit of text 1)        similarity.ClipQuery

Any breakdown key is readable too (`CalcResult.field`): e.g. classification `precision`,
cosine `distance`, rouge `rougeL_fmeasure`, memory `optimizer_states`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from coach.calculators import compute, kv_cache, memory, metrics, params, similarity
from coach.calculators.result import CalcResult, format_text
from coach.errors import CoachError, InputError

if TYPE_CHECKING:
    from langchain_core.tools import BaseTool

log = logging.getLogger(__name__)

Calculator = tuple[type[BaseModel], Callable[[Any], CalcResult]]

CALCULATORS: dict[str, Calculator] = {
    "memory": (memory.MemoryQuery, memory.estimate),
    "kv_cache": (kv_cache.KVCacheQuery, kv_cache.estimate),
    "params": (params.ParamsQuery, params.count),
    "attention": (compute.AttentionQuery, compute.attention),
    "training_flops": (compute.TrainingFlopsQuery, compute.training_flops),
    "chinchilla": (compute.ChinchillaQuery, compute.chinchilla),
    "classification": (metrics.ClassificationQuery, metrics.classification),
    "bleu": (metrics.BleuQuery, metrics.bleu),
    "chrf": (metrics.TextQuery, metrics.chrf),
    "rouge": (metrics.RougeQuery, metrics.rouge),
    "perplexity": (metrics.PerplexityQuery, metrics.perplexity),
    "cosine": (similarity.CosineQuery, similarity.cosine),
    "tfidf": (similarity.TfidfQuery, similarity.tfidf),
    "clip_logits": (similarity.ClipQuery, similarity.clip_logits),
}

# What an agent reads when choosing a tool.
DESCRIPTIONS: dict[str, str] = {
    "memory": "GPU memory (GB/GiB) to run or train a model: weights, gradients, optimizer "
    "states, master weights, activations, KV cache; ZeRO/FSDP sharding; fits-on verdicts. "
    "convention=naive keeps every tensor in `precision` (quiz style); mixed = fp32 master "
    "weights and optimizer states.",
    "kv_cache": "KV-cache size for a model shape (or preset), context length, batch and dtype.",
    "params": "Parameter count of an RNN/LSTM/GRU, multi-head attention, a transformer block, "
    "an embedding, LoRA adapters or a preset model, with the formula.",
    "attention": "Self-attention FLOPs (O(n²·d)) and score-matrix memory.",
    "training_flops": "Training compute C ≈ 6·N·D FLOPs (and time on given GPUs).",
    "chinchilla": "Chinchilla compute-optimal tokens (≈ 20 per parameter) or model size.",
    "classification": "Precision, recall, F1, specificity, accuracy from tp/fp/fn/tn or label "
    "lists (macro/micro/weighted).",
    "bleu": "BLEU (sacrebleu) of hypothesis text(s) against reference(s), with n-gram precisions.",
    "chrf": "chrF (sacrebleu) of hypothesis text(s) against reference(s).",
    "rouge": "ROUGE-1/2/L (rouge-score) precision, recall and F1.",
    "perplexity": "Perplexity from token log-probs, probabilities or mean cross-entropy.",
    "cosine": "Cosine similarity and distance of two vectors.",
    "tfidf": "TF-IDF of a term in one of a few documents (scikit-learn or textbook variant).",
    "clip_logits": "CLIP-style logits (cosine x logit scale) and softmax probabilities.",
}


def input_error(exc: ValidationError, model: type[BaseModel]) -> InputError:
    """The first validation problem as InputError(field, value, allowed)."""
    err = exc.errors()[0]
    field = ".".join(str(part) for part in err["loc"]) or model.__name__
    ctx = err.get("ctx") or {}
    if err["type"] == "literal_error":
        allowed: str = f"allowed: {ctx.get('expected')}"
    elif err["type"] == "extra_forbidden":
        allowed = "known fields: " + ", ".join(model.model_fields)
    elif err["type"] == "missing":
        return InputError(field, None, "required")
    else:
        allowed = str(err["msg"]).removeprefix("Value error, ")
    return InputError(field, err.get("input"), allowed)


def run(name: str, args: dict[str, Any]) -> CalcResult:
    """Validate `args` against the calculator's model and run it; bad input -> InputError."""
    if name not in CALCULATORS:
        raise InputError("tool", name, sorted(CALCULATORS))
    model, function = CALCULATORS[name]
    try:
        query = model.model_validate(args)
    except ValidationError as exc:
        raise input_error(exc, model) from exc
    result = function(query)
    result.tool = name
    return result


def error_observation(exc: Exception) -> str:
    """What an agent sees instead of an exception, so the loop can try again."""
    return f"Error: {type(exc).__name__}: {exc}; try other arguments or another tool"


def observe(name: str, args: dict[str, Any]) -> str:
    """Run a calculator for an agent: formatted text, or an error observation."""
    try:
        return format_text(run(name, args))
    except CoachError as exc:
        log.warning("calculator %s failed on %s: %s", name, args, exc)
        return error_observation(exc)


def langchain_tools() -> list[BaseTool]:
    """One StructuredTool per calculator; args_schema is the calculator's pydantic model."""
    from langchain_core.tools import StructuredTool

    tools: list[BaseTool] = []
    for name, (model, _) in CALCULATORS.items():

        def call(_name: str = name, **kwargs: Any) -> str:
            return observe(_name, kwargs)

        def on_invalid(exc: Any, _model: type[BaseModel] = model) -> str:
            return error_observation(input_error(exc, _model))

        tools.append(
            StructuredTool.from_function(
                func=call,
                name=name,
                description=DESCRIPTIONS[name],
                args_schema=model,
                handle_validation_error=on_invalid,
            )
        )
    return tools
