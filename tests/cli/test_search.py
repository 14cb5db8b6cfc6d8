"""`coach search`: JSON contract, readable table, errors as one line with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.search import store
from tests.fakes.embedder import FakeEmbedder

FIELDS = {"rank", "score", "source", "question_id", "text", "text_en", "section"}


@pytest.fixture
def built(mini_corpus: Path, fake_embedder: FakeEmbedder) -> None:
    store.build(fake_embedder)


def test_json_prints_the_hit_list(built: None, coach) -> None:
    run = coach("search", "speed up text generation", "--k", "2", "--json")
    assert run.code == 0, run.err
    hits = json.loads(run.out)
    assert len(hits) == 2 and all(set(h) == FIELDS for h in hits)
    assert hits[0]["question_id"] == "ru-quiz-090" and hits[0]["rank"] == 1
    assert hits[0]["text_en"] == "How does the KV cache speed up text generation?"


def test_filters_reach_the_search(built: None, coach) -> None:
    run = coach("search", "CLIP", "--lang", "fa", "--source", "fa_vlm_course_quizzes.md", "--json")
    assert [h["question_id"] for h in json.loads(run.out)] == ["fa-vlm-q1-1"]
    passages = json.loads(coach("search", "attention", "--kind", "passage", "--json").out)
    assert passages and all(h["question_id"] is None for h in passages)


def test_table_shows_text_rendering_and_citation(built: None, coach) -> None:
    run = coach("search", "KV cache [generation]")
    assert run.code == 0, run.err
    for expected in ("Как KV Cache", "How does the KV cache", "ru-quiz-090", "KV Cache"):
        assert expected in run.out


def test_unknown_topic_is_one_line_and_exit_code_2(built: None, coach) -> None:
    run = coach("search", "kv", "--topic", "astrology")
    assert run.code == 2 and run.err.startswith("error: invalid topic") and not run.out
    assert len(run.err.strip().splitlines()) == 1


def test_empty_query_is_refused(built: None, coach) -> None:
    run = coach("search", "  ")
    assert run.code == 2 and "invalid query" in run.err
