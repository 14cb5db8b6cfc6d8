"""Words, stems and sentences: the one tokenizer search, grading and selection share."""

from __future__ import annotations

from coach.text import content_terms, normalize, sentences, words


def test_sentences_keep_offsets_and_split_bullets_and_cjk() -> None:
    text = "- Attention mixes tokens. It uses Q!\n2) Scaled by d_k.\n注意力很重要。它是核心。"
    spans = sentences(text)
    assert [s.text for s in spans] == [
        "Attention mixes tokens.",
        "It uses Q!",
        "Scaled by d_k.",
        "注意力很重要。",
        "它是核心。",
    ]
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_words_keep_decimals_and_split_cjk_into_bigrams() -> None:
    assert words("GPU 3.5 GB, 1,000 steps") == ["gpu", "3.5", "gb", "1,000", "steps"]
    assert words("注意力") == ["注意", "意力"]


def test_content_terms_stem_and_drop_function_words() -> None:
    assert content_terms("The gradients are not stored") == ["gradient", "store"]
    assert content_terms("градиенты градиентов") == ["градиент", "градиент"]


def test_russian_words_are_stemmed_and_yo_folded() -> None:
    assert content_terms("моделями") == content_terms("модель") == content_terms("модели")
    assert content_terms("Ёмкость") == content_terms("емкость")


def test_function_words_are_dropped() -> None:
    assert content_terms("What is the KV cache?") == ["kv", "cach"]
    assert content_terms("Что такое и как в") == []


def test_english_is_stemmed_and_case_folded() -> None:
    assert content_terms("Tokenizers") == content_terms("tokenizer")
    assert "fp16" in content_terms("FP16 weights") and "7b" in content_terms("a 7B model")


def test_persian_zwnj_space_and_joined_spellings_meet() -> None:
    with_zwnj, joined, spaced = "داده‌های", "دادههای", "داده های"
    assert set(content_terms(joined)) <= set(content_terms(with_zwnj))
    assert set(content_terms(spaced)) <= set(content_terms(with_zwnj))


def test_arabic_letter_variants_fold_to_persian() -> None:
    # Arabic yeh/kaf (ي ك) as typed on Arabic keyboards vs Persian yeh/keheh (ی ک).
    assert content_terms("كتاب يادگيري") == content_terms("کتاب یادگیری")


def test_diacritics_tatweel_and_persian_digits_are_folded() -> None:
    assert normalize("مُدَل") == normalize("مدل")
    assert normalize("مـــدل") == normalize("مدل")
    assert content_terms("۵۱۲ بعدی") == content_terms("512 بعدی")


def test_cjk_runs_become_character_bigrams() -> None:
    assert content_terms("生成模型") == ["生成", "成模", "模型"]
    assert content_terms("模") == ["模"]
    assert content_terms("用BERT模型") == ["用", "bert", "模型"]


def test_full_width_forms_are_folded() -> None:
    assert content_terms("ＢＥＲＴ") == ["bert"]
