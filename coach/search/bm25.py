"""BM25 over our four languages, on the one tokenizer of `coach.text` (documents and queries)."""

from __future__ import annotations

import numpy as np

from coach.text import content_terms


class LexicalIndex:
    """bm25s over a fixed list of texts; `scores` gives one BM25 score per text."""

    def __init__(self, texts: list[str]) -> None:
        import bm25s

        self.size = len(texts)
        self._bm25 = bm25s.BM25()
        tokenized = [content_terms(t) for t in texts]
        # Each text's terms, for asking how much of a query one text holds.
        self.vocabularies = [frozenset(terms) for terms in tokenized]
        # An all-stopword document still needs one token for bm25s to index it.
        self._bm25.index([terms or [""] for terms in tokenized], show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        ids = self._bm25.get_tokens_ids(content_terms(query))
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)
