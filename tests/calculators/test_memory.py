"""Memory calculator: the figures the issue requires, then published ones (each cited)."""

from __future__ import annotations

import pytest

from coach.calculators.memory import MemoryQuery, estimate
from coach.calculators.registry import run
from coach.errors import InputError

MIB = 2**20


def mem(**kwargs: object) -> float:
    total = estimate(MemoryQuery.model_validate(kwargs)).total_gb
    assert total is not None
    return total


# --- Must reproduce (issue 5; corpus questions ru-quiz-001 .. ru-quiz-004) -------------------


def test_7b_fp32_momentum_naive_is_84_gb() -> None:
    result = estimate(
        MemoryQuery(
            params="7B", precision="fp32", optimizer="momentum", mode="train", convention="naive"
        )
    )
    assert result.total_gb == 84.0
    assert result.breakdown == {"weights": 28.0, "gradients": 28.0, "optimizer_states": 28.0}
    assert any("28 + 28 + 28 = 84 GB" in step for step in result.steps)


def test_7b_fp16_adam_params_grads_m_v_is_56_gb() -> None:
    result = estimate(MemoryQuery(params="7B", precision="fp16", optimizer="adam", mode="train"))
    assert result.total_gb == 56.0
    assert result.breakdown["optimizer_states"] == 28.0  # m and v, 14 GB each


def test_7b_int8_inference_7_gb_vs_adagrad_training_21_gb() -> None:
    assert mem(params="7B", precision="8-bit", mode="inference") == 7.0
    assert mem(params="7B", precision="int8", optimizer="adagrad", mode="train") == 21.0


def test_7b_4bit_rmsprop_naive_is_10_5_gb() -> None:
    # ru-quiz-002: the parameters take 3.5 GB; gradients and the RMSProp state as much again.
    assert mem(params="7B", precision="4bit", optimizer="rmsprop", mode="train") == 10.5


def test_mixed_precision_adam_is_16_bytes_per_param() -> None:
    result = estimate(
        MemoryQuery(
            params="1B", precision="bf16", optimizer="adam", mode="train", convention="mixed"
        )
    )
    assert sum(result.bytes_per_param.values()) == 16
    assert result.breakdown == {
        "weights": 2.0,
        "gradients": 2.0,
        "optimizer_states": 8.0,
        "master_weights": 4.0,
    }


# --- ZeRO paper (Rajbhandari et al. 2020, "ZeRO: Memory Optimizations Toward Training
# Trillion Parameter Models"), Figure 1: Psi = 7.5B, N_d = 64, K = 12 ----------------------


@pytest.mark.parametrize(("stage", "expected"), [(0, 120), (1, 31.4), (2, 16.6), (3, 1.9)])
def test_zero_paper_figure_1(stage: int, expected: float) -> None:
    got = mem(
        params="7.5B",
        precision="fp16",
        optimizer="adam",
        mode="train",
        convention="mixed",
        zero=stage,
        gpus=64,
    )
    assert got == pytest.approx(expected, abs=0.05)


# ZeRO paper Table 1: per-device model-state memory (GB) for P_os, P_os+g, P_os+g+p.
ZERO_TABLE_1 = [
    ("7.5B", 1, 120, 120, 120),
    ("7.5B", 4, 52.5, 41.3, 30),
    ("7.5B", 16, 35.6, 21.6, 7.5),
    ("7.5B", 64, 31.4, 16.6, 1.88),
    ("128B", 1, 2048, 2048, 2048),
    ("128B", 4, 896, 704, 512),
    ("128B", 16, 608, 368, 128),
    ("128B", 64, 536, 284, 32),
    ("1T", 1, 16000, 16000, 16000),
    ("1T", 4, 7000, 5500, 4000),
    ("1T", 16, 4750, 2875, 1000),
    ("1T", 64, 4187, 2218, 250),
]


