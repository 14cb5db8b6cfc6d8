"""Split the bank, the lecture and the answer key into the chunks the index stores.

Every chunk that belongs to a question carries its id, so a hit on an English rendering,
a reference answer or a key point leads back to the (mostly Russian or Persian) question.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, get_args

from pydantic import BaseModel

from coach.corpus.bank import Bank
from coach.corpus.key import KeyEntry
from coach.corpus.models import Kind, Passage, Question, Topic

ChunkKind = Literal["question", "answer", "passage", "text_en", "reference", "key_point"]
CHUNK_KINDS: tuple[str, ...] = get_args(ChunkKind)
Splitter = Callable[[str], list[str]]


class ChunkingParams(BaseModel):
    splitter: str = "RecursiveCharacterTextSplitter"
    # ~800 characters of Russian is ~250 e5 tokens: well inside the 512-token window.
    chunk_size: int = 800
    chunk_overlap: int = 100
    # Kinds that get a dense vector; the others are found through BM25 only. The key's
    # references and key points are ~80% of all tokens: embedding them would triple the
    # build time, while the English rendering (text_en) already carries each question
    # across languages.
    dense_kinds: tuple[str, ...] = ("question", "text_en", "answer", "passage")


class Chunk(BaseModel):
    chunk_id: str
    kind: ChunkKind
    source: str
    question_id: str | None = None
    # Shown to the user, in the material's original language.
    text: str
    text_en: str | None = None
    section: str
    lang: str
    topic: Topic | None = None
    # What is embedded and tokenized, where it differs from `text`: a "text_en" chunk is
    # searched by its English rendering but shows the original question.
    search_text: str | None = None

    @property
    def content(self) -> str:
        return self.search_text or self.text


def build_chunks(bank: Bank, keys: dict[str, KeyEntry], params: ChunkingParams) -> list[Chunk]:
    """All chunks in a stable order: the dense kinds first (row i of the vectors is chunk i),
    each part in bank order, then passages."""
    split = _splitter(params)
    chunks: list[Chunk] = []
    for question in bank.questions:
        chunks.extend(_question_chunks(question, keys.get(question.id), split))
    for passage in bank.passages:
        chunks.extend(_passage_chunks(passage, split))
    return sorted(chunks, key=lambda c: c.kind not in params.dense_kinds)


def _splitter(params: ChunkingParams) -> Splitter:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=params.chunk_size, chunk_overlap=params.chunk_overlap
    )
    return splitter.split_text


def _with_options(text: str, options: list[str]) -> str:
    return "\n".join([text, *(f"- {option}" for option in options)])


def _question_chunks(question: Question, entry: KeyEntry | None, split: Splitter) -> list[Chunk]:
    def make(suffix: str, kind: ChunkKind, text: str, lang: str, **extra: str | None) -> Chunk:
        return Chunk(
            chunk_id=f"{question.id}#{suffix}",
            kind=kind,
            source=question.source,
            question_id=question.id,
            text=text,
            section=question.section,
            lang=lang,
            topic=question.topic,
            **extra,
        )

    is_mcq = question.kind == Kind.MULTIPLE_CHOICE
    shown = _with_options(question.text, question.options) if is_mcq else question.text
    text_en = None
    if entry:
        text_en = _with_options(entry.text_en, entry.options_en) if is_mcq else entry.text_en
    chunks = [make("q", "question", shown, question.lang, text_en=text_en)]
    if question.text_zh:
        chunks.append(make("zh", "question", question.text_zh, "zh", text_en=text_en))
    for i, piece in enumerate(split(question.answer or "")):
        chunks.append(make(f"answer-{i}", "answer", piece, question.lang))
    if entry is None:
        return chunks
    if text_en and question.lang != "en":
        chunks.append(
            make("en", "text_en", shown, question.lang, text_en=text_en, search_text=text_en)
        )
    for i, piece in enumerate(split(entry.reference_en)):
        chunks.append(make(f"ref-{i}", "reference", piece, "en"))
    for i, piece in enumerate(split(entry.reference_orig or "")):
        chunks.append(make(f"ref-orig-{i}", "reference", piece, question.lang))
    for i, point in enumerate(entry.key_points):
        # The alternative phrasings carry the original-language terms a candidate would use.
        alts = "; ".join(point.alt)
        chunks.append(
            make(
                f"kp-{i}",
                "key_point",
                point.text,
                "en",
                search_text=f"{point.text} ({alts})" if alts else None,
            )
        )
    return chunks


def _passage_chunks(passage: Passage, split: Splitter) -> list[Chunk]:
    section = (
        passage.heading
        if passage.section == passage.heading
        else (f"{passage.section} › {passage.heading}")
    )
    chunks = []
    for i, piece in enumerate(split(passage.text)):
        # Later pieces lose the slide heading; keep it in what is searched.
        search_text = None if piece.startswith(passage.heading) else f"{passage.heading}\n{piece}"
        chunks.append(
            Chunk(
                chunk_id=f"{passage.id}#{i}",
                kind="passage",
                source=passage.source,
                text=piece,
                section=section,
                lang=passage.lang,
                search_text=search_text,
            )
        )
    return chunks
