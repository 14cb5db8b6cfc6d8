"""Parameter counts against PyTorch modules, published model sizes and PEFT outputs."""

from __future__ import annotations

import pytest
from torch import nn

from coach.calculators.registry import run
from coach.errors import InputError


def count(**args: object) -> float:
    value = run("params", dict(args)).value
    assert value is not None
    return value


def torch_count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


# --- Library outputs: PyTorch modules counted by their own parameters ---------------------------


@pytest.mark.parametrize(
    ("kind", "module", "args"),
    [
        ("lstm", nn.LSTM(100, 128), {"input_size": 100, "hidden_size": 128}),
        ("gru", nn.GRU(100, 128), {"input_size": 100, "hidden_size": 128}),
        ("rnn", nn.RNN(10, 20), {"input_size": 10, "hidden_size": 20}),
        (
            "lstm",
            nn.LSTM(32, 64, num_layers=2, bidirectional=True),
            {"input_size": 32, "hidden_size": 64, "layers": 2, "bidirectional": True},
        ),
        ("gru", nn.GRU(50, 30, num_layers=3), {"input_size": 50, "hidden_size": 30, "layers": 3}),
    ],
)
def test_recurrent_matches_pytorch(kind: str, module: nn.Module, args: dict) -> None:
    assert count(kind=kind, **args) == torch_count(module)


def test_lstm_100_128_is_117_760_and_states_the_bias_convention() -> None:
    result = run("params", {"kind": "lstm", "input_size": 100, "hidden_size": 128})
    assert result.value == 117_760
    assert any("two bias vectors" in a for a in result.assumptions)


def test_keras_one_bias_convention() -> None:
    # Keras LSTM weights: kernel (in, 4u), recurrent_kernel (u, 4u), one bias (4u).
    assert count(kind="lstm", input_size=100, hidden_size=128, bias_vectors=1) == 117_248


def test_multihead_attention_matches_pytorch() -> None:
    assert count(kind="attention", hidden_size=512, heads=8) == torch_count(
        nn.MultiheadAttention(512, 8)
    )


def test_transformer_block_matches_pytorch_encoder_layer() -> None:
    layer = nn.TransformerEncoderLayer(512, 8, dim_feedforward=2048)
    assert count(kind="block", hidden_size=512, heads=8, ffn=2048) == torch_count(layer)


def test_embedding_matches_pytorch() -> None:
    assert count(kind="embedding", vocab=30522, hidden_size=768) == torch_count(
        nn.Embedding(30522, 768)
    )


# --- Published model sizes: transformers' num_parameters() for each checkpoint -------------------


@pytest.mark.parametrize(
    ("model", "published"),
    [
        ("gpt2", 124_439_808),
        ("gpt2-medium", 354_823_168),
        ("gpt2-large", 774_030_080),
        ("gpt2-xl", 1_557_611_200),
        ("llama-2-7b", 6_738_415_616),
        ("llama-2-13b", 13_015_864_320),
        ("llama-2-70b", 68_976_648_192),
        ("llama-3-8b", 8_030_261_248),
        ("llama-3-70b", 70_553_706_496),
        ("mistral-7b", 7_241_732_096),
    ],
)
def test_preset_counts_match_published(model: str, published: int) -> None:
    assert count(kind="model", model=model) == published


def test_gpt3_175b_from_its_shape() -> None:
    # Brown et al. 2020, Table 2.1: 96 layers, d_model 12288, 96 heads -> 175.0B parameters.
    assert count(kind="model", model="gpt3-175b") == pytest.approx(175e9, rel=0.005)


# --- LoRA adapters ------------------------------------------------------------------------------


def test_peft_llama2_7b_rank_8_q_v() -> None:
    # PEFT print_trainable_parameters(): "trainable params: 4,194,304 || all params:
    # 6,742,609,920 || trainable%: 0.0622".
    result = run("params", {"kind": "lora", "model": "llama-2-7b", "rank": 8})
    assert result.value == 4_194_304
    assert result.breakdown["base"] + result.breakdown["trainable"] == 6_742_609_920
    assert "(0.0622%)" in result.steps[-1]


def test_peft_readme_mt0_large() -> None:
    # PEFT README: bigscience/mt0-large, r=8 -> "trainable params: 2359296". q and v of the
    # 24 encoder self-attentions and the 24 decoder self- and cross-attentions: 144 matrices of
    # 1024 x 1024.
    assert count(kind="lora", rank=8, d_in=1024, d_out=1024, matrices=144) == 2_359_296


def test_lora_paper_gpt3_wq_rank_8() -> None:
    # Hu et al. 2021 (LoRA) §7.1, Table 5: Wq alone at r = 8 on GPT-3 175B is "18M" parameters
    # (96 layers x 8 x (12288 + 12288) = 18.9M).
    assert count(kind="lora", rank=8, d_in=12288, d_out=12288, matrices=96) == pytest.approx(
        18e6, rel=0.05
    )


def test_lora_all_llama_projections() -> None:
    # Each target adds r x (d_in + d_out) per layer; Llama-3-8B's k/v are 4096 -> 1024 (GQA).
    value = count(kind="lora", model="llama-3-8b", rank=16, targets=["q", "k", "v", "o"])
    assert value == 32 * 16 * ((4096 + 4096) * 2 + (4096 + 1024) * 2)


# --- Invalid input --------------------------------------------------------------------------------


def test_missing_sizes_name_the_field() -> None:
    with pytest.raises(InputError) as info:
        run("params", {"kind": "lstm", "hidden_size": 128})
    assert info.value.field == "input_size"


def test_unknown_kind_lists_allowed() -> None:
    with pytest.raises(InputError) as info:
        run("params", {"kind": "cnn"})
    assert info.value.field == "kind"
    assert "lstm" in str(info.value)


def test_heads_must_divide_hidden() -> None:
    with pytest.raises(InputError) as info:
        run("params", {"kind": "attention", "hidden_size": 100, "heads": 3})
    assert info.value.field == "heads"
