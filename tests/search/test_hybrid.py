"""Hybrid search: the Hit contract, filters, fusion, cross-lingual hits, bad input."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from coach.errors import IndexStaleError, InputError
from coach.search import embedders, hybrid, store
from tests.fakes.embedder import FakeEmbedder


@pytest.fixture
def retriever(mini_corpus: Path, fake_embedder: FakeEmbedder) -> hybrid.Retriever:
    store.build(fake_embedder)
    return hybrid.get_retriever()


def test_hit_carries_the_contract_fields(retriever: hybrid.Retriever) -> None:
    hits = hybrid.search("KV cache генерация", k=3)
    assert hits and [h.rank for h in hits] == list(range(1, len(hits) + 1))
    top = hits[0]
    assert top.question_id == "ru-quiz-090" and top.kind == "question"
    assert top.text == "Как KV Cache помогает ускорить генерацию текста?"
    assert top.text_en == "How does the KV cache speed up text generation?"
    assert top.source == "ru_llm_quiz_questions.md" and top.section == "KV Cache"
    assert top.lang == "ru" and top.topic == "decoding_inference"
    assert all(a.score >= b.score for a, b in pairwise(hits))


def test_english_query_reaches_russian_question_through_its_rendering(
    retriever: hybrid.Retriever,
) -> None:
    hits = hybrid.search("speed up text generation", k=1)
    assert hits[0].question_id == "ru-quiz-090"
    # Shown in its original language, with the English rendering beside it.
    assert hits[0].text.startswith("Как KV Cache")


def test_chinese_query_finds_the_bilingual_question(retriever: hybrid.Retriever) -> None:
    hit = hybrid.search("判别模型的区别", k=1)[0]
    assert hit.question_id == "en-genai-001" and hit.lang == "zh"


def test_persian_query_with_arabic_letters_finds_the_persian_question(
    retriever: hybrid.Retriever,
) -> None:
    hits = retriever.search("اندازه بردار خروجي CLIP", k=1, mode="lexical")
    assert hits[0].question_id == "fa-vlm-q1-1"
    assert "- 512" in hits[0].text  # multiple-choice chunks carry their options


def test_generic_words_of_a_cross_lingual_query_do_not_pull_same_language_questions(
    retriever: hybrid.Retriever,
) -> None:
    """Its Russian words ("модели", "разница") are found together in no Russian text, so the
    lexical side searches its English term alone: the Russian question that shares only
    "модели" is not a lexical hit."""
    hits = retriever.search(
        "Объясните разницу: discriminative модели простыми словами", k=5, mode="lexical"
    )
    assert [h.question_id for h in hits] == ["en-genai-001"]


def test_a_query_in_the_language_of_its_question_keeps_its_own_words(
    retriever: hybrid.Retriever,
) -> None:
    hits = retriever.search("какой токенизатор в BERT", k=2, mode="lexical")
    assert hits[0].question_id == "ru-nlp100-q70"


def test_one_hit_per_question_unless_asked_for_chunks(retriever: hybrid.Retriever) -> None:
    distinct = hybrid.search("KV cache keys values new token", k=10)
    ids = [h.question_id or h.chunk_id for h in distinct]
    assert len(ids) == len(set(ids))
    chunks = hybrid.search("KV cache keys values new token", k=10, distinct=False)
    kinds = {h.kind for h in chunks if h.question_id == "ru-quiz-090"}
    assert {"key_point", "reference"} <= kinds


@pytest.mark.parametrize(
    ("filters", "field", "value"),
    [
        ({"lang": "fa"}, "lang", "fa"),
        ({"lang": "zh"}, "lang", "zh"),
        ({"topic": "tokenization"}, "topic", "tokenization"),
        ({"source": "fa_vlm_course_quizzes.md"}, "source", "fa_vlm_course_quizzes.md"),
        ({"kind": "passage"}, "kind", "passage"),
        ({"kind": "key_point"}, "kind", "key_point"),
    ],
)
def test_filters_keep_only_matching_chunks(
    retriever: hybrid.Retriever, filters: dict[str, str], field: str, value: str
) -> None:
    hits = hybrid.search("модель model CLIP attention токенизатор", k=10, **filters)
    assert hits and all(getattr(h, field) == value for h in hits)


def test_kind_filter_shows_the_matching_chunk_itself(retriever: hybrid.Retriever) -> None:
    hit = hybrid.search("new token attention", k=1, kind="key_point")[0]
    assert hit.kind == "key_point" and hit.chunk_id.startswith("ru-quiz-090#kp-")


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
def test_every_mode_finds_an_exact_question(retriever: hybrid.Retriever, mode: str) -> None:
    text = "Какой токенизатор используется в BERT, а какой в GPT?"
    assert retriever.search(text, k=1, mode=mode)[0].question_id == "ru-nlp100-q70"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"query": "   "}, "query"),
        ({"query": "x" * 30_000}, "query"),
        ({"query": "kv", "k": 0}, "k"),
        ({"query": "kv", "k": 500}, "k"),
        ({"query": "kv", "topic": "astrology"}, "topic"),
        ({"query": "kv", "lang": "de"}, "lang"),
        ({"query": "kv", "source": "nope.md"}, "source"),
        ({"query": "kv", "kind": "slide"}, "kind"),
    ],
)
def test_bad_input_is_a_clear_error(retriever: hybrid.Retriever, kwargs: dict, field: str) -> None:
    with pytest.raises(InputError) as caught:
        hybrid.search(**kwargs)
    assert caught.value.field == field


def test_unknown_topic_error_lists_the_allowed_ones(retriever: hybrid.Retriever) -> None:
    with pytest.raises(InputError, match="tokenization"):
        hybrid.search("kv", topic="astrology")


def test_retriever_is_loaded_once_per_process(retriever: hybrid.Retriever) -> None:
    assert hybrid.get_retriever() is retriever
    hybrid.reset()
    assert hybrid.get_retriever() is not retriever


def test_without_rebuild_a_missing_index_is_refused(
    mini_corpus: Path, fake_embedder: FakeEmbedder
) -> None:
    with pytest.raises(IndexStaleError, match="no index"):
        hybrid.get_retriever(rebuild=False)


def test_missing_index_is_built_on_first_search(
    mini_corpus: Path, fake_embedder: FakeEmbedder
) -> None:
    assert hybrid.search("CLIP", k=1)[0].question_id == "fa-vlm-q1-1"
    assert store.read_manifest(store.index_path(fake_embedder)) is not None


@pytest.mark.slow
def test_real_e5_finds_russian_question_from_english_without_a_key_entry(
    mini_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """multilingual-e5 alone bridges the languages (ru-nlp100-q70 has no English rendering)."""
    monkeypatch.setenv("COACH_INDEX_DIR", str(tmp_path / "index"))
    from coach.settings import get_settings

    get_settings.cache_clear()
    e5 = embedders.get_embedder("e5-small")
    retriever = hybrid.Retriever(store.load(e5, on_problem="rebuild"), e5)
    hits = retriever.search("Which tokenizers do BERT and GPT use?", k=1, mode="dense")
    assert hits[0].question_id == "ru-nlp100-q70"
    hits = retriever.search("memory to train a 7B model in fp32 with momentum", k=1)
    assert hits[0].question_id == "ru-quiz-001"