@pytest.mark.parametrize(("params", "gpus", "os", "os_g", "os_g_p"), ZERO_TABLE_1)
def test_zero_paper_table_1(params: str, gpus: int, os: float, os_g: float, os_g_p: float) -> None:
    args = {
        "params": params,
        "precision": "fp16",
        "optimizer": "adam",
        "mode": "train",
        "convention": "mixed",
        "gpus": gpus,
    }
    for stage, expected in ((1, os), (2, os_g), (3, os_g_p)):
        assert mem(**args, zero=stage) == pytest.approx(expected, rel=0.01)


def test_fsdp_full_shard_equals_zero_3() -> None:
    args = {
        "params": "7.5B",
        "precision": "bf16",
        "optimizer": "adamw",
        "mode": "train",
        "convention": "mixed",
        "gpus": 64,
    }
    assert mem(**args, fsdp=True) == mem(**args, zero=3)


def test_zero_paper_gpt2_1_5b_needs_24_gb_with_adam() -> None:
    # ZeRO paper §3.1: GPT-2 1.5B takes 3 GB of 16-bit weights yet needs >= 24 GB (16 Psi) to
    # train with mixed-precision Adam.
    assert mem(params="1.5B", precision="fp16") == pytest.approx(3.0)
    assert mem(
        params="1.5B", precision="fp16", optimizer="adam", mode="train", convention="mixed"
    ) == pytest.approx(24.0)


# --- EleutherAI "Transformer Math 101" (Anthony, Biderman, Schoelkopf 2023) ------------------


@pytest.mark.parametrize(
    ("precision", "bytes_per_param"), [("int8", 1), ("fp16", 2), ("bf16", 2), ("fp32", 4)]
)
def test_transformer_math_inference_bytes_per_param(precision: str, bytes_per_param: int) -> None:
    # "Model weights: int8 1 byte/param, fp16 and bf16 2 bytes/param, fp32 4 bytes/param".
    assert mem(params="1B", precision=precision) == bytes_per_param


@pytest.mark.parametrize(
    ("optimizer", "optimizer_bytes"),
    [("adamw", 12), ("adam8bit", 6), ("momentum", 8)],
)
def test_transformer_math_optimizer_bytes(optimizer: str, optimizer_bytes: int) -> None:
    # "AdamW: 12 bytes/param (fp32 copy 4 + momentum 4 + variance 4); bitsandbytes 8-bit
    # optimizers: 6 bytes/param (4 + 1 + 1); SGD-like with momentum: 8 bytes/param (4 + 4)".
    result = estimate(
        MemoryQuery(
            params="1B", precision="bf16", optimizer=optimizer, mode="train", convention="mixed"
        )
    )
    per = result.bytes_per_param
    assert per["optimizer_states"] + per["master_weights"] == optimizer_bytes


def test_transformer_math_activation_formula_no_recomputation() -> None:
    # Activations with no recomputation and t = 1: s·b·h·L·(34 + 5·a·s/h) bytes
    # (Transformer Math 101, after Korthikanti et al. 2022). GPT-2 small shape, s=1024, b=1.
    result = estimate(
        MemoryQuery(
            model="gpt2", precision="fp16", optimizer="adam", mode="train", batch=1, seq=1024
        )
    )
    s, b, h, a, layers = 1024, 1, 768, 12, 12
    expected = s * b * h * layers * (34 + 5 * a * s / h)
    assert result.breakdown["activations"] == pytest.approx(expected / 1e9)


def test_korthikanti_gpt3_selective_recomputation_saves_70_percent() -> None:
    # Korthikanti et al. 2022 §4-5: for GPT-3 (a=96, s=2048, h=12288) 5as/h = 80 against 34, so
    # selective recomputation removes 80/114 = 70% of the activation memory.
    args = {
        "model": "gpt3-175b",
        "precision": "fp16",
        "optimizer": "adam",
        "mode": "train",
        "batch": 1,
        "seq": 2048,
    }
    full = estimate(MemoryQuery.model_validate({**args, "checkpointing": "none"}))
    selective = estimate(MemoryQuery.model_validate({**args, "checkpointing": "selective"}))
    assert any("34 + 5·96·2048/12288" in s and "·114 " in s for s in full.steps)
    saved = 1 - selective.breakdown["activations"] / full.breakdown["activations"]
    assert saved == pytest.approx(0.70, abs=0.005)


