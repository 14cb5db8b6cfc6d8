"""Shared fixtures: every test gets its own data dir; settings are re-read per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from coach.corpus import bank as bank_store
from coach.corpus import key as key_store
from coach.search import embedders, hybrid
from coach.settings import get_settings
from tests.fakes.corpus import MINI_KEY, MINI_PASSAGES, MINI_QUESTIONS
from tests.fakes.embedder import FakeEmbedder
from tests.fakes.llm import FakeChatModel, FakeStep
from tests.servers.ollama import OllamaServer
from tests.servers.openai import OpenAIServer


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
