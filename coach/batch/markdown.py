"""The hand-written answer format: Markdown a candidate would write anyway.

    # Mock interview, Jane Doe            <- a title: ignored, with any text under it

    ## 1. What does the KV cache store?   <- a heading is a question ("1.", "Q1:" are dropped)
    Keys and values of past tokens ...    <- the text below it, up to the next heading, is the
                                             answer (paragraphs, lists, code, ### subheadings)
    ## ru-quiz-001                        <- a heading that is a bank id grades against the key
    Веса 28 ГБ, градиенты 28 ГБ ...

    ## Why scale attention by sqrt(d_k)?
    Answer: it keeps the logits ...       <- an "Answer:" label is optional
    Reference: dot products grow ...      <- optional teacher's reference (teacher mode)
    Key points:                           <- optional key points, one per bullet
    - variance grows with d_k
    - softmax saturates

Questions are the headings of the shallowest level used more than once (a file with one
question: its deepest heading); shallower headings are titles or sections, deeper ones part of
an answer; a question heading with nothing under it is an empty answer. Without headings,
"Q:" / "A:" lines work too (also "Question:", "Вопрос:", "Ответ:", "问题:", "答:", "سؤال:",
"پاسخ:"). Labels may be bold (**Answer:**). Headings inside code blocks are text.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_NUMBER = re.compile(
    r"^(?:(?:q|question|вопрос|سؤال|سوال|问题|题)\s*\d*\s*[:.)\-–—]?\s*|\d+\s*[.):\-–—]\s*)",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-*•+]|\d+[.)])\s*")
_BANK_ID = re.compile(r"\b([a-z]{2}-[a-z0-9]+-[a-z0-9-]*[0-9])\b")


def _label(*names: str) -> re.Pattern[str]:
    return re.compile(
        r"^\s*(?:\*\*|__)?(?:" + "|".join(names) + r")\s*[:：]\s*(?:\*\*|__)?\s*", re.IGNORECASE
    )


_QUESTION = _label("q", "question", "вопрос", "سؤال", "سوال", "问题", "问")
_ANSWER = _label("a", "answer", "ответ", "پاسخ", "جواب", "答", "答案", "回答")
_REFERENCE = _label(
    "reference",
    "reference answer",
    "эталон",
    "эталонный ответ",
    "مرجع",
    "پاسخ مرجع",
    "参考答案",
    "参考",
)
_POINTS = _label(
    "key points", "ключевые пункты", "ключевые моменты", "نکات کلیدی", "要点", "关键点"
)


def parse_markdown(text: str) -> list[tuple[dict[str, Any], int]]:
    """(record, line of its question) for every question in the text."""
    blocks = _blocks(text.splitlines())
    records = []
    for number, (heading, body, line) in enumerate(blocks, start=1):
        record = _record(heading, body)
        # Ids survive edits elsewhere in the file (a rerun skips what is graded): the bank id,
        # else the question's position.
        record["id"] = record.get("question_id") or f"q{number}"
        records.append((record, line))
    return records


def _blocks(lines: list[str]) -> list[tuple[str, list[str], int]]:
    """(question, body lines, line number) per question.

    Questions sit at the shallowest heading level used more than once (the deepest level
    when none repeats); shallower headings are titles and sections (dropped with their
    text), deeper ones belong to an answer. A file without headings uses "Q:" lines instead.
    """
    outside = _outside_fences(lines)
    levels = [
        len(m.group(1))
        for line, out in zip(lines, outside, strict=True)
        if out and (m := _HEADING.match(line))
    ]
    counts = Counter(levels)
    repeated = [k for k, n in counts.items() if n > 1]
    level = min(repeated) if repeated else max(counts, default=None)
    blocks: list[tuple[str, list[str], int]] = []
    current: list[str] | None = None  # body being collected; None in a preamble or section
    for number, (line, out) in enumerate(zip(lines, outside, strict=True), start=1):
        heading = _HEADING.match(line) if out else None
        if heading and len(heading.group(1)) <= (level or 0):
            current = None
            if len(heading.group(1)) == level:
                blocks.append((heading.group(2), [], number))
                current = blocks[-1][1]
            continue
        question = _QUESTION.match(line) if out and level is None else None
        if question:
            blocks.append((line[question.end() :].strip(), [], number))
            current = blocks[-1][1]
        elif current is not None:
            current.append(line)
    return blocks


def _outside_fences(lines: list[str]) -> list[bool]:
    flags, fenced = [], False
    for line in lines:
        if _FENCE.match(line):
            fenced = not fenced
            flags.append(False)
        else:
            flags.append(not fenced)
    return flags


def _record(heading: str, body: list[str]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    question = _NUMBER.sub("", heading.strip()).strip()
    bank_id = _BANK_ID.search(question)
    if bank_id and len(question) - len(bank_id.group(1)) < 8:
        record["question_id"] = bank_id.group(1)
    else:
        record["question"] = question
    sections: dict[str, list[str]] = {"answer": [], "reference": [], "key_points": []}
    current = "answer"
    for line in body:
        for name, label in (
            ("answer", _ANSWER),
            ("reference", _REFERENCE),
            ("key_points", _POINTS),
        ):
            match = label.match(line)
            if match:
                current, line = name, line[match.end() :]
                break
        sections[current].append(line)
    record["answer"] = "\n".join(sections["answer"]).strip()
    reference = "\n".join(sections["reference"]).strip()
    if reference:
        record["reference"] = reference
    points = [_BULLET.sub("", p).strip() for p in sections["key_points"]]
    if any(points):
        record["key_points"] = [p for p in points if p]
    return record
