"""BM25 ranking across Russian, Persian, Chinese and English."""

from __future__ import annotations

import numpy as np

from coach.search.bm25 import LexicalIndex


def test_index_ranks_the_matching_text_first() -> None:
    texts = [
        "Как KV Cache помогает ускорить генерацию текста?",
        "Что такое positional encoding?",
        "مزیت اصلی قابلیت‌های zero-shot در CLIP چیست؟",
        "生成模型和判别模型有什么区别？",
    ]
    lexical = LexicalIndex(texts)
    assert int(np.argmax(lexical.scores("kv cache генерации"))) == 0
    assert int(np.argmax(lexical.scores("قابليتهاي CLIP"))) == 2
    assert int(np.argmax(lexical.scores("判别模型"))) == 3


def test_unknown_or_empty_query_scores_zero() -> None:
    lexical = LexicalIndex(["one text", "и"])
    assert not lexical.scores("zzzz").any()
    assert not lexical.scores("the").any()
    assert lexical.scores("text").shape == (2,)
