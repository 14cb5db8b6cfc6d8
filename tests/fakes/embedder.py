"""A deterministic embedder: hashed bag of stemmed words."""

from __future__ import annotations

import hashlib

import numpy as np

from coach.search import embedders
from coach.text import content_terms


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