def test_full_recomputation_keeps_two_bytes_per_layer_input() -> None:
    # Transformer Math 101: full recomputation stores 2·s·b·h·L bytes.
    result = estimate(
        MemoryQuery(model="llama-2-7b", mode="train", batch=4, seq=4096, checkpointing="full")
    )
    assert result.breakdown["activations"] == pytest.approx(2 * 4096 * 4 * 4096 * 32 / 1e9)


# --- HF Accelerate `accelerate estimate-memory bert-base-cased` (usage guide table; sizes in
# MiB/GiB; "Training using Adam" is 4x the weights: weights, grads and Adam's two states) ---

BERT_BASE_CASED = 108_310_272


@pytest.mark.parametrize(
    ("precision", "mib"), [("fp16", 206.59), ("int8", 103.29), ("int4", 51.65)]
)
def test_accelerate_bert_base_cased_load_size(precision: str, mib: float) -> None:
    result = estimate(MemoryQuery(params=BERT_BASE_CASED, precision=precision))
    assert result.total_gib is not None
    assert result.total_gib * 1024 == pytest.approx(mib, abs=0.01)


def test_accelerate_bert_base_cased_training_with_adam() -> None:
    # The table's fp32 "Total Size" cell reads 418.18 MB, a typo: 2 x the fp16 206.59 = 413.18,
    # and its own Adam column (1.61 GB = 4 x 413.18 MB) agrees with 413.18.
    fp32 = estimate(
        MemoryQuery(params=BERT_BASE_CASED, precision="fp32", optimizer="adam", mode="train")
    )
    fp16 = estimate(
        MemoryQuery(params=BERT_BASE_CASED, precision="fp16", optimizer="adam", mode="train")
    )
    assert fp32.total_gib == pytest.approx(1.61, abs=0.005)
    assert fp16.total_gib is not None
    # Accelerate also counts BERT's few KiB of buffers (position_ids), hence the 0.05 MiB slack.
    assert fp16.total_gib * 1024 == pytest.approx(826.36, abs=0.05)


# --- LoRA / QLoRA ------------------------------------------------------------------------------


def test_lora_counts_peft_adapters_and_frozen_base() -> None:
    # PEFT print_trainable_parameters for Llama-2-7b, r=8 on q_proj and v_proj:
    # "trainable params: 4,194,304 || all params: 6,742,609,920".
    result = estimate(
        MemoryQuery(
            model="llama-2-7b",
            mode="lora",
            precision="bf16",
            optimizer="adamw",
            lora_rank=8,
            convention="mixed",
        )
    )
    adapters = 4_194_304
    assert result.params == 6_738_415_616
    assert result.breakdown["weights"] == pytest.approx((6_738_415_616 + adapters) * 2 / 1e9)
    assert result.breakdown["optimizer_states"] == pytest.approx(adapters * 8 / 1e9)
    assert result.breakdown["gradients"] == pytest.approx(adapters * 2 / 1e9)


def test_qlora_nf4_carries_double_quantisation_constants() -> None:
    # QLoRA (Dettmers et al. 2023) §3: double quantisation cuts the constants to 0.127 bits per
    # parameter, so NF4 weights cost 4.127 bits each.
    result = estimate(MemoryQuery(params="1B", mode="qlora", lora_params="1M"))
    assert result.breakdown_gib  # precision defaulted to nf4
    frozen = 1e9 * 4.127 / 8 / 1e9
    assert result.breakdown["weights"] == pytest.approx(frozen + 1e6 * 2 / 1e9)


