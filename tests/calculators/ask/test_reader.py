"""Typed numeric questions in English and Russian -> calculator calls, defaults, asking back."""

from __future__ import annotations

import pytest

from coach.calculators.ask.reader import answer, parse

# The bank's numeric questions (corpus/sources/ru_llm_quiz_questions.md), verbatim.
RU_QUIZ = {
    "ru-quiz-001": (
        "Сколько памяти потребуется для обучения 7B модели в формате FP32 с "
        "использованием оптимизатора Momentum, если сама модель требует 28 ГБ для "
        "хранения параметров?",
        [84.0],
    ),
    "ru-quiz-002": (
        "Сколько памяти потребуется для обучения 7B модели в формате 4-bit с "
        "использованием оптимизатора RMSProp, если параметры занимают 3.5 ГБ?",
        [10.5],
    ),
    "ru-quiz-003": (
        "Сколько памяти потребуется для хранения параметров, градиентов, "
        "экспоненциального среднего градиентов (m) и среднего квадратов градиентов (v) "
        "для 7B модели в FP16 с оптимизатором Adam?",
        [56.0],
    ),
    "ru-quiz-004": (
        "Какое основное отличие в потреблении памяти для 7B модели в формате 8-bit при "
        "инференсе по сравнению с обучением с оптимизатором Adagrad?",
        [7.0, 21.0],
    ),
}


@pytest.mark.parametrize("qid", sorted(RU_QUIZ))
def test_corpus_numeric_questions(qid: str) -> None:
    question, totals = RU_QUIZ[qid]
    result = answer(question)
    assert result.status == "answered" and result.lang == "ru"
    assert [r.total_gb for r in result.results] == totals


def test_english_issue_example_fills_and_reports_assumptions() -> None:
    result = answer("how much memory to train a 13B model with AdamW in bf16?")
    assert result.status == "answered"
    (call,) = result.calls
    assert call.args == {
        "params": 13_000_000_000,
        "mode": "train",
        "optimizer": "adamw",
        "precision": "bf16",
        "convention": "naive",
    }
    assert result.results[0].total_gb == 104
    assert "with mixed precision: 208 GB" in result.message
    assert any("counted in bf16" in line for line in result.filled)


def test_russian_twin_gives_the_same_call_in_russian() -> None:
    en = parse("how much memory to train a 13B model with AdamW in bf16?")
    ru = parse("Сколько памяти нужно, чтобы обучить 13B модель с AdamW в bf16?")
    assert ru.lang == "ru" and [c.args for c in ru.calls] == [c.args for c in en.calls]
    assert "тестах" in ru.filled[0]


def test_mixed_precision_words_switch_convention() -> None:
    result = answer("memory to train a 7B model with Adam in fp16 mixed precision")
    assert result.calls[0].args["convention"] == "mixed"
    assert result.results[0].total_gb == 112


def test_no_precision_means_bf16_mixed_and_says_so() -> None:
    result = answer("How much GPU memory do I need to fine-tune a 7B model?")
    args = result.calls[0].args
    assert (args["precision"], args["convention"], args["optimizer"]) == ("bf16", "mixed", "adamw")
    assert any("AdamW" in line for line in result.filled)
    assert any("bf16 mixed precision" in line for line in result.filled)


def test_missing_size_is_asked_back_not_guessed() -> None:
    result = answer("how much memory to train a model with Adam?")
    assert result.status == "need_input" and not result.results
    assert "model size" in result.message


def test_missing_inputs_are_asked_back_in_russian() -> None:
    result = answer("Сколько обучающих параметров в простой 1 слойной RNN?")  # ru-nlp100-q25
    assert result.status == "need_input"
    assert "размер входа" in result.message and "скрытого состояния" in result.message


def test_kv_cache_question_with_preset() -> None:
    result = answer("Сколько памяти займёт KV-кэш Llama-2-7B при контексте 4096 токенов?")
    assert result.results[0].total_gib == 2.0
    assert any("батч" in line for line in result.filled)


def test_kv_cache_k_means_1024() -> None:
    result = answer("KV cache for 32 layers, 8 KV heads, head dim 128, context 8k")
    assert result.calls[0].args["seq"] == 8192
    assert result.results[0].total_gib == 1.0


def test_kv_cache_without_shape_asks_back() -> None:
    result = answer("how big is the KV cache at 4096 tokens?")
    assert result.status == "need_input" and "model shape" in result.message


def test_named_gpu_gets_a_verdict() -> None:
    result = answer("Can I fit llama-3-70b inference in 4-bit on a 4090?")
    assert "RTX 4090 24GB: does not fit (needs 2 if split evenly)" in result.message


def test_zero_and_gpus() -> None:
    result = answer("memory per GPU to train 7B with AdamW, bf16 mixed precision, ZeRO-3 on 8 GPUs")
    assert result.calls[0].args["zero"] == 3 and result.calls[0].args["gpus"] == 8
    assert result.results[0].total_gb == 14


def test_lstm_parameters() -> None:
    result = answer("How many parameters in an LSTM with input size 100 and hidden size 128?")
    assert result.results[0].value == 117_760
    assert any("PyTorch" in line for line in result.filled)


def test_russian_lstm_parameters() -> None:
    result = answer("Сколько параметров у LSTM со входом 100 и скрытым размером 128?")
    assert result.results[0].value == 117_760


@pytest.mark.parametrize(
    ("question", "tool", "value"),
    [
        ("precision for TP=40, FP=10, FN=5, TN=45", "classification", 0.8),
        ("Перплексия для лог-вероятностей -1.2, -0.3, -2.0", "perplexity", 3.2113),
        ("cosine similarity between [1, 2, 3] and [3, 2, 1]", "cosine", 0.7143),
        ("Косинусная близость векторов [1,2,3] и [3,2,1]", "cosine", 0.7143),
        ("how many tokens to train a 70B model compute-optimally?", "chinchilla", 1.4e12),
        ("training FLOPs for 175B params on 300B tokens", "training_flops", 3.15e23),
        ("how many parameters does llama-2-7b have?", "params", 6_738_415_616),
        ('ROUGE-L of "police kill the gunman" vs "police killed the gunman"', "rouge", 0.75),
    ],
)
def test_metric_questions(question: str, tool: str, value: float) -> None:
    result = answer(question)
    assert [c.tool for c in result.calls] == [tool]
    assert result.results[0].value == pytest.approx(value, rel=1e-4)


def test_unrelated_question_is_unsupported() -> None:
    result = answer("What is the capital of France?")
    assert result.status == "unsupported" and not result.calls
