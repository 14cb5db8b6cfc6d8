"""ru_llm_quiz_questions.md: `### Вопрос: <title>` blocks, each with one question line."""

from __future__ import annotations

import re
from pathlib import Path

from coach.corpus.models import Kind, Question, Topic
from coach.corpus.parsers.common import read_lines, require, strip_bold
from coach.corpus.topics import classify

HEADER = re.compile(r"^###\s*Вопрос:\s*(.+?)\s*$")
QUESTION = re.compile(r"^(?:\*\*)?Вопрос:(?:\*\*)?\s*(.+?)\s*$")
# The memory questions ask for a number the calculators reproduce.
NUMERIC = re.compile(r"сколько памяти|отличие в потреблении памяти", re.IGNORECASE)


def parse(path: Path) -> list[Question]:
    lines = read_lines(path)
    questions: list[Question] = []
    title: str | None = None
    title_line = 0
    for number, line in enumerate(lines, start=1):
        header = HEADER.match(line)
        if header:
            require(title is None, path, title_line, "question header without a question line")
            title, title_line = header.group(1), number
            continue
        match = QUESTION.match(line.strip())
        if match and title is not None:
            text = strip_bold(match.group(1))
            questions.append(
                Question(
                    id=f"ru-quiz-{len(questions) + 1:03d}",
                    source=path.name,
                    line=title_line,
                    lang="ru",
                    section=title,
                    topic=classify(title, text, default=Topic.TRAINING),
                    kind=Kind.NUMERIC if NUMERIC.search(text) else Kind.OPEN,
                    text=text,
                )
            )
            title = None
    require(title is None, path, title_line, "question header without a question line")
    return questions
