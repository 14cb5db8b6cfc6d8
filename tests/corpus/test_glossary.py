"""The term glossary: concepts found by stem sequence in every language, English as the pivot,
and the search reaching a question in another language through it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.corpus import glossary
from coach.errors import CorpusError
from coach.search import hybrid, store
from coach.settings import get_settings
from tests.fakes.embedder import FakeEmbedder

KV = {"en": ["kv cache"], "ru": ["кэш ключей и значений"], "zh": ["键值缓存"], "fa": ["کش کلید"]}
CLIP = {
    "en": ["gradient clipping"],
    "ru": ["обрезка градиентов"],
    "zh": ["梯度裁剪"],
    "fa": ["برش گرادیان"],
}


def _write(corpus_dir: Path, *entries: dict[str, list[str]]) -> None:
    lines = [json.dumps(e, ensure_ascii=False) for e in entries]
    (corpus_dir / glossary.GLOSSARY_FILE).write_text("\n".join(lines) + "\n", "utf-8")


def test_concepts_match_inflected_forms_and_give_english_as_the_pivot(tmp_path: Path) -> None:
    _write(tmp_path, KV, CLIP)
    terms = glossary.load(tmp_path)
    assert terms.pivot("Зачем нужна обрезкой градиентов при обучении?") == [["gradient clipping"]]
    assert terms.pivot("梯度裁剪和键值缓存") == [["gradient clipping"], ["kv cache"]]
    assert terms.pivot("why clip gradients") == []  # English needs no pivot
    assert terms.pivot("Что такое токенизация?") == []


def test_the_shipped_glossary_loads_and_covers_the_core_terms() -> None:
    terms = glossary.load(get_settings().corpus_dir)
    assert len(terms.terms) >= 300
    assert terms.pivot("Как работает KV-кэш при генерации?")[0][0] == "kv cache"
    assert terms.pivot("键值缓存是什么")[0][0] == "kv cache"
    assert terms.pivot("برش گرادیان چیست")[0][0] == "gradient clipping"


def test_a_malformed_glossary_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / glossary.GLOSSARY_FILE).write_text('{"en": ["x"]}\n', "utf-8")
    with pytest.raises(CorpusError, match=r"glossary\.jsonl:1"):
        glossary.load(tmp_path)
    assert glossary.load(tmp_path / "none").terms == []


@pytest.mark.parametrize("with_glossary", [True, False])
def test_a_chinese_query_reaches_a_russian_question_through_the_pivot(
    mini_corpus: Path, fake_embedder: FakeEmbedder, with_glossary: bool
) -> None:
    if with_glossary:
        _write(mini_corpus, KV)
    store.build(fake_embedder)
    hybrid.reset()
    hits = hybrid.get_retriever().search("键值缓存的作用", k=5, mode="lexical")
    assert ("ru-quiz-090" in [h.question_id for h in hits]) is with_glossary, hits
