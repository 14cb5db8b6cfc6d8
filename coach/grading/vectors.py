"""Sentence vectors for grading, cached by text.

References, key points and their alternative phrasings repeat across every answer to a
question, so each is embedded once; answers are embedded in batches (`warm`) because one call
with many texts costs far less per text than many calls with one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from coach.search import embedders
from coach.search.embedders import Embedder

MAX_ITEMS = 20_000
BATCH = 64


class VectorCache:
    """Query-role vectors (E5's role for symmetric similarity) by text; least recent out."""

    def __init__(self, embedder: Embedder, max_items: int = MAX_ITEMS) -> None:
        self.embedder = embedder
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._max = max_items
        # One lock: native embedders are not safe to call from several threads at once.
        self._lock = threading.Lock()

    def get(self, texts: list[str]) -> np.ndarray:
        """One unit row per text, in order."""
        with self._lock:
            self._fill(texts)
            rows = [self._items[t] for t in texts]
            for text in texts:
                self._items.move_to_end(text)
        if not rows:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.vstack(rows)

    def warm(self, texts: list[str]) -> None:
        with self._lock:
            self._fill(texts)

    def _fill(self, texts: list[str]) -> None:
        missing = list(dict.fromkeys(t for t in texts if t not in self._items))
        for start in range(0, len(missing), BATCH):
            chunk = missing[start : start + BATCH]
            for text, row in zip(chunk, self.embedder.embed_queries(chunk), strict=True):
                self._items[text] = row
        while len(self._items) > self._max:
            self._items.popitem(last=False)


_caches: dict[str, VectorCache] = {}
_caches_lock = threading.Lock()


def cache(spec: str | None = None) -> VectorCache:
    """The process-wide cache for the embedder `spec` (default: settings.embedder)."""
    # Through the module, so a test can swap the embedder for every user at once.
    embedder = embedders.get_embedder(spec)
    with _caches_lock:
        found = _caches.get(embedder.id)
        if found is None:
            found = _caches[embedder.id] = VectorCache(embedder)
        return found
