"""One normalized topic taxonomy, and the rules that place a question in it.

Rules are ordered: the first whose pattern matches the question's title or text wins, so the
more specific topics (KV cache → decoding, LoRA → PEFT) come before the broad ones (attention).
"""

from __future__ import annotations

import re

from coach.corpus.models import Topic

TOPIC_LABELS: dict[Topic, str] = {
    Topic.CLASSIC_NLP: "Classic NLP",
    Topic.METRICS: "Metrics",
    Topic.EMBEDDINGS: "Embeddings",
    Topic.RNN_CNN: "RNN / CNN",
    Topic.ATTENTION: "Attention & transformers",
    Topic.POSITIONAL: "Positional encoding",
    Topic.TOKENIZATION: "Tokenization",
    Topic.PRETRAINING: "Pretraining & data",
    Topic.TRAINING: "Training & optimization",
    Topic.DECODING: "Decoding & inference",
    Topic.PEFT: "Fine-tuning & PEFT",
    Topic.ALIGNMENT: "Alignment / RLHF",
    Topic.QUANTIZATION: "Quantization & efficiency",
    Topic.DISTRIBUTED: "Distributed training",
    Topic.RAG: "Retrieval / RAG",
    Topic.AGENTS: "Agents",
    Topic.VLM: "VLM & multimodal",
    Topic.GENERATIVE: "Diffusion & generative models",
    Topic.TOOLING: "Libraries & tooling",
}

_RULES: list[tuple[Topic, str]] = [
    (Topic.AGENTS, r"agent|агент|react\b|tool calling|toolmessage"),
    (
        Topic.VLM,
        r"vision|vlm|\bclip\b|siglip|multimodal|мультимодал|image|изображен|paligemma|"
        r"blip|vqa|\bvit\b|patch|патч|модальност|\bfusion|\bitm\b",
    ),
    (
        Topic.GENERATIVE,
        r"diffusion|диффуз|u-net|vae\b|autoencoder|\bgans?\b|adversarial|"
        r"генеративн|generative|discriminative|mode collapse|denois|scheduler|"
        r"guidance|negative prompt|controlnet|ddim|sdxl|timestep|\bcfg\b|seed|"
        r"img2img|latent",
    ),
    (
        Topic.PEFT,
        r"lora|peft|adapter|адаптер|prefix|prompt tuning|p-tuning|fine-?tun|"
        r"файнтюн|дообуч|model merging|parameter.efficient",
    ),
    (
        Topic.QUANTIZATION,
        r"памят|memory|quantiz|квантиз|gguf|onnx|pruning|distillation|дистилл|"
        r"mixed precision|edge inference|flashattention|pagedattention",
    ),
    (
        Topic.TOOLING,
        r"библиотек|library|deepspeed|megatron|colossal|huggingfacetgi|tensorrt|"
        r"vllm|sglang|ollama|open ?web ?ui|langchain|sentence transformers|"
        r"регулярн|python",
    ),
    (
        Topic.ALIGNMENT,
        r"rlhf|alignment|выравнив|human feedback|reward|dpo|ppo|trl\b|"
        r"плохие.*паттерн",
    ),
    (
        Topic.RAG,
        r"rag\b|retrieval|semantic search|семантическ|\bann\b|approximate nearest|"
        r"hnsw|\blsh\b|locality sensitive|faiss|annoy|euclidean|dot product|knn",
    ),
    (Topic.DISTRIBUTED, r"distributed|распредел|parallel|all-reduce|zero\b|fsdp|4d"),
    (Topic.POSITIONAL, r"position|позиц|rotary|rope"),
    (
        Topic.TOKENIZATION,
        r"token(?!.*embedd)|токен|bpe|byte-pair|wordpiece|sentencepiece|"
        r"vocab|\bcls\b",
    ),
    (
        Topic.DECODING,
        r"sampling|семплир|decoding|декодир|beam|greedy|temperature|температур|"
        r"speculative|assisted|kv cache|kv-cache|top-k|top-p|nucleus|инференс",
    ),
    (
        Topic.EMBEDDINGS,
        r"embedd|эмбед|word2vec|glove|fasttext|elmo|cosine|косинус|"
        r"metric learning|contrastive|triplet|infonce|n-pair|lifted|"
        r"negative sampling|similarity|близост",
    ),
    (
        Topic.METRICS,
        r"bleu|blue|rouge|precision|recall|\bf1\b|perplexit|метрик|metric|"
        r"specificity|evaluation|оценк",
    ),
    (
        Topic.RNN_CNN,
        r"rnn|lstm|gru\b|cnn|convolution|seq2seq|sequence-to-sequence|recurrent|"
        r"затухающ",
    ),
    (
        Topic.PRETRAINING,
        r"pre-?train|предобуч|corpora|dataset|датасет|de-duplication|"
        r"dedup|filtering|privacy|data (mixture|curriculum|scheduling)|"
        r"scaling law|in-context|instruction|reasoning|masked language|causal language|"
        r"\b(?:bert|gpt|t5|bart|xlnet|albert|roberta|moe|llms?)\b|task-agnostic|"
        r"mixture of experts|mixtral|тренд|language model",
    ),
    (
        Topic.ATTENTION,
        r"attention|внимани|transformer|трансформер|encoder|decoder|layer ?norm|"
        r"residual|skip connection|multi-head|голов|heads",
    ),
    (
        Topic.TRAINING,
        r"optimi|оптимиз|adam|backprop|gradient|градиент|loss|потерь|activation|"
        r"активац|dropout|warm-?up|learning rate|overfit|переобуч|дисбаланс|"
        r"imbalance|augment|аугмент|teacher forcing|padding|паддинг|curriculum|"
        r"train|обуч|cross-entropy|класс",
    ),
    (
        Topic.CLASSIC_NLP,
        r"tf-?idf|bag of words|one-hot|naive bayes|баес|svm|stemm|стемм|"
        r"лемматиз|lemmat|normaliz|нормализ|n-gram|bm25|regex",
    ),
]

_COMPILED = [(topic, re.compile(pattern, re.IGNORECASE)) for topic, pattern in _RULES]


def classify(*texts: str, default: Topic) -> Topic:
    """The first rule that matches any text wins; `default` when none does."""
    for text in texts:
        for topic, pattern in _COMPILED:
            if pattern.search(text):
                return topic
    return default
