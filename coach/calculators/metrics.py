"""Evaluation metrics with their derivation: classification (scikit-learn), BLEU and chrF
(sacrebleu), ROUGE (rouge-score) and perplexity. The libraries compute; we show the arithmetic."""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import Field, model_validator

from coach.calculators.result import CalcResult, Query
from coach.calculators.units import num
from coach.errors import InputError

Label = int | str
Metric = Literal["precision", "recall", "f1", "accuracy", "specificity"]


class ClassificationQuery(Query):
    """A binary confusion matrix (tp, fp, fn, tn) or two label lists."""

    tp: int | None = Field(None, ge=0)
    fp: int | None = Field(None, ge=0)
    fn: int | None = Field(None, ge=0)
    tn: int | None = Field(None, ge=0)
    y_true: list[Label] | None = None
    y_pred: list[Label] | None = None
    average: Literal["binary", "macro", "micro", "weighted"] | None = Field(
        None, description="default: binary for a confusion matrix, macro for label lists"
    )
    positive: Label | None = Field(None, description="positive label for average=binary")
    metric: Metric = Field("f1", description="which metric becomes `value`")
    beta: float = Field(1.0, gt=0, description="F-beta weight of recall (1 = F1)")


def _ratio(name: str, top: float, bottom: float, expr: str) -> tuple[float, str]:
    value = top / bottom if bottom else 0.0
    note = "" if bottom else " (empty denominator: 0 by convention)"
    return value, f"{name} = {expr} = {num(top)}/{num(bottom)} = {num(value)}{note}"


def _confusion(q: ClassificationQuery) -> CalcResult:
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    tp, fp, fn, tn = (getattr(q, k) or 0 for k in ("tp", "fp", "fn", "tn"))
    if tp + fp + fn + tn == 0:
        raise InputError("tp", 0, "the confusion matrix is empty")
    # One sample per cell, weighted by its count: exact and O(1) however large the counts.
    y_true, y_pred, weight = [1, 0, 1, 0], [1, 1, 0, 0], [tp, fp, fn, tn]
    p, r, f, _ = precision_recall_fscore_support(
        y_true, y_pred, beta=q.beta, average="binary", sample_weight=weight, zero_division=0
    )
    spec = precision_recall_fscore_support(
        y_true, y_pred, average="binary", pos_label=0, sample_weight=weight, zero_division=0
    )[1]
    acc = accuracy_score(y_true, y_pred, sample_weight=weight)
    steps = [
        _ratio("precision", tp, tp + fp, "TP/(TP+FP)")[1],
        _ratio("recall", tp, tp + fn, "TP/(TP+FN)")[1],
        _f_step(q.beta, float(p), float(r), float(f)),
        _ratio("specificity", tn, tn + fp, "TN/(TN+FP)")[1],
        _ratio("accuracy", tp + tn, tp + fp + fn + tn, "(TP+TN)/(TP+FP+FN+TN)")[1],
    ]
    scores = {"precision": p, "recall": r, "f1": f, "specificity": spec, "accuracy": acc}
    return _result(q, scores, steps, ["binary task; the positive class is the one TP counts"])


def _f_step(beta: float, p: float, r: float, f: float) -> str:
    if beta == 1:
        return f"F1 = 2·P·R/(P+R) = 2·{num(p)}·{num(r)}/({num(p)}+{num(r)}) = {num(f)}"
    b2 = beta * beta
    return (
        f"F{num(beta)} = (1+β²)·P·R/(β²·P+R) = {num(1 + b2)}·{num(p)}·{num(r)}/"
        f"({num(b2)}·{num(p)}+{num(r)}) = {num(f)}"
    )


