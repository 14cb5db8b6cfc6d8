from coach.grading.text import (
    content_terms,
    detect_lang,
    negation_count,
    repetition_ratio,
    sentences,
    words,
)


def test_detect_lang_by_dominant_script() -> None:
    assert detect_lang("Механизм внимания использует Q и K") == "ru"
    assert detect_lang("注意力机制 uses Q") == "zh"
    assert detect_lang("مکانیزم توجه") == "fa"
    assert detect_lang("attention is all you need") == "en"
    assert detect_lang("123 + 456") is None


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


def test_negations_in_each_language() -> None:
    assert negation_count("it isn't stored") == 1
    assert negation_count("не хранит") == 1
    assert negation_count("不是") == 1
    assert negation_count("ذخیره نمی شود") == 1
    assert negation_count("it is stored") == 0


def test_repetition_ratio_separates_loops_from_prose() -> None:
    loop = "attention weights tokens " * 6
    assert repetition_ratio(loop) > 0.5
    assert repetition_ratio("Attention weighs every token by its query-key similarity.") == 0
