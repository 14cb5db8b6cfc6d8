"""`coach index build` and `coach index info`."""

from __future__ import annotations

import json
from pathlib import Path

from coach.search import store
from tests.fakes.embedder import FakeEmbedder


def test_build_then_info_prints_the_manifest(
    mini_corpus: Path, fake_embedder: FakeEmbedder, coach
) -> None:
    run = coach("index", "build")
    assert run.code == 0, run.err
    assert "indexed" in run.out and fake_embedder.id in run.out
    info = json.loads(coach("index", "info", "--json").out)
    assert info["embedder"] == fake_embedder.id and info["problem"] is None
    assert info["path"] == str(store.index_path(fake_embedder))
    for field in ("dim", "corpus_hash", "chunking", "versions", "built_at", "kinds"):
        assert field in info


def test_build_json_and_fresh(mini_corpus: Path, fake_embedder: FakeEmbedder, coach) -> None:
    coach("index", "build")
    fake_embedder.calls.clear()
    manifest = json.loads(coach("index", "build", "--fresh", "--json").out)
    assert manifest["chunks"] > manifest["dense_chunks"] > 0
    # --fresh re-embeds every dense chunk although nothing changed.
    assert sum(len(batch) for batch in fake_embedder.calls) == manifest["dense_chunks"]


def test_info_without_an_index_is_one_line_error(
    mini_corpus: Path, fake_embedder: FakeEmbedder, coach
) -> None:
    run = coach("index", "info", "--json")
    assert run.code == 2 and "no readable index" in run.err


def test_info_reports_a_stale_index(mini_corpus: Path, fake_embedder: FakeEmbedder, coach) -> None:
    coach("index", "build")
    (mini_corpus / "key" / "more.yaml").write_text("[]\n", "utf-8")
    run = coach("index", "info")
    assert run.code == 0 and "stale index" in run.out
