"""Hybrid search: FAISS dense + bm25s lexical rankings fused with reciprocal-rank fusion.

Dense vectors carry meaning across languages (an English query meets a Russian question);
BM25 catches exact terms the small embedding model blurs (KV cache, LoRA, FP16). Chunks of
one question (its text, English rendering, reference, key points) are collapsed to one hit,
so five hits are five different questions or passages.

BM25 only meets words of the query's own language, and the small embedder's cross-lingual pull is
weak: a Chinese query about a Russian question lands on Chinese text about something else. So a
non-English query names its concepts in English too (through the corpus glossary), and both
rankings search with them: every question has English text (its rendering, reference and key
points), which turns English into the pivot language between any two.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Literal

import numpy as np
from pydantic import BaseModel

from coach.corpus import glossary
from coach.corpus.models import LANGS, Topic
from coach.errors import InputError
from coach.search import embedders
from coach.search import store as index_store
from coach.search.bm25 import LexicalIndex
from coach.search.chunks import CHUNK_KINDS, Chunk
from coach.search.embedders import Embedder
from coach.settings import get_settings
from coach.text import content_terms

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "dense", "lexical"]
# The usual RRF constant (Cormack et al. 2009): flattens the gap between ranks 1 and 5.
RRF_K = 60
# Each ranking contributes its top DEPTH chunks (at least 10 per hit asked for) to the fusion:
# one question owns up to ~10 chunks, and `distinct` keeps one of them.
DEPTH = 100
MAX_K = 50
# A non-English query whose own words the best lexical hits hold less than half of is about
# text in another language: BM25 then matched only generic words of its language ("функция
# потерь") and pulls same-language questions about something else, so its lexical side searches
# the English forms alone (glossary names and the Latin-script terms it contains). Chosen on the
# dev half of the cross-lingual query sets; 0.5 to 0.8 measured the same there.
OWN_COVERAGE = 0.5
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-\.]*")


class Hit(BaseModel):
    rank: int
    score: float
    chunk_id: str
    kind: str
    source: str
    question_id: str | None
    text: str
    text_en: str | None
    section: str
    lang: str
    topic: Topic | None

    @classmethod
    def of(cls, chunk: Chunk, rank: int, score: float) -> Hit:
        return cls(
            rank=rank,
            score=round(score, 6),
            chunk_id=chunk.chunk_id,
            kind=chunk.kind,
            source=chunk.source,
            question_id=chunk.question_id,
            text=chunk.text,
            text_en=chunk.text_en,
            section=chunk.section,
            lang=chunk.lang,
            topic=chunk.topic,
        )


class Retriever:
    """A loaded index ready to answer queries."""

    def __init__(self, loaded: index_store.LoadedIndex, embedder: Embedder) -> None:
        self.manifest = loaded.manifest
        self.chunks = loaded.chunks
        self._dense = loaded.vectors
        self._embedder = embedder
        self._lexical = LexicalIndex([c.content for c in self.chunks])
        self._columns = {
            "kind": np.array([c.kind for c in self.chunks]),
            "lang": np.array([c.lang for c in self.chunks]),
            "source": np.array([c.source for c in self.chunks]),
            "topic": np.array([c.topic.value if c.topic else "" for c in self.chunks]),
        }
        self._groups = [c.question_id or c.chunk_id for c in self.chunks]
        self._question_rows = {
            c.question_id: i
            for i, c in enumerate(self.chunks)
            if c.chunk_id.endswith("#q") and c.question_id
        }
        self.sources = sorted(set(self._columns["source"].tolist()))
        self.glossary = glossary.load(get_settings().corpus_dir)

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        topic: str | None = None,
        lang: str | None = None,
        source: str | None = None,
        kind: str | None = None,
        mode: Mode = "hybrid",
        distinct: bool = True,
    ) -> list[Hit]:
        """The k best hits; `distinct` keeps only the best chunk of each question."""
        query = _checked_query(query)
        if not 1 <= k <= MAX_K:
            raise InputError("k", k, f"1 to {MAX_K}")
        mask = self._mask(topic=topic, lang=lang, source=source, kind=kind)
        depth = max(DEPTH, 10 * k)
        english = self.glossary.pivot(query)
        rankings: list[tuple[np.ndarray, np.ndarray]] = []
        if mode in ("hybrid", "dense"):
            # One English name per concept: the embedder's cost grows with the query's length.
            names = [forms[0] for forms in english]
            rankings.append(self._dense_ranking(_with(query, names), mask, depth))
        if mode in ("hybrid", "lexical"):
            # Every English synonym: BM25 only meets the words the text itself uses.
            synonyms = [form for forms in english for form in forms]
            rankings.append(self._lexical_side(query, synonyms, mask, depth))
        if mode == "hybrid":
            return self._fuse([order for order, _ in rankings], k, distinct, mask)
        order, scores = rankings[0]
        return self._single(order, scores, k, distinct, mask)

    def _mask(self, **filters: str | None) -> np.ndarray:
        mask = np.ones(len(self.chunks), dtype=bool)
        allowed: dict[str, Iterable[str]] = {
            "topic": [t.value for t in Topic],
            "lang": LANGS,
            "kind": CHUNK_KINDS,
            "source": self.sources,
        }
        for field, value in filters.items():
            if value is None:
                continue
            if value not in allowed[field]:
                raise InputError(field, value, allowed[field])
            mask &= self._columns[field] == value
        return mask

    def _dense_ranking(
        self, query: str, mask: np.ndarray, depth: int
    ) -> tuple[np.ndarray, np.ndarray]:
        vector = self._embedder.embed_queries([query])
        # Exhaustive search over a few thousand vectors takes well under a millisecond, and a
        # full ranking lets the filters apply exactly.
        scores, ids = self._dense.search(vector, self._dense.ntotal)
        keep = (ids[0] >= 0) & mask[np.maximum(ids[0], 0)]
        return ids[0][keep][:depth], scores[0][keep][:depth]

    def _lexical_ranking(
        self, query: str, mask: np.ndarray, depth: int
    ) -> tuple[np.ndarray, np.ndarray]:
        scores = self._lexical.scores(query)
        candidates = np.flatnonzero(mask & (scores > 0))
        order = candidates[np.argsort(-scores[candidates], kind="stable")][:depth]
        return order, scores[order]

    def _lexical_side(
        self, query: str, synonyms: list[str], mask: np.ndarray, depth: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """BM25 on the query and its English synonyms, or on the English forms alone when the
        query's own-language words are not found together (see OWN_COVERAGE)."""
        order, scores = self._lexical_ranking(_with(query, synonyms), mask, depth)
        own = {t for t in content_terms(query) if not t.isascii()}
        if not own or self._coverage(own, order[:3]) >= OWN_COVERAGE:
            return order, scores
        english = " ".join([*LATIN_WORD.findall(query), *synonyms])
        return self._lexical_ranking(english, mask, depth)

    def _coverage(self, terms: set[str], rows: np.ndarray) -> float:
        vocabularies = self._lexical.vocabularies
        return max((len(terms & vocabularies[i]) / len(terms) for i in rows.tolist()), default=0.0)

    def _fuse(
        self, orders: list[np.ndarray], k: int, distinct: bool, mask: np.ndarray
    ) -> list[Hit]:
        chunk_score: dict[int, float] = {}
        group_score: dict[str, float] = {}
        for order in orders:
            seen: set[str] = set()
            for rank, i in enumerate(order.tolist(), start=1):
                chunk_score[i] = chunk_score.get(i, 0.0) + 1.0 / (RRF_K + rank)
            # A group is ranked by its first chunk in each list, then fused across lists.
            group_rank = 0
            for i in order.tolist():
                group = self._group_of(i, distinct)
                if group in seen:
                    continue
                seen.add(group)
                group_rank += 1
                group_score[group] = group_score.get(group, 0.0) + 1.0 / (RRF_K + group_rank)
        best_chunk: dict[str, int] = {}
        for i, score in chunk_score.items():
            group = self._group_of(i, distinct)
            if group not in best_chunk or score > chunk_score[best_chunk[group]]:
                best_chunk[group] = i
        ranked = sorted(group_score, key=lambda g: (-group_score[g], best_chunk[g]))[:k]
        return [
            Hit.of(self.chunks[self._shown(best_chunk[g], distinct, mask)], rank, group_score[g])
            for rank, g in enumerate(ranked, start=1)
        ]

    def _single(
        self, order: np.ndarray, scores: np.ndarray, k: int, distinct: bool, mask: np.ndarray
    ) -> list[Hit]:
        hits: list[Hit] = []
        seen: set[str] = set()
        for i, score in zip(order.tolist(), scores.tolist(), strict=True):
            group = self._group_of(i, distinct)
            if group in seen:
                continue
            seen.add(group)
            hits.append(
                Hit.of(self.chunks[self._shown(i, distinct, mask)], len(hits) + 1, float(score))
            )
            if len(hits) == k:
                break
        return hits

    def _shown(self, i: int, distinct: bool, mask: np.ndarray) -> int:
        """The chunk that represents a hit: one question is shown by its own text (with its
        English rendering), whichever of its chunks matched, if the filters admit it."""
        if not distinct or self.chunks[i].kind == "question":
            return i
        row = self._question_rows.get(self._groups[i])
        return row if row is not None and mask[row] else i

    def _group_of(self, i: int, distinct: bool) -> str:
        return self._groups[i] if distinct else self.chunks[i].chunk_id


