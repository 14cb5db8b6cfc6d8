"""The index on disk: manifest, staleness, corruption, atomic rebuilds, vector reuse."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from coach.corpus import key
from coach.errors import CoachError, IndexStaleError
from coach.search import store
from coach.search.chunks import ChunkingParams
from tests.fakes.corpus import MINI_KEY
from tests.fakes.embedder import FakeEmbedder


@pytest.fixture
def built(mini_corpus: Path, fake_embedder: FakeEmbedder) -> Path:
    store.build(fake_embedder)
    return store.index_path(fake_embedder)


def _add_key_entry(corpus_dir: Path) -> None:
    entry = {
        "id": "ru-quiz-001",
        "text_en": "How much memory does training a 7B model in FP32 with Momentum need?",
        "reference_en": "Weights, gradients and one momentum buffer: 3 x 28 GB = 84 GB.",
        "key_points": [{"text": "84 GB in total.", "weight": 1.0, "alt": ["84 ГБ"]}],
        "difficulty": "junior",
    }
    path = corpus_dir / key.KEY_DIR / "mini.yaml"
    path.write_text(yaml.safe_dump([*MINI_KEY, entry], allow_unicode=True), "utf-8")
    key.load.cache_clear()


def test_manifest_records_what_the_index_was_built_from(
    built: Path, mini_corpus: Path, fake_embedder: FakeEmbedder
) -> None:
    manifest = store.read_manifest(built)
    assert manifest is not None
    assert manifest.embedder == fake_embedder.id and manifest.dim == fake_embedder.dim
    assert manifest.corpus_hash == store.corpus_hash(mini_corpus)
    assert manifest.chunking == ChunkingParams()
    assert {"faiss-cpu", "bm25s", "langchain-text-splitters", "python"} <= set(manifest.versions)
    assert manifest.built_at and manifest.build_seconds >= 0
    kinds = manifest.kinds
    # 5 questions + the Chinese twin; the long document answer splits into several chunks.
    assert kinds["question"] == 6 and kinds["answer"] >= 2 and kinds["passage"] == 1
    assert kinds["text_en"] == 2 and kinds["reference"] == 2 and kinds["key_point"] == 3
    assert manifest.dense_chunks == sum(kinds[k] for k in ChunkingParams().dense_kinds)
    assert manifest.chunks == sum(kinds.values())
    assert store.problem(built, fake_embedder, mini_corpus) is None


def test_info_reports_path_and_status(built: Path, fake_embedder: FakeEmbedder) -> None:
    data = store.info(fake_embedder)
    assert data["path"] == str(built) and data["problem"] is None
    assert data["embedder"] == fake_embedder.id


def test_a_new_key_entry_makes_the_index_stale(
    built: Path, mini_corpus: Path, fake_embedder: FakeEmbedder
) -> None:
    _add_key_entry(mini_corpus)
    reason = store.problem(built, fake_embedder, mini_corpus)
    assert reason and reason.startswith("stale index")
    with pytest.raises(IndexStaleError, match="stale index") as caught:
        store.load(fake_embedder)
    assert caught.value.manifest and caught.value.manifest["embedder"] == fake_embedder.id


def test_stale_index_is_rebuilt_with_a_notice(
    built: Path, mini_corpus: Path, fake_embedder: FakeEmbedder
) -> None:
    _add_key_entry(mini_corpus)
    notices: list[str] = []
    loaded = store.load(fake_embedder, on_problem="rebuild", notice=notices.append)
    assert len(notices) == 1 and "rebuilding" in notices[0]
    assert any(c.chunk_id == "ru-quiz-001#en" for c in loaded.chunks)
    assert store.problem(built, fake_embedder, mini_corpus) is None


def test_changed_chunking_parameters_make_the_index_stale(
    built: Path, mini_corpus: Path, fake_embedder: FakeEmbedder
) -> None:
    reason = store.problem(built, fake_embedder, mini_corpus, ChunkingParams(chunk_size=300))
    assert reason and "chunking" in reason


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda p: (p / store.MANIFEST).unlink(), "partial index"),
        (lambda p: (p / store.MANIFEST).write_text("{not json"), "corrupt index"),
        (lambda p: (p / store.VECTORS).unlink(), "partial index"),
        (lambda p: (p / store.VECTORS).write_bytes(b"garbage"), "corrupt index"),
        (lambda p: (p / store.CHUNKS).write_text("", "utf-8"), "corrupt index"),
    ],
)
def test_damaged_index_is_refused_never_used(
    built: Path, mini_corpus: Path, fake_embedder: FakeEmbedder, damage, expected: str
) -> None:
    damage(built)
    reason = store.problem(built, fake_embedder, mini_corpus)
    assert reason and reason.startswith(expected)
    with pytest.raises(IndexStaleError, match=expected):
        store.load(fake_embedder)
    loaded = store.load(fake_embedder, on_problem="rebuild", notice=lambda _: None)
    assert loaded.vectors.ntotal == loaded.manifest.dense_chunks


def test_missing_index_is_refused(mini_corpus: Path, fake_embedder: FakeEmbedder) -> None:
    with pytest.raises(IndexStaleError, match="no index"):
        store.load(fake_embedder)


def test_failed_build_keeps_the_old_index_and_leaves_no_temp_dirs(
    built: Path, mini_corpus: Path, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = store.read_manifest(built)
    _add_key_entry(mini_corpus)

    def broken(texts: list[str]) -> np.ndarray:
        return np.zeros((len(texts), fake_embedder.dim + 1), dtype=np.float32)

    monkeypatch.setattr(fake_embedder, "embed_passages", broken)
    with pytest.raises(CoachError, match="vectors of shape"):
        store.build(fake_embedder)
    assert store.read_manifest(built) == before
    assert [p.name for p in built.parent.iterdir()] == [built.name]


def test_rebuild_reuses_vectors_of_unchanged_chunks(
    built: Path, mini_corpus: Path, fake_embedder: FakeEmbedder
) -> None:
    first_build = {t for batch in fake_embedder.calls for t in batch}
    fake_embedder.calls.clear()
    _add_key_entry(mini_corpus)
    store.build(fake_embedder)
    embedded = [t for batch in fake_embedder.calls for t in batch]
    assert embedded == ["How much memory does training a 7B model in FP32 with Momentum need?"]
    assert not set(embedded) & first_build
    fake_embedder.calls.clear()
    store.build(fake_embedder, reuse=False)
    assert sum(len(batch) for batch in fake_embedder.calls) == len(first_build) + 1


def test_rebuild_notice_goes_through_logging(
    built: Path, mini_corpus: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from coach.search import hybrid

    _add_key_entry(mini_corpus)
    with caplog.at_level(logging.WARNING, logger="coach.search.hybrid"):
        hybrid.get_retriever()
    assert "stale index" in caplog.text and "rebuilding" in caplog.text


def test_a_concurrent_build_that_lands_first_is_kept(
    built: Path, mini_corpus: Path, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_rename = Path.rename

    def racing(self: Path, target: Path) -> Path:
        moved = real_rename(self, target)
        if self == built:  # another process swaps its index in right after ours moved the old
            shutil.copytree(target, built)
        return moved

    monkeypatch.setattr(Path, "rename", racing)
    store.build(fake_embedder)
    assert store.problem(built, fake_embedder, mini_corpus) is None
    assert [p.name for p in built.parent.iterdir()] == [built.name]
