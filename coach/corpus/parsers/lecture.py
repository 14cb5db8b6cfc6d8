"""ru_generative_nlp_lecture.md: a slide deck exported as plain text, in Roman-numbered parts.

Slides carry no markers, so a part is cut into slide-sized passages at paragraph boundaries
(never inside a code block); each passage is headed by its part and its first line.
"""

from __future__ import annotations

import re
from pathlib import Path

from coach.corpus.models import Passage
from coach.corpus.parsers.common import read_lines

PART = re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)\.\s+\S")
TARGET_CHARS = 900


def _paragraphs(lines: list[str], start: int) -> list[tuple[int, list[str]]]:
    """(line number, lines) paragraphs separated by blank lines; code blocks stay whole."""
    paragraphs: list[tuple[int, list[str]]] = []
    block: list[str] = []
    block_start = start
    in_code = False
    for offset, line in enumerate(lines):
        if line.strip().startswith("```"):
            in_code = not in_code
        if not line.strip() and not in_code:
            if block:
                paragraphs.append((block_start, block))
            block = []
            continue
        if not block:
            block_start = start + offset
        block.append(line.rstrip())
    if block:
        paragraphs.append((block_start, block))
    return paragraphs


def parse(path: Path) -> list[Passage]:
    lines = read_lines(path)
    starts = [i for i, line in enumerate(lines) if PART.match(line)]
    bounds = [(0, "Введение")] + [(i, lines[i].strip()) for i in starts]
    passages: list[Passage] = []
    for n, (begin, title) in enumerate(bounds):
        end = bounds[n + 1][0] if n + 1 < len(bounds) else len(lines)
        chunk: list[str] = []
        chunk_line = begin + 1
        for line_no, para in _paragraphs(lines[begin:end], begin + 1):
            if chunk and sum(map(len, chunk)) + sum(map(len, para)) > TARGET_CHARS:
                passages.append(_passage(path, len(passages), chunk_line, title, chunk))
                chunk = []
            if not chunk:
                chunk_line = line_no
            chunk.append("\n".join(para))
        if chunk:
            passages.append(_passage(path, len(passages), chunk_line, title, chunk))
    return passages


def _passage(path: Path, index: int, line: int, section: str, paragraphs: list[str]) -> Passage:
    return Passage(
        id=f"ru-lecture-{index + 1:03d}",
        source=path.name,
        line=line,
        lang="ru",
        section=section,
        heading=_heading(paragraphs),
        text="\n\n".join(paragraphs),
    )


def _heading(paragraphs: list[str]) -> str:
    """The first line that reads like a slide title: prose, short, outside code and formulas."""
    in_code = False
    for para in paragraphs:
        for raw in para.splitlines():
            line = raw.strip()
            if line.startswith("```"):
                in_code = not in_code
                continue
            if in_code or not line or len(line) > 80 or "\t" in line:
                continue
            if line.startswith(("-", "*", "$", "\\", "|")) or line[0].isdigit():
                continue
            return line
    return paragraphs[0].splitlines()[0].strip()[:120]
