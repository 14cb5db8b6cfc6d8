"""The misreadings `calc ask` used to make, one kind per test, in English and Russian: each
question states everything its formula needs, so an answer must come without asking back."""

from __future__ import annotations

import pytest

from coach.calculators.ask.reader import answer


def first_total(question: str, field: str = "total_gb") -> float:
    reply = answer(question)
    assert reply.status == "answered", reply.message
    assert reply.message.startswith(("Read as: ", "Понято как: "))
    value = reply.results[0].field(field)
    assert value is not None
    return value


@pytest.mark.parametrize(
    "question",
    [
        "Serving a 34B model in fp16 plus 25% overhead: how much GPU memory?",
        "Инференс модели 34 млрд параметров в fp16, закладываем 25 % накладных расходов. "
        "Сколько ГБ?",
        "34B fp16 inference, use the ×1.25 rule",
    ],
)
def test_a_stated_overhead_share_is_added(question: str) -> None:
    assert first_total(question) == pytest.approx(34 * 2 * 1.25)


@pytest.mark.parametrize(
    "question",
    [
        "Per-GPU model-state memory for 20B params under ZeRO stage 2 on 16 GPUs, mixed "
        "precision Adam?",
        "ZeRO-2, 20 млрд параметров, 16 GPU: сколько памяти состояний модели на каждой GPU "
        "(mixed precision, Adam)?",
        "P_os+g with 20B parameters and 2 nodes of 8 GPUs, Adam, mixed precision: per GPU?",
    ],
)
def test_zero_with_a_gpu_count_is_per_gpu_training_state(question: str) -> None:
    # ZeRO-2: 2Ψ fp16 weights kept whole, (2Ψ + 12Ψ) / N sharded.
    assert first_total(question) == pytest.approx(20 * (2 + 14 / 16))


@pytest.mark.parametrize(
    "question",
    [
        "KV cache for 12 concurrent sequences of 2048 tokens: 40 layers, 40 heads, hidden "
        "5120, fp16",
        "KV-кэш для 12 одновременных запросов по 2048 токенов: 40 слоёв, 40 голов, "
        "d_model 5120, fp16",
    ],
)
def test_concurrent_sequences_are_the_batch(question: str) -> None:
    expected = 2 * 40 * 40 * 128 * 2048 * 12 * 2 / 1e9
    assert first_total(question) == pytest.approx(expected)


@pytest.mark.parametrize(
    "question",
    [
        "How big is the KV cache per token for 48 layers, 8 KV heads, head_dim 128, bf16?",
        "Сколько байт KV-кэша на один токен: 48 слоёв, 8 KV-голов, head_dim 128, bf16?",
    ],
)
def test_per_token_kv_cache_needs_no_context_length(question: str) -> None:
    assert first_total(question) * 1e9 == pytest.approx(2 * 48 * 8 * 128 * 2)


@pytest.mark.parametrize(
    ("question", "bits"),
    [
        ("Only the frozen base weights of a 65B model in NF4 with double quantization?", 4.127),
        ("Базовые веса 65B в NF4 с двойной квантизацией — сколько ГБ?", 4.127),
        ("65B base weights in NF4 without double quantization, GB?", 4.5),
    ],
)
def test_qlora_base_weights_ask_for_no_rank_or_shape(question: str, bits: float) -> None:
    assert first_total(question) == pytest.approx(65 * bits / 8)


def test_the_reading_comes_first_and_names_what_was_read() -> None:
    reply = answer("13B in fp16 for inference with 20% overhead?")
    reading = reply.message.splitlines()[0]
    assert reading == "Read as: memory · 13B params · +20 % overhead · inference · fp16"


@pytest.mark.parametrize(
    ("question", "field", "expected"),
    [
        ("48 layers and d_model 2048: parameters without embeddings?", "value", 12 * 48 * 2048**2),
        ("Chinchilla-optimal model size for a 2 trillion token budget?", "value", 1e11),
        ("tp 30, fp 10, fn 20 - recall?", "recall", 0.6),
        (
            "How many hours to train 7B on 1T tokens on 256 GPUs at 989 TFLOPs and 40% MFU?",
            "value",
            6 * 7e9 * 1e12 / (256 * 989e12 * 0.4) / 3600,
        ),
    ],
)
def test_other_kinds_read_their_inputs(question: str, field: str, expected: float) -> None:
    assert first_total(question, field) == pytest.approx(expected, rel=1e-6)