def test_qlora_fits_65b_on_a_48gb_gpu() -> None:
    # QLoRA abstract: finetune a 65B model on a single 48 GB GPU. LoRA r=64 on every linear
    # layer of LLaMA-65B (80 layers, d 8192, ffn 22016) is ~0.8B adapter parameters.
    result = estimate(
        MemoryQuery(params="65B", mode="qlora", lora_params="800M", convention="mixed")
    )
    assert result.total_gib is not None and result.total_gib < 48
    verdicts = {f.gpu: f.verdict for f in result.fits or []}
    assert verdicts["RTX A6000 48GB"] != "does not fit"


# --- Inference with a KV cache, fits-on verdicts, conventions ---------------------------------


def test_inference_adds_kv_cache_for_the_context() -> None:
    # Llama-2-7B, 4096 tokens, batch 1, fp16: KV cache 2 GiB (see test_kv_cache.py).
    result = estimate(MemoryQuery(model="llama-2-7b", precision="fp16", seq=4096))
    assert result.breakdown_gib["kv_cache"] == pytest.approx(2.0)


def test_fits_verdicts_order_and_labels() -> None:
    result = estimate(MemoryQuery(model="llama-3-8b", precision="fp16"))  # 14.96 GiB
    verdicts = {f.gpu: f.verdict for f in result.fits or []}
    assert verdicts["RTX 3060 12GB"] == "does not fit"
    assert verdicts["RTX 4060 Ti 16GB"] == "tight"  # over 90% of 16 GiB
    assert verdicts["RTX 4090 24GB"] == "fits"
    assert [f.capacity_gib for f in result.fits or []] == sorted(
        f.capacity_gib for f in result.fits or []
    )


def test_gib_and_gb_are_both_reported() -> None:
    result = estimate(MemoryQuery(params="7B", precision="fp32"))
    assert result.total_gb == 28.0
    assert result.total_gib == pytest.approx(28e9 / 2**30)


def test_other_convention_is_reported_for_training() -> None:
    result = estimate(MemoryQuery(params="13B", precision="bf16", optimizer="adamw", mode="train"))
    assert (result.total_gb, result.other_convention, result.other_total_gb) == (104, "mixed", 208)


def test_architecture_fields_give_the_parameter_count() -> None:
    # GPT-2 small written out field by field equals the preset (124,439,808 parameters).
    result = estimate(MemoryQuery(layers=12, hidden=768, heads=12, vocab=50257, precision="fp32"))
    assert result.params == 124_439_808 - 1024 * 768  # no learned positions given


def test_aliases_normalise() -> None:
    assert mem(params="7e9", precision="Float16", mode="training", optimizer="SGD-momentum") == 42


# --- Invalid input -> InputError naming the field and the allowed values ----------------------


@pytest.mark.parametrize(
    ("args", "field", "allowed_piece"),
    [
        ({"params": "7B", "zero": 4}, "zero", "0, 1, 2 or 3"),
        ({"params": "7B", "precision": "fp64"}, "precision", "nf4"),
        ({"params": "7B", "mode": "train", "optimizer": "sgdx"}, "optimizer", "adamw"),
        ({"params": "-7B"}, "params", "7B"),
        ({"params": "7B", "gpus": 0}, "gpus", "greater than 0"),
        ({"params": "7B", "batch_size": 8}, "batch_size", "known fields"),
        ({"params": "7B", "mode": "qlora", "precision": "fp16"}, "precision", "nf4"),
        ({"params": "7B", "mode": "lora"}, "lora_rank", "lora_params"),
        ({"params": "7B", "mode": "train", "seq": 2048}, "model", "preset"),
        ({"mode": "train"}, "params", "7B"),
        ({"model": "llama-9"}, "model", "llama-2-7b"),
    ],
)
def test_invalid_input_names_field_and_allowed(args: dict, field: str, allowed_piece: str) -> None:
    with pytest.raises(InputError) as info:
        run("memory", args)
    assert info.value.field == field
    assert allowed_piece in str(info.value)