def _lists(q: ClassificationQuery) -> CalcResult:
    from sklearn.metrics import (
        accuracy_score,
        multilabel_confusion_matrix,
        precision_recall_fscore_support,
    )

    y_true, y_pred = q.y_true or [], q.y_pred or []
    if len(y_true) != len(y_pred) or not y_true:
        raise InputError("y_pred", len(y_pred), f"needs as many labels as y_true ({len(y_true)})")
    labels = sorted(set(y_true) | set(y_pred), key=str)
    average = q.average or "macro"
    if average == "binary":
        positive = q.positive if q.positive is not None else labels[-1]
        if positive not in labels or len(labels) > 2:
            raise InputError("positive", positive, f"a binary task needs 2 labels; got {labels}")
    per = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, beta=q.beta, zero_division=0
    )
    mcm = multilabel_confusion_matrix(y_true, y_pred, labels=labels)
    tn, fp = mcm[:, 0, 0], mcm[:, 0, 1]
    steps = [
        f"class {lab}: precision {num(per[0][i])}, recall {num(per[1][i])}, "
        f"F{num(q.beta)} {num(per[2][i])}, support {per[3][i]}"
        for i, lab in enumerate(labels)
    ]
    if average == "binary":
        p, r, f, _ = precision_recall_fscore_support(
            y_true, y_pred, beta=q.beta, average="binary", pos_label=positive, zero_division=0
        )
        i = labels.index(positive)
        spec = tn[i] / (tn[i] + fp[i]) if tn[i] + fp[i] else 0.0
        steps.append(f"binary scores are those of the positive class {positive!r}")
    else:
        p, r, f, _ = precision_recall_fscore_support(
            y_true, y_pred, labels=labels, beta=q.beta, average=average, zero_division=0
        )
        spec = _average_specificity(tn, fp, per[3], average)
        steps.append(_average_step(average))
    acc = accuracy_score(y_true, y_pred)
    steps.append(
        f"accuracy = correct/total = {sum(a == b for a, b in zip(y_true, y_pred, strict=True))}"
        f"/{len(y_true)} = {num(float(acc))}"
    )
    scores = {"precision": p, "recall": r, "f1": f, "specificity": spec, "accuracy": acc}
    result = _result(
        q,
        scores,
        steps,
        [f"labels: {labels}; average={average}", "0/0 counts as 0 (zero_division=0)"],
    )
    result.details["per_class"] = {
        str(lab): {
            "precision": float(per[0][i]),
            "recall": float(per[1][i]),
            "f1": float(per[2][i]),
            "support": int(per[3][i]),
        }
        for i, lab in enumerate(labels)
    }
    return result


def _average_specificity(tn: Any, fp: Any, support: Any, average: str) -> float:
    per_class = [t / (t + f) if t + f else 0.0 for t, f in zip(tn, fp, strict=True)]
    if average == "micro":
        return float(tn.sum() / (tn.sum() + fp.sum()))
    if average == "weighted":
        return float(sum(s * w for s, w in zip(per_class, support, strict=True)) / support.sum())
    return float(sum(per_class) / len(per_class))


def _average_step(average: str) -> str:
    return {
        "macro": "macro average = unweighted mean of the per-class scores",
        "weighted": "weighted average = per-class scores weighted by support",
        "micro": "micro average = scores from TP, FP, FN summed over classes",
    }[average]


def _result(
    q: ClassificationQuery, scores: dict[str, Any], steps: list[str], notes: list[str]
) -> CalcResult:
    breakdown = {k: float(v) for k, v in scores.items()}
    return CalcResult(
        tool="classification",
        value=breakdown[q.metric],
        unit=q.metric,
        breakdown=breakdown,
        steps=steps,
        assumptions=[*notes, "computed with scikit-learn"],
    )


def classification(q: ClassificationQuery) -> CalcResult:
    if q.y_true is not None or q.y_pred is not None:
        return _lists(q)
    if all(getattr(q, k) is None for k in ("tp", "fp", "fn", "tn")):
        raise InputError("tp", None, "give tp, fp, fn, tn or y_true and y_pred")
    return _confusion(q)


