"""Shared fixtures: every test gets its own data dir; settings are re-read per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.settings import get_settings


@pytest.fixture(scope="session")
def session_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One search index for the whole run, built by the first test that searches: never the
    checkout's index/, whose state differs between machines."""
    return tmp_path_factory.mktemp("index")


@pytest.fixture(autouse=True)
def isolated_settings(
    tmp_path: Path, session_index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Point the user data dir at tmp_path, the index at the run's own, and keep real provider
    settings out of tests."""
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COACH_INDEX_DIR", str(session_index_dir))
    for name in ("COACH_LLM", "OPENAI_API_KEY", "OPENAI_BASE_URL", "OLLAMA_HOST"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


# -- LLM fakes and scripted backends (agent / sessions area) ---------------------------------
import json  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from typing import Any  # noqa: E402

from langchain_core.callbacks import CallbackManagerForLLMRun  # noqa: E402
from langchain_core.language_models import BaseChatModel  # noqa: E402
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage  # noqa: E402
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult  # noqa: E402
from pydantic import Field, PrivateAttr  # noqa: E402

from tests.servers.ollama import OllamaServer  # noqa: E402
from tests.servers.openai import OpenAIServer  # noqa: E402

FakeStep = AIMessage | str | Callable[[list[BaseMessage]], AIMessage | str]


def tool_call(
    name: str, args: dict[str, Any] | None = None, call_id: str | None = None
) -> AIMessage:
    """An AIMessage calling one tool, as a tool-calling model returns it."""
    return AIMessage(
        content="",
        tool_calls=[
            {"name": name, "args": args or {}, "id": call_id or f"call_{name}", "type": "tool_call"}
        ],
    )


class FakeChatModel(BaseChatModel):
    """Replays scripted steps and records what it was sent (messages, bound tools).

    A step is an AIMessage, a plain string (a text reply), or a function of the messages
    returning either; when the script runs out, `then` answers (default: an error, so an
    under-scripted test fails loudly). Streams its text word by word.
    """

    steps: list[Any] = Field(default_factory=list)
    then: Any = None
    sent: list[list[BaseMessage]] = Field(default_factory=list)
    bound_tools: list[list[str]] = Field(default_factory=list)
    _cursor: int = PrivateAttr(default=0)

    @property
    def _llm_type(self) -> str:
        return "fake-scripted"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Any:
        from langchain_core.utils.function_calling import convert_to_openai_tool

        self.bound_tools.append([convert_to_openai_tool(t)["function"]["name"] for t in tools])
        return self

    def _next(self, messages: list[BaseMessage]) -> AIMessage:
        self.sent.append(list(messages))
        if self._cursor < len(self.steps):
            step, self._cursor = self.steps[self._cursor], self._cursor + 1
        elif self.then is not None:
            step = self.then
        else:
            raise AssertionError(f"FakeChatModel script exhausted after {self._cursor} steps")
        if callable(step) and not isinstance(step, AIMessage):
            step = step(messages)
        return AIMessage(content=step) if isinstance(step, str) else step

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._next(messages))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ):
        message = self._next(messages)
        text = message.content if isinstance(message.content, str) else ""
        words = text.split(" ") if text else []
        for i, word in enumerate(words):
            piece = word + (" " if i < len(words) - 1 else "")
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                tool_call_chunks=[
                    {
                        "name": c["name"],
                        "args": json.dumps(c["args"]),
                        "id": c["id"],
                        "index": i,
                        "type": "tool_call_chunk",
                    }
                    for i, c in enumerate(message.tool_calls)
                ],
            )
        )


@pytest.fixture
def fake_llm() -> Callable[..., FakeChatModel]:
    """`fake_llm(step, step, ..., then=None)` builds a FakeChatModel."""

    def build(*steps: FakeStep, then: FakeStep | None = None) -> FakeChatModel:
        return FakeChatModel(steps=list(steps), then=then)

    return build


def _fast_llm_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_LLM_BACKOFF", "0.01")
    monkeypatch.setenv("COACH_LLM_TIMEOUT", "5")


@pytest.fixture
def openai_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIServer]:
    """A scripted OpenAI-compatible server; OPENAI_BASE_URL points at it (`openai:test-model`)."""
    server = OpenAIServer().start()
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    _fast_llm_settings(monkeypatch)
    get_settings.cache_clear()
    yield server
    server.stop()


@pytest.fixture
def ollama_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[OllamaServer]:
    """A scripted Ollama server; OLLAMA_HOST points at it (`ollama:test-model`)."""
    server = OllamaServer().start()
    monkeypatch.setenv("OLLAMA_HOST", server.url)
    _fast_llm_settings(monkeypatch)
    get_settings.cache_clear()
    yield server
    server.stop()


# -- Embeddings, index and retrieval (search area) -------------------------------------------
import hashlib  # noqa: E402

import numpy as np  # noqa: E402
import yaml  # noqa: E402

from coach.corpus import bank as bank_store  # noqa: E402
from coach.corpus import key as key_store  # noqa: E402
from coach.corpus.models import Kind, Passage, Question, Topic  # noqa: E402
from coach.search import embedders, hybrid  # noqa: E402
from coach.text import content_terms  # noqa: E402


class FakeEmbedder:
    """Deterministic hashed bag-of-words vectors: texts that share stemmed words are close.

    No model, no threads, microseconds per text; `calls` records every batch it embedded.
    """

    id = "fake/hashed-bow-64"
    dim = 64

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return self._embed(texts)

    def _embed(self, texts: list[str]) -> np.ndarray:
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in zip(rows, texts, strict=True):
            for token in content_terms(text):
                bucket = int(hashlib.sha1(token.encode()).hexdigest()[:8], 16)
                row[bucket % self.dim] += 1.0
        return embedders.normalize(rows)


@pytest.fixture
def fake_embedder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeEmbedder]:
    """Every `get_embedder()` returns one FakeEmbedder; the index lives under tmp_path."""
    monkeypatch.setenv("COACH_INDEX_DIR", str(tmp_path / "index"))
    get_settings.cache_clear()
    fake = FakeEmbedder()
    monkeypatch.setattr(embedders, "get_embedder", lambda spec=None: fake)
    hybrid.reset()
    yield fake
    hybrid.reset()


MINI_QUESTIONS = [
    Question(
        id="ru-quiz-001",
        source="ru_llm_quiz_questions.md",
        line=1,
        lang="ru",
        section="Память при обучении",
        topic=Topic.QUANTIZATION,
        kind=Kind.NUMERIC,
        text="Сколько памяти потребуется для обучения 7B модели в формате FP32 "
        "с оптимизатором Momentum?",
    ),
    Question(
        id="ru-quiz-090",
        source="ru_llm_quiz_questions.md",
        line=90,
        lang="ru",
        section="KV Cache",
        topic=Topic.DECODING,
        text="Как KV Cache помогает ускорить генерацию текста?",
    ),
    Question(
        id="ru-nlp100-q70",
        source="ru_100_nlp_interview_questions.md",
        line=700,
        lang="ru",
        section="TOKENIZERS",
        topic=Topic.TOKENIZATION,
        text="Какой токенизатор используется в BERT, а какой в GPT?",
        answer="В BERT используется WordPiece, в GPT — byte-level BPE.\n\n"
        + "Пример кода:\n\n```python\nfrom transformers import AutoTokenizer\n"
        + "tok = AutoTokenizer.from_pretrained('bert-base-uncased')\n```\n\n"
        + "Словарь WordPiece строится по правдоподобию, BPE — по частоте пар. " * 12,
    ),
    Question(
        id="en-genai-001",
        source="en_zh_genai_interview_questions.md",
        line=5,
        lang="en",
        section="Generative Models",
        topic=Topic.GENERATIVE,
        text="What is the difference between generative and discriminative models?",
        text_zh="生成模型和判别模型有什么区别？",
    ),
    Question(
        id="fa-vlm-q1-1",
        source="fa_vlm_course_quizzes.md",
        line=5,
        lang="fa",
        section="کوئیز 1",
        topic=Topic.VLM,
        kind=Kind.MULTIPLE_CHOICE,
        text="کدام اندازه برای بردار (embedding) خروجی Vision Encoder و Text Encoder "
        "در CLIP صحیح است؟",
        options=["128", "256", "512", "1024"],
    ),
]
MINI_PASSAGES = [
    Passage(
        id="ru-lecture-001",
        source="ru_generative_nlp_lecture.md",
        line=3,
        lang="ru",
        section="Attention",
        heading="Механизм внимания",
        text="Механизм внимания\n\nSelf-attention вычисляет веса между всеми парами "
        "токенов последовательности: softmax(QK^T / sqrt(d)) V.",
    ),
]
MINI_KEY = [
    {
        "id": "ru-quiz-090",
        "text_en": "How does the KV cache speed up text generation?",
        "reference_en": "During autoregressive decoding the keys and values of earlier tokens do "
        "not change, so they are cached and only the new token is computed.",
        "key_points": [
            {
                "text": "Keys and values of past tokens are stored and reused.",
                "weight": 0.6,
                "alt": ["reuse K and V", "кэш ключей и значений"],
            },
            {
                "text": "Each step computes attention only for the new token.",
                "weight": 0.4,
                "alt": ["only the last token", "только новый токен"],
            },
        ],
        "difficulty": "junior",
    },
    {
        "id": "fa-vlm-q1-1",
        "text_en": "Which embedding size is correct for the output vectors "
        "of the CLIP vision and text encoders?",
        "options_en": ["128", "256", "512", "1024"],
        "reference_en": "CLIP ViT-B/32 projects both encoders into a shared 512-dimensional space.",
        "key_points": [
            {
                "text": "Both encoders output 512-dimensional embeddings.",
                "weight": 1.0,
                "alt": ["512", "۵۱۲ بعدی"],
            }
        ],
        "difficulty": "junior",
        "correct_option": 3,
        "justification": "ViT-B/32 uses 512.",
    },
]


@pytest.fixture
def mini_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A five-question corpus (ru, en+zh, fa MCQ), one lecture passage and two key entries,
    in tmp_path; COACH_CORPUS_DIR points at it."""
    corpus_dir = tmp_path / "corpus"
    bank_store.write(
        bank_store.Bank(questions=MINI_QUESTIONS, passages=MINI_PASSAGES), corpus_dir, "mini"
    )
    (corpus_dir / key_store.KEY_DIR).mkdir()
    (corpus_dir / key_store.KEY_DIR / "mini.yaml").write_text(
        yaml.safe_dump(MINI_KEY, allow_unicode=True, sort_keys=False), "utf-8"
    )
    monkeypatch.setenv("COACH_CORPUS_DIR", str(corpus_dir))
    get_settings.cache_clear()
    bank_store.load.cache_clear()
    key_store.load.cache_clear()
    return corpus_dir
