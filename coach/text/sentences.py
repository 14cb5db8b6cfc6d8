"""Sentence spans with their character offsets (they show which sentence covered a key point)."""

from __future__ import annotations

import re
from typing import NamedTuple

# A sentence ends at terminal punctuation followed by space, or at a line break / bullet.
_SENTENCE_END = re.compile(r"\s*\n\s*(?:[-*•]\s+|\d+[.)]\s+)?|(?<=[.!?;])\s+|(?<=[。！？；؟])")
_BULLET = re.compile(r"^(?:[-*•]|\d+[.)])\s+")


class Span(NamedTuple):
    start: int
    end: int
    text: str


def sentences(text: str) -> list[Span]:
    spans: list[Span] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        _add_span(spans, text, start, match.start())
        start = match.end()
    _add_span(spans, text, start, len(text))
    return spans


def _add_span(spans: list[Span], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = _BULLET.sub("", piece.strip())
    if len(stripped) >= 2:
        offset = start + piece.index(stripped)
        spans.append(Span(offset, offset + len(stripped), stripped))