class TextQuery(Query):
    """Hypotheses and their references: `ref[i]` lists the references of `hyp[i]`.
    One hypothesis may have several references; a plain string is one text."""

    hyp: list[str] = Field(min_length=1)
    ref: list[list[str]] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        hyp, ref = data.get("hyp"), data.get("ref")
        if isinstance(hyp, str):
            data["hyp"] = hyp = [hyp]
        if isinstance(ref, str):
            data["ref"] = [[ref]]
        elif isinstance(ref, list) and ref and all(isinstance(r, str) for r in ref):
            # Several strings: the references of a single hypothesis, or one per hypothesis.
            data["ref"] = [ref] if isinstance(hyp, list) and len(hyp) == 1 else [[r] for r in ref]
        return data

    @model_validator(mode="after")
    def _aligned(self) -> TextQuery:
        if len(self.ref) != len(self.hyp):
            raise ValueError(f"ref needs one list of references per hypothesis ({len(self.hyp)})")
        return self


class BleuQuery(TextQuery):
    lowercase: bool = False
    tokenize: Literal["13a", "intl", "zh", "char", "none"] = "13a"


def _streams(q: TextQuery) -> list[list[str]]:
    """sacrebleu wants reference streams (stream j holds the j-th reference of every hyp)."""
    counts = {len(r) for r in q.ref}
    if len(counts) != 1:
        raise InputError("ref", sorted(counts), "every hypothesis needs the same number of refs")
    return [list(stream) for stream in zip(*q.ref, strict=True)]


def bleu(q: BleuQuery) -> CalcResult:
    from sacrebleu.metrics import BLEU

    single = len(q.hyp) == 1
    metric = BLEU(lowercase=q.lowercase, tokenize=q.tokenize, effective_order=single)
    score = metric.corpus_score(q.hyp, _streams(q))
    steps = _precision_steps(score.counts, score.totals, score.precisions)
    steps.append(
        f"BP = exp(1 - r/c) if c < r else 1; c = {score.sys_len}, r = {score.ref_len} "
        f"-> BP = {num(score.bp)}"
    )
    logs = [math.log(p / 100) for p in score.precisions if p > 0]
    if logs and len(logs) == 4:
        steps.append(
            f"BLEU = BP·exp(mean(ln p1..p4)) = {num(score.bp)}·exp({num(sum(logs) / 4)}) "
            f"= {num(score.score)}"
        )
    else:
        steps.append(f"BLEU = {num(score.score)} (with smoothing/effective order for zero counts)")
    return CalcResult(
        tool="bleu",
        value=score.score,
        unit="BLEU (0-100)",
        breakdown={
            **{f"p{i + 1}": p for i, p in enumerate(score.precisions)},
            "bp": score.bp,
            "hyp_len": score.sys_len,
            "ref_len": score.ref_len,
        },
        steps=steps,
        assumptions=[
            f"sacrebleu {metric.get_signature()}",
            "sentence BLEU with effective order" if single else "corpus BLEU",
        ],
    )


def _precision_steps(counts: list[int], totals: list[int], precisions: list[float]) -> list[str]:
    steps, zeros = [], 0
    for n, (matches, total, p) in enumerate(zip(counts, totals, precisions, strict=True), 1):
        if matches == 0 and p > 0:
            zeros += 1
            steps.append(f"p{n} = 0/{total}; 'exp' smoothing: 1/(2^{zeros}·{total}) = {num(p)}%")
        else:
            steps.append(f"p{n} = {matches}/{total} = {num(p)}%")
    return steps


def chrf(q: TextQuery) -> CalcResult:
    from sacrebleu.metrics import CHRF

    metric = CHRF()
    score = metric.corpus_score(q.hyp, _streams(q))
    return CalcResult(
        tool="chrf",
        value=score.score,
        unit="chrF (0-100)",
        steps=[
            "chrF_β = (1+β²)·chrP·chrR/(β²·chrP + chrR), with chrP/chrR the character "
            "n-gram precision/recall averaged over n = 1..6 and β = 2",
            f"chrF2 = {num(score.score)}",
        ],
        assumptions=[f"sacrebleu {metric.get_signature()}"],
    )


class RougeQuery(TextQuery):
    rouge_type: Literal["rouge1", "rouge2", "rougeL"] = Field(
        "rouge1", description="which F-measure becomes `value`"
    )
    stemmer: bool = Field(False, description="Porter stemming (rouge-score use_stemmer)")


