"""Records of the question bank and passages."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class Topic(StrEnum):
    CLASSIC_NLP = "classic_nlp"
    METRICS = "metrics"
    EMBEDDINGS = "embeddings"
    RNN_CNN = "rnn_cnn"
    ATTENTION = "attention_transformers"
    POSITIONAL = "positional_encoding"
    TOKENIZATION = "tokenization"
    PRETRAINING = "pretraining"
    TRAINING = "training_optimization"
    DECODING = "decoding_inference"
    PEFT = "finetuning_peft"
    ALIGNMENT = "alignment_rlhf"
    QUANTIZATION = "quantization_efficiency"
    DISTRIBUTED = "distributed_training"
    RAG = "retrieval_rag"
    AGENTS = "agents"
    VLM = "vlm_multimodal"
    GENERATIVE = "diffusion_generative"
    TOOLING = "libraries_tooling"


class Kind(StrEnum):
    OPEN = "open"
    MULTIPLE_CHOICE = "multiple_choice"
    NUMERIC = "numeric"


LANGS = ("en", "ru", "zh", "fa")


class Question(BaseModel):
    id: str
    source: str
    line: int
    lang: str
    section: str
    topic: Topic
    kind: Kind = Kind.OPEN
    text: str
    text_zh: str | None = None
    options: list[str] = Field(default_factory=list)
    answer: str | None = None
    links: list[str] = Field(default_factory=list)


class Passage(BaseModel):
    id: str
    source: str
    line: int
    lang: str
    section: str
    heading: str
    text: str