def _with(query: str, terms: list[str]) -> str:
    return f"{query} ({', '.join(terms)})" if terms else query


def _checked_query(query: str) -> str:
    query = (query or "").strip()
    if not query:
        raise InputError("query", query, "a non-empty question or phrase")
    limit = get_settings().max_answer_chars
    if len(query) > limit:
        raise InputError("query", f"{query[:40]}…", f"at most {limit} characters")
    return query


_retrievers: dict[tuple[str, str, str], Retriever] = {}
_lock = threading.Lock()


def get_retriever(spec: str | None = None, *, rebuild: bool = True) -> Retriever:
    """The process-wide retriever; builds a missing or stale index first (with a notice)
    unless `rebuild` is False, in which case such an index raises IndexStaleError."""
    settings = get_settings()
    embedder = embedders.get_embedder(spec)
    cache_key = (embedder.id, str(settings.index_dir), str(settings.corpus_dir))
    with _lock:
        if cache_key not in _retrievers:
            loaded = index_store.load(
                embedder, on_problem="rebuild" if rebuild else "raise", notice=log.warning
            )
            _retrievers[cache_key] = Retriever(loaded, embedder)
        return _retrievers[cache_key]


def reset() -> None:
    """Forget loaded indexes (after a rebuild in this process)."""
    with _lock:
        _retrievers.clear()


def search(
    query: str,
    k: int = 5,
    *,
    topic: str | None = None,
    lang: str | None = None,
    source: str | None = None,
    kind: str | None = None,
    distinct: bool = True,
) -> list[Hit]:
    """Hybrid search over the default index (see Retriever.search)."""
    return get_retriever().search(
        query, k, topic=topic, lang=lang, source=source, kind=kind, distinct=distinct
    )