def rouge(q: RougeQuery) -> CalcResult:
    from rouge_score import rouge_scorer, tokenizers

    types = ["rouge1", "rouge2", "rougeL"]
    scorer = rouge_scorer.RougeScorer(types, use_stemmer=q.stemmer)
    tokenizer = tokenizers.DefaultTokenizer(use_stemmer=q.stemmer)
    sums = {f"{t}_{m}": 0.0 for t in types for m in ("precision", "recall", "fmeasure")}
    steps = []
    for hyp, refs in zip(q.hyp, q.ref, strict=True):
        # rouge-score's argument order is (target, prediction).
        scores = scorer.score_multi(refs, hyp)
        n_hyp = len(tokenizer.tokenize(hyp))
        for t in types:
            s = scores[t]
            size = n_hyp - 1 if t == "rouge2" else n_hyp
            what = "LCS" if t == "rougeL" else f"{t[-1]}-gram overlap"
            steps.append(
                f"{t}: {what} {round(s.precision * size)} of {size} hypothesis "
                f"{'tokens' if t != 'rouge2' else 'bigrams'} -> P = {num(s.precision)}, "
                f"R = {num(s.recall)}, F = 2PR/(P+R) = {num(s.fmeasure)}"
            )
            for m in ("precision", "recall", "fmeasure"):
                sums[f"{t}_{m}"] += getattr(s, m)
    breakdown = {k: v / len(q.hyp) for k, v in sums.items()}
    return CalcResult(
        tool="rouge",
        value=breakdown[f"{q.rouge_type}_fmeasure"],
        unit=f"{q.rouge_type} F1",
        breakdown=breakdown,
        steps=steps,
        assumptions=[
            "rouge-score, lowercase tokens" + (", Porter stemmer" if q.stemmer else ""),
            "several references: the best-scoring one counts; several hypotheses: mean",
        ],
    )


class PerplexityQuery(Query):
    """Token log-probabilities, token probabilities, or a mean cross-entropy."""

    logprobs: list[float] | None = Field(None, description="log p of each token (<= 0)")
    probs: list[float] | None = Field(None, description="p of each token, in (0, 1]")
    cross_entropy: float | None = Field(None, ge=0, description="mean loss per token")
    base: Literal["e", "2"] = Field("e", description="log base of logprobs / cross_entropy")


def perplexity(q: PerplexityQuery) -> CalcResult:
    """PPL = base^(-mean log p) = base^(cross-entropy)."""
    b = math.e if q.base == "e" else 2.0
    sym = "e" if q.base == "e" else "2"
    steps: list[str] = []
    if q.cross_entropy is not None:
        ce = q.cross_entropy
    else:
        logs = _logs(q, b, steps)
        ce = -sum(logs) / len(logs)
        steps.append(
            f"cross-entropy H = -mean(log p) = -({' + '.join(num(x) for x in logs)})"
            f"/{len(logs)} = {num(ce)}"
        )
    ppl = b**ce
    steps.append(f"PPL = {sym}^H = {sym}^{num(ce)} = {num(ppl)}")
    return CalcResult(
        tool="perplexity",
        value=ppl,
        unit="perplexity",
        breakdown={"cross_entropy": ce},
        steps=steps,
        assumptions=[f"log base {sym} ({'nats' if sym == 'e' else 'bits'})"],
    )


def _logs(q: PerplexityQuery, b: float, steps: list[str]) -> list[float]:
    if q.logprobs:
        if any(x > 0 for x in q.logprobs):
            raise InputError("logprobs", q.logprobs, "log-probabilities are <= 0")
        return list(q.logprobs)
    if q.probs:
        if any(not 0 < p <= 1 for p in q.probs):
            raise InputError("probs", q.probs, "probabilities in (0, 1]")
        logs = [math.log(p, b) for p in q.probs]
        steps.append("log p = " + ", ".join(num(x) for x in logs))
        return logs
    raise InputError("logprobs", None, "give logprobs, probs or cross_entropy")
