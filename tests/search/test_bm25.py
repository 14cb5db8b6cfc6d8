"""BM25 tokenization across Russian, Persian, Chinese and English."""

from __future__ import annotations

import numpy as np

from coach.search.bm25 import LexicalIndex, normalize, tokenize


def test_russian_words_are_stemmed_and_yo_folded() -> None:
    assert tokenize("моделями") == tokenize("модель") == tokenize("модели")
    assert tokenize("Ёмкость") == tokenize("емкость")


def test_function_words_are_dropped() -> None:
    assert tokenize("What is the KV cache?") == ["kv", "cach"]
    assert tokenize("Что такое и как в") == []


def test_english_is_stemmed_and_case_folded() -> None:
    assert tokenize("Tokenizers") == tokenize("tokenizer")
    assert "fp16" in tokenize("FP16 weights") and "7b" in tokenize("a 7B model")


def test_persian_zwnj_space_and_joined_spellings_meet() -> None:
    with_zwnj, joined, spaced = "داده‌های", "دادههای", "داده های"
    assert set(tokenize(joined)) <= set(tokenize(with_zwnj))
    assert set(tokenize(spaced)) <= set(tokenize(with_zwnj))


def test_arabic_letter_variants_fold_to_persian() -> None:
    # Arabic yeh/kaf (ي ك) as typed on Arabic keyboards vs Persian yeh/keheh (ی ک).
    assert tokenize("كتاب يادگيري") == tokenize("کتاب یادگیری")


def test_diacritics_tatweel_and_persian_digits_are_folded() -> None:
    assert normalize("مُدَل") == normalize("مدل")
    assert normalize("مـــدل") == normalize("مدل")
    assert tokenize("۵۱۲ بعدی") == tokenize("512 بعدی")


def test_cjk_runs_become_character_bigrams() -> None:
    assert tokenize("生成模型") == ["生成", "成模", "模型"]
    assert tokenize("模") == ["模"]
    assert tokenize("用BERT模型") == ["用", "bert", "模型"]


def test_full_width_forms_are_folded() -> None:
    assert tokenize("ＢＥＲＴ") == ["bert"]


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
