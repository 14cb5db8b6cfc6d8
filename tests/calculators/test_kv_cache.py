"""KV-cache sizes against published figures."""

from __future__ import annotations

import pytest

from coach.calculators.kv_cache import KVCacheQuery, estimate
from coach.calculators.registry import run
from coach.errors import InputError


def test_llama2_7b_4096_tokens_fp16_is_2_gib() -> None:
    # Issue 5 must-reproduce; NVIDIA "Mastering LLM Techniques: Inference Optimization" (2023):
    # Llama 2 7B, batch 1, 4096 tokens, 16-bit: 2 x 32 x 4096 x 4096 x 2 bytes, "~2 GB".
    result = estimate(KVCacheQuery(model="llama-2-7b", seq=4096, batch=1, dtype="fp16"))
    assert result.total_gib == 2.0
    assert result.details["bytes_per_token"] == 512 * 1024  # 0.5 MiB per token


def test_same_figure_from_explicit_shape() -> None:
    explicit = estimate(KVCacheQuery(layers=32, kv_heads=32, head_dim=128, seq=4096))
    assert explicit.total_gib == 2.0


def test_vllm_paper_opt_13b_800_kb_per_token() -> None:
    # Kwon et al. 2023 (vLLM / PagedAttention) §3: OPT-13B stores 2 x 5120 x 40 x 2 bytes =
    # 800 KB per token, up to 1.6 GB for a 2048-token request.
    result = estimate(KVCacheQuery(layers=40, kv_heads=40, head_dim=128, seq=2048))
    assert result.details["bytes_per_token"] == 2 * 5120 * 40 * 2
    assert result.total_gb == pytest.approx(1.6, rel=0.05)


def test_llama3_8b_shape_cli_example_is_1_gib() -> None:
    # Llama 3 8B config: 32 layers, 8 KV heads (GQA), head dim 128 -> 128 KiB per token.
    result = run(
        "kv_cache",
        {"layers": 32, "kv_heads": 8, "head_dim": 128, "seq": 8192, "batch": 1, "dtype": "fp16"},
    )
    assert result.total_gib == 1.0
    assert result.breakdown["keys"] == result.breakdown["values"]


def test_gqa_shrinks_the_cache_by_heads_over_kv_heads() -> None:
    # Ainslie et al. 2023 (GQA): the cache shrinks by the factor heads / kv_heads; Llama-2-70B
    # has 64 query heads and 8 KV heads.
    gqa = estimate(KVCacheQuery(model="llama-2-70b", seq=4096))
    mha = estimate(KVCacheQuery(model="llama-2-70b", kv_heads=64, seq=4096))
    assert mha.total_gb == pytest.approx(8 * (gqa.total_gb or 0))


def test_batch_and_dtype_scale_linearly() -> None:
    one = estimate(KVCacheQuery(model="mistral-7b", seq=1000))
    assert estimate(KVCacheQuery(model="mistral-7b", seq=1000, batch=4)).total_gb == pytest.approx(
        4 * (one.total_gb or 0)
    )
    assert estimate(KVCacheQuery(model="mistral-7b", seq=1000, dtype="int8")).total_gb == (
        pytest.approx((one.total_gb or 0) / 2)
    )


def test_steps_show_the_substituted_formula() -> None:
    result = estimate(KVCacheQuery(model="llama-2-7b", seq=4096))
    assert "2 (K,V) x 32 layers x 32 KV heads x 128 head dim x 2 B (fp16)" in result.steps[0]


def test_missing_shape_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        run("kv_cache", {"layers": 32, "seq": 4096})
    assert info.value.field == "kv_heads"


def test_negative_seq_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        run("kv_cache", {"model": "llama-2-7b", "seq": -1})
    assert info.value.field == "seq"
