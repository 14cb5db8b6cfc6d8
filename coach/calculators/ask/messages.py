"""What `ask` says back, in English and Russian."""

from __future__ import annotations

from typing import Any, Literal

Lang = Literal["en", "ru"]

MESSAGES: dict[str, tuple[str, str]] = {
    "read": ("Read as: {reading}", "Понято как: {reading}"),
    "need_size": (
        "the model size (e.g. 7B) or a model name (e.g. llama-2-7b)",
        "размер модели (например, 7B) или её название (например, llama-2-7b)",
    ),
    "need_seq": (
        "the context length in tokens (e.g. 4096 tokens)",
        "длина контекста в токенах (например, 4096 токенов)",
    ),
    "need_shape": (
        "the model shape: a model name (e.g. llama-2-7b) or layers, KV heads and head dim",
        "форма модели: название (например, llama-2-7b) или число слоёв, KV-голов "
        "и размерность головы",
    ),
    "need_rank": ("the LoRA rank (e.g. rank 8)", "ранг LoRA (например, ранг 8)"),
    "need_network": (
        "which network: an LSTM/GRU/RNN with input and hidden sizes, or a model name",
        "какая сеть: LSTM/GRU/RNN с размерами входа и скрытого состояния или название модели",
    ),
    "need_input_size": ("the input size (e.g. input 100)", "размер входа (например, вход 100)"),
    "need_hidden_size": (
        "the hidden size (e.g. hidden 128)",
        "размер скрытого состояния (например, скрытый 128)",
    ),
    "need_confusion": (
        "the confusion-matrix counts (TP=.., FP=.., FN=.., TN=..)",
        "значения матрицы ошибок (TP=.., FP=.., FN=.., TN=..)",
    ),
    "need_logprobs": (
        "the token log-probabilities (or the mean cross-entropy)",
        "лог-вероятности токенов (или среднюю кросс-энтропию)",
    ),
    "need_vectors": (
        "two vectors in brackets, e.g. [1, 2, 3] and [3, 2, 1]",
        "два вектора в скобках, например [1, 2, 3] и [3, 2, 1]",
    ),
    "need_texts": (
        'the hypothesis and the reference in quotes: "..." "..."',
        "гипотеза и эталон в кавычках: «...» «...»",
    ),
    "need_tokens": (
        "the number of training tokens (e.g. 300B tokens)",
        "число токенов обучения (например, 300B токенов)",
    ),
    "filled_inference": (
        "no training mentioned: inference (weights only) assumed",
        "обучение не упомянуто: считаю инференс (только веса)",
    ),
    "filled_optimizer": ("optimizer not given: AdamW assumed", "оптимизатор не указан: беру AdamW"),
    "filled_precision": (
        "precision not given: {precision} assumed",
        "точность не указана: беру {precision}",
    ),
    "filled_mixed": (
        "precision not given: bf16 mixed precision assumed "
        "(fp32 master weights and optimizer states)",
        "точность не указана: беру смешанную точность bf16 "
        "(fp32-копия весов и состояния оптимизатора)",
    ),
    "filled_naive": (
        "every tensor (weights, gradients, optimizer states) counted in {precision}, as quizzes "
        "do; say 'mixed precision' for fp32 master weights and states",
        "все тензоры (веса, градиенты, состояния оптимизатора) считаю в {precision}, как в "
        "тестах; напишите «смешанная точность» для fp32-копии весов и состояний",
    ),
    "filled_adapters": (
        "LoRA adapters trained in mixed precision (fp32 master weights and optimizer states)",
        "адаптеры LoRA обучаются в смешанной точности (fp32-копия весов и состояния оптимизатора)",
    ),
    "other_mixed": ("with mixed precision: {total} GB", "при смешанной точности: {total} GB"),
    "other_naive": (
        "with every tensor in one precision: {total} GB",
        "если все тензоры в одной точности: {total} GB",
    ),
    "verdict_fits": ("fits", "помещается"),
    "verdict_tight": ("tight (over 90% of memory)", "впритык (больше 90% памяти)"),
    "verdict_does_not_fit": (
        "does not fit (needs {n} if split evenly)",
        "не помещается (нужно {n} при равном разбиении)",
    ),
    "filled_batch": ("batch not given: 1 assumed", "батч не указан: беру 1"),
    "filled_kilo": ("'k' read as 1024: {seq} tokens", "«k» читаю как 1024: {seq} токенов"),
    "filled_bias_torch": (
        "PyTorch convention: two bias vectors per gate (Keras counts one)",
        "соглашение PyTorch: два вектора смещений на гейт (в Keras один)",
    ),
    "filled_bias_keras": (
        "Keras convention: one bias vector per gate",
        "соглашение Keras: один вектор смещений на гейт",
    ),
    "filled_metric": (
        "no metric named: all five computed, F1 as the headline",
        "метрика не названа: считаю все пять, в заголовке F1",
    ),
    "filled_quoted": (
        "first quoted text = hypothesis, the rest = references",
        "первый текст в кавычках — гипотеза, остальные — эталоны",
    ),
    "label_inference": ("inference", "инференс"),
    "label_training": ("training", "обучение"),
    "ask_back": (
        "To answer I need: {missing}. Please ask again with it.",
        "Чтобы ответить, нужно: {missing}. Спросите ещё раз с этими данными.",
    ),
    "unsupported": (
        "I can't map this to a calculator. I answer memory, KV cache, parameter counts, FLOPs, "
        "Chinchilla tokens and metrics (classification, BLEU, ROUGE, perplexity, cosine).",
        "Не могу сопоставить вопрос с калькулятором. Я считаю память, KV-кэш, число параметров, "
        "FLOPs, токены по Chinchilla и метрики (классификация, BLEU, ROUGE, перплексия, косинус).",
    ),
}


def say(key: str, lang: Lang, **values: Any) -> str:
    en, ru = MESSAGES[key]
    return (ru if lang == "ru" else en).format(**values)
