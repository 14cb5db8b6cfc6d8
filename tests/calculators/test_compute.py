"""Compute calculators: training FLOPs, Chinchilla tokens, attention cost."""

from __future__ import annotations

import pytest

from coach.calculators.registry import run
from coach.errors import InputError


def test_gpt3_training_compute() -> None:
    # Brown et al. 2020, Table D.1: GPT-3 175B on 300B tokens = 3.14e23 FLOPs = 3640 PF-days.
    result = run("training_flops", {"params": "175B", "tokens": "300B"})
    assert result.value == pytest.approx(3.14e23, rel=0.01)
    assert result.breakdown["pf_days"] == pytest.approx(3640, rel=0.01)
    assert result.breakdown["backward"] == 2 * result.breakdown["forward"]


def test_training_time_from_throughput() -> None:
    # C / (peak x GPUs x MFU): 6 x 7e9 x 1e12 FLOPs at 312 TFLOP/s x 64 GPUs x 0.5 MFU.
    result = run(
        "training_flops",
        {"params": "7B", "tokens": "1T", "gpu_tflops": 312, "gpus": 64, "mfu": 0.5},
    )
    expected_days = 6 * 7e9 * 1e12 / (312e12 * 64 * 0.5) / 86400
    assert result.breakdown["days"] == pytest.approx(expected_days)


def test_chinchilla_70b_is_trained_on_1_4t_tokens() -> None:
    # Hoffmann et al. 2022: Chinchilla, 70B parameters, 1.4T tokens.
    assert run("chinchilla", {"params": "70B"}).value == pytest.approx(1.4e12)


@pytest.mark.parametrize(("params", "tokens"), [("1B", 20.2e9), ("10B", 205.1e9)])
def test_chinchilla_table_3(params: str, tokens: float) -> None:
    # Hoffmann et al. 2022, Table 3 (compute-optimal tokens per model size).
    assert run("chinchilla", {"params": params}).value == pytest.approx(tokens, rel=0.03)


def test_chinchilla_from_compute_budget() -> None:
    # Table 3: the 5.76e23-FLOP budget (Gopher's) is optimal for a ~67B-parameter model.
    result = run("chinchilla", {"flops": 5.76e23})
    assert result.breakdown["params"] == pytest.approx(67e9, rel=0.04)


def test_attention_is_quadratic_in_sequence_length() -> None:
    # Vaswani et al. 2017, Table 1: self-attention costs O(n²·d) per layer.
    short = run("attention", {"seq": 1024, "hidden": 4096, "heads": 32})
    long = run("attention", {"seq": 2048, "hidden": 4096, "heads": 32})
    assert long.value == pytest.approx(4 * (short.value or 0))
    assert long.breakdown["projection_flops"] == pytest.approx(
        2 * short.breakdown["projection_flops"]
    )


def test_attention_score_matrix_memory() -> None:
    # batch x heads x n² scores of 2 bytes: 32 heads x 4096² x 2 B = 1 GiB per layer.
    result = run("attention", {"seq": 4096, "hidden": 4096, "heads": 32})
    assert result.breakdown["score_memory_gb"] * 1e9 == 2**30
    assert result.value == 4 * 4096**2 * 4096


def test_chinchilla_needs_an_input() -> None:
    with pytest.raises(InputError) as info:
        run("chinchilla", {})
    assert info.value.field == "params"
